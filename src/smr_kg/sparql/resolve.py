"""Turn what a user types (a CURIE, an IRI, a label or a synonym) into one IRI of the graph.

Every command that takes a term (query parameters, lookup, path, diagram) resolves it here, so
"left ventricular dilation", ``smr:LeftVentricularDilation``, its full IRI and, for a coded
concept, ``SNOMEDCT:49436004`` all mean the same thing everywhere. A value that matches nothing,
or several terms equally well, is an error that names the closest candidates: a wrong term must
never be guessed silently.

API:
  resolve_term(store, text) -> IRI      the term ``text`` denotes (raises TermNotFound / AmbiguousTerm)
  to_iri(text) -> IRI                   a CURIE or IRI expanded, without looking at the graph
  candidates(store, text) -> [Candidate] the closest labels, best first (difflib)
  display_labels(store, iris) -> {IRI: label}  the display labels of those IRIs (read once each)
  labels(store) -> {IRI: label}         the display label of every labelled IRI (reads them all)

Matching rules: labels (rdfs:label, skos:prefLabel) win over synonyms (oboInOwl:hasExactSynonym,
skos:altLabel); case, hyphens and repeated spaces are ignored. A CURIE or IRI that is not a
subject in the graph resolves through ``skos:exactMatch``, or a ``skos:closeMatch`` when that
is its only concept (the mapping set counts exact and close matches as a concept's own codes);
a code that is merely a broader, narrower or related match denotes nothing. Lookups are SPARQL
over the
:class:`~smr_kg.store.Store`, so they work on any engine, a remote endpoint included.

Cost in proportion to the answer: a name is matched by one query that lets the store keep only
the names that can normalize to it (a regular expression of its words, plus every non-ASCII
name, which Python then checks exactly), not by reading every name of the graph (4 s of CPU at
1M triples, now 0.4 s); labels are read for the IRIs a caller shows. Only a failed match reads
every name, to suggest the closest ones.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections import defaultdict, namedtuple

from collections.abc import Iterable

from ..rdf import prefixmap
from ..errors import InputError, SmrKgError, quoted
from ..store.base import Store, chunks
from ..rdf.terms import IRI, Literal, known
from ..rdf.vocab import EXACT_SYNONYM, RDFS, SKOS, SMR

LABELS = (RDFS.label, SKOS.prefLabel)
"""Properties whose values name a term (first tier)."""
SYNONYMS = (EXACT_SYNONYM, SKOS.altLabel)
"""Properties whose values are other names of the same term (second tier)."""
MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)

_NAMES_QUERY = """
# Names of terms; claim records are labelled with the sentence they state, which is not a term.
SELECT ?term ?property ?text WHERE {
  VALUES ?property { %s }
  ?term ?property ?text .
  FILTER(isIRI(?term) && isLiteral(?text))
  %%s
  FILTER NOT EXISTS { ?term a <%s> }
}
""" % (" ".join(f"<{p}>" for p in LABELS + SYNONYMS), SMR.Claim)

_LABELS_QUERY = """
SELECT ?term ?text WHERE {
  VALUES ?term { %%s }
  ?term <%s> ?text .
  FILTER(isLiteral(?text))
  FILTER NOT EXISTS { ?term a <%s> }
}
""" % (RDFS.label, SMR.Claim)

_SEPARATORS = r"[\t\n\x0b\x0c\r\x1c-\x1f _-]"
_NON_ASCII = r"[^\x00-\x7F]"
"""What :func:`_normalize` turns into one space in an ASCII name (Python's ``str.split`` counts
\\x1c-\\x1f as whitespace)."""

_SUBJECT_QUERY = "ASK { ?iri ?property ?value }"

_MAPPED_QUERY = """
SELECT ?iri ?concept ?relation WHERE {
  VALUES ?relation { %s }
  ?concept ?relation ?iri .
  FILTER(isIRI(?concept))
}
""" % " ".join(f"<{p}>" for p in MAPPINGS)

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_CURIE = re.compile(r"^([A-Za-z_][\w.-]*):(\S*)$")
_ILLEGAL_IN_IRI = re.compile(r'[\s<>"{}|^`\\]')


class Candidate(namedtuple("Candidate", "iri label")):
    """A term that a value might have meant: its IRI and the label or synonym that matched."""

    __slots__ = ()


class TermNotFound(SmrKgError):
    """No term of the graph matches the value (exit code 1); the message lists candidates."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(message, exit_code=1)
        self.text = text


