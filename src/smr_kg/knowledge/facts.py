"""What every evidence-bearing output needs from the built graph: labels, sources, the class
hierarchy and the edges with their evidence (:class:`GraphFacts`), and how sources are cited.

Read lazily, in proportion to what is shown: a concept card asks for a few dozen labels, a few
sources and the ancestors of a handful of classes, and reading those for the whole graph was
most of ``smr-kg lookup``'s time at 1M triples (labels 5 s, ancestors 1.1 s, sources 0.8 s).
Each fact is read once and cached. Outputs that look at most of the graph (``answer``,
``diagram``, ``patients``) call :meth:`GraphFacts.prefetch` to read everything in three queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from ..rdf import prefixmap
from .evidence import EVIDENCE_MARKS, PREFIXES, STATUS_MARKS, Assertion, read_assertions, read_held_out
from ..record import Record
from ..store.base import Store, chunks
from ..rdf.terms import IRI, Term, known
from ..rdf.vocab import DCTERMS, ECO_NO_TRACEABLE_SUPPORT, RDF, RDFS, SMR

SOURCE_FIELDS = (RDFS.label, DCTERMS.title, DCTERMS.bibliographicCitation, DCTERMS.issued, SMR.doi, SMR.pmid,
                 SMR.url, SMR.nctId, SMR.referenceNumber, SMR.resolvesTo, SMR.candidateSource, RDF.type)

_FIELD_FILTER = "FILTER(?key IN (%s))" % ", ".join(f"<{k}>" for k in SOURCE_FIELDS)

SOURCES_QUERY = PREFIXES + """
# Every evidence source and seed reference with the fields a citation is made of.
SELECT ?src ?key ?value WHERE {
  # the sources first, in a sub-select: pyoxigraph otherwise scans every triple of the graph
  # for ?src ?key ?value and joins afterwards (14 s instead of 0.7 s at 1M triples)
  { SELECT DISTINCT ?src WHERE {
      { ?src a/rdfs:subClassOf* smr:EvidenceSource } UNION { ?src a smr:SeedReference }
      FILTER(isIRI(?src))
  } }
  ?src ?key ?value .
  %s
}
""" % _FIELD_FILTER

FIELDS_QUERY = PREFIXES + """
# The citation fields of the IRIs of a VALUES block (whether each is a source is decided from its
# rdf:type values and the class hierarchy: Virtuoso 7.2.5 returns nothing for a VALUES block
# inside the UNION of SOURCES_QUERY).
SELECT ?src ?key ?value WHERE {
  %%s
  ?src ?key ?value .
  %s
}
""" % _FIELD_FILTER

SUBCLASS_QUERY = PREFIXES + """
# Direct links between named classes (asserted, or inferred by the build's reasoner): all of them,
# or those from or to the classes of a VALUES block; ancestors are computed from them in Python.
# A path with both ends open (?x rdfs:subClassOf+ ?ancestor) is refused by Virtuoso 7.
SELECT ?x ?parent WHERE {
  %s
  ?x rdfs:subClassOf ?parent .
  FILTER(isIRI(?x) && isIRI(?parent))
}
"""

ANCESTORS_QUERY = PREFIXES + """
# SUBCLASS_QUERY two levels at a time, for walks up the hierarchy (half the queries): the named
# parents of the classes of a VALUES block, each with its own named parents (unbound if none).
SELECT ?x ?parent ?grandparent WHERE {
  %s
  ?x rdfs:subClassOf ?parent .
  FILTER(isIRI(?x) && isIRI(?parent))
  OPTIONAL { ?parent rdfs:subClassOf ?grandparent . FILTER(isIRI(?grandparent)) }
}
"""

PHRASES: dict[IRI, str] = {
    SMR.actsThrough: "acts through",
    SMR.leadsTo: "leads to",
    SMR.causesOrContributesTo: "causes or contributes to",
    SMR.actsOn: "acts on",
    SMR.treats: "treats",
    SMR.reverses: "acts by reversing",
    SMR.respondsTo: "responds to",
    SMR.associatedWith: "is associated with",
    SMR.isIndependentPredictorOf: "is an independent predictor of",
    SMR.worsens: "worsens",
    SMR.isMostFrequentCauseOf: "is the most frequent cause of",
}
"""How a relation reads in a sentence, a tree or a diagram (the graph labels follow RO, e.g.
"causes or contributes to condition"); a relation not listed is written with its graph label."""

BATCH = 200
"""IRIs per VALUES block when facts are read for a set of terms."""


class Source(Record):
    """A citable source (or an unidentified seed reference) as the graph describes it."""

    iri: IRI
    label: str
    citation: str
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    web_page: bool = False
    """A web page (the seed answer page): citable by URL, but not a traceable publication."""

    def links(self) -> list[tuple[str, str]]:
        """(text, address) pairs: the DOI and PubMed resolvers, else the page's own URL."""
        links = []
        if self.doi:
            links.append((f"doi:{self.doi}", f"https://doi.org/{self.doi}"))
        if self.pmid:
            links.append((f"PMID {self.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"))
        if self.url and not links and self.url not in self.citation:
            links.append((self.url, self.url))
        return links


