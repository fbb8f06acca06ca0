"""Reading curated row tables (ROBOT-template style) and resolving their cells against the graph.

Every curated table of smr-kg (claims, seed excerpts, and the other kinds of
:mod:`smr_kg.stages.tables`) is a tab-separated file a curator edits one row at a time. What they
share lives here, so that each kind says only what its columns mean: reading the file (comments,
no quoting), naming a bad cell as ``FILE:ROW: column 'NAME': …``, turning a CURIE or IRI into an
IRI, and checking that it names a term of the right kind in the RDF the table is compiled against
(with a "did you mean" hint, because a typo in a CURIE is the commonest curation error).
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ..errors import InputError
from ..rdf.namespaces import SMR
from ..rdf.triples import TripleSet


_LOCAL_ID = re.compile(r"^[A-Za-z][\w.-]*$")


@dataclass(frozen=True)
class Row:
    """One data row of a table: where it is (for messages) and its cells by column name."""

    path: Path
    number: int
    cells: dict[str, str]

    def fail(self, column: str, message: str) -> InputError:
        return InputError(f"{self.path}:{self.number}: column {column!r}: {message}")

    def text(self, column: str) -> str:
        """The cell, stripped ('' when the row has no such cell)."""
        return self.cells.get(column, "").strip()

    def record_iri(self, column: str, example: str) -> URIRef:
        """The IRI a record's id names: a plain name (``claim-0042``) in the smr namespace, or a
        CURIE or IRI for records of other namespaces; ``example`` is shown when it is neither."""
        text = self.text(column)
        if _LOCAL_ID.match(text):
            return SMR[text]
        try:
            return iri(text)
        except InputError as exc:
            raise self.fail(column, f"{exc.message} (or use a plain name such as {example})") from None

    def values(self, column: str) -> list[str]:
        """The ``|``-separated values of a cell, stripped, empty ones dropped."""
        return [v.strip() for v in self.cells.get(column, "").split("|") if v.strip()]


def unique_records(rows: list[Row], example: str) -> Iterator[tuple[Row, URIRef]]:
    """Each row with the IRI its ``id`` names (:meth:`Row.record_iri`); a second row with the
    same id is refused, naming the first."""
    seen: dict[URIRef, Row] = {}
    for row in rows:
        record = row.record_iri("id", example)
        if record in seen:
            raise row.fail("id", f"duplicate id (first used in row {seen[record].number})")
        seen[record] = row
        yield row, record


def is_table(path: Path) -> bool:
    """Tables are tab-separated files (``.tsv``); everything else is RDF."""
    return Path(path).suffix.lower() == ".tsv"


def read_table(path: Path) -> tuple[list[str], list[Row]]:
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


def iri(text: str) -> URIRef:
    """The IRI a cell names: ``<…>``, a full http(s) IRI, or a CURIE of the project's prefixes."""
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if text.startswith(("http://", "https://")):
        return URIRef(text)
    from ..rdf.prefixes import PREFIX_MAP, expand

    prefix, sep, local = text.partition(":")
    if sep and local and prefix in PREFIX_MAP:  # a pinned prefix, directly: curies takes 30 us a CURIE
        return URIRef(PREFIX_MAP[prefix] + local)
    return expand(text)


class Terms:
    """What the RDF a table is compiled against declares: classes, their parents, evidence
    sources and evidence types, looked up once (a 50,000-row table asks about the same few)."""

    def __init__(self, graph: Graph | TripleSet) -> None:
        self.graph = graph
        self.classes = {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
        self.parents: dict[URIRef, set[URIRef]] = {}
        for child, parent in graph.subject_objects(RDFS.subClassOf):
            if isinstance(child, URIRef) and isinstance(parent, URIRef):
                self.parents.setdefault(child, set()).add(parent)
        self.sources = self.instances(SMR.EvidenceSource)
        self.evidence_types = {e for e in self.below(SMR.EvidenceType) if e != SMR.EvidenceType}
        self._values: dict[tuple[URIRef, URIRef], object] = {}
        self._iris: dict[str, URIRef] = {}
        self._labels: dict[URIRef, str] = {}

    def instances(self, cls: URIRef) -> set[URIRef]:
        """Named individuals of ``cls`` or of any class below it."""
        return {s for kind in self.below(cls) for s in self.graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}

    def term(self, row: Row, column: str, allowed: set[URIRef], kind: str, text: str | None = None) -> URIRef:
        """The IRI in ``row``'s ``column`` (or ``text`` from it), which must be one of ``allowed``."""
        text = (row.cells.get(column, "") if text is None else text).strip()
        if not text:
            raise row.fail(column, "empty cell")
        found = self._iris.get(text)
        if found is None:
            try:
                found = self._iris[text] = iri(text)
            except InputError as exc:
                raise row.fail(column, exc.message) from None
        if found not in allowed:
            from ..rdf.prefixes import compress

            close = difflib.get_close_matches(text, sorted(compress(a) for a in allowed), n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise row.fail(column, f"{text} is not a known {kind}{hint}")
        return found

    def ancestors(self, cls: URIRef) -> set[URIRef]:
        found, frontier = {cls}, [cls]
        while frontier:
            for parent in self.parents.get(frontier.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    frontier.append(parent)
        return found

    def below(self, ancestor: URIRef) -> set[URIRef]:
        return {c for c in self.classes | {ancestor} if ancestor in self.ancestors(c)}

    def label(self, term: URIRef) -> str:
        label = self._labels.get(term)
        if label is None:
            found = self.value(term, RDFS.label)
            label = self._labels[term] = str(found) if found is not None else str(term)
        return label

    def value(self, subject: URIRef, predicate: URIRef) -> object:
        """``graph.value``, remembered: 50,000 rows ask about the same few predicates and classes
        (rdflib's lookup costs ~20 us; a 1M-triple build asked 250,000 times)."""
        key = (subject, predicate)
        if key not in self._values:
            self._values[key] = self.graph.value(subject, predicate)
        return self._values[key]


__all__ = ["Row", "Terms", "iri", "is_table", "read_table", "unique_records"]
