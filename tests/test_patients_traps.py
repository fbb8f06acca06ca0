"""A trap cohort for applicability (issue 20): tests/fixtures/patients-traps/cohort.csv.

Each patient is one trap the clinical review found or a cardiologist would expect to be handled;
the expected verdicts were written from the guidelines' definitions, not from the program's
output. The rule under test: a recommendation whose condition is absent or contradicted is
``not applicable`` and none of its criteria is evaluated; one the record cannot decide is never
``met``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from smr_kg.patients.evaluate import Evaluator
from smr_kg.patients.knowledge import read_knowledge
from smr_kg.patients.link import Linker
from smr_kg.patients.readers import input_files, read_records
from smr_kg.patients.units import read_value
from smr_kg.store import open_store

COHORT = Path(__file__).parent / "fixtures" / "patients-traps" / "cohort.csv"
TEER, STAGE_D, ATRIAL = "Rec2020TEER", "Rec2020MVSurgeryStageD", "Rec2020AtrialSMRSurgery"


@pytest.fixture(scope="module")
def results(dist_env):
    knowledge = read_knowledge(open_store())
    ev = Evaluator(knowledge, Linker(knowledge))
    return {r.patient: ev.evaluate(r) for r in read_records(input_files([COHORT]))}


def evaluation(result, rec: str):
    return next(e for e in result.evaluations if e.recommendation.iri.endswith("/" + rec))


def test_no_mitral_regurgitation_makes_every_smr_recommendation_not_applicable(results):
    r = results["t-no-mr"]  # essential hypertension, LVEF 45 %: the review's 4-of-6-met trap
    assert r.mechanism.kind == "none"
    for e in r.evaluations:
        assert e.verdict == "not applicable" and e.verdicts == ()
        assert "no mitral regurgitation" in e.applicability.reasons[0]


def test_primary_mr_is_not_scored_as_secondary(results):
    r = results["t-mvp"]  # mitral valve prolapse 409712001 + MR 48724000, LVEF 45 %, EROA 0.5 cm2
    assert r.mechanism.kind == "primary"
    for e in r.evaluations:
        assert e.verdict == "not applicable" and e.verdicts == ()
        assert "primary MR in the record: mitral valve prolapse" in e.applicability.reasons[0]


def test_primary_and_secondary_components_are_mixed_and_never_met(results):
    r = results["t-mixed"]  # prolapse and dilated cardiomyopathy, severe by EROA
    assert r.mechanism.kind == "mixed"
    teer = evaluation(r, TEER)
    assert teer.applicability.status == "unknown" and teer.verdict != "met"
    assert "mixed" in teer.applicability.reasons[0]


def test_a_coded_severe_smr_meets_severity_and_mmhg_and_fractions_are_read(results):
    r = results["t-severe-coded"]  # DCM by SNOMED 399020009, coded severe SMR, LVEF 0.35 (unit 1), PASP 45 mmHg
    assert [c.concept.rsplit("/", 1)[-1] for c in r.causes] == ["DilatedCardiomyopathy"]
    teer = evaluation(r, TEER)
    assert teer.applicability.status == "applicable"
    assert any("severity coded" in reason for reason in teer.applicability.reasons)
    by = {v.criterion.iri.rsplit("/", 1)[-1]: v for v in teer.verdicts}
    assert by["Crit2020TEER_PASP"].verdict == "met" and by["Crit2020TEER_PASP"].value == 45
    assert by["Crit2020TEER_LVEFMax"].verdict == "met" and by["Crit2020TEER_LVESD"].verdict == "met"  # 35 %, 55 mm


def test_severity_from_measurements_against_the_recommendations_own_guideline(results):
    severe = evaluation(results["t-severe-measured"], TEER)  # EROA 0.45 cm2
    assert severe.applicability.status == "applicable"
    assert "2020 ACC/AHA" in severe.applicability.reasons[-1] and "0.45" in severe.applicability.reasons[-1]
    assert {v.verdict for v in severe.applicability.checks} >= {"met"}
    only_rvol = evaluation(results["t-measured-only"], TEER)  # no MR code, RVol 65 "ml": MR and severity measured
    assert results["t-measured-only"].mechanism.kind == "secondary"
    assert only_rvol.applicability.status == "applicable"


def test_moderate_smr_by_measurement_is_not_applicable_for_severe_smr_recommendations(results):
    r = results["t-moderate-measured"]  # EROA 0.25 cm2, RVol 35 mL: below the 2020 ACC/AHA severe thresholds
    for rec in (TEER, STAGE_D):
        e = evaluation(r, rec)
        assert e.verdict == "not applicable" and e.verdicts == ()
        assert "not severe" in e.applicability.reasons[-1]


def test_missing_severity_data_leaves_applicability_unknown_never_met(results):
    e = evaluation(results["t-missing"], TEER)
    assert e.applicability.status == "unknown" and e.verdict == "unknown"
    assert "severity unknown" in e.applicability.reasons[-1]


def test_the_atrial_phenotype_comes_from_the_measurements(results):
    atrial = results["t-atrial"]  # AF, LVEF 62 %, LAVI 58 mL/m2, annulus 41 mm
    assert atrial.mechanism.phenotype == "atrial"
    assert evaluation(atrial, ATRIAL).applicability.status == "applicable"
    reduced = results["t-ventricular-af"]  # AF but LVEF 30 %: LV dysfunction, not atrial SMR
    assert reduced.mechanism.phenotype == "ventricular"
    e = evaluation(reduced, ATRIAL)
    assert e.verdict == "not applicable" and "ventricular" in e.applicability.reasons[-1]


def test_history_of_mi_is_said_to_be_history(results):
    e = evaluation(results["t-history-mi"], TEER)
    assert "(history)" in e.context


def test_hcm_mr_has_an_undetermined_mechanism_and_is_never_met(results):
    r = results["t-hcm"]  # HCM's SAM mechanism is held out: no accepted cause of SMR
    assert r.mechanism.kind == "undetermined"
    assert all(e.verdict != "met" for e in r.evaluations)


@pytest.mark.parametrize("unit", ["mmHg", "mm Hg"])
def test_unambiguous_ehr_spellings_of_mm_hg_are_accepted(unit):
    assert read_value(45, unit, "mm[Hg]").value == pytest.approx(45)


def test_a_unit_that_is_not_ucum_nor_an_alias_is_still_refused():
    reading = read_value(45, "mmHG/s", "mm[Hg]")
    assert reading.value is None and "mmHG/s" in reading.problem


def test_the_same_patient_id_in_two_inputs_is_refused_naming_both_or_merged_when_asked(run_cli, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    header = "patient,system,code,value,unit,date\n"
    first.write_text(header + "patient-x7,http://snomed.info/sct,399020009,,,2020-01-01\n")
    second.write_text(header + "patient-x7,http://snomed.info/sct,48724000,,,2021-01-01\n")
    code, out, err = run_cli("patients", str(first), str(second), "--format", "json", "--quiet")
    assert code == 2 and str(first) in err and str(second) in err and "patient-x7" not in err and out == ""
    code, out, err = run_cli("patients", str(first), str(second), "--format", "json", "--merge-duplicates")
    assert code == 0 and "1 patient ids found in two inputs were merged" in err
    import json

    (patient,) = json.loads(out)["patients"]
    assert patient["mitral_regurgitation"]["kind"] == "secondary"  # DCM from one file, MR from the other


def test_fhir_defects_are_reported_per_record_and_the_rest_is_processed(run_cli, tmp_path):
    import json

    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:d1", "resource": {"resourceType": "Patient", "id": "d1"}},
        {"resource": {"resourceType": "Observation", "id": "orphan", "status": "final",
                      "code": {"coding": [{"system": "http://loinc.org", "code": "10230-1"}]},
                      "valueQuantity": {"value": 30, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"}}},
        {"resource": {"resourceType": "Frobnicator", "id": "x"}},
        {"resource": {"resourceType": "Condition", "id": "c1", "subject": {"reference": "urn:uuid:d1"},
                      "code": {"coding": [{"system": "http://example.org/local-codes", "code": "DCM-7"}]}}},
        {"resource": {"resourceType": "Condition", "id": "c2", "subject": {"reference": "urn:uuid:d1"},
                      "code": {"coding": [{"system": "http://snomed.info/sct", "code": "48724001"}]}}},
        {"resource": {"resourceType": "Condition", "id": "c3", "subject": {"reference": "urn:uuid:d1"},
                      "code": {"coding": [{"system": "http://snomed.info/sct", "code": "399020009"}]}}},
    ]}
    path = tmp_path / "defects.json"
    path.write_text(json.dumps(bundle))
    report = tmp_path / "issues.jsonl"
    code, out, err = run_cli("patients", str(path), "--format", "json", "--validate", "none", "--report", str(report))
    assert code == 0, err
    (patient,) = json.loads(out)["patients"]
    problems = " | ".join(i["problem"] for i in patient["issues"])
    assert "no subject" in problems and "not a FHIR R4 resource type" in problems
    assert "example.org/local-codes" in problems and "check digit" in problems
    assert [c["cause"]["id"] for c in patient["causes"]] == ["smr:DilatedCardiomyopathy"]  # the rest is processed
    assert "4 input issues" in err
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert len(lines) == 4 and {line["patient"] for line in lines} == {"d1"}
    code, _, err = run_cli("patients", str(path), "--report", str(report), "--quiet")
    assert code == 2 and "already exists" in err


def test_the_eroa_to_lvedv_ratio_is_reported_as_a_hypothesis_not_classified(results):
    p = results["t-proportion"].proportionality  # EROA 0.35 cm2 = 35 mm2, LVEDV 175 mL
    assert p["ratio_mm2_per_ml"] == pytest.approx(0.2) and p["status"] == "hypothesis"
    assert p["framework"] == "smr:Grayburn2019"
    assert results["t-no-mr"].proportionality is None


def test_each_guideline_judges_severity_by_its_own_definition(results):
    """EROA 0.35 cm2: below the 2020 ACC/AHA 0.40 cm2 (TEER not applicable), within the 2025
    ESC/EACTS lower threshold that applies only with an elliptical orifice (severity undecided)."""
    r = results["t-conditional"]
    acc = evaluation(r, TEER)
    assert acc.verdict == "not applicable" and "2020 ACC/AHA" in acc.applicability.reasons[-1]
    esc = evaluation(r, "Rec2025ESCTEER")
    assert esc.applicability.status == "unknown" and esc.verdict != "met"
    assert "2025 ESC/EACTS" in esc.applicability.reasons[-1] and "elliptical" in esc.applicability.reasons[-1]
    assert {v.criterion.iri.rsplit("/", 1)[-1]: v.verdict for v in esc.applicability.checks}[
        "CritESC2025Severe_EROALower"] == "met"


def test_a_recommendation_row_names_the_severity_its_condition_does_not(results):
    e = evaluation(results["t-moderate-measured"], "Rec2025ESCTEER")  # EROA 0.25 cm2, RVol 35 mL
    assert e.verdict == "not applicable" and "not severe by the 2025 ESC/EACTS" in e.applicability.reasons[-1]


def test_the_turtle_output_carries_the_input_issues(run_cli, tmp_path):
    from rdflib import Graph, Namespace

    SMR = Namespace("https://w3id.org/smr-kg/")
    path = tmp_path / "x.csv"
    path.write_text("patient,system,code,value,unit,date\nq1,http://snomed.info/sct,48724001,,,\n")
    code, out, _ = run_cli("patients", str(path), "--format", "ttl", "--quiet")
    assert code == 0
    issues = [str(o) for o in Graph().parse(data=out, format="turtle").objects(None, SMR.inputIssue)]
    assert len(issues) == 1 and "check digit" in issues[0]


def test_an_ndjson_resource_without_a_subject_is_reported_not_dropped(run_cli, tmp_path):
    import json

    export = tmp_path / "export"
    export.mkdir()
    (export / "Condition.ndjson").write_text(
        json.dumps({"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/n1"},
                    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "399020009"}]}}) + "\n"
        + json.dumps({"resourceType": "Condition", "id": "lost",
                      "code": {"coding": [{"system": "http://snomed.info/sct", "code": "48724000"}]}}) + "\n")
    code, out, err = run_cli("patients", str(export), "--format", "json", "--validate", "none")
    assert code == 0 and len(json.loads(out)["patients"]) == 1
    assert "1 input issue" in err and "Condition/lost" in err and "no subject" in err
