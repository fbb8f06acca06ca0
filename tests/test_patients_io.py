"""Readers, linking, units and the ``smr-kg patients`` command: formats agree, errors are clean."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph

from smr_kg.patients.evaluate import Evaluator
from smr_kg.patients.knowledge import read_knowledge
from smr_kg.patients.link import Linker, SnomedHierarchy, icd10cm_ancestors
from smr_kg.patients.output import patient_json
from smr_kg.patients.readers import input_files, read_records
from smr_kg.patients.units import read_value
from smr_kg.store import open_store

FIXTURES = Path(__file__).parent / "fixtures"
BUNDLES = FIXTURES / "patients"
RF2 = FIXTURES / "patients-rf2" / "sct2_Relationship_Snapshot_test.txt"


@pytest.fixture(scope="module")
def knowledge(dist_env):
    return read_knowledge(open_store())


def as_json(knowledge, files, **read) -> dict:
    ev = Evaluator(knowledge, Linker(knowledge))
    out = {}
    for record in read_records(files, **read):
        data = patient_json(ev.evaluate(record), knowledge)
        for finding in data["findings"]:
            finding.pop("date")  # CSV rows carry dates differently from FHIR choice types
        out[record.patient] = {k: data[k] for k in ("causes", "pattern", "recommendations", "rejected")}
    for data in out.values():  # resource locations differ between formats
        for r in data["rejected"]:
            r.pop("source")
    return out


def bundles_to_ndjson(target: Path) -> None:
    """The fixture bundles as a Bulk Data export: one file per resource type, Patient/id references."""
    by_type: dict[str, list[dict]] = {}
    for path in sorted(BUNDLES.glob("*.json")):
        for entry in json.loads(path.read_text())["entry"]:
            resource = dict(entry["resource"])
            if "subject" in resource:
                resource["subject"] = {"reference": "Patient/" + resource["subject"]["reference"].split(":")[-1]}
            by_type.setdefault(resource["resourceType"], []).append(resource)
    for kind, resources in by_type.items():
        (target / f"{kind}.ndjson").write_text("".join(json.dumps(r) + "\n" for r in resources))


def test_ndjson_export_gives_the_same_results_as_the_bundles_in_one_pass_or_many(knowledge, tmp_path):
    bundles_to_ndjson(tmp_path)
    expected = as_json(knowledge, input_files([BUNDLES]))
    assert as_json(knowledge, input_files([tmp_path])) == expected
    assert as_json(knowledge, input_files([tmp_path]), memory_bytes=2000) == expected  # many passes


def test_a_flat_csv_gives_the_same_causes_and_verdicts(knowledge, tmp_path):
    rows = [("patient", "system", "code", "value", "unit", "date")]
    rows += [("p1", "SNOMED", "401303003", "", "", "2019-03-01"),
             ("p1", "http://loinc.org", "10230-1", "35", "%", "2023-05-10"),
             ("p1", "LOINC", "29438-9", "7.0", "cm", "2023-05-10"),
             ("p1", "SNOMED", "48724000", "", "", ""),
             ("p1", "smr", "EffectiveRegurgitantOrificeArea", "0.45", "cm2", "2023-05-10")]
    path = tmp_path / "extract.csv"
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    got = as_json(knowledge, input_files([path]))["p1"]
    expected = as_json(knowledge, input_files([BUNDLES / "stemi.json"]))["p-stemi"]
    assert got["causes"] == expected["causes"]
    assert [[c["verdict"] for c in r["criteria"]] for r in got["recommendations"]] == \
           [[c["verdict"] for c in r["criteria"]] for r in expected["recommendations"]]


def test_an_rf2_hierarchy_links_descendants_the_shipped_mappings_do_not_know(knowledge):
    bare = replace(knowledge, codes={code: [(c, k) for c, k in links if k != "descendant"]
                                     for code, links in knowledge.codes.items()})
    stemi = "http://snomed.info/id/401303003"
    assert Linker(bare).links(stemi) == ()
    linked = Linker(bare, SnomedHierarchy.from_rf2(RF2)).links(stemi)
    assert [(l.concept.rsplit("/", 1)[-1], l.kind, l.via) for l in linked] == \
           [("MyocardialInfarction", "descendant", "http://snomed.info/id/22298006")]


def test_the_latest_rf2_row_of_a_relationship_wins_and_inactive_rows_are_ignored():
    hierarchy = SnomedHierarchy.from_rf2(RF2)
    assert "84114007" not in hierarchy.ancestors("401303003")
    assert hierarchy.ancestors("401303003") == ["57054005", "22298006"]


def test_a_file_that_is_not_rf2_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "rel.txt"
    bad.write_text("a\tb\n")
    with pytest.raises(Exception, match="rel.txt: not an RF2 relationship file"):
        SnomedHierarchy.from_rf2(bad)


def test_icd10cm_codes_subdivide_by_structure():
    assert icd10cm_ancestors("I48.11") == ["I48.1", "I48"]
    assert icd10cm_ancestors("I21.A1") == ["I21.A", "I21"]
    assert icd10cm_ancestors("I21") == []


def test_a_broader_code_links_nothing_and_a_situation_is_history(knowledge):
    linker = Linker(knowledge)
    assert linker.links("http://snomed.info/id/48724000")[0].concept.endswith("/MitralRegurgitation")
    assert not any(l.concept.endswith("/SecondaryMitralRegurgitation") for l in linker.links("http://snomed.info/id/48724000"))
    assert [l.kind for l in linker.links("http://snomed.info/id/399211009")] == ["history"]


@pytest.mark.parametrize("value, unit, target, expected", [
    (7.0, "cm", "mm", 70.0), (0.35, "1", "%", 35.0), (35, "%", "%", 35.0), (40, "mm2", "cm2", 0.4),
    (0.35, "{ratio}", "%", 35.0),
])
def test_units_convert_with_ucum(value, unit, target, expected):
    assert read_value(value, unit, target).value == pytest.approx(expected)


@pytest.mark.parametrize("value, unit, guard, kind", [
    (0.35, "%", (3.0, 95.0, "%"), "implausible"), (7.0, "mm", (10.0, 120.0, "mm"), "implausible"),
    (-5, "%", None, "impossible"), (135, "%", None, "impossible"), (float("nan"), "%", None, "impossible"),
    (35, None, None, "unusable"), (35, "mm Hg/s", None, "unusable"), (35, "mm", None, "unusable"),
])
def test_unusable_values_are_refused_with_a_reason(value, unit, guard, kind):
    reading = read_value(value, unit, "%" if kind != "implausible" or unit == "%" else "mm", guard)
    assert reading.value is None and reading.kind == kind and reading.problem


def test_the_command_writes_csv_json_and_turtle_that_joins_the_graph(run_cli, tmp_path, built_graph):
    code, out, err = run_cli("patients", str(BUNDLES), "--format", "csv", "--quiet")
    assert code == 0 and err == ""
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len({r["patient"] for r in rows}) == 8
    assert {r["verdict"] for r in rows if r["criterion"]} == {"met", "not met", "unknown"}
    assert all(r["criterion"] for r in rows if r["verdict"])  # a verdict is always about a criterion
    assert all(r["verdict"] == r["criterion"] == "" for r in rows if r["recommendation_verdict"] == "not applicable")
    code, out, _ = run_cli("patients", str(BUNDLES), "--format", "json", "--quiet")
    data = json.loads(out)
    assert len(data["patients"]) == 8 and data["sources"]
    ttl = tmp_path / "patients.ttl"
    assert run_cli("patients", str(BUNDLES), "--format", "ttl", "-o", str(ttl), "--quiet")[0] == 0
    graph = Graph()
    graph.parse(ttl, format="turtle")
    graph += built_graph
    rows = graph.query("""PREFIX smr: <https://w3id.org/smr-kg/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?id WHERE { ?p smr:patientIdentifier ?id ; smr:hasFinding ?f . ?f a/rdfs:subClassOf* smr:IschemicHeartDisease }""")
    assert {str(r[0]) for r in rows} == {"p-stemi", "p-icd", "p-impossible"}  # not p-history-mi: a past MI
    past = graph.query("""PREFIX smr: <https://w3id.org/smr-kg/>
        SELECT ?id WHERE { ?p smr:patientIdentifier ?id ; smr:hasFinding/smr:historyOf smr:MyocardialInfarction }""")
    assert {str(r[0]) for r in past} == {"p-history-mi"}