class AmbiguousTerm(SmrKgError):
    """The value matches several terms equally well (exit code 1); the message lists them."""

    def __init__(self, text: str, matches: list[Candidate]) -> None:
        super().__init__(
            f"{_quote(text)} is ambiguous: it names {_listing(matches)}; give a CURIE or IRI instead",
            exit_code=1,
        )
        self.text = text
        self.matches = matches


def resolve_term(store: Store, text: str) -> IRI:
    """The IRI of the graph that ``text`` denotes.

    ``text`` is a full IRI (optionally in <>), a CURIE of the project's prefix map, or a label
    or exact synonym (case-insensitive). Raises :class:`TermNotFound` or :class:`AmbiguousTerm`,
    or :class:`~smr_kg.errors.InputError` for a value longer than any term (:data:`MAX_TERM`).
    """
    text = text.strip()
    check_length(text)
    iri = _as_iri(text)
    if iri is not None:
        return _resolve_iri(store, text, iri)
    key = _normalize(text)
    by_label, by_synonym = _named(store, key)
    for matches in (by_label, by_synonym):
        if len(matches) == 1:
            return next(iter(matches))
        if len(matches) > 1:
            raise AmbiguousTerm(text, sorted((Candidate(i, n) for i, n in matches.items()), key=lambda c: c.iri))
    curie = _CURIE.match(text)
    hint = f" ({curie.group(1)}: is not a known prefix; known: {_known_prefixes()})" if curie else ""
    raise TermNotFound(text, f"no term is named {_quote(text)}{hint}{_suggestions(_NameIndex.read(store).closest(key))}")


def to_iri(text: str) -> IRI:
    """``text`` as an IRI: a full IRI (optionally in <>) or a CURIE with a known prefix.

    For values that name codes or documents rather than terms of the graph; raises
    :class:`TermNotFound` (exit code 1) for anything else.
    """
    text = text.strip()
    check_length(text)
    iri = _as_iri(text)
    if iri is None:
        raise TermNotFound(
            text,
            f"{_quote(text)} is not an IRI or a CURIE with a known prefix "
            f"(e.g. SNOMEDCT:49436004 or http://snomed.info/id/49436004; prefixes: {_known_prefixes()})",
        )
    return iri


def candidates(store: Store, text: str, limit: int = 5) -> list[Candidate]:
    """The terms whose label or synonym is closest to ``text``, best first."""
    return _NameIndex.read(store).closest(_normalize(text), limit)


def labels(store: Store) -> dict[IRI, str]:
    """The display label of every labelled IRI: its rdfs:label (English or untagged first)."""
    return _NameIndex.read(store).display


def display_labels(store: Store, iris: Iterable[IRI]) -> dict[IRI, str]:
    """The display labels of ``iris`` (as :func:`labels` gives them; unlabelled IRIs are left
    out), each read from the store once per store."""
    found: dict[IRI, str | None] = _LABELS.setdefault(store, {}) if _weak(store) else {}
    missing = sorted({i for i in iris if isinstance(i, IRI)} - found.keys())
    for part in chunks(missing, 200):
        best: dict[IRI, tuple[int, str]] = {}
        values = " ".join(f"<{i}>" for i in part if _IRIREF.fullmatch(i))
        rows = known("list[tuple[IRI, Literal]]", store.select(_LABELS_QUERY % values).rows) if values else ()
        for term, literal in rows:
            rank = _rank(literal)
            if term not in best or rank < best[term]:
                best[term] = rank
        found.update({i: best[i][1] if i in best else None for i in part})
    return {i: label for i in iris if (label := found.get(i))}


def _rank(literal: Literal) -> tuple[int, str]:
    """The order a term's labels are preferred in: English or untagged first, then alphabetical."""
    return (0 if getattr(literal, "language", None) in (None, "en") else 1, str(literal))


