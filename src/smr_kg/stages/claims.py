"""Claims tables: the clinical statements of smr-kg as rows a clinician can review in a diff.

Most of what the sources say is "can cause", "is used to treat", "predicts in this population":
true of some patients, never of every instance of a class, so it cannot be an OWL axiom (see
``docs/adr/0001-claims-not-axioms.md``). Each such statement is one row of a claims table
(``ontology/claims.tsv``; users add their own with ``--input``), in the spirit of ROBOT templates:

====================  =========================================================================
column                meaning
====================  =========================================================================
``id``                the claim's stable name (``claim-0042`` -> ``smr:claim-0042``; a CURIE or
                      IRI for claims of other namespaces)
``subject``           the class the claim is about (CURIE or IRI of a declared class)
``predicate``         the relation (a property marked ``smr:claimPredicate true``)
``object``            the class it is related to
``status``            established | tentative | hypothesis | contested | unsupported
``source``            the sources *verified* to state it (``|``-separated evidence sources)
``evidence``          one ECO evidence type (``ECO:0000304``, ``ECO:0000303``, ``ECO:0000305``)
``seed_ref``          the seed page's reference numbers for the statement (``1|2``), if any
``population``        the patients it was observed or stated in (free text), if restricted
``excerpt``           keys of seed excerpts (``seed-excerpts.tsv``) the claim encodes
``see_also``          other sources worth reading, e.g. counter-evidence (``|``-separated)
``note``              the curator's note: where seed and sources differ, and why
``quote``             the source's own words that state the claim, verbatim (<= 300 characters)
``quote_location``    where the quote stands in its source: which source, and abstract, section,
                      table or page (``Trichon 2003, abstract``)
====================  =========================================================================

A claim that cites a publication (any source other than the seed page and the curators'
inference) must carry the quote that states it: a reader checks the claim against the source's
words, not the curator's paraphrase. The compiler accepts a row without one (a user's table may
be drafted before its quotes are copied, and a quote may come from other RDF read with it); the
SHACL shape ``smrsh:ClaimQuote`` (``shapes/evidence.ttl``) refuses the built graph, naming every
such claim at once, and ``smr-kg query claims-without-quote`` lists them. A source worth citing
whose words were not read belongs in ``see_also``, which needs no quote.

The build compiles every row into an ``smr:Claim`` record; a row whose predicate is a
definitional relation (an OWL object property such as ``smr:partOf``) also becomes the
``SubClassOf(subject, predicate some object)`` axiom the reasoner checks, annotated with its
evidence. A bad row (unknown term, relation, source, status or evidence type, a subject or object
of the wrong kind for the relation, a duplicate id) is reported as ``FILE:ROW: column 'NAME': …``
and nothing is built.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from ..errors import InputError
from ..rdf.namespaces import SMR
from ..rdf.triples import Triple, TripleSet
from .rows import Row, Terms, unique_records

STATUSES: dict[str, URIRef] = {
    "established": SMR.Established,
    "tentative": SMR.Tentative,
    "hypothesis": SMR.Hypothesis,
    "contested": SMR.Contested,
    "unsupported": SMR.Unsupported,
}
"""The status words of a claims table and the smr:ClaimStatus individuals they name."""

ACCEPTED: frozenset[URIRef] = frozenset({SMR.Established, SMR.Tentative})
"""Statuses whose claims become edges of the built graph and drive chains and answers; the
others are held out: recorded with their sources, shown only on request and flagged."""

COLUMNS = ("id", "subject", "predicate", "object", "status", "source", "evidence",
           "seed_ref", "population", "excerpt", "see_also", "note", "quote", "quote_location")
REQUIRED = ("id", "subject", "predicate", "object", "status", "source", "evidence")
EXCERPT_COLUMNS = ("key", "excerpt")
QUOTE_LIMIT = 300
"""The longest quote a claim may carry, in characters: a sentence, not a copied abstract."""
# The terms every record uses, looked up once: each rdflib namespace attribute is a Python call,
# and a 50,000-row table made 750,000 of them.
_TYPE, _LABEL, _SEE_ALSO, _SOURCE = RDF.type, RDFS.label, RDFS.seeAlso, DCTERMS.source
_RECORD_TYPES = (OWL.NamedIndividual, SMR.Claim)
_SUBJECT, _PREDICATE, _OBJECT, _STATUS, _EVIDENCE = SMR.subject, SMR.predicate, SMR.object, SMR.status, SMR.evidenceType
_CITATION, _EXCERPT = SMR.seedCitation, SMR.seedExcerpt
_TEXT_COLUMNS = (("population", SMR.population), ("note", SMR.curationNote),
                 ("quote", SMR.quote), ("quote_location", SMR.quoteLocation))


def compile_claims(graph: Graph | TripleSet, rows: list[Row], excerpts: dict[str, str]) -> TripleSet:
    """The claims of ``rows`` (of any number of claims tables) as RDF, checked against ``graph``.

    ``graph`` holds the Turtle the claims refer to (classes, relations, sources, seed
    references); ``excerpts`` are the keys of every seed-excerpt table read with them.
    """
    return _Compiler(graph, excerpts).compile(rows)


def read_excerpts(rows: list[Row], excerpts: dict[str, str]) -> None:
    """Add the rows of a seed-excerpt table (``key``, ``excerpt``) to ``excerpts``."""
    for row in rows:
        key, text = row.text("key"), row.text("excerpt")
        if not key or not text:
            raise row.fail("key" if not key else "excerpt", "empty cell")
        if key in excerpts:
            raise row.fail("key", f"duplicate excerpt key {key!r}")
        excerpts[key] = text


class _Compiler:
    """Checks rows against the ontology graph and writes their records (and definitional axioms)."""

    def __init__(self, graph: Graph | TripleSet, excerpts: dict[str, str]) -> None:
        self.graph = graph
        self.excerpts = excerpts
        self.terms = terms = Terms(graph)
        self.classes, self.sources, self.evidence_types = terms.classes, terms.sources, terms.evidence_types
        self._term, self._label, self._value = terms.term, terms.label, terms.value
        self.predicates = {p for p in graph.subjects(SMR.claimPredicate, Literal(True)) if isinstance(p, URIRef)}
        self.seed_refs = {str(n): r for r, n in graph.subject_objects(SMR.referenceNumber)}
        self._definitional: dict[URIRef, bool] = {}

    def compile(self, rows: list[Row]) -> TripleSet:
        out: list[Triple] = []
        for row, claim in unique_records(rows, "claim-0001"):
            self._write(out, row, claim)
        return TripleSet(out)

    def _write(self, out: list[Triple], row: Row, claim: URIRef) -> None:
        subject = self._term(row, "subject", self.classes, "class")
        predicate = self._term(row, "predicate", self.predicates, "claim predicate")
        obj = self._term(row, "object", self.classes, "class")
        self._check_kind(row, "subject", subject, self._value(predicate, RDFS.domain))
        self._check_kind(row, "object", obj, self._value(predicate, RDFS.range))
        status_word = row.cells.get("status", "").strip().lower()
        if status_word not in STATUSES:
            raise row.fail("status", f"unknown status {status_word!r} (use one of {', '.join(STATUSES)})")
        status = STATUSES[status_word]
        sources = [self._term(row, "source", self.sources, "evidence source", v) for v in row.values("source")]
        if not sources:
            raise row.fail("source", "every claim needs a source (the seed page counts: smr:SeedPage)")
        evidence = self._term(row, "evidence", self.evidence_types, "evidence type (ECO class under smr:EvidenceType)")
        definitional = self._definitional.get(predicate)
        if definitional is None:
            definitional = self._definitional[predicate] = (predicate, RDF.type, OWL.ObjectProperty) in self.graph
        if definitional and status is not STATUSES["established"]:
            raise row.fail("status", f"{row.cells['predicate']} is a definitional relation (an OWL axiom): "
                                     "only an established claim can state it")

        out += [
            (claim, _TYPE, _RECORD_TYPES[0]),
            (claim, _TYPE, _RECORD_TYPES[1]),
            (claim, _LABEL, Literal(f"{self._label(subject)} {self._label(predicate)} {self._label(obj)}", lang="en")),
            (claim, _SUBJECT, subject),
            (claim, _PREDICATE, predicate),
            (claim, _OBJECT, obj),
            (claim, _STATUS, status),
            (claim, _EVIDENCE, evidence),
        ]
        out += [(claim, _SOURCE, source) for source in sources]
        for number in row.values("seed_ref"):
            if number not in self.seed_refs:
                raise row.fail("seed_ref", f"the seed page has no reference {number!r} (known: {', '.join(sorted(self.seed_refs))})")
            out.append((claim, _CITATION, self.seed_refs[number]))
        for other in row.values("see_also"):
            out.append((claim, _SEE_ALSO, self._term(row, "see_also", self.sources, "evidence source", other)))
        for key in row.values("excerpt"):
            if key not in self.excerpts:
                raise row.fail("excerpt", f"no seed excerpt with key {key!r}")
            out.append((claim, _EXCERPT, Literal(self.excerpts[key])))
        _check_quote(row)
        for column, prop in _TEXT_COLUMNS:
            text = row.cells.get(column, "").strip()
            if text:
                out.append((claim, prop, Literal(text)))
        if definitional:
            _write_axiom(out, claim, subject, predicate, obj, sources, evidence)

    def _check_kind(self, row: Row, column: str, term: URIRef, kind: object) -> None:
        if isinstance(kind, URIRef) and kind not in self.terms.ancestors(term):
            raise row.fail(column, f"{row.cells[column].strip()} is not a kind of {self._label(kind)}, "
                                   f"which {row.cells['predicate'].strip()} requires")


def _check_quote(row: Row) -> None:
    """A quote needs its location and the location its quote; a quote is a sentence, not a page."""
    quote, location = row.text("quote"), row.text("quote_location")
    if quote and not location:
        raise row.fail("quote_location", "a quote needs its location (the source, and abstract, section, table or page)")
    if location and not quote:
        raise row.fail("quote", "empty cell, but quote_location is given")
    if len(quote) > QUOTE_LIMIT:
        raise row.fail("quote", f"{len(quote)} characters; a quote is at most {QUOTE_LIMIT} (the sentence that states the claim)")


def reject_claim_axioms(graph: Graph | TripleSet) -> None:
    """Refuse an OWL restriction on an association predicate (``C SubClassOf actsThrough some M``).

    Such a predicate is an annotation property: an axiom over it is not OWL 2 DL, and would say
    that *every* instance of C acts through M. What a source says can happen is a claim.
    """
    for restriction, prop in graph.subject_objects(OWL.onProperty):
        if (prop, RDF.type, OWL.AnnotationProperty) in graph:
            owner = next((s for s in graph.subjects(RDFS.subClassOf, restriction) if isinstance(s, URIRef)), None)
            where = f"the axiom on {owner}" if owner is not None else "an axiom"
            raise InputError(
                f"{where} uses {prop} in an OWL restriction, but it is an association predicate: a "
                "statement that something can happen is a claim, not an axiom over every instance. "
                "Write it as a row of a claims table (--input my-claims.tsv) or as an smr:Claim record "
                "(docs/adr/0001-claims-not-axioms.md)"
            )


def _write_axiom(out: list[Triple], claim: URIRef, subject: URIRef, predicate: URIRef, obj: URIRef,
                 sources: list[URIRef], evidence: URIRef) -> None:
    """``SubClassOf(subject, predicate some obj)`` annotated with its evidence and its claim."""
    restriction = BNode(f"r-{claim.rsplit('/', 1)[-1]}")
    axiom = BNode(f"a-{claim.rsplit('/', 1)[-1]}")
    out += [
        (subject, RDFS.subClassOf, restriction),
        (restriction, RDF.type, OWL.Restriction),
        (restriction, OWL.onProperty, predicate),
        (restriction, OWL.someValuesFrom, obj),
        (axiom, RDF.type, OWL.Axiom),
        (axiom, OWL.annotatedSource, subject),
        (axiom, OWL.annotatedProperty, RDFS.subClassOf),
        (axiom, OWL.annotatedTarget, restriction),
        (axiom, SMR.evidenceType, evidence),
        (axiom, SMR.claim, claim),
    ]
    out += [(axiom, DCTERMS.source, source) for source in sources]


__all__ = ["ACCEPTED", "COLUMNS", "EXCERPT_COLUMNS", "QUOTE_LIMIT", "REQUIRED", "STATUSES", "compile_claims", "read_excerpts", "reject_claim_axioms"]
