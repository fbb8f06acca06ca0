"""dist/ as one unit: versioned builds behind one atomic pointer, checked on open (issue 12, items 1, 3, 4, 10)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from smr_kg import paths

ONTOLOGY = Path(__file__).parents[1] / "ontology"
CHAIN = Path(__file__).parent / "fixtures" / "build" / "chain.ttl"
EXTRA = """@prefix smr: <https://w3id.org/smr-kg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
smr:Extra a owl:Class ; rdfs:subClassOf smr:Condition ; rdfs:label "extra"@en .
"""

KILLING_BUILD = textwrap.dedent("""
    # `smr-kg build` that SIGKILLs itself before its N-th file-system change (N = argv[1]; 0: never)
    import os, signal, sys
    import smr_kg.build.pipeline, smr_kg.cli, smr_kg.exports.export, smr_kg.stages.load, smr_kg.stages.mappings, smr_kg.store
    kill_at, calls = int(sys.argv[1]), 0

    def killing(real):
        def call(*args, **kwargs):
            global calls
            calls += 1
            if calls == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return call

    for name in ("replace", "rename", "symlink", "unlink", "rmdir", "mkdir", "fsync"):
        setattr(os, name, killing(getattr(os, name)))
    sys.exit(smr_kg.cli.main(sys.argv[2:]))
""")


@pytest.fixture(scope="module")
def ontologies(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two small ontologies (core + a causal chain; the same + one class) that build in a blink."""
    a, b = tmp_path_factory.mktemp("onto-a"), tmp_path_factory.mktemp("onto-b")
    for target in (a, b):
        shutil.copy(ONTOLOGY / "smr-core.ttl", target)
        shutil.copy(CHAIN, target)
    (b / "extra.ttl").write_text(EXTRA)
    return a, b


