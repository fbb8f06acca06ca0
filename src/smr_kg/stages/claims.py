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
====================  =========================================================================

The build compiles every row into an ``smr:Claim`` record; a row whose predicate is a
definitional relation (an OWL object property such as ``smr:partOf``) also becomes the
``SubClassOf(subject, predicate some object)`` axiom the reasoner checks, annotated with its
evidence. A bad row (unknown term, relation, source, status or evidence type, a subject or object
of the wrong kind for the relation, a duplicate id) is reported as ``FILE:ROW: column 'NAME': …``
and nothing is built.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from ..errors import InputError
from ..rdf.namespaces import SMR
from ..rdf.triples import Triple, TripleSet

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
           "seed_ref", "population", "excerpt", "see_also", "note")
REQUIRED = ("id", "subject", "predicate", "object", "status", "source", "evidence")
EXCERPT_COLUMNS = ("key", "excerpt")
_LOCAL_ID = re.compile(r"^[A-Za-z][\w.-]*$")
# The terms every record uses, looked up once: each rdflib namespace attribute is a Python call,
# and a 50,000-row table made 750,000 of them.
_TYPE, _LABEL, _SEE_ALSO, _SOURCE = RDF.type, RDFS.label, RDFS.seeAlso, DCTERMS.source
_RECORD_TYPES = (OWL.NamedIndividual, SMR.Claim)
_SUBJECT, _PREDICATE, _OBJECT, _STATUS, _EVIDENCE = SMR.subject, SMR.predicate, SMR.object, SMR.status, SMR.evidenceType
_CITATION, _EXCERPT, _TEXT_COLUMNS = SMR.seedCitation, SMR.seedExcerpt, (("population", SMR.population), ("note", SMR.curationNote))


@dataclass(frozen=True)
class Row:
    """One data row of a table: where it is (for messages) and its cells by column name."""

    path: Path
    number: int
    cells: dict[str, str]

    def fail(self, column: str, message: str) -> InputError:
        return InputError(f"{self.path}:{self.number}: column {column!r}: {message}")

    def values(self, column: str) -> list[str]:
        """The ``|``-separated values of a cell, stripped, empty ones dropped."""
        return [v.strip() for v in self.cells.get(column, "").split("|") if v.strip()]


def is_table(path: Path) -> bool:
    """Tables are tab-separated files (``.tsv``); everything else is RDF."""
    return Path(path).suffix.lower() == ".tsv"


def compile_tables(graph: Graph | TripleSet, paths: Iterable[Path]) -> TripleSet:
    """The claims of the claims tables in ``paths`` as RDF, checked against ``graph``.

    ``graph`` holds the Turtle the claims refer to (classes, relations, sources, seed
    references); seed-excerpt tables among ``paths`` are read first, so a claims table may use
    the keys of any of them.
    """
    excerpts: dict[str, str] = {}
    claim_rows: list[Row] = []
    for path in paths:
        header, rows = _read(Path(path))
        if set(EXCERPT_COLUMNS) <= set(header):
            for row in rows:
                key, text = row.cells.get("key", "").strip(), row.cells.get("excerpt", "").strip()
                if not key or not text:
                    raise row.fail("key" if not key else "excerpt", "empty cell")
                if key in excerpts:
                    raise row.fail("key", f"duplicate excerpt key {key!r}")
                excerpts[key] = text
        elif set(REQUIRED) <= set(header):
            unknown = [c for c in header if c not in COLUMNS]
            if unknown:
                raise InputError(f"{path}:1: unknown column {unknown[0]!r} (columns: {', '.join(COLUMNS)})")
            claim_rows.extend(rows)
        else:
            raise InputError(
                f"{path}:1: not a claims table (needs the columns {', '.join(REQUIRED)}) "
                f"nor a seed-excerpt table (columns {', '.join(EXCERPT_COLUMNS)})"
            )
    return _Compiler(graph, excerpts).compile(claim_rows)


