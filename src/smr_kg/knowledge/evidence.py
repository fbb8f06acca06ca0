"""The graph's direct edges with the evidence of their claim records: the one reading of claims.

Every accepted claim (established or tentative) is also a direct edge ``S P O``; its record
(``smr:Claim`` with subject, predicate, object, status, sources, ECO evidence type, population,
seed citation ...) is found by joining on subject/predicate/object. Held-out claims
(hypothesis, contested, unsupported) have a record but no edge. ``answer``, ``diagram``,
``lookup``, ``path`` and ``patients`` all read edges here, so they flag weak support alike.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Callable, Iterable

from ..record import Record
from ..store.base import Store
from ..rdf.terms import IRI, Term
from ..rdf.vocab import ACCEPTED, DCTERMS, ECO_CURATOR_INFERENCE, ECO_NO_TRACEABLE_SUPPORT, SMR

CAUSAL_PROPERTIES: tuple[IRI, ...] = (SMR.actsThrough, SMR.leadsTo, SMR.causesOrContributesTo)
"""The direct causal edges a chain walks: cause -> mechanism -> ... -> condition."""

PREFIXES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX smr: <https://w3id.org/smr-kg/>
"""

_ACCEPTED_CLAIM_FIELDS = """
    ?ax a smr:Claim ; smr:subject ?s ; smr:predicate ?p ; smr:object ?o ; smr:status ?status ;
        ?key ?raw .
    FILTER(?status IN (smr:Established, smr:Tentative))
    FILTER(?key IN (dcterms:source, smr:evidenceType, smr:inferred, smr:derivedFrom, smr:status,
                    smr:seedCitation, smr:seedExcerpt, smr:curationNote, smr:population))
    OPTIONAL { ?raw smr:referenceNumber ?number }
    BIND(COALESCE(?number, ?raw) AS ?value)
"""

ASSERTIONS_QUERY = PREFIXES + """
# Direct edges of the given properties, each with the fields of its accepted claim record(s)
# (one row per field value; an edge without a record gives one row of unbounds).
SELECT ?s ?p ?o ?ax ?key ?value WHERE {
  VALUES ?p { %s }
  ?s ?p ?o .
  FILTER(isIRI(?s) && isIRI(?o))
  OPTIONAL {""" + _ACCEPTED_CLAIM_FIELDS + """  }
}
"""

EDGES_QUERY = PREFIXES + """
# Direct edges of the given properties between IRIs (ASSERTIONS_QUERY without the records).
SELECT ?s ?p ?o WHERE {
  VALUES ?p { %s }
  ?s ?p ?o .
  FILTER(isIRI(?s) && isIRI(?o))
}
"""

CLAIM_FIELDS_QUERY = PREFIXES + """
# The fields of the accepted claim records of the given properties (one row per field value).
SELECT ?s ?p ?o ?ax ?key ?value WHERE {
  VALUES ?p { %s }""" + _ACCEPTED_CLAIM_FIELDS + """}
"""

HELD_OUT_QUERY = PREFIXES + """
# Claims of the given predicates that are held out (no edge): one row per field value.
SELECT ?s ?p ?o ?ax ?key ?value WHERE {
  VALUES ?p { %s }
  ?ax a smr:Claim ; smr:subject ?s ; smr:predicate ?p ; smr:object ?o ; smr:status ?status ;
      ?key ?raw .
  FILTER(?status NOT IN (smr:Established, smr:Tentative))
  FILTER(?key IN (dcterms:source, smr:evidenceType, smr:status, smr:seedCitation, smr:seedExcerpt,
                  smr:curationNote, smr:population))
  OPTIONAL { ?raw smr:referenceNumber ?number }
  BIND(COALESCE(?number, ?raw) AS ?value)
}
"""

DOWNSTREAM_EDGES_QUERY = PREFIXES + """
# EDGES_QUERY for the edges leaving any node causally downstream of ?start (over the closure the
# build materializes): a whole chain's edges in one query, not one query per node.
SELECT ?start ?s ?p ?o WHERE {
  VALUES ?p { %s }
  ?start smr:causallyUpstreamOf ?s .
  ?s ?p ?o .
  FILTER(isIRI(?s) && isIRI(?o))
}
"""

DOWNSTREAM_FIELDS_QUERY = PREFIXES + """
# CLAIM_FIELDS_QUERY for the claims whose subject is causally downstream of ?start.
SELECT ?start ?s ?p ?o ?ax ?key ?value WHERE {
  VALUES ?p { %s }
  ?start smr:causallyUpstreamOf ?s .""" + _ACCEPTED_CLAIM_FIELDS + """}
"""