class GraphFacts:
    """Labels, sources, ancestors and edges of the built graph, each read when first needed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._labels: dict[IRI, str | None] = {}
        self._parents: dict[IRI, frozenset[IRI]] = {}
        self._children: dict[IRI, frozenset[IRI]] = {}
        self._fields: dict[IRI, dict[IRI, list] | None] = {}
        self._sources: dict[IRI, Source | None] = {}
        self._assertions: dict[tuple, list[Assertion]] = {}
        self._complete = False

    @classmethod
    def read(cls, store: Store) -> "GraphFacts":
        """The facts of ``store`` (nothing is read until asked for)."""
        return cls(store)

    def prefetch(self) -> "GraphFacts":
        """Read every label, source and subclass link at once (for outputs about the whole graph)."""
        if self._complete:
            return self
        from ..sparql.resolve import labels

        names = labels(self.store)
        self._labels = {**names, **{i: n for i, n in self._labels.items() if n}}
        parents: dict[IRI, set[IRI]] = defaultdict(set)
        children: dict[IRI, set[IRI]] = defaultdict(set)
        for x, parent in known("list[tuple[IRI, IRI]]", self.store.select(SUBCLASS_QUERY % "").rows):
            parents[x].add(parent)
            children[parent].add(x)
        self._parents = defaultdict(frozenset, {x: frozenset(p) for x, p in parents.items()})
        self._children = defaultdict(frozenset, {x: frozenset(c) for x, c in children.items()})
        self._fields = defaultdict(lambda: None, _source_fields(self.store.select(SOURCES_QUERY).rows))
        self._sources = {}
        self._complete = True
        return self

    # --- labels -----------------------------------------------------------------------------

    def label(self, iri: IRI) -> str:
        """The display label of ``iri``, or its CURIE."""
        if iri not in self._labels:
            self.need_labels((iri,))
        return self._labels.get(iri) or curie(iri)

    def need_labels(self, iris: Iterable[Term | None]) -> None:
        """Read the labels of ``iris`` in one go (before rendering many of them); terms that are not
        IRIs, and None, are skipped."""
        from ..sparql.resolve import display_labels

        missing = {i for i in iris if isinstance(i, IRI) and i not in self._labels}
        if missing and not self._complete:
            found = display_labels(self.store, missing)
            self._labels.update({i: found.get(i) for i in missing})

    def all_labels(self) -> dict[IRI, str]:
        """Every labelled IRI of the graph with its display label."""
        self.prefetch()
        return {i: n for i, n in self._labels.items() if n}

    def phrase(self, prop: IRI) -> str:
        return PHRASES.get(prop) or self.label(prop)

    # --- the class hierarchy ----------------------------------------------------------------

    def ancestors(self, cls: IRI) -> frozenset[IRI]:
        """``cls`` and all its named superclasses."""
        return frozenset(self._closure((cls,), self._parents, "?x"))

    def need_ancestors(self, classes: Iterable[IRI]) -> None:
        """Read the superclasses of all ``classes`` level by level, one query per level for all
        of them (:meth:`ancestors` of each alone would ask per class and level)."""
        self._closure(classes, self._parents, "?x")

    def is_a(self, cls: IRI, ancestor: IRI) -> bool:
        return cls == ancestor or ancestor in self.ancestors(cls)

    def subclasses(self, ancestor: IRI) -> set[IRI]:
        """``ancestor`` and every class below it."""
        return self._closure((ancestor,), self._children, "?parent")

    def all_ancestors(self) -> dict[IRI, frozenset[IRI]]:
        """Every class with a named superclass -> itself and all its named superclasses."""
        self.prefetch()
        return {x: self.ancestors(x) for x in list(self._parents) if self._parents[x]}

    def _closure(self, starts: Iterable[IRI], links: dict[IRI, frozenset[IRI]], bound: str) -> set[IRI]:
        """Everything reachable from ``starts`` over ``links`` (parents or children), reading the
        links of each level's unknown classes in one query."""
        found = set(starts)
        frontier = list(found)
        while frontier:
            self._need_links([c for c in frontier if c not in links], links, bound)
            frontier = [n for c in frontier for n in links[c] if n not in found]
            found.update(frontier)
        return found

    def _need_links(self, classes: list[IRI], links: dict[IRI, frozenset[IRI]], bound: str) -> None:
        if not classes or self._complete:
            return
        for part in chunks(sorted(set(classes)), BATCH):
            found: dict[IRI, set[IRI]] = {c: set() for c in part}
            values = f"VALUES {bound} {{ {' '.join(f'<{c}>' for c in part)} }}"
            if bound == "?x":  # upwards: the parents' parents come too
                rows = self.store.select(ANCESTORS_QUERY % values).rows
                for x, parent, grandparent in known("list[tuple[IRI, IRI, IRI | None]]", rows):
                    found[x].add(parent)
                    grand = found.setdefault(parent, set())
                    if grandparent is not None:
                        grand.add(grandparent)
            else:
                for x, parent in known("list[tuple[IRI, IRI]]", self.store.select(SUBCLASS_QUERY % values).rows):
                    found[parent].add(x)
            links.update({c: frozenset(v) for c, v in found.items()})

    # --- sources ----------------------------------------------------------------------------

    def source(self, iri: IRI) -> Source:
        """The source ``iri`` names; a seed reference identified as a source becomes that source."""
        if iri not in self._sources:
            self.need_sources((iri,))
        return self._sources.get(iri) or Source(iri, self.label(iri), self.label(iri))

    def need_sources(self, iris: Iterable[IRI]) -> None:
        """Read the sources ``iris`` name (and the sources they resolve to) in one go."""
        wanted = {i for i in iris if i not in self._sources}
        self._need_fields(wanted)
        targets = {t for i in wanted for t in _values(self._fields.get(i), SMR.resolvesTo) if isinstance(t, IRI)}
        candidates = {c for i in wanted for c in _values(self._fields.get(i), SMR.candidateSource) if isinstance(c, IRI)}
        self._need_fields(targets | candidates)
        for iri in sorted(wanted):
            fields = self._fields.get(iri)
            if fields is None:
                self._sources[iri] = None
                continue
            target = _first(fields, SMR.resolvesTo)
            if isinstance(target, IRI) and self._fields.get(target) is not None:
                self._sources[iri] = self._make_source(target)
            else:
                self._sources[iri] = self._make_source(iri)

    def _need_fields(self, iris: set[IRI]) -> None:
        missing = sorted(i for i in iris if i not in self._fields)
        if not missing or self._complete:
            return
        for part in chunks(missing, BATCH):
            values = f"VALUES ?src {{ {' '.join(f'<{i}>' for i in part)} }}"
            found = _source_fields(self.store.select(FIELDS_QUERY % values).rows)
            # the ancestors of all their types in one query per level, not per type (_is_source)
            self.need_ancestors({t for f in found.values() for t in f.get(RDF.type, ()) if isinstance(t, IRI)})
            self._fields.update({i: found[i] if self._is_source(found.get(i)) else None for i in part})

    def _is_source(self, fields: Mapping[IRI, list] | None) -> bool:
        """An evidence source (of a subclass of smr:EvidenceSource) or a seed reference."""
        types = [t for t in (fields or {}).get(RDF.type, ()) if isinstance(t, IRI)]
        return SMR.SeedReference in types or any(self.is_a(t, SMR.EvidenceSource) for t in types)

    def _make_source(self, iri: IRI) -> Source:
        fields = self._fields[iri]
        assert fields is not None  # need_sources makes sources only of IRIs with fields

        def label(of: IRI) -> str:
            return _first(self._fields.get(of) or {}, RDFS.label) or curie(of)

        citation = _first(fields, DCTERMS.bibliographicCitation) or _first(fields, DCTERMS.title) or label(iri)
        number = _first(fields, SMR.referenceNumber)
        if number and not fields.get(SMR.resolvesTo) and not fields.get(DCTERMS.bibliographicCitation):
            candidates = sorted(label(c) for c in fields.get(SMR.candidateSource, ()) if isinstance(c, IRI))
            citation = f"Reference {number} of the seed answer page, not identified" + (
                f" (candidates: {'; '.join(candidates)})" if candidates else ""
            )
        return Source(
            iri=iri, label=label(iri), citation=citation,
            doi=_first(fields, SMR.doi), pmid=_first(fields, SMR.pmid), url=_first(fields, SMR.url),
            web_page=SMR.WebPage in fields.get(RDF.type, ()),
        )

    # --- edges and how their support is flagged ---------------------------------------------

    def assertions(self, properties: Iterable[IRI], held_out: bool = False) -> list[Assertion]:
        """Direct edges of ``properties`` with their evidence (read once per set of properties);
        with ``held_out``, also the held-out claims of those predicates (which have no edge)."""
        chosen = tuple(sorted(set(properties)))
        key = (*chosen, held_out)
        if key not in self._assertions:
            found = read_assertions(self.store, chosen)
            if held_out:
                found += read_held_out(self.store, chosen)
            self._assertions[key] = found
        return self._assertions[key]

    def claim_marks(self, a: Assertion) -> tuple[str, ...]:
        """Everything the reader must be told about claim ``a``: its status when it is not simply
        established (tentative, held out), then the flags of its support (:meth:`marks`)."""
        status = (STATUS_MARKS[a.status],) if a.status in STATUS_MARKS else ()
        return (*status, *self.marks(a.sources, a.evidence_types))

    def marks(self, sources: Iterable[IRI], evidence_types: Iterable[IRI]) -> tuple[str, ...]:
        """What the reader must be told about a claim's support: no source, untraceable or
        inferred support (by ECO type), or a web page (the seed) as its only source."""
        sources = list(sources)
        if not sources:
            return ("no source recorded",)
        evidence_types = list(evidence_types)
        found = [EVIDENCE_MARKS[e] for e in evidence_types if e in EVIDENCE_MARKS]
        if ECO_NO_TRACEABLE_SUPPORT not in evidence_types and all(self.source(s).web_page for s in sources):
            found.append("web page only")
        return tuple(found)


