"""A patient record reduced to what evaluation reads: coded entries and measurements.

Readers (FHIR Bundles, FHIR NDJSON, flat CSV) all produce these small tuples, so linking and
evaluation are one code path whatever the input, and Spark can ship them between processes
cheaply. Only identifiers the output needs are kept (the patient id and the resource id that a
rejected value is reported against); names, addresses and dates of birth are never read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SYSTEMS: dict[str, str] = {
    "http://snomed.info/sct": "http://snomed.info/id/",
    "snomed": "http://snomed.info/id/", "snomedct": "http://snomed.info/id/", "sct": "http://snomed.info/id/",
    "http://hl7.org/fhir/sid/icd-10-cm": "http://purl.bioontology.org/ontology/ICD10CM/",
    "icd10cm": "http://purl.bioontology.org/ontology/ICD10CM/", "icd-10-cm": "http://purl.bioontology.org/ontology/ICD10CM/",
    "http://loinc.org": "http://loinc.org/rdf/", "loinc": "http://loinc.org/rdf/",
    "https://w3id.org/smr-kg": "https://w3id.org/smr-kg/", "smr": "https://w3id.org/smr-kg/",
}
"""Code system (a FHIR system URI, an OMOP vocabulary_id, case-insensitive) -> the IRI prefix the
graph's mappings use for its codes. ``smr`` lets a record name a graph concept directly, for an
observable that has no standard code in the graph (e.g. smr:PulmonaryArterySystolicPressure).
Keys are lower-case without a trailing slash."""

KINDS = ("condition", "procedure", "medication", "observation")


@dataclass(frozen=True)
class Entry:
    """One coded entry: a condition, procedure, medication request or observation.

    ``codes`` are IRIs (system prefix + code). ``value``/``unit`` are set for measurements
    (``unit`` is the UCUM code when the record gives one, else its unit text). ``status`` is the
    clinical status a condition had ("active", "resolved" ...), empty when not given.
    """

    kind: str
    codes: tuple[str, ...]
    source: str
    """Where it came from, for messages: resource type/id or CSV line (never a name)."""
    date: str = ""
    value: float | None = None
    unit: str | None = None
    status: str = ""
    raw_value: str | None = None
    """The value as written, when it was not a number (reported as unusable)."""


@dataclass(frozen=True)
class Issue:
    """A defect of the input found while reading it: where (resource or CSV line) and what.

    Defects are reported, never silently dropped nor guessed at: a code system smr-kg does not
    read, a SNOMED CT code whose check digit is wrong, a value that is not a number, a resource
    of no FHIR type or without a subject."""

    source: str
    problem: str


@dataclass
class PatientRecord:
    """Everything read for one patient."""

    patient: str
    entries: list[Entry] = field(default_factory=list)
    skipped: int = 0
    """Entries dropped on reading: entered in error, refuted, cancelled, or without any code."""
    issues: list[Issue] = field(default_factory=list)


def code_iri(system: str | None, code: str | None) -> str | None:
    """The IRI of ``code`` in ``system``, or None for a system the graph has no mappings for."""
    if not code:
        return None
    prefix = SYSTEMS.get((system or "").strip().rstrip("/").lower())
    return prefix + code.strip() if prefix else None


__all__ = ["Entry", "Issue", "KINDS", "PatientRecord", "SYSTEMS", "code_iri"]