EVIDENCE_MARKS: dict[IRI, str] = {
    ECO_NO_TRACEABLE_SUPPORT: "no traceable reference",
    ECO_CURATOR_INFERENCE: "curator inference",
}
"""How a claim's evidence type is flagged to the reader; ECO:0000304 (traceable) needs no flag."""

STATUS_MARKS: dict[IRI, str] = {
    SMR.Tentative: "tentative: the sources say it may",
    SMR.Hypothesis: "held out: a hypothesis, not validated",
    SMR.Contested: "held out: contested",
    SMR.Unsupported: "held out: no source supports it",
}
"""How a claim's status is flagged to the reader; an established claim needs no flag."""


class Assertion(Record):
    """One direct edge ``subject property object`` and the evidence its claim records carry."""

    subject: IRI
    property: IRI
    object: IRI
    sources: tuple[IRI, ...] = ()
    evidence_types: tuple[IRI, ...] = ()
    inferred: bool = False
    derived_from: IRI | None = None
    seed_references: tuple[str, ...] = ()
    seed_excerpts: tuple[str, ...] = ()
    curation_notes: tuple[str, ...] = ()
    status: IRI | None = None
    """The claim's status (smr:Established, smr:Tentative, or a held-out one)."""
    populations: tuple[str, ...] = ()
    claims: tuple[Term, ...] = ()
    """The claim records behind the edge (IRIs for asserted claims, blank nodes for derived ones)."""

    @builtins.property  # the field ``property`` shadows the builtin in the class body
    def held_out(self) -> bool:
        """A hypothesis, contested or unsupported claim: recorded, but not an edge of the graph."""
        return self.status is not None and self.status not in ACCEPTED

    @builtins.property  # the field ``property`` shadows the builtin in the class body
    def marks(self) -> tuple[str, ...]:
        """Flags by status and evidence type alone: tentative or held out, untraceable or inferred
        support, or no source at all (:meth:`smr_kg.knowledge.facts.GraphFacts.marks` also knows the
        sources, e.g. a web page as the only one)."""
        status = (STATUS_MARKS[self.status],) if self.status in STATUS_MARKS else ()
        if not self.sources:
            return (*status, "no source recorded")
        return (*status, *(EVIDENCE_MARKS[e] for e in self.evidence_types if e in EVIDENCE_MARKS))


def read_assertions(store: Store, properties: Iterable[str], about: IRI | None = None) -> list[Assertion]:
    """Direct edges of ``properties`` with the evidence of their accepted claims; only those
    from or to ``about`` when given (a concept card needs its own edges, not the graph's).

    An edge can have several claims (the same statement from two rows or files, or a claim and
    the one the build derived for a subclass); asserted claims win over derived ones, and the
    evidence of all asserted claims is merged.
    """
    values = _values(properties)
    if about is None:
        return _assertions_from_rows(store.select(ASSERTIONS_QUERY % values).rows)
    return _assertions_from_rows(_about(lambda bindings: _bound_rows(store, values, bindings), about))


def read_held_out(store: Store, properties: Iterable[str], about: IRI | None = None) -> list[Assertion]:
    """The held-out claims (hypothesis, contested, unsupported) of ``properties``, one per
    subject/predicate/object, for outputs that show them on request, flagged (``about``: as
    for :func:`read_assertions`)."""
    text = HELD_OUT_QUERY % _values(properties)
    if about is None:
        return _assertions_from_rows(store.select(text).rows)
    return _assertions_from_rows(_about(lambda bindings: store.select(text, bindings).rows, about))


def read_downstream(store: Store, properties: Iterable[str], start: IRI,
                    leaving: Iterable[Assertion] | None = None) -> list[Assertion]:
    """The edges of ``properties`` leaving ``start`` or anything causally downstream of it: all
    a walk from ``start`` can take. The build materializes the closure smr:causallyUpstreamOf of
    the causal edges, so this reads a chain's worth of edges, not the whole graph's.
    ``leaving``: :func:`read_assertions` about ``start`` (of these or more properties) if the
    caller has read it, as a concept card has (its edges from ``start`` are not read again)."""
    properties = tuple(properties)
    values = _values(properties)
    # The downstream nodes are joined in the query, not listed: a VALUES block of them was 10x
    # slower at 1M triples (oxigraph read every claim record before the join); the join starts
    # from ?start (2 queries for a chain, not 2 per node; measured in the note of issue 14).
    rows = _joined_rows(store, DOWNSTREAM_FIELDS_QUERY % values, DOWNSTREAM_EDGES_QUERY % values, {"start": start})
    downstream = _assertions_from_rows(row for row in rows if str(row[0]) != str(start))  # not a cycle back to it
    if leaving is None:
        first = _assertions_from_rows(_bound_rows(store, values, {"s": start}))
    else:  # compared as text: callers may name terms with rdflib's classes
        wanted = {str(p) for p in properties}
        first = [a for a in leaving if str(a.subject) == str(start) and str(a.property) in wanted]
    return sorted([*first, *downstream], key=lambda a: (a.subject, a.property, a.object))