def _named(store: Store, key: str) -> tuple[dict[IRI, str], dict[IRI, str]]:
    """The terms whose label (first) or synonym (second) normalizes to ``key``: name -> its text.

    The store keeps the ASCII names spelling ``key``'s words with any case and separators, and
    every non-ASCII name (NFKC may turn those into the key); Python then applies the exact rule.
    """
    import json

    words = key.split(" ") if key else []
    spelled = "^" + _SEPARATORS + "*" + (_SEPARATORS + "+").join(_any_case(w) for w in words) + _SEPARATORS + "*$"
    condition = f'FILTER(REGEX(STR(?text), {json.dumps(spelled + "|" + _NON_ASCII)}))'
    by_label: dict[IRI, str] = {}
    by_synonym: dict[IRI, str] = {}
    for term, prop, literal in known("list[tuple[IRI, IRI, Literal]]", store.select(_NAMES_QUERY % condition).rows):
        if _normalize(str(literal)) == key:
            (by_label if prop in LABELS else by_synonym).setdefault(term, str(literal))
    return by_label, by_synonym


def _any_case(word: str) -> str:
    """``word`` as a pattern matching its ASCII letters in either case.

    Not the REGEX flag "i": with it, oxigraph spent 3 s instead of 0.5 s on the names of a
    1M-triple graph (the flag also folds the non-ASCII class of the pattern). Only ASCII names
    need it: every non-ASCII name is kept by the other branch of the pattern."""
    return "".join(f"[{c.upper()}{c}]" if c.isascii() and c.isalpha() else re.escape(c) for c in word)


class _NameIndex:
    """Every name of the graph (for suggestions after a failed match, and :func:`labels`)."""

    def __init__(self, by_label: dict[str, dict[IRI, str]], by_synonym: dict[str, dict[IRI, str]],
                 display: dict[IRI, str]) -> None:
        self.by_label, self.by_synonym, self.display = by_label, by_synonym, display

    @classmethod
    def read(cls, store: Store) -> "_NameIndex":
        """The index of ``store``, read once per store (stores are read-only snapshots)."""
        if _weak(store) and store in _INDEXES:
            return _INDEXES[store]
        index = cls._read(store)
        if _weak(store):
            _INDEXES[store] = index
        return index

    @classmethod
    def _read(cls, store: Store) -> "_NameIndex":
        by_label: dict[str, dict[IRI, str]] = defaultdict(dict)
        by_synonym: dict[str, dict[IRI, str]] = defaultdict(dict)
        preferred: dict[IRI, tuple[int, str]] = {}
        for term, prop, literal in known("list[tuple[IRI, IRI, Literal]]", store.select(_NAMES_QUERY % "").rows):
            name = str(literal)
            tier = by_label if prop in LABELS else by_synonym
            tier[_normalize(name)].setdefault(term, name)
            if prop == RDFS.label:
                rank = _rank(literal)
                if term not in preferred or rank < preferred[term]:
                    preferred[term] = rank
        return cls(by_label, by_synonym, {term: rank[1] for term, rank in preferred.items()})

    def closest(self, key: str, limit: int = 5) -> list[Candidate]:
        """Best-scoring names by difflib ratio; a name containing ``key`` scores at least 0.75."""
        import difflib

        best: dict[IRI, tuple[float, str]] = {}
        for tier in (self.by_label, self.by_synonym):
            for name_key, terms in tier.items():
                score = difflib.SequenceMatcher(None, key, name_key).ratio()
                if key and len(key) >= 3 and key in name_key:
                    score = max(score, 0.75)
                if score < 0.6:
                    continue
                for term, name in terms.items():
                    if term not in best or score > best[term][0]:
                        best[term] = (score, name)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[1][1], item[0]))
        return [Candidate(term, name) for term, (_, name) in ranked[:limit]]


MAX_TERM = 1000
"""Characters a term may have: longer values are refused at once (matching a 100 KB value
against every label took half a minute)."""


