"""What an answer is made of, and the graph facts it is built from (read once per answer).

An answer is sections of grouped bullets; each bullet (:class:`Claim`) is one claim or record of
the graph with its sources, evidence type, status and the population it holds in. The
:class:`Context` reads what every section needs: accepted causal edges, the other accepted
claims, the held-out claims (hypothesis, contested, unsupported: shown only in their own labelled
section) and the records (recommendations, criteria, epidemiological statements).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..knowledge.evidence import CAUSAL_PROPERTIES, Assertion, read_held_out
from ..knowledge.facts import GraphFacts, References, curie
from ..knowledge.pathways import connected
from ..rdf.terms import IRI, Literal, Term, known
from ..rdf.vocab import DCTERMS, RDFS, SMR

SMR_CLASS = SMR.SecondaryMitralRegurgitation
TEER = SMR.TranscatheterEdgeToEdgeRepair

THERAPY_KINDS = (SMR.MedicalTherapy, SMR.DeviceTherapy, SMR.TranscatheterIntervention, SMR.SurgicalIntervention)
"""Therapies are grouped by these kinds (the upper model's subclasses of smr:Therapy)."""

PROGNOSIS_PROPERTIES = (SMR.isIndependentPredictorOf, SMR.worsens)
TREATMENT_PROPERTIES = (SMR.treats, SMR.reverses)
OTHER_PROPERTIES = (*TREATMENT_PROPERTIES, *PROGNOSIS_PROPERTIES, SMR.actsOn, SMR.respondsTo,
                    SMR.associatedWith, SMR.isMostFrequentCauseOf)

RECORD_TYPES = (
    SMR.Recommendation, SMR.EligibilityCriterion, SMR.EpidemiologicalStatement,
    SMR.ClassOfRecommendation, SMR.LevelOfEvidence,
)
"""The kinds of records (individuals) answers are made of, read whole in one query."""

RECORDS_QUERY = """
# Every record of the given types (directly or through a subclass), with all its property values.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?type ?record ?key ?value WHERE {
  VALUES ?type { %s }
  ?kind rdfs:subClassOf* ?type .
  ?record rdf:type ?kind ; ?key ?value .
}
""" % " ".join(f"<{t}>" for t in RECORD_TYPES)

Fields = dict[IRI, list[Term]]


@dataclass
class Claim:
    """One bullet: a generated sentence and the claim or record behind it."""

    statement: str
    subject: IRI | None
    predicate: IRI | None
    object: Term | None
    sources: tuple[IRI, ...]
    evidence_types: tuple[IRI, ...]
    marks: tuple[str, ...] = ()
    record: Term | None = None
    status: IRI | None = None
    provenance: dict = field(default_factory=dict)
    numbers: list[int] = field(default_factory=list)


@dataclass
class Group:
    heading: str | None
    claims: list[Claim]


@dataclass
class Section:
    title: str
    groups: list[Group]


@dataclass
class Answer:
    topic: str
    question: str
    summary: list[str]
    sections: list[Section]
    references: References

    def claims(self) -> Iterable[Claim]:
        for section in self.sections:
            for group in section.groups:
                yield from group.claims


@dataclass(frozen=True)
class Topic:
    question: Callable[[GraphFacts], str]
    sections: tuple[Callable[["Context"], Section | None], ...]
    summary: Callable[["Context"], list[str]]


class Context:
    """The graph facts an answer is built from, read once and shared by its sections."""

    def __init__(self, facts: GraphFacts, superseded: bool = False) -> None:
        self.facts = facts
        self.superseded = superseded
        """Whether superseded guideline recommendations are shown (labelled) besides current ones."""
        self.targets = facts.subclasses(SMR_CLASS)
        self.causal = facts.assertions(CAUSAL_PROPERTIES)
        self.upstream = connected(self.causal, self.targets) - self.targets
        self.other = facts.assertions(OTHER_PROPERTIES)
        # the held-out claims alone: the accepted edges are read above, and a third read of them
        # (assertions(..., held_out=True)) was a third of `answer causes` at 1M triples
        self.held_out = read_held_out(facts.store, (*CAUSAL_PROPERTIES, *OTHER_PROPERTIES))
        self._records: dict[IRI, dict[Term, Fields]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        rows = known("list[tuple[IRI, Term, IRI, Term]]", facts.store.select(RECORDS_QUERY).rows)  # all bound: no OPTIONAL
        for rdf_type, record, key, value in rows:
            self._records[rdf_type][record][key].append(value)

    def label(self, node: Term) -> str:
        return self.facts.label(node) if isinstance(node, IRI) else str(node)

    def is_cause(self, node: IRI) -> bool:
        return node in self.upstream and self.facts.is_a(node, SMR.Condition)

    def edges(self, prop: IRI) -> list[Assertion]:
        return [a for a in (*self.causal, *self.other) if a.property == prop]

    def records(self, rdf_type: IRI) -> dict[Term, Fields]:
        """Records of ``rdf_type`` (one of :data:`RECORD_TYPES`): record -> property -> values."""
        return self._records[rdf_type]

    def claim(self, a: Assertion) -> Claim:
        """The bullet for claim ``a``: its sentence, scoped to its population when it has one,
        flagged by its status (tentative, held out) and by weak support."""
        text = sentence(self.label(a.subject), self.facts.phrase(a.property), self.label(a.object))
        if a.populations:
            text = text[:-1] + f" (in {'; '.join(a.populations)})."
        if a.inferred and a.derived_from:
            text = text[:-1] + f" (as a kind of {self.label(a.derived_from)})."
        provenance = {
            "claim": [curie(c) for c in a.claims if isinstance(c, IRI)],
            "population": list(a.populations),
            "seed_reference": list(a.seed_references),
            "seed_excerpt": list(a.seed_excerpts),
            "curation_note": list(a.curation_notes),
            "inferred": a.inferred,
            "derived_from": curie(a.derived_from) if a.derived_from else None,
        }
        marks = self.facts.claim_marks(a)
        return Claim(text, a.subject, a.property, a.object, a.sources, a.evidence_types, marks,
                     status=a.status, provenance=provenance)

    def record_claim(self, record: Term, fields: Fields, text: str, fallback: Fields | None = None) -> Claim:
        """The bullet for a record; a criterion without its own sources takes its recommendation's."""
        sources = iris(fields.get(DCTERMS.source)) or iris((fallback or {}).get(DCTERMS.source))
        evidence = iris(fields.get(SMR.evidenceType)) or iris((fallback or {}).get(SMR.evidenceType))
        marks = self.facts.marks(sources, evidence)
        if SMR.Superseded in iris(fields.get(SMR.recommendationStatus)):
            marks = ("superseded", *marks)
        subject = first_iri(fields.get(SMR.recommendedIntervention) or fields.get(SMR.criterionObservable)
                            or fields.get(SMR.forCondition))
        obj = first_iri(fields.get(SMR.forCondition) or fields.get(SMR.aboutPopulation))
        provenance = {
            "record_label": [str(v) for v in fields.get(RDFS.label, ())],
            "statement_text": [str(v) for v in fields.get(SMR.statementText, ())],
            "seed_reference": sorted(self.facts.source(c).label for c in iris(fields.get(SMR.seedCitation))),
            "seed_excerpt": [str(v) for v in fields.get(SMR.seedExcerpt, ())],
        }
        return Claim(text, subject, None, obj, sources, evidence, marks, record=record, provenance=provenance)


# ------------------------------------------------------------------------------------------------
# Text helpers shared by sections and renderers
# ------------------------------------------------------------------------------------------------


def sentence(subject: str, phrase: str, obj: str) -> str:
    return f"{capital(subject)} {phrase} {obj}."


def number(value: Term) -> str:
    try:
        parsed = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format(parsed.normalize(), "f")


def count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def join(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"


def iris(values: Iterable[Term] | None) -> tuple[IRI, ...]:
    """The IRIs among ``values``, sorted and without duplicates."""
    return tuple(sorted({v for v in values or () if isinstance(v, IRI)}))


def first_iri(values: Iterable[Term] | None) -> IRI | None:
    found = iris(values)
    return found[0] if found else None


def first(values: Iterable[Term] | None) -> Term | None:
    values = sorted(values or (), key=str)
    return values[0] if values else None


def first_text(values: Iterable[Term] | None) -> str:
    literals = sorted(str(v) for v in values or () if isinstance(v, Literal))
    return literals[0] if literals else ""
