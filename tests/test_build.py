"""`smr-kg build`: writes dist/ atomically, reports what it built, fails cleanly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from smr_kg import paths
from smr_kg.build.pipeline import build

FIXTURES = Path(__file__).parent / "fixtures" / "build"
ONTOLOGY = Path(__file__).parents[1] / "ontology"


def _ontology_with(tmp_path: Path, *extra: str) -> Path:
    target = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, target)
    for name in extra:
        shutil.copy(FIXTURES / name, target / name)
    return target


def test_build_writes_turtle_and_store(built) -> None:
    dist, report = built
    assert (dist / paths.BUILT_TTL).stat().st_size > 0
    assert (dist / paths.STORE_DIR).is_dir()
    assert report.asserted_edges > 20
    assert report.evidence_sources >= 3
    text = report.summary()
    assert "classes:" in text and "edges:" in text and "evidence sources:" in text


def test_cli_build_prints_summary(run_cli, tmp_path: Path) -> None:
    code, out, err = run_cli("build", "--no-reasoner", "--dist", str(tmp_path))
    assert code == 0, err
    assert "built" in out and "HermiT: skipped" in out
    assert (tmp_path / paths.BUILT_TTL).is_file()


def test_syntax_error_names_file_and_line_and_writes_nothing(run_cli, tmp_path: Path) -> None:
    onto = _ontology_with(tmp_path, "syntax-error.ttl")
    dist = tmp_path / "dist"
    code, out, err = run_cli("build", "--ontology", str(onto), "--dist", str(dist))
    assert code == 2
    assert "syntax-error.ttl:5" in err
    assert "Traceback" not in err
    assert not dist.exists()


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_unsatisfiable_class_fails_the_build_and_keeps_old_output(run_cli, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assert run_cli("build", "--no-reasoner", "--dist", str(dist))[0] == 0
    before = (dist / paths.BUILT_TTL).read_bytes()
    onto = _ontology_with(tmp_path, "unsatisfiable.ttl")
    code, out, err = run_cli("build", "--ontology", str(onto), "--dist", str(dist))
    assert code == 1
    assert "unsatisfiable" in err and "bad mechanism" in err
    assert (dist / paths.BUILT_TTL).read_bytes() == before


def test_missing_java_message(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from smr_kg.stages import reason

    monkeypatch.setattr(reason.shutil, "which", lambda name: None)
    code, out, err = run_cli("build", "--dist", str(tmp_path))
    assert code == 1
    assert "Java" in err and "--no-reasoner" in err


def test_build_is_repeatable(tmp_path: Path) -> None:
    first = build(dist=tmp_path / "a", reasoner=False)
    second = build(dist=tmp_path / "b", reasoner=False)
    assert first.triples == second.triples


def test_built_turtle_is_byte_identical_across_builds(tmp_path: Path) -> None:
    """dist/smr-kg.ttl uses the canonical writer, so release diffs show only real changes."""
    build(dist=tmp_path / "a", reasoner=False, validate=False)
    build(dist=tmp_path / "b", reasoner=False, validate=False)
    assert (tmp_path / "a" / paths.BUILT_TTL).read_bytes() == (tmp_path / "b" / paths.BUILT_TTL).read_bytes()


def test_the_store_holds_the_turtles_triples_whatever_the_piece_size(tmp_path: Path, monkeypatch) -> None:
    """The stores are loaded from N-Triples in pieces: a piece boundary must lose, add or split
    nothing (a store's own loader gave each piece fresh blank nodes), and the store names blank
    nodes as the canonical form of the Turtle does."""
    import pyoxigraph as ox

    from smr_kg.store import write as store_write
    from smr_kg.rdf.canonical import Canonical
    from smr_kg.stages.load import read_turtle

    monkeypatch.setattr(store_write, "CHUNK", 7)
    report = build(dist=tmp_path, reasoner=False)  # the shapes ran in the memory store: it was whole
    store = ox.Store.read_only(str(tmp_path / paths.STORE_DIR))
    assert len(store) == report.triples
    labels = {t.value for quad in store for t in quad.triple if isinstance(t, ox.BlankNode)}
    canonical = Canonical(set(read_turtle(tmp_path / paths.BUILT_TTL)))
    assert labels == set(canonical.labels.values()) and labels


def test_the_canonical_graph_is_freed_without_the_cycle_collector(tmp_path: Path) -> None:
    """Regression: the Turtle writer's memo referred back to the writer, so the canonical form of a
    1M-triple graph (and the graph) stayed in memory until the cyclic collector ran, through the
    store loads: 2 GB peak instead of 1."""
    import gc
    import weakref

    from smr_kg.rdf.canonical import Canonical
    from smr_kg.rdf.serialize import to_turtle
    from smr_kg.stages.load import read_ontology

    canonical = Canonical(read_ontology())
    to_turtle(canonical)
    alive = weakref.ref(canonical)
    gc.disable()
    try:
        del canonical
        assert alive() is None
    finally:
        gc.enable()