def not_utf8(text: str) -> bool:
    """Whether ``text`` came from bytes that are not UTF-8 (Python keeps them as lone surrogates):
    refused with a reason, instead of a syntax error about a query the user never wrote."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def check_length(text: str) -> None:
    """Refuse a value longer than :data:`MAX_TERM` (exit code 2), showing only its start."""
    if len(text) > MAX_TERM:
        raise InputError(f"{quoted(text, 40)} is too long for a term (at most {MAX_TERM} characters)")
    if not_utf8(text):
        raise InputError("the term is not valid UTF-8 text (check the terminal's or the script's encoding)")


_INDEXES: "weakref.WeakKeyDictionary[Store, _NameIndex]" = weakref.WeakKeyDictionary()
_LABELS: "weakref.WeakKeyDictionary[Store, dict[IRI, str | None]]" = weakref.WeakKeyDictionary()
_IRIREF = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')
"""An IRI that can be written between < > in a query (others are never labelled terms here)."""


def _weak(store: Store) -> bool:
    """Whether ``store`` can key a per-store cache (any object that can be weakly referenced)."""
    try:
        weakref.ref(store)
    except TypeError:
        return False
    return True


def _resolve_iri(store: Store, text: str, iri: IRI) -> IRI:
    if store.ask(_SUBJECT_QUERY, {"iri": iri}):
        return iri
    mapped: dict[IRI, set[IRI]] = defaultdict(set)
    for _, concept, relation in known("list[tuple[IRI, IRI, IRI]]", store.select(_MAPPED_QUERY, {"iri": iri}).rows):
        mapped[relation].add(concept)
    names = display_labels(store, {c for concepts in mapped.values() for c in concepts})
    for relation in (SKOS.exactMatch, SKOS.closeMatch):
        concepts = sorted(mapped.get(relation, ()))
        if len(concepts) == 1:
            return concepts[0]
        if concepts:
            raise AmbiguousTerm(text, [Candidate(c, names.get(c, "")) for c in concepts])
    if mapped:
        others = sorted({c for concepts in mapped.values() for c in concepts})
        raise TermNotFound(
            text,
            f"{_quote(text)} is not a code of any term of the graph; it is only a broader, narrower "
            f"or related match of {_listing([Candidate(c, names.get(c, '')) for c in others])}",
        )
    local = re.split(r"[/#_]", str(iri).rstrip("/#"))[-1]
    hint = _NameIndex.read(store).closest(_normalize(_split_camel(local)))
    raise TermNotFound(text, f"{_quote(text)} is not a term of the graph and no term maps to it{_suggestions(hint)}")


def _as_iri(text: str) -> IRI | None:
    """A full IRI or an expanded CURIE, or None if ``text`` is neither (then it is a name).

    CURIE prefixes and IRI forms follow :mod:`smr_kg.rdf.prefixmap` (its synonyms included, e.g.
    ``SCTID:``), with the prefix's case ignored (``SMR:`` = ``smr:``).
    """
    bracketed = text.startswith("<") and text.endswith(">")
    if bracketed:
        text = text[1:-1]
    if bracketed or text.startswith(("http://", "https://", "urn:", "file:")):
        if not _IRI.match(text) or _ILLEGAL_IN_IRI.search(text):
            raise TermNotFound(text, f"{_quote(text)} is not a valid IRI")
        return prefixmap.standardize(text)
    curie = _CURIE.match(text)
    if curie is None:
        return None
    expanded = prefixmap.expand(text)
    if expanded is None:
        prefix = next((p for p in prefixmap.PREFIX_MAP if p.lower() == curie.group(1).lower()), None)
        expanded = prefixmap.expand(f"{prefix}:{curie.group(2)}") if prefix else None
    if expanded is None or _ILLEGAL_IN_IRI.search(expanded):
        return None
    return expanded


def _normalize(text: str) -> str:
    """Case-, dash- and space-insensitive matching key."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\u2010-\u2015_-]", " ", text)
    return " ".join(text.split())


def _split_camel(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)


def _suggestions(found: list[Candidate]) -> str:
    if not found:
        return " (nothing similar; give a CURIE, an IRI or a label, e.g. \"left ventricular dilation\")"
    return f"; closest: {_listing(found)}"


def _listing(found: list[Candidate]) -> str:
    return ", ".join(f"{_quote(c.label)} ({_curie(c.iri)})" if c.label else _curie(c.iri) for c in found)


def _curie(iri: IRI) -> str:
    return prefixmap.compress(iri)


def _known_prefixes() -> str:
    return ", ".join(prefixmap.PREFIX_MAP)


def _quote(text: str) -> str:
    return quoted(text)
