"""A CDS Hooks 2.0 service: the patient verdicts as cards an EHR shows beside a patient's chart.

``smr-kg serve`` mounts it at ``/cds-services`` (the serve package never imports this one; the
command wires them). One service, ``smr-kg-smr-guidelines``, on the ``patient-view`` hook:

* ``GET /cds-services`` is the discovery document, with prefetch templates for the Patient, their
  Conditions and their Observations - the service never calls the EHR's FHIR server (no network
  is reached), so a request without the prefetched data gets ``412 Precondition Failed`` as the
  specification says;
* ``POST /cds-services/smr-kg-smr-guidelines`` takes the hook request; ``prefetch`` is the map of
  the templates' results (each a resource or a searchset Bundle) or one Bundle. The resources are
  validated with fhir.resources and evaluated exactly as ``smr-kg patients`` does, and each
  recommendation that applies (or whose applicability is unknown) becomes one card: summary,
  indicator (``warning`` when applicability is unknown, else ``info``), Markdown detail with
  every criterion's verdict and reason, and the guideline as source. Not-applicable
  recommendations give no card unless the request's ``extension`` asks for them
  (``{"smr-kg.not-applicable": true}``).

Handling is a plain function of (method, path, body) so that it can be tested without a server.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable

from ..errors import InputError
from .evaluate import Evaluation, Evaluator, PatientResult
from .knowledge import Knowledge
from .readers import bundle_records

SERVICE_ID = "smr-kg-smr-guidelines"
PREFIX = "/cds-services"
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}",
}
NOT_APPLICABLE_EXTENSION = "smr-kg.not-applicable"
DISCOVERY = {"services": [{
    "hook": "patient-view",
    "id": SERVICE_ID,
    "title": "Secondary mitral regurgitation: guideline recommendations",
    "description": "For the patient in view, which guideline recommendations on secondary mitral regurgitation "
                   "apply (severity and phenotype by each guideline's own definition, primary MR excluded) and "
                   "which of their criteria the record meets, with each society's grade and source.",
    "prefetch": PREFETCH,
    "usageRequirements": "Send the prefetched Patient, Conditions and Observations: the service never queries "
                         "the FHIR server.",
}]}

Reply = tuple[int, dict]


class PreconditionFailed(InputError):
    """The request lacks the prefetched data (HTTP 412: the service cannot fetch them itself)."""


class CdsService:
    """The service over one compiled graph; the evaluator is built on first use (thread-safe)."""

    def __init__(self, make_evaluator: Callable[[], tuple[Knowledge, Evaluator]]) -> None:
        self._make = make_evaluator
        self._lock = threading.Lock()
        self._built: tuple[Knowledge, Evaluator] | None = None

    def handle(self, method: str, path: str, body: bytes) -> Reply:
        """(HTTP status, JSON body) for a request below :data:`PREFIX`."""
        path = path.rstrip("/") or "/"
        if path == PREFIX:
            return (200, DISCOVERY) if method in ("GET", "HEAD") else _error(405, "use GET for the discovery document")
        if path != f"{PREFIX}/{SERVICE_ID}":
            return _error(404, f"no CDS service here (the service is {PREFIX}/{SERVICE_ID})")
        if method != "POST":
            return _error(405, "call the service with POST and a CDS Hooks request")
        try:
            request = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return _error(400, f"the request body is not JSON: {exc}")
        try:
            return 200, self.cards(request)
        except PreconditionFailed as exc:
            return _error(412, exc.message)
        except InputError as exc:
            return _error(400, exc.message)

    def cards(self, request: object) -> dict:
        """The CDS Hooks response (``{"cards": [...]}``) to one hook request."""
        if not isinstance(request, dict):
            raise InputError("a CDS Hooks request is a JSON object")
        for field in ("hook", "hookInstance", "context"):
            if field not in request:
                raise InputError(f"the request has no {field!r} (CDS Hooks 2.0 requires hook, hookInstance, context)")
        if request["hook"] != "patient-view":
            raise InputError(f"this service answers the patient-view hook, not {request['hook']!r}")
        context = request["context"]
        patient = context.get("patientId") if isinstance(context, dict) else None
        if not isinstance(patient, str) or not patient:
            raise InputError("context.patientId is required for patient-view")
        bundle = _bundle(request.get("prefetch"))
        knowledge, evaluator = self._evaluator()
        records = [r for r in bundle_records(bundle, "prefetch", validate="all") if r.patient == patient]
        if not records:
            raise InputError(f"the prefetched data hold no record of patient {patient!r}")
        result = evaluator.evaluate(records[0])
        extension = request.get("extension")
        every = isinstance(extension, dict) and extension.get(NOT_APPLICABLE_EXTENSION) is True
        return {"cards": [_card(e, result, knowledge, str(request["hookInstance"]))
                          for e in result.evaluations if every or e.verdict != "not applicable"]}

    def _evaluator(self) -> tuple[Knowledge, Evaluator]:
        with self._lock:
            if self._built is None:
                self._built = self._make()
            return self._built


def _bundle(prefetch: object) -> dict:
    """One collection Bundle of every prefetched resource (a map of results, or a Bundle)."""
    if prefetch is None:
        raise PreconditionFailed("no prefetch: this service never calls the FHIR server, so the client must send "
                                 f"the prefetched data ({', '.join(PREFETCH)})")
    if isinstance(prefetch, dict) and prefetch.get("resourceType") == "Bundle":
        values: list[object] = [prefetch]
    elif isinstance(prefetch, dict):
        missing = [key for key in PREFETCH if key not in prefetch]
        if missing:
            raise PreconditionFailed(f"the prefetch lacks {', '.join(missing)} (this service never calls the FHIR server)")
        values = [v for v in prefetch.values() if v is not None]
    else:
        raise InputError("prefetch must be an object: the prefetch map, or a FHIR Bundle")
    entries = []
    for value in values:
        if isinstance(value, dict) and value.get("resourceType") == "Bundle":
            entries += [e for e in value.get("entry") or () if isinstance(e, dict)]
        elif isinstance(value, dict):
            entries.append({"resource": value})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _card(e: Evaluation, result: PatientResult, k: Knowledge, hook_instance: str) -> dict:
    rec = e.recommendation
    grade = f"class {rec.cor}, level {rec.loe}"
    summary = f"{e.verdict.capitalize()}: {rec.label}"
    detail = [f"**{rec.label}** ({grade})", "", f"**Applicability: {e.applicability.status}**", ""]
    detail += [f"- {reason}" for reason in e.applicability.reasons]
    if e.verdicts:
        detail += ["", "**Criteria**", ""]
        detail += [f"- {v.criterion.label}: **{v.verdict}** - {v.reason}" for v in e.verdicts]
    if result.issues:
        detail += ["", f"{len(result.issues)} input issue(s) in the record; the first: "
                       f"{result.issues[0]['problem']}"]
    source = rec.sources[0] if rec.sources else rec.iri
    citation = k.citations.get(source, {})
    doi = citation.get("doi")
    return {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{hook_instance} {rec.iri}")),
        "summary": summary if len(summary) < 140 else summary[:136] + "...",
        "indicator": "warning" if e.applicability.status == "unknown" else "info",
        "detail": "\n".join(detail),
        "source": {"label": k.label(source), "url": f"https://doi.org/{doi}" if doi else rec.iri,
                   "topic": {"system": "https://w3id.org/smr-kg/", "code": rec.iri.rsplit("/", 1)[-1],
                             "display": rec.label}},
    }


def _error(status: int, message: str) -> Reply:
    return status, {"error": message}


__all__ = ["CdsService", "DISCOVERY", "PREFETCH", "PREFIX", "SERVICE_ID"]
