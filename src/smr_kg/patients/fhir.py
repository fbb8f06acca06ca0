"""FHIR R4 resources -> :class:`~smr_kg.patients.model.Entry`: the fields evaluation reads.

Extraction reads plain parsed JSON (dicts), because fully validating every resource with
``fhir.resources`` (pydantic models, R4B package: the resources read here are the same in R4 and
R4B) costs about 10x the parse itself (measured: ~11,000 Observations/s validated vs ~177,000/s
parsed; ``benchmarks/bench_patients.py`` reports the whole-run ratio). So validation is selective:
by default the first resource of each type in each file is validated with the library (a wrong
FHIR version or a malformed export is caught at once, with the file and line), ``--validate all``
validates every resource, ``none`` skips it; the fields extracted here are checked on every
resource regardless (a value that is not a number is reported, never guessed).

Statuses: conditions that are refuted or entered in error, and observations, procedures and
medication requests entered in error, cancelled or not done, are dropped (counted as skipped). A
condition whose clinical status is inactive, remission or resolved is kept as a past occurrence
(``status="resolved"``): it links as history, like a history-of situation.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from ..errors import InputError
from ..rdf.sctid import check_sctid
from .model import SYSTEMS, Entry, Issue, code_iri

UCUM = "http://unitsofmeasure.org"
READ_TYPES = ("Patient", "Condition", "Observation", "Procedure", "MedicationRequest")
DROPPED_STATUSES = frozenset({"entered-in-error", "cancelled", "not-done", "refuted"})
PAST_STATUSES = frozenset({"inactive", "remission", "resolved"})
_KIND = {"Condition": "condition", "Observation": "observation", "Procedure": "procedure",
         "MedicationRequest": "medication"}


def patient_key(resource: dict) -> str | None:
    """The patient a resource belongs to: a Patient's id, else its subject (or patient) reference."""
    if resource.get("resourceType") == "Patient":
        return _text(resource.get("id"))
    subject = resource.get("subject") or resource.get("patient")
    if isinstance(subject, dict):
        return reference_id(subject.get("reference"))
    return None


def reference_id(reference: object) -> str | None:
    """``Patient/123``, ``urn:uuid:123`` or a full URL ending in ``Patient/123`` -> ``123``."""
    if not isinstance(reference, str) or not reference.strip():
        return None
    text = reference.strip()
    if text.startswith("urn:uuid:"):
        return text[len("urn:uuid:"):]
    if "/_history/" in text:
        text = text.split("/_history/", 1)[0]
    return text.rsplit("/", 1)[-1]


def entries(resource: dict, where: str) -> Iterator[Entry | Issue | None]:
    """The entries of one resource (an Observation with components gives several); None for a
    dropped resource (so callers can count it); an :class:`Issue` for each defect found (an
    unknown code system, a bad SCTID check digit, a value that is not a number). A Patient gives
    nothing; a resource of no FHIR type gives one issue."""
    kind = _KIND.get(resource.get("resourceType", ""))
    if kind is None:
        if not is_fhir_type(resource.get("resourceType")):
            yield Issue(f"{resource.get('resourceType')!r}/{resource.get('id', '?')} ({where})",
                        "not a FHIR R4 resource type: not read")
        return
    source = f"{resource['resourceType']}/{resource.get('id', '?')} ({where})"
    yield from code_issues(resource, source)
    status = _status(resource)
    if status in DROPPED_STATUSES:
        yield None
        return
    if kind == "observation":
        date = _first_text(resource, "effectiveDateTime", "effectiveInstant", "issued") or _period_start(resource, "effectivePeriod")
        parts = [resource, *[c for c in resource.get("component") or () if isinstance(c, dict)]]
        for part in parts:
            codes = _codes(part.get("code"))
            if part is resource and not codes and len(parts) > 1:
                continue
            if not codes:
                yield None
                continue
            value, unit, raw = _quantity(part.get("valueQuantity"))
            if raw is not None:
                yield Issue(source, f"value {raw!r} is not a number")
            yield Entry("observation", codes, source, date, value, unit, "", raw)
        return
    concept = resource.get("medicationCodeableConcept") if kind == "medication" else resource.get("code")
    codes = _codes(concept)
    if not codes:
        yield None
        return
    date = _first_text(resource, "onsetDateTime", "recordedDate", "performedDateTime", "authoredOn") \
        or _period_start(resource, "performedPeriod") or _period_start(resource, "onsetPeriod")
    yield Entry(kind, codes, source, date, status="resolved" if status in PAST_STATUSES else status)