def test_explain_cites_numbered_sources_and_an_unknown_patient_is_exit_1(run_cli):
    code, out, _ = run_cli("patients", str(BUNDLES), "--explain", "p-stemi", "--quiet")
    assert code == 0 and "Sources:" in out and "] Otto CM" in out and "class not verified, level not verified" in out
    code, out, err = run_cli("patients", str(BUNDLES), "--explain", "nobody", "--quiet")
    assert code == 1 and err.startswith("smr-kg: error: no patient") and len(err.splitlines()) == 1


def test_bad_input_is_one_line_exit_2_and_nothing_is_written(run_cli, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    target = tmp_path / "out.csv"
    code, out, err = run_cli("patients", str(broken), "-o", str(target), "--quiet")
    assert code == 2 and err.startswith("smr-kg: error: ") and "broken.json" in err and len(err.splitlines()) == 1
    assert not target.exists() and list(tmp_path.iterdir()) == [broken]


def test_strict_stops_at_an_impossible_value_naming_patient_and_field(run_cli):
    code, _, err = run_cli("patients", str(BUNDLES / "impossible.json"), "--strict", "--quiet")
    assert code == 2 and "patient p-impossible" in err and "Observation.valueQuantity" in err


def test_fhir_validation_catches_a_malformed_resource(run_cli, tmp_path):
    bundle = json.loads((BUNDLES / "stemi.json").read_text())
    bundle["entry"][1]["resource"]["onsetDateTime"] = "yesterday"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle))
    code, _, err = run_cli("patients", str(path), "--quiet")
    assert code == 2 and "not a valid FHIR R4 Condition" in err
    assert run_cli("patients", str(path), "--quiet", "--validate", "none")[0] == 0


def test_the_readme_worked_example_is_the_exact_output(run_cli):
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    command = "$ smr-kg patients tests/fixtures/patients/stemi.json --explain p-stemi --guideline smr:ACCAHA2020VHDGuideline --quiet\n"
    shown = readme.split(command, 1)[1].split("```", 1)[0]
    code, out, _ = run_cli("patients", str(BUNDLES / "stemi.json"), "--explain", "p-stemi",
                           "--guideline", "smr:ACCAHA2020VHDGuideline", "--quiet")
    assert code == 0 and out == shown


def test_the_output_never_replaces_an_input(run_cli, tmp_path):
    bundle = tmp_path / "p.json"
    bundle.write_bytes((BUNDLES / "stemi.json").read_bytes())
    code, _, err = run_cli("patients", str(bundle), "-o", str(bundle), "--quiet")
    assert code == 2 and "refusing to write" in err
    assert bundle.read_bytes() == (BUNDLES / "stemi.json").read_bytes()
