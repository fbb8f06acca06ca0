"""Users' own files: `--input` on build, query and export, `-` for stdin, and contradictions named.

One build with the user's cause (``tests/fixtures/validate/user-cause-with-evidence.ttl``, a made-up
cardiomyopathy acting through LV dilation with a made-up cohort as its source) is written to a
temporary dist/; every reading command must then show the cause.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from smr_kg import paths
from smr_kg.errors import InputError
from smr_kg.stages.inputs import read_inputs

FIXTURES = Path(__file__).parent / "fixtures"
USER_CAUSE = FIXTURES / "validate" / "user-cause-with-evidence.ttl"
CAUSE_IRI = "https://example.org/my-lab/ExampleCardiomyopathy"
ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"


@pytest.fixture(scope="module")
def user_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ built with the user's cause (HermiT when Java is present)."""
    from smr_kg.cli import main

    dist = tmp_path_factory.mktemp("user-dist")
    args = ["build", "--dist", str(dist), "--input", str(USER_CAUSE)]
    assert main(args if shutil.which("java") else [*args, "--no-reasoner"]) == 0
    return dist


@pytest.fixture
def on_user_dist(user_dist: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SMR_KG_DIST", str(user_dist))
    return user_dist


def test_the_users_cause_is_in_causes_through_path_lookup_and_answer(on_user_dist, run_cli) -> None:
    code, out, _ = run_cli("query", "causes-through", "--param", "mechanism=left ventricular dilation", "-f", "json")
    assert code == 0 and CAUSE_IRI in out
    code, out, _ = run_cli("path", "example cardiomyopathy")
    assert code == 0 and "acts through → left ventricular dilation" in out and "Example cohort study" in out
    code, out, _ = run_cli("lookup", "example cardiomyopathy", "--format", "json")
    assert code == 0 and json.loads(out)[0]["iri"] == CAUSE_IRI
    code, out, _ = run_cli("answer", "causes")
    assert code == 0 and "example cardiomyopathy" in out


@pytest.mark.parametrize("fmt", ["ttl", "nt", "xml", "jsonld", "obojson"])
def test_the_users_cause_is_in_every_export(on_user_dist, run_cli, fmt: str) -> None:
    code, out, _ = run_cli("export", "--format", fmt)
    assert code == 0 and ("ExampleCardiomyopathy" in out)


def test_the_build_summary_names_the_inputs(user_dist: Path, run_cli, tmp_path: Path) -> None:
    code, out, _ = run_cli("build", "--no-reasoner", "--dist", str(tmp_path), "-i", str(USER_CAUSE), "--format", "json")
    summary = json.loads(out)
    assert code == 0 and summary["inputs"] == [str(USER_CAUSE)] and summary["output"] == str(tmp_path / paths.BUILT_TTL)
    assert summary["triples"] > 4000 and summary["reasoned"] is False


def test_query_and_export_take_inputs_without_a_build(run_cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SMR_KG_DIST", str(tmp_path / "nothing-built"))
    code, out, err = run_cli("query", "causes-through", "-p", "mechanism=left ventricular dilation",
                             "-i", str(USER_CAUSE), "--no-reasoner", "-f", "csv")
    assert code == 0 and CAUSE_IRI in out, err
    code, out, _ = run_cli("export", "--graph", "ontology", "-i", str(USER_CAUSE), "-f", "nt")
    assert code == 0 and f"<{CAUSE_IRI}>" in out
    assert not (tmp_path / "nothing-built").exists()


def test_cat_my_ttl_into_validate_dash_works() -> None:
    done = subprocess.run([sys.executable, "-m", "smr_kg.cli", "validate", "-"], input=USER_CAUSE.read_bytes(),
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert b"passed: 0 violations" in done.stdout
    bad = (FIXTURES / "validate" / "user-cause-without-evidence.ttl").read_bytes()
    done = subprocess.run([sys.executable, "-m", "smr_kg.cli", "validate", "-"], input=bad, capture_output=True, timeout=300)
    assert done.returncode == 1 and b"AssertionEvidence" in done.stdout


def test_stdin_in_another_format_and_only_once() -> None:
    jsonld = (FIXTURES / "validate" / "user-cause-with-evidence.jsonld").read_bytes()
    (extension,) = read_inputs(["-"], "jsonld", stdin=io.BytesIO(jsonld))
    assert extension.name == "<stdin>" and len(extension.graph) > 10
    with pytest.raises(InputError, match="<stdin>:1"):
        read_inputs(["-"], "ttl", stdin=io.BytesIO(b"this is not turtle"))
    with pytest.raises(InputError, match="only once"):
        read_inputs(["-", "-"])


def test_a_directory_contributes_its_rdf_files_and_core_files_are_not_merged_twice(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    (mine / "sub").mkdir(parents=True)
    shutil.copy(USER_CAUSE, mine / "sub" / "cause.ttl")
    (mine / "notes.txt").write_text("not RDF")
    found = read_inputs([str(mine), str(ONTOLOGY / "smr-core.ttl"), str(mine / "sub" / "cause.ttl")])
    assert [e.name for e in found] == [str(mine / "sub" / "cause.ttl")]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no RDF files"):
        read_inputs([str(tmp_path / "empty")])
    with pytest.raises(InputError, match="no such file or directory"):
        read_inputs([str(tmp_path / "absent")])


@pytest.mark.parametrize("fixture, named", [
    ("build/unsatisfiable.ttl", "smr:BadMechanism (bad mechanism) is unsatisfiable"),
    ("build/inconsistent.ttl", "smr:Confused (confused record) is a smr:Therapy (therapy) and a smr:EvidenceSource"),
])
def test_an_input_that_contradicts_the_core_is_named_and_nothing_is_written(
    run_cli, tmp_path: Path, require_tool, fixture: str, named: str,
) -> None:
    require_tool("java", shutil.which("java") is not None, "HermiT needs Java")
    dist = tmp_path / "dist"
    code, _, err = run_cli("build", "--dist", str(dist), "-i", str(USER_CAUSE), "-i", str(FIXTURES / fixture))
    assert code == 1 and f"{FIXTURES / fixture}: {named}" in err, err
    assert "Nothing was written" in err and str(USER_CAUSE) not in err
    assert not dist.exists()


def test_a_shape_violation_in_an_input_names_the_file(run_cli, tmp_path: Path) -> None:
    bad = FIXTURES / "validate" / "user-cause-without-evidence.ttl"
    code, _, err = run_cli("build", "--no-reasoner", "--dist", str(tmp_path / "dist"), "-i", str(bad))
    assert code == 1 and f"smrsh:AssertionEvidence (https://example.org/my-lab/ExampleCardiomyopathy in {bad})" in err
    assert not (tmp_path / "dist").exists()


def _user_files(tmp_path: Path, claim_id: str = "https://example.org/my-lab/claim-7", predicate: str = "smr:actsThrough") -> list[str]:
    """The user's cause and source in Turtle, and one claim about it in a claims table."""
    turtle = tmp_path / "cause.ttl"
    turtle.write_text(USER_CAUSE.read_text(encoding="utf-8").split("ex:claim-1 a smr:Claim")[0]
                      + "ex:ExampleCohort2024 a owl:NamedIndividual , smr:ObservationalStudy ;\n"
                      '    rdfs:label "Example cohort study (2024)"@en ; smr:doi "10.1000/example-cohort-2024" .\n')
    table = tmp_path / "claims.tsv"
    table.write_text("id\tsubject\tpredicate\tobject\tstatus\tsource\tevidence\tquote\tquote_location\n"
                     f"{claim_id}\t{CAUSE_IRI}\t{predicate}\tsmr:LeftVentricularDilation\testablished\t"
                     "https://example.org/my-lab/ExampleCohort2024\tECO:0000304\t"
                     "Example cardiomyopathy dilates the left ventricle.\tExample cohort study (2024), abstract\n")
    return [str(turtle), str(table)]


def test_a_claims_table_input_cites_the_users_own_classes_and_becomes_an_edge(run_cli, tmp_path: Path) -> None:
    turtle, table = _user_files(tmp_path)
    code, out, err = run_cli("query", "causes-through", "-p", "mechanism=left ventricular dilation", "--no-reasoner",
                             "-i", table, "-i", turtle, "-f", "csv")
    assert code == 0 and CAUSE_IRI in out, err
    code, out, err = run_cli("validate", turtle, table)
    assert code == 0 and "passed" in out, out + err


def test_a_bad_claims_table_names_file_row_and_column(run_cli, tmp_path: Path) -> None:
    turtle, table = _user_files(tmp_path, predicate="smr:actsThru")
    code, _, err = run_cli("build", "--no-reasoner", "--dist", str(tmp_path / "dist"), "-i", turtle, "-i", table)
    assert code == 2 and f"{table}:2: column 'predicate'" in err and not (tmp_path / "dist").exists()


def test_an_input_may_not_reuse_a_core_claim_id(run_cli, tmp_path: Path) -> None:
    turtle, table = _user_files(tmp_path, claim_id="claim-0001")
    code, _, err = run_cli("build", "--no-reasoner", "--dist", str(tmp_path / "dist"), "-i", turtle, "-i", table)
    assert code == 2 and f"{table}: smr:claim-0001 is already a claim of the core ontology" in err


def test_a_claim_written_as_an_owl_axiom_is_refused_naming_the_file(run_cli, tmp_path: Path) -> None:
    old_style = tmp_path / "old.ttl"
    old_style.write_text(USER_CAUSE.read_text(encoding="utf-8").split("ex:claim-1 a smr:Claim")[0]
                         + "ex:ExampleCardiomyopathy rdfs:subClassOf [ a owl:Restriction ; owl:onProperty smr:actsThrough ;"
                         " owl:someValuesFrom smr:LeftVentricularDilation ] .\n")
    code, _, err = run_cli("validate", str(old_style))
    assert code == 2 and f"{old_style}: the axiom on {CAUSE_IRI} uses" in err and "claims table" in err


def test_without_the_reasoner_inputs_keep_the_cores_shipped_inferences(run_cli, tmp_path: Path) -> None:
    code, out, err = run_cli("build", "--no-reasoner", "--dist", str(tmp_path / "d"), "-i", str(USER_CAUSE), "-f", "json")
    assert code == 0 and json.loads(out)["inferences"] == "snapshot", err
    code, _, err = run_cli("build", "--update-inferences", "--dist", str(tmp_path / "e"), "-i", str(USER_CAUSE))
    assert code == 2 and "not with --input" in err


def test_standard_input_passes_the_same_guards_and_is_called_stdin() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="http://ex/a">'
            b'<rdf:value>&x;</rdf:value></rdf:Description></rdf:RDF>')
    with pytest.raises(InputError) as err:
        read_inputs(["-"], "xml", stdin=io.BytesIO(bomb))
    assert err.value.message.startswith("<stdin>: refusing the external entity")


def test_export_refuses_to_write_over_its_input(run_cli, tmp_path: Path) -> None:
    mine = tmp_path / "mine.ttl"
    shutil.copy(USER_CAUSE, mine)
    code, _, err = run_cli("export", "--graph", "ontology", "-i", str(mine), "-o", str(mine))
    assert code == 2 and mine.read_bytes() == USER_CAUSE.read_bytes(), err
