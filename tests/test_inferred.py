"""The shipped HermiT hierarchy (ontology/reasoner/inferred.ttl): builds without Java answer the same
(issue 12, item 12), and a build without inferences says so on every command that reads it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from smr_kg import paths

ONTOLOGY = Path(__file__).parents[1] / "ontology"
TEER = ("query", "teer-criteria", "--param", "therapy=mitral valve intervention", "--format", "csv")
READERS = [TEER, ("lookup", "atrial fibrillation"), ("path", "atrial fibrillation"), ("answer", "causes"),
           ("diagram", "--format", "mermaid"), ("export", "-f", "nt"), ("validate",),
           ("mappings", "--unmapped"), ("query", "causes", "--engine", "rdflib")]


@pytest.fixture(scope="module")
def no_java_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from smr_kg.build.pipeline import build

    target = tmp_path_factory.mktemp("nojava")
    build(dist=target, reasoner=False)
    return target


def test_the_shipped_hierarchy_is_outside_the_ontology_glob() -> None:
    from smr_kg.stages.load import ontology_files

    assert (ONTOLOGY / "reasoner" / "inferred.ttl").is_file()
    assert all(p.parent == ONTOLOGY for p in ontology_files())


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java (CI installs it)")
def test_the_shipped_hierarchy_equals_hermits_current_result() -> None:
    """When this fails, the ontology's logical axioms changed: run `smr-kg build --update-inferences`."""
    from smr_kg.stages import inferred
    from smr_kg.stages.load import load_ontology
    from smr_kg.stages.reason import classify

    graph = load_ontology()
    shipped, status = inferred.load(graph)
    assert status == "current", "ontology/reasoner/inferred.ttl is stale: run `smr-kg build --update-inferences`"
    hermit = classify(graph)
    assert {c: s for c, s in shipped.superclasses.items() if s} == {c: s for c, s in hermit.superclasses.items() if s}
    assert shipped.inferred_parents == hermit.inferred_parents
    assert inferred.render(hermit, inferred.logical_digest(graph)) == (ONTOLOGY / inferred.SNAPSHOT).read_bytes()


def test_a_build_without_java_answers_like_one_with_hermit(run_cli, no_java_dist: Path, monkeypatch) -> None:
    """Issue: after `build --no-reasoner`, teer-criteria for "mitral valve intervention" gave 0 rows (14 with HermiT)."""
    monkeypatch.setenv("SMR_KG_DIST", str(no_java_dist))
    code, out, err = run_cli(*TEER)
    assert code == 0 and err == ""
    assert len(out.splitlines()) - 1 >= 14


@pytest.mark.skipif(shutil.which("java") is None, reason="compares with a HermiT build")
def test_builds_with_and_without_java_are_byte_identical(built, no_java_dist: Path) -> None:
    dist, report = built
    assert report.reasoned
    assert (dist / paths.BUILT_TTL).read_bytes() == (no_java_dist / paths.BUILT_TTL).read_bytes()


@pytest.fixture(scope="module")
def changed_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built without Java from an ontology the shipped hierarchy does not match (one class added)."""
    from smr_kg.build.pipeline import build

    onto = tmp_path_factory.mktemp("changed") / "ontology"
    shutil.copytree(ONTOLOGY, onto)
    (onto / "zz-extra.ttl").write_text(
        "@prefix smr: <https://w3id.org/smr-kg/> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'smr:ExtraTherapy a owl:Class ; rdfs:subClassOf smr:Therapy ; rdfs:label "extra therapy"@en .\n'
    )
    target = tmp_path_factory.mktemp("changed-dist")
    report = build(onto, target, reasoner=False, validate=False)
    assert report.inferences == "none" and report.snapshot == "stale"
    assert "no inferred classes" in report.summary()
    return target


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_every_command_reading_a_build_without_inferences_says_so(run_cli, changed_dist: Path, monkeypatch, command) -> None:
    monkeypatch.setenv("SMR_KG_DIST", str(changed_dist))
    code, _, err = run_cli(*command)
    assert code in (0, 1), err
    assert "warning: this build has no reasoner inferences" in err


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_commands_reading_a_complete_build_do_not_warn(run_cli, no_java_dist: Path, monkeypatch, command) -> None:
    monkeypatch.setenv("SMR_KG_DIST", str(no_java_dist))
    code, _, err = run_cli(*command)
    assert code in (0, 1) and "warning" not in err


def test_update_inferences_needs_the_reasoner(run_cli, tmp_path: Path) -> None:
    code, _, err = run_cli("build", "--no-reasoner", "--update-inferences", "--dist", str(tmp_path / "d"))
    assert code == 2 and "--update-inferences" in err


def test_annotation_edits_keep_the_shipped_hierarchy_current(tmp_path: Path) -> None:
    """The key is the logical axioms only: a new label or source does not make the snapshot stale."""
    from smr_kg.stages import inferred
    from smr_kg.stages.load import load_ontology

    onto = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, onto)
    (onto / "zz-note.ttl").write_text(
        '@prefix smr: <https://w3id.org/smr-kg/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
        'smr:AtrialFibrillation rdfs:comment "a curator note"@en .\n'
    )
    assert inferred.status(load_ontology(onto), onto) == "current"


def test_a_rebuild_reuses_the_recorded_logical_digest_and_an_edit_recomputes_it(tmp_path: Path, monkeypatch) -> None:
    """The logical digest costs a canonical serialization of every logical axiom (a tenth of a
    1M-triple build), so a build records it under the digest of the ontology's files and the next
    build of the same files reuses it; any edit of a file computes it again."""
    from smr_kg.stages import inferred
    from smr_kg.build.pipeline import build

    onto, dist = tmp_path / "ontology", tmp_path / "dist"
    shutil.copytree(ONTOLOGY, onto)
    assert build(onto, dist, reasoner=False, validate=False).inferences == "snapshot"
    computed = []
    real = inferred.logical_digest
    monkeypatch.setattr(inferred, "logical_digest", lambda graph: computed.append(1) or real(graph))
    assert build(onto, dist, reasoner=False, validate=False).inferences == "snapshot"
    assert computed == []
    with open(onto / "smr-core.ttl", "a", encoding="utf-8") as fh:  # a new class: a new logical axiom
        fh.write("\n<https://w3id.org/smr-kg/Unforeseen> a <http://www.w3.org/2002/07/owl#Class> .\n")
    edited = build(onto, dist, reasoner=False, validate=False)
    assert computed == [1] and (edited.inferences, edited.snapshot) == ("none", "stale")