class _Compiler:
    """Checks rows against the ontology graph and writes their records (and definitional axioms)."""

    def __init__(self, graph: Graph | TripleSet, excerpts: dict[str, str]) -> None:
        self.graph = graph
        self.excerpts = excerpts
        self.classes = {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
        self.parents: dict[URIRef, set[URIRef]] = {}
        for child, parent in graph.subject_objects(RDFS.subClassOf):
            if isinstance(child, URIRef) and isinstance(parent, URIRef):
                self.parents.setdefault(child, set()).add(parent)
        self.predicates = {p for p in graph.subjects(SMR.claimPredicate, Literal(True)) if isinstance(p, URIRef)}
        self.seed_refs = {str(n): r for r, n in graph.subject_objects(SMR.referenceNumber)}
        source_kinds = self._below(SMR.EvidenceSource)
        self.sources = {s for kind in source_kinds for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}
        self.evidence_types = {e for e in self._below(SMR.EvidenceType) if e != SMR.EvidenceType}
        self._values: dict[tuple[URIRef, URIRef], object] = {}
        self._iris: dict[str, URIRef] = {}
        self._labels: dict[URIRef, str] = {}
        self._definitional: dict[URIRef, bool] = {}

    def compile(self, rows: list[Row]) -> TripleSet:
        out: list[Triple] = []
        seen: dict[URIRef, Row] = {}
        for row in rows:
            claim = self._claim_iri(row)
            if claim in seen:
                raise row.fail("id", f"duplicate id (first used in row {seen[claim].number})")
            seen[claim] = row
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
        for column, prop in _TEXT_COLUMNS:
            text = row.cells.get(column, "").strip()
            if text:
                out.append((claim, prop, Literal(text)))
        if definitional:
            _write_axiom(out, claim, subject, predicate, obj, sources, evidence)

    def _claim_iri(self, row: Row) -> URIRef:
        text = row.cells.get("id", "").strip()
        if _LOCAL_ID.match(text):
            return SMR[text]
        try:
            return _iri(text)
        except InputError as exc:
            raise row.fail("id", f"{exc.message} (or use a plain name such as claim-0001)") from None

    def _term(self, row: Row, column: str, allowed: set[URIRef], kind: str, text: str | None = None) -> URIRef:
        text = (row.cells.get(column, "") if text is None else text).strip()
        if not text:
            raise row.fail(column, "empty cell")
        iri = self._iris.get(text)
        if iri is None:
            try:
                iri = self._iris[text] = _iri(text)
            except InputError as exc:
                raise row.fail(column, exc.message) from None
        if iri not in allowed:
            from ..rdf.prefixes import compress

            close = difflib.get_close_matches(text, sorted(compress(a) for a in allowed), n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise row.fail(column, f"{text} is not a known {kind}{hint}")
        return iri

    def _check_kind(self, row: Row, column: str, term: URIRef, kind: object) -> None:
        if isinstance(kind, URIRef) and kind not in self._ancestors(term):
            raise row.fail(column, f"{row.cells[column].strip()} is not a kind of {self._label(kind)}, "
                                   f"which {row.cells['predicate'].strip()} requires")

    def _ancestors(self, cls: URIRef) -> set[URIRef]:
        found, frontier = {cls}, [cls]
        while frontier:
            for parent in self.parents.get(frontier.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    frontier.append(parent)
        return found

    def _below(self, ancestor: URIRef) -> set[URIRef]:
        return {c for c in self.classes | {ancestor} if ancestor in self._ancestors(c)}

    def _label(self, iri: URIRef) -> str:
        label = self._labels.get(iri)
        if label is None:
            found = self._value(iri, RDFS.label)
            label = self._labels[iri] = str(found) if found is not None else str(iri)
        return label

    def _value(self, subject: URIRef, predicate: URIRef):
        """``graph.value``, remembered: 50,000 rows ask about the same few predicates and classes
        (rdflib's lookup costs ~20 us; a 1M-triple build asked 250,000 times)."""
        key = (subject, predicate)
        if key not in self._values:
            self._values[key] = self.graph.value(subject, predicate)
        return self._values[key]


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


def _iri(text: str) -> URIRef:
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if text.startswith(("http://", "https://")):
        return URIRef(text)
    from ..rdf.prefixes import PREFIX_MAP, expand

    prefix, sep, local = text.partition(":")
    if sep and local and prefix in PREFIX_MAP:  # a pinned prefix, directly: curies takes 30 us a CURIE
        return URIRef(PREFIX_MAP[prefix] + local)
    return expand(text)


def _read(path: Path) -> tuple[list[str], list[Row]]:
    """Header and rows of a TSV file; lines starting with ``#`` are comments."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.startswith("#")]
    if not lines:
        raise InputError(f"{path}: empty table (no header row)")
    header = [h.strip() for h in lines[0][1].split("\t")]
    rows = []
    for number, cells in _records(lines[1:]):
        if len(cells) > len(header):
            raise InputError(f"{path}:{number}: {len(cells)} cells but the header has {len(header)} columns")
        rows.append(Row(path, number, dict(zip(header, cells))))
    return header, rows


def _records(lines: list[tuple[int, str]]) -> Iterator[tuple[int, list[str]]]:
    """Cells of each line (tab-separated, no quoting: a cell may contain quotes and commas)."""
    for number, line in lines:
        yield number, next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))


__all__ = ["ACCEPTED", "COLUMNS", "REQUIRED", "STATUSES", "compile_tables", "is_table", "reject_claim_axioms"]