def _source_fields(rows: Iterable[tuple]) -> dict[IRI, dict[IRI, list]]:
    """Source IRI -> field -> values (IRIs kept as IRIs, literals as text)."""
    fields: dict[IRI, dict[IRI, list]] = defaultdict(lambda: defaultdict(list))
    for src, key, value in rows:
        fields[src][key].append(value if isinstance(value, IRI) else str(value))
    return fields


def _values(fields: Mapping[IRI, list] | None, key: IRI) -> list:
    return list(fields.get(key, ())) if fields else []


def _first(fields: Mapping[IRI, list], key: IRI):
    values = sorted(fields.get(key, ()), key=str)
    return values[0] if values else None


def curie(iri: Term) -> str:
    """The CURIE of ``iri`` by the pinned prefix map, or the IRI itself."""
    return prefixmap.compress(iri)


class References:
    """Numbers sources in order of first citation, as a reference list does."""

    def __init__(self, facts: GraphFacts) -> None:
        self.facts = facts
        self._numbers: dict[IRI, int] = {}
        self.cited: list[Source] = []

    def cite(self, source_iris: Iterable[IRI]) -> list[int]:
        numbers = []
        for iri in source_iris:
            source = self.facts.source(iri)
            if source.iri not in self._numbers:
                self.cited.append(source)
                self._numbers[source.iri] = len(self.cited)
            numbers.append(self._numbers[source.iri])
        return sorted(set(numbers))

    def text_lines(self) -> list[str]:
        """The numbered source list for terminal output (empty when nothing was cited)."""
        if not self.cited:
            return []
        lines = ["Sources:"]
        for number, source in enumerate(self.cited, 1):
            links = " ".join(address for _, address in source.links())
            lines.append(f"  [{number}] {source.citation}" + (f" {links}" if links else ""))
        return lines


def source_json(source: Source) -> dict:
    return {
        "id": curie(source.iri),
        "iri": str(source.iri),
        "citation": source.citation,
        "doi": source.doi,
        "pmid": source.pmid,
        "url": source.url,
        "links": [address for _, address in source.links()],
    }


__all__ = ["PHRASES", "GraphFacts", "References", "Source", "curie", "source_json"]