def _values(properties: Iterable[str]) -> str:
    """IRIs (light or rdflib terms, compared as text) as the body of a VALUES block."""
    return " ".join(f"<{p}>" for p in properties)


def _about(read: Callable[[dict[str, IRI]], list[tuple]], about: IRI) -> list[tuple]:
    """The rows ``read`` gives for edges from ``about`` and to it (an edge from ``about`` to
    itself comes once)."""
    return read({"s": about}) + [row for row in read({"o": about}) if row[0] != about]


def _bound_rows(store: Store, values: str, bindings: dict[str, IRI]) -> list[tuple]:
    """ASSERTIONS_QUERY's rows for the edges that match ``bindings``, read as edges and records
    and joined here: oxigraph does not carry a bound variable into an OPTIONAL, so the one-query
    form reads every claim record of the graph (0.3-0.6 s per call at 1M triples, 1 ms this way;
    measured with benchmarks/bench_scaling.py)."""
    return _joined_rows(store, CLAIM_FIELDS_QUERY % values, EDGES_QUERY % values, bindings)


def _joined_rows(store: Store, fields_query: str, edges_query: str, bindings: dict[str, IRI]) -> list[tuple]:
    """Each edge of ``edges_query`` (its last 3 columns: s p o) with the claim fields of
    ``fields_query`` (its last 6: s p o ax key value), or one row of unbounds if it has none."""
    records: dict[tuple, list[tuple]] = defaultdict(list)
    for row in store.select(fields_query, bindings).rows:
        records[tuple(row[-6:-3])].append(tuple(row[-6:]))
    return [row for edge in store.select(edges_query, bindings).rows
            for row in records.get(tuple(edge[-3:])) or [(*edge[-3:], None, None, None)]]


def _assertions_from_rows(rows: Iterable[tuple]) -> list[Assertion]:
    records: dict[tuple[IRI, IRI, IRI], dict[Term | None, dict[IRI, list[Term]]]] = defaultdict(dict)
    for s, p, o, ax, key, value in rows:
        fields = records[(s, p, o)].setdefault(ax, defaultdict(list))
        if key is not None:
            fields[key].append(value)
    out = []
    for (s, p, o), by_record in sorted(records.items()):
        recorded = {ax: f for ax, f in by_record.items() if ax is not None}
        asserted = {ax: f for ax, f in recorded.items() if not _is_true(f.get(SMR.inferred))}
        chosen = asserted or recorded
        merged: dict[IRI, list[Term]] = defaultdict(list)
        for fields in chosen.values():
            for key, values in fields.items():
                merged[key].extend(values)
        derived = sorted(set(merged.get(SMR.derivedFrom, ())))
        out.append(Assertion(
            subject=s, property=p, object=o,
            sources=_unique(merged.get(DCTERMS.source, ())),
            evidence_types=_unique(merged.get(SMR.evidenceType, ())),
            inferred=bool(chosen) and not asserted,
            derived_from=derived[0] if derived and not asserted else None,
            seed_references=tuple(str(v) for v in _unique(merged.get(SMR.seedCitation, ()))),
            seed_excerpts=tuple(str(v) for v in _unique(merged.get(SMR.seedExcerpt, ()))),
            curation_notes=tuple(str(v) for v in _unique(merged.get(SMR.curationNote, ()))),
            status=_weakest(_unique(merged.get(SMR.status, ()))),
            populations=tuple(str(v) for v in _unique(merged.get(SMR.population, ()))),
            claims=tuple(sorted(chosen, key=str)),
        ))
    return out


def _weakest(statuses: Iterable[Term]) -> IRI | None:
    """The status to show for merged claims: tentative wins over established (say "may")."""
    found = [s for s in statuses if isinstance(s, IRI)]
    for status in (SMR.Unsupported, SMR.Contested, SMR.Hypothesis, SMR.Tentative, SMR.Established):
        if status in found:
            return status
    return found[0] if found else None


def _unique(values: Iterable[Term]) -> tuple:
    return tuple(sorted(set(values), key=str))


def _is_true(values: list[Term] | None) -> bool:
    return any(str(v).lower() in {"true", "1"} for v in values or ())


__all__ = [
    "ASSERTIONS_QUERY", "Assertion", "CAUSAL_PROPERTIES", "EVIDENCE_MARKS", "HELD_OUT_QUERY", "PREFIXES",
    "STATUS_MARKS", "read_assertions", "read_downstream", "read_held_out",
]