def code_issues(resource: dict, source: str) -> Iterator[Issue]:
    """Codings smr-kg cannot use: of a system it does not read, or an invalid SNOMED CT id."""
    concepts = [resource.get(k) for k in ("code", "medicationCodeableConcept")]
    concepts += [c.get("code") for c in resource.get("component") or () if isinstance(c, dict)]
    for concept in concepts:
        for coding in (concept.get("coding") or ()) if isinstance(concept, dict) else ():
            if not isinstance(coding, dict):
                continue
            system, code = _text(coding.get("system")), _text(coding.get("code"))
            if not code:
                continue
            problem = coding_problem(system, code)
            if problem:
                yield Issue(source, problem)


def coding_problem(system: str | None, code: str) -> str | None:
    """Why a (system, code) pair cannot be linked, or None: the shared rule of FHIR and CSV input."""
    if code_iri(system, code) is None:
        return f"code {code} of system {system or '(none)'!r} not read: smr-kg reads SNOMED CT, ICD-10-CM, " \
               "LOINC and smr codes"
    if SYSTEMS.get((system or "").strip().rstrip("/").lower(), "").startswith("http://snomed.info/"):
        why = check_sctid(code)
        if why:
            return f"SNOMED CT code {code}: {why}"
    return None


@lru_cache(maxsize=None)
def is_fhir_type(kind: object) -> bool:
    """Whether ``kind`` names a FHIR R4 resource type (fhir.resources has a model for each)."""
    import importlib.util

    if not isinstance(kind, str) or not kind.isidentifier() or not kind[:1].isupper():
        return False
    return importlib.util.find_spec(f"fhir.resources.R4B.{kind.lower()}") is not None


def validate(resource: dict, where: str) -> None:
    """Validate ``resource`` with fhir.resources (R4B models); InputError naming ``where``."""
    kind = resource.get("resourceType")
    if kind not in READ_TYPES:
        return
    model = _model(kind)
    try:
        model.model_validate(resource)
    except Exception as exc:  # pydantic.ValidationError, or the library's own errors
        detail = str(exc).splitlines()
        raise InputError(f"{where}: not a valid FHIR R4 {kind}: {' '.join(detail[:3])[:300]}") from None


@lru_cache(maxsize=None)
def _model(kind: str):
    import importlib

    module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
    return getattr(module, kind)


def _status(resource: dict) -> str:
    """The status that decides whether a resource counts: verification, then clinical, then status."""
    for key in ("verificationStatus", "clinicalStatus"):
        concept = resource.get(key)
        if isinstance(concept, dict):
            for coding in concept.get("coding") or ():
                code = _text(coding.get("code")) if isinstance(coding, dict) else None
                if code in DROPPED_STATUSES or (key == "clinicalStatus" and code):
                    return code
    return _text(resource.get("status")) or ""


def _codes(concept: object) -> tuple[str, ...]:
    if not isinstance(concept, dict):
        return ()
    found = []
    for coding in concept.get("coding") or ():
        if isinstance(coding, dict):
            iri = code_iri(_text(coding.get("system")), _text(coding.get("code")))
            if iri:
                found.append(iri)
    return tuple(dict.fromkeys(found))


def _quantity(quantity: object) -> tuple[float | None, str | None, str | None]:
    """(value, unit, raw): the UCUM code when the system is UCUM, else the unit text."""
    if not isinstance(quantity, dict):
        return None, None, None
    raw = quantity.get("value")
    value = None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw)
        except ValueError:
            pass
    unit = _text(quantity.get("code")) if quantity.get("system") == UCUM else None
    unit = unit or _text(quantity.get("unit")) or _text(quantity.get("code"))
    return value, unit, None if value is not None or raw is None else str(raw)


def _first_text(resource: dict, *keys: str) -> str:
    for key in keys:
        value = _text(resource.get(key))
        if value:
            return value
    return ""


def _period_start(resource: dict, key: str) -> str:
    period = resource.get(key)
    return _text(period.get("start")) or "" if isinstance(period, dict) else ""


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


__all__ = ["READ_TYPES", "code_issues", "coding_problem", "entries", "is_fhir_type", "patient_key", "reference_id", "validate"]
