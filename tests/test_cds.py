"""The CDS Hooks 2.0 service (smr_kg.patients.cds), checked against JSON Schemas written from the
specification's tables (tests/fixtures/cds-hooks/*.schema.json) and end to end through
``smr-kg serve`` with a Synthea-style transaction Bundle."""

from __future__ import annotations

import copy
import json
import threading
import urllib.error
import urllib.request
from pathlib import Path

import jsonschema
import pytest

from smr_kg.patients.cds import PREFETCH, SERVICE_ID, CdsService
from smr_kg.patients.knowledge import read_knowledge
from smr_kg.patients.pipeline import Options, evaluator
from smr_kg.store import open_store

FIXTURES = Path(__file__).parent / "fixtures" / "cds-hooks"
SYNTHEA = json.loads((FIXTURES / "synthea-style.json").read_text())
PATIENT = SYNTHEA["entry"][0]["resource"]["id"]


def schema(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.schema.json").read_text())


@pytest.fixture(scope="module")
def service(dist_env):
    def build():
        knowledge = read_knowledge(open_store())
        return knowledge, evaluator(knowledge, None, Options())

    return CdsService(build)


def prefetch_map(bundle: dict) -> dict:
    """The three prefetch results a CDS client would send: the Patient and two searchsets."""
    resources = [copy.deepcopy(e["resource"]) for e in bundle["entry"]]

    def searchset(kind: str) -> dict:
        return {"resourceType": "Bundle", "type": "searchset",
                "entry": [{"resource": r} for r in resources if r["resourceType"] == kind]}
    return {"patient": next(r for r in resources if r["resourceType"] == "Patient"),
            "conditions": searchset("Condition"), "observations": searchset("Observation")}


def hook_request(prefetch: object = None, **extra) -> dict:
    request = {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
               "context": {"userId": "Practitioner/example", "patientId": PATIENT}, **extra}
    if prefetch is not None:
        request["prefetch"] = prefetch
    jsonschema.validate(request, schema("request"))
    return request


def call(service, request: object) -> tuple[int, dict]:
    return service.handle("POST", f"/cds-services/{SERVICE_ID}", json.dumps(request).encode())


def test_discovery_lists_a_patient_view_service_with_prefetch_templates(service):
    status, body = service.handle("GET", "/cds-services", b"")
    assert status == 200
    jsonschema.validate(body, schema("discovery"))
    (svc,) = body["services"]
    assert svc["hook"] == "patient-view" and svc["id"] == SERVICE_ID
    assert set(svc["prefetch"]) == set(PREFETCH) == {"patient", "conditions", "observations"}
    assert svc["prefetch"]["observations"] == "Observation?patient={{context.patientId}}"


@pytest.mark.parametrize("shape", ["map", "bundle"])
def test_a_synthea_style_patient_gets_one_card_per_applicable_recommendation(service, shape):
    prefetch = prefetch_map(SYNTHEA) if shape == "map" else SYNTHEA
    status, body = call(service, hook_request(prefetch))
    assert status == 200, body
    jsonschema.validate(body, schema("response"))
    by_topic = {c["source"]["topic"]["code"]: c for c in body["cards"]}
    teer = by_topic["Rec2020TEER"]  # DCM + severe SMR by EROA 0.45 cm2: applies; LVEF 30 %, LVESD 55 mm, PASP 40 met
    assert teer["indicator"] == "info" and teer["summary"].startswith("Unknown: 2020 ACC/AHA: TEER")
    assert "LVESD <= 70 mm (2020 ACC/AHA TEER): **met**" in teer["detail"]
    assert "PASP <= 70 mmHg (2020 ACC/AHA TEER): **met**" in teer["detail"]  # mmHg unit text, UCUM code mm[Hg]
    assert teer["source"]["url"] == "https://doi.org/10.1161/CIR.0000000000000923"
    assert "Rec2020AtrialSMRSurgery" not in by_topic  # LVEF 30 %: ventricular, not applicable: no card


def test_not_applicable_recommendations_are_sent_only_when_asked(service):
    status, body = call(service, hook_request(prefetch_map(SYNTHEA), extension={"smr-kg.not-applicable": True}))
    assert status == 200
    atrial = next(c for c in body["cards"] if c["source"]["topic"]["code"] == "Rec2020AtrialSMRSurgery")
    assert atrial["summary"].startswith("Not applicable") and "ventricular" in atrial["detail"]


def test_without_prefetch_the_service_answers_412_and_never_calls_the_fhir_server(service):
    assert call(service, hook_request(fhirServer="https://ehr.example.org/fhir"))[0] == 412
    partial = prefetch_map(SYNTHEA)
    del partial["observations"]
    status, body = call(service, hook_request(partial))
    assert status == 412 and "observations" in body["error"]


@pytest.mark.parametrize("body, status", [
    (b"not json", 400), (b"[]", 400), (json.dumps({"hook": "patient-view"}).encode(), 400),
    (json.dumps({"hook": "order-sign", "hookInstance": "x", "context": {"patientId": "p"}}).encode(), 400),
])
def test_bad_requests_get_400_with_a_reason(service, body, status):
    code, reply = service.handle("POST", f"/cds-services/{SERVICE_ID}", body)
    assert code == status and reply["error"]


def test_an_invalid_fhir_resource_in_the_prefetch_is_refused(service):
    prefetch = prefetch_map(SYNTHEA)
    prefetch["conditions"]["entry"][0]["resource"]["clinicalStatus"] = "active"  # a string, not a CodeableConcept
    status, body = call(service, hook_request(prefetch))
    assert status == 400 and "not a valid FHIR R4 Condition" in body["error"]


def test_unknown_paths_and_methods(service):
    assert service.handle("GET", "/cds-services/other", b"")[0] == 404
    assert service.handle("GET", f"/cds-services/{SERVICE_ID}", b"")[0] == 405


def test_smr_kg_serve_mounts_the_service(dist_env):
    from smr_kg.commands.serve import CDS_PREFIX, cds_application
    from smr_kg.serve import ServeOptions, start, stop

    server = start(ServeOptions(port=0, workers=1, quiet=True), dist_env, {CDS_PREFIX: cds_application()})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"{server.url}/cds-services") as response:
            assert json.load(response)["services"][0]["id"] == SERVICE_ID
        data = json.dumps(hook_request(prefetch_map(SYNTHEA))).encode()
        post = urllib.request.Request(f"{server.url}/cds-services/{SERVICE_ID}", data=data, method="POST",
                                      headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(post) as response:
            body = json.load(response)
        jsonschema.validate(body, schema("response"))
        assert any(c["source"]["topic"]["code"] == "Rec2020TEER" for c in body["cards"])
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(f"{server.url}/cds-services/{SERVICE_ID}", data=b"{}",
                                                          method="POST"))
        assert refused.value.code == 400
    finally:
        server.shutdown()
        stop(server)
