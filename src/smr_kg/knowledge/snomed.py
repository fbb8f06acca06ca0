"""Post-coordinated SNOMED CT expressions for the causes of secondary mitral regurgitation.

SNOMED CT has no concept for secondary (functional) MR, so a coder who must say "MR caused by
atrial fibrillation" refines the nearest concept with the *Due to* attribute, in SNOMED CT
compositional grammar::

    48724000 |Mitral valve regurgitation| : 42752001 |Due to| = 49436004 |Atrial fibrillation|

An expression is emitted only where both codes are confirmed: the focus is the SNOMED CT code the
mapping set links to the condition (its exact match, else its broader match, as for SMR), the
value is the cause's exact match (else its close or broader match, flagged), and the cause must be causally upstream of the
condition in the built graph. Attribute 42752001 |Due to| is confirmed (C2) in SNOMED CT
ECL specification examples reproduced in at least five independent parser test suites, and the
compositional grammar example ``195967001 |Asthma| : 42752001 |Due to| = 55985003``).
Such an expression denotes "mitral regurgitation due to X": broader than *secondary* MR due to X
when the focus is a broader match, which the output says.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..rdf import prefixmap
from ..stages.mappings import Mapping, read_mappings
from ..record import Record
from ..rdf.sctid import check_sctid
from ..store.base import Store
from ..rdf.terms import IRI, known
from ..rdf.vocab import SMR

DUE_TO = ("42752001", "Due to")
"""The SNOMED CT attribute *Due to* (C2: ECL examples reproduced in independent parser test suites)."""

FOCUS_PREDICATES = ("skos:exactMatch", "skos:broadMatch")
"""A focus concept must be the condition itself or a supertype of it (refined by Due to)."""

VALUE_PREDICATES = ("skos:exactMatch", "skos:closeMatch", "skos:broadMatch")
"""The cause's code: the cause itself, else a close or a broader concept (the output says which);
"MR due to <a broader cause>" is still true, only less specific."""

_CAUSES_QUERY = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX smr: <https://w3id.org/smr-kg/>
# Conditions causally upstream of ?target (directly or through a chain, inherited edges included),
# other than the target and its own kinds. The class tests are sub-selects (the joined one with a
# LIMIT that is never reached) so that Virtuoso 7.2.5 computes them before the join; joined
# directly it kept one cause of many (docs/queries.md).
SELECT DISTINCT ?cause ?target WHERE {
  ?cause smr:causallyUpstreamOf ?target .
  { SELECT DISTINCT ?cause WHERE { ?cause rdfs:subClassOf+ smr:Condition } LIMIT 1000000 }
  FILTER(isIRI(?cause) && ?cause != ?target)
  OPTIONAL { SELECT ?cause ?target (true AS ?kindOfTarget) WHERE { ?cause a owl:Class ; rdfs:subClassOf+ ?target } }
  FILTER(!BOUND(?kindOfTarget))
}
"""


class Expression(Record):
    """One cause -> condition link as a SNOMED CT compositional grammar expression."""

    condition: IRI
    cause: IRI
    focus: Mapping
    value: Mapping

    @property
    def text(self) -> str:
        return compose(self.focus.object_id, self.focus.object_label, self.value.object_id, self.value.object_label)

    @property
    def focus_is_broader(self) -> bool:
        return self.focus.predicate_id == "skos:broadMatch"

    @property
    def flags(self) -> list[str]:
        """What makes the expression less specific than the graph's link, in words."""
        flags = ["the focus concept is broader than the condition"] if self.focus_is_broader else []
        if self.value.predicate_id == "skos:closeMatch":
            flags.append("the cause's code is a close, not an exact, match")
        elif self.value.predicate_id == "skos:broadMatch":
            flags.append("the cause's code is broader than the cause")
        return flags

    def as_dict(self) -> dict:
        return {
            "condition": prefixmap.compress(self.condition),
            "cause": prefixmap.compress(self.cause),
            "cause_label": self.value.subject_label,
            "expression": self.text,
            "focus": {"code": self.focus.object_id, "term": self.focus.object_label, "mapping": self.focus.predicate_id},
            "attribute": {"code": f"SNOMEDCT:{DUE_TO[0]}", "term": DUE_TO[1]},
            "value": {"code": self.value.object_id, "term": self.value.object_label, "mapping": self.value.predicate_id},
            "focus_is_broader": self.focus_is_broader,
            "flags": self.flags,
        }


def compose(focus_curie: str, focus_term: str, value_curie: str, value_term: str) -> str:
    """``focus : 42752001 |Due to| = value`` in compositional grammar; both ids must be valid SCTIDs."""
    parts = []
    for curie, term in ((focus_curie, focus_term), (value_curie, value_term)):
        prefix, _, sctid = curie.partition(":")
        problem = "not a SNOMED CT code" if prefix != "SNOMEDCT" else check_sctid(sctid)
        if problem:
            raise ValueError(f"{curie}: {problem}")
        if "|" in term:
            raise ValueError(f"{term!r}: a term in compositional grammar cannot contain '|'")
        parts.append(f"{sctid} |{term}|" if term else sctid)
    return f"{parts[0]} : {DUE_TO[0]} |{DUE_TO[1]}| = {parts[1]}"


def cause_expressions(
    store: Store, condition: IRI = SMR.SecondaryMitralRegurgitation, mappings: Iterable[Mapping] | None = None,
    cause: IRI | None = None,
) -> list[Expression]:
    """An expression for every cause of ``condition`` whose SNOMED CT code is confirmed, by cause
    label; only for ``cause`` when given (a concept card, not the whole list)."""
    rows = [m for m in (mappings if mappings is not None else read_mappings()) if m.object_id.startswith("SNOMEDCT:")]
    focus = _best(rows, prefixmap.compress(condition), FOCUS_PREDICATES)
    if focus is None or (cause is not None and _best(rows, prefixmap.compress(cause), VALUE_PREDICATES) is None):
        return []  # no expression can be written: the graph need not be asked
    found = []
    bindings = {"target": condition, **({"cause": cause} if cause is not None else {})}
    for found_cause, _ in known("list[tuple[IRI, IRI]]", store.select(_CAUSES_QUERY, bindings).rows):
        value = _best(rows, prefixmap.compress(found_cause), VALUE_PREDICATES)
        if value is not None:
            found.append(Expression(condition, found_cause, focus, value))
    return sorted(found, key=lambda e: (e.value.subject_label.lower(), str(e.cause)))


def _best(rows: list[Mapping], subject: str, predicates: tuple[str, ...]) -> Mapping | None:
    """The subject's SNOMED CT mapping with the first of ``predicates`` that it has (one code only)."""
    for predicate in predicates:
        found = sorted((m for m in rows if m.subject_id == subject and m.predicate_id == predicate), key=lambda m: m.object_id)
        if len(found) == 1:
            return found[0]
        if found:
            return None  # two codes for one concept: no single expression is right
    return None


__all__ = ["DUE_TO", "Expression", "cause_expressions", "compose"]