def _build(ontology: Path, target: Path, kill_at: int = 0) -> subprocess.Popen[str]:
    args = ["build", "--no-reasoner", "--no-validate", "--ontology", str(ontology), "--dist", str(target)]
    return subprocess.Popen([sys.executable, "-c", KILLING_BUILD, str(kill_at), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _state(target: Path) -> tuple[int, int]:
    """(triples in dist/smr-kg.ttl, triples in dist/store): which build each file comes from."""
    import pyoxigraph
    from rdflib import Graph

    turtle = len(Graph().parse(target / paths.BUILT_TTL, format="turtle"))
    store = pyoxigraph.Store.read_only(str(target / paths.STORE_DIR))
    return turtle, len(list(store.quads_for_pattern(None, None, None)))


def test_a_build_is_one_directory_behind_an_atomic_pointer(built) -> None:
    from smr_kg.store import dist as distdir

    dist, _ = built
    pointer = dist / distdir.CURRENT
    assert pointer.is_symlink() and os.readlink(pointer).startswith(distdir.BUILDS + "/")
    manifest = json.loads((pointer / distdir.MANIFEST).read_text())
    assert set(manifest["files"]) >= {paths.BUILT_TTL} and any(k.startswith("store/") for k in manifest["files"])
    assert (dist / paths.BUILT_TTL).resolve() == (pointer / paths.BUILT_TTL).resolve()
    assert (dist / distdir.MARKER).is_file()


def test_kill_9_at_any_step_leaves_the_old_or_the_new_build_never_a_mix(ontologies, tmp_path: Path) -> None:
    """Issue: a kill between the store swap and the Turtle write left a new store beside an old
    Turtle. Here each build is killed before its 1st, 2nd, ... file-system change in turn, building
    A and B alternately, until one runs to the end; then one more build must leave no leftovers."""
    target = tmp_path / "dist"
    states = {}
    for ontology in ontologies:
        assert _build(ontology, target).wait(120) == 0
        states[ontology] = _state(target)
    assert len(set(states.values())) == 2
    current = ontologies[1]
    for kill_at in range(1, 60):
        other = ontologies[0] if current == ontologies[1] else ontologies[1]
        code = _build(other, target, kill_at).wait(120)
        found = _state(target)
        assert found in (states[current], states[other]), f"killed at step {kill_at}: a mix {found}"
        current = other if found == states[other] else current
        if code == 0:
            break
        assert code == -9
    else:
        pytest.fail("the build never completed")
    assert kill_at > 5, "the kill points covered the build's steps"
    assert _build(ontologies[0], target).wait(120) == 0
    hidden = [p.name for p in target.iterdir() if p.name.startswith(".") and p.name not in (".smr-kg-dist", ".smr-kg.lock")]
    assert hidden == [], "leftovers of interrupted builds"
    assert len(list((target / "builds").iterdir())) <= 2


def test_concurrent_builds_take_turns_and_all_succeed(ontologies, tmp_path: Path) -> None:
    """Issue: concurrent replace_dir calls raised 'Directory not empty' and FileNotFoundError."""
    target = tmp_path / "dist"
    runs = [_build(ontology, target) for ontology in (*ontologies, *ontologies)]
    results = [(run.wait(120), run.stderr.read()) for run in runs]
    assert all(code == 0 for code, _ in results), results
    turtle, store = _state(target)
    assert turtle >= store > 0
    assert len(list((target / "builds").iterdir())) <= 2


def test_leftovers_of_interrupted_builds_are_removed_by_the_next_build(ontologies, tmp_path: Path) -> None:
    target = tmp_path / "dist"
    assert _build(ontologies[0], target).wait(120) == 0
    stale = target / "builds" / "20000101T000000-dead"
    (stale / "store").mkdir(parents=True)
    (target / ".current.999").symlink_to("builds/20000101T000000-dead")
    assert _build(ontologies[1], target).wait(120) == 0
    assert not stale.exists() and not (target / ".current.999").is_symlink()


def test_build_never_deletes_what_it_did_not_create(run_cli, tmp_path: Path) -> None:
    """Issue: `mkdir -p x/store && echo data > x/store/f && smr-kg build --dist x` deleted f."""
    target = tmp_path / "x"
    (target / "store").mkdir(parents=True)
    (target / "store" / "f").write_text("data")
    code, _, err = run_cli("build", "--no-reasoner", "--no-validate", "--dist", str(target))
    assert code == 2 and "not an smr-kg build" in err and len(err.splitlines()) == 1
    assert (target / "store" / "f").read_text() == "data"
    assert sorted(p.name for p in target.iterdir()) == ["store"]


def test_build_into_a_working_directory_is_refused(run_cli, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("build", "--no-reasoner", "--dist", ".")
    assert code == 2 and "not an smr-kg build" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_files_the_user_adds_to_a_build_directory_are_kept(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "dist"
    assert run_cli("build", "--no-reasoner", "--no-validate", "--dist", str(target))[0] == 0
    (target / "README.txt").write_text("mine")
    assert run_cli("build", "--no-reasoner", "--no-validate", "--dist", str(target))[0] == 0
    assert (target / "README.txt").read_text() == "mine"


def test_a_dist_of_the_older_layout_is_upgraded(run_cli, built, tmp_path: Path) -> None:
    from smr_kg.store import dist as distdir

    dist, _ = built
    old = tmp_path / "old"
    old.mkdir()
    shutil.copy(dist / paths.BUILT_TTL, old / paths.BUILT_TTL)
    shutil.copytree(dist / paths.STORE_DIR, old / paths.STORE_DIR)
    with pytest.raises(distdir.BuildMissing, match="older smr-kg"):
        distdir.current(old)
    code, _, err = run_cli("build", "--no-reasoner", "--no-validate", "--dist", str(old))
    assert code == 0, err
    assert (old / distdir.CURRENT).is_symlink() and (old / paths.BUILT_TTL).is_symlink()


def test_build_dist_onto_a_file_is_a_clean_error(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("mine")
    code, _, err = run_cli("build", "--no-reasoner", "--dist", str(target))
    assert code == 2 and "not a directory" in err and len(err.splitlines()) == 1
    assert target.read_text() == "mine"


@pytest.fixture
def damaged(built, tmp_path: Path, monkeypatch) -> Path:
    """A copy of the session build whose store has flipped bytes in one SST file."""
    dist, _ = built
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy, symlinks=True)
    sst = _largest_sst(copy)
    data = bytearray(sst.read_bytes())
    for i in range(100, len(data) // 2, 97):
        data[i] ^= 0xFF
    sst.write_bytes(bytes(data))
    monkeypatch.setenv("SMR_KG_DIST", str(copy))
    return copy


@pytest.mark.parametrize("command", [("lookup", "atrial fibrillation"), ("path", "atrial fibrillation"),
                                     ("query", "causes"), ("answer", "causes"), ("validate",)])
def test_a_damaged_store_is_reported_with_the_fix(run_cli, damaged, command) -> None:
    """Issue: flipped bytes in an SST file made lookup say 'no term is named "atrial fibrillation"'."""
    code, out, err = run_cli(*command)
    assert code == 2 and "damaged" in err and "smr-kg build" in err, err
    assert "no term is named" not in err and len(err.splitlines()) == 1 and out == ""


def _largest_sst(dist: Path) -> Path:
    return max((dist / paths.STORE_DIR).glob("*.sst"), key=lambda p: p.stat().st_size)


def test_an_untouched_store_is_trusted_by_its_recorded_file_identities_not_rehashed(built, monkeypatch) -> None:
    """Issue 14: hashing every store file on every command cost hashlib's import and ~0.1 s at 1M triples."""
    from smr_kg.store import dist as dist_module

    dist, _ = built
    monkeypatch.setattr(dist_module, "_file_sha256", lambda path: pytest.fail(f"{path} was hashed"))
    dist_module.current(dist).verify_store()


def test_a_store_file_damaged_in_place_is_reported_even_with_its_mtime_set_back(run_cli, built, tmp_path: Path,
                                                                                monkeypatch) -> None:
    """The recorded identity includes the ctime, which a write changes and nothing sets back."""
    from smr_kg.store.dist import _identity

    dist, _ = built
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy, symlinks=True)
    manifest_path = copy / "current" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for name in manifest["identities"]:  # as if this copy had been built here
        manifest["identities"][name] = _identity((copy / "current" / name).stat())
    manifest_path.write_text(json.dumps(manifest))
    monkeypatch.setenv("SMR_KG_DIST", str(copy))
    assert run_cli("query", "causes")[0] == 0
    sst = _largest_sst(copy)
    before = sst.stat()
    with open(sst, "r+b") as fh:  # the same inode, the same size
        fh.seek(100)
        flipped = bytes(b ^ 0xFF for b in fh.read(2000))
        fh.seek(100)
        fh.write(flipped)
    os.utime(sst, ns=(before.st_atime_ns, before.st_mtime_ns))
    code, out, err = run_cli("query", "causes")
    assert code == 2 and "damaged" in err and "does not match its checksum" in err and out == "", err


def test_a_damaged_turtle_is_reported_with_the_fix(run_cli, built, tmp_path: Path, monkeypatch) -> None:
    dist, _ = built
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy, symlinks=True)
    turtle = copy / paths.BUILT_TTL
    turtle.write_bytes(turtle.read_bytes()[: turtle.stat().st_size // 2])
    monkeypatch.setenv("SMR_KG_DIST", str(copy))
    for command in (("export",), ("query", "causes", "--engine", "rdflib")):
        code, _, err = run_cli(*command)
        assert code == 2 and "damaged" in err and "smr-kg build" in err, err


def test_no_build_at_all_says_to_build(run_cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SMR_KG_DIST", str(tmp_path / "none"))
    for command in (("lookup", "atrial fibrillation"), ("query", "causes"), ("validate",), ("export",)):
        code, _, err = run_cli(*command)
        assert code == 2 and "smr-kg build" in err and len(err.splitlines()) == 1
