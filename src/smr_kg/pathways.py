"""Causal chains between two terms, read from the built graph with the evidence of every step.

The build turns each causal restriction into a direct edge (``C smr:actsThrough M``) reified by
an ``owl:Axiom`` that carries its sources and ECO evidence type, so a chain is a walk over direct
edges and each step's support is one lookup away. SPARQL property paths answer *whether* a chain
exists but not *which* steps it takes, so the edges are read once and walked here, keeping every
simple path (cycles are cut) and preferring asserted evidence over inherited evidence.

This module also reads what every evidence-bearing output needs (assertions with their
evidence, labels, sources, the class hierarchy) into :class:`GraphFacts`, so ``answer``,
``diagram`` and ``lookup`` share one reading of the graph and one way of flagging weak support.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from .claims import ACCEPTED
from .errors import InputError
from .namespaces import ECO_CURATOR_INFERENCE, ECO_NO_TRACEABLE_SUPPORT, SMR
from .prefixes import converter
from .resolve import labels
from .store import Store

CAUSAL_PROPERTIES: tuple[URIRef, ...] = (SMR.actsThrough, SMR.leadsTo, SMR.causesOrContributesTo)
"""The direct causal edges a chain walks: cause -> mechanism -> ... -> condition."""

DEFAULT_MAX_PATHS = 500
"""Stop enumerating after this many chains; the causal model is a small DAG, so this only bites
on a graph with a combinatorial number of alternatives, and the output then says it was cut."""

_PREFIXES = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX smr: <https://w3id.org/smr-kg/>
"""

ASSERTIONS_QUERY = _PREFIXES + """
# Direct edges of the given properties, each with the fields of its accepted claim record(s)
# (one row per field value; an edge without a record gives one row of unbounds).
SELECT ?s ?p ?o ?ax ?key ?value WHERE {
  VALUES ?p { %s }
  ?s ?p ?o .
  FILTER(isIRI(?s) && isIRI(?o))
  OPTIONAL {
    ?ax a smr:Claim ; smr:subject ?s ; smr:predicate ?p ; smr:object ?o ; smr:status ?status ;
        ?key ?raw .
    FILTER(?status IN (smr:Established, smr:Tentative))
    FILTER(?key IN (dcterms:source, smr:evidenceType, smr:inferred, smr:derivedFrom, smr:status,
                    smr:seedCitation, smr:seedExcerpt, smr:curationNote, smr:population))
    OPTIONAL { ?raw smr:referenceNumber ?number }
    BIND(COALESCE(?number, ?raw) AS ?value)
  }
}
"""

HELD_OUT_QUERY = _PREFIXES + """
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

SOURCES_QUERY = _PREFIXES + """
# Every evidence source and seed reference with the fields a citation is made of.
SELECT ?src ?key ?value WHERE {
  # the sources first, in a sub-select: pyoxigraph otherwise scans every triple of the graph
  # for ?src ?key ?value and joins afterwards (14 s instead of 0.7 s at 1M triples)
  { SELECT DISTINCT ?src WHERE {
      { ?src a/rdfs:subClassOf* smr:EvidenceSource } UNION { ?src a smr:SeedReference }
      FILTER(isIRI(?src))
  } }
  ?src ?key ?value .
  FILTER(?key IN (rdfs:label, dcterms:title, dcterms:bibliographicCitation, dcterms:issued,
                  smr:doi, smr:pmid, smr:url, smr:nctId, smr:referenceNumber,
                  smr:resolvesTo, smr:candidateSource, rdf:type))
}
"""

SUBCLASS_QUERY = _PREFIXES + """
# Every direct link between named classes (asserted, or inferred by the build's reasoner); the
# ancestors are computed from them in Python. A path with both ends open
# (?x rdfs:subClassOf+ ?ancestor) is refused by Virtuoso 7 ("transitive start not given").
SELECT ?x ?parent WHERE {
  ?x rdfs:subClassOf ?parent .
  FILTER(isIRI(?x) && isIRI(?parent))
}
"""

PHRASES: dict[URIRef, str] = {
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

EVIDENCE_MARKS: dict[URIRef, str] = {
    ECO_NO_TRACEABLE_SUPPORT: "no traceable reference",
    ECO_CURATOR_INFERENCE: "curator inference",
}
"""How a claim's evidence type is flagged to the reader; ECO:0000304 (traceable) needs no flag."""

STATUS_MARKS: dict[URIRef, str] = {
    SMR.Tentative: "tentative: the sources say it may",
    SMR.Hypothesis: "held out: a hypothesis, not validated",
    SMR.Contested: "held out: contested",
    SMR.Unsupported: "held out: no source supports it",
}
"""How a claim's status is flagged to the reader; an established claim needs no flag."""


@dataclass(frozen=True)
class Assertion:
    """One direct edge ``subject property object`` and the evidence its axiom records."""

    subject: URIRef
    property: URIRef
    object: URIRef
    sources: tuple[URIRef, ...] = ()
    evidence_types: tuple[URIRef, ...] = ()
    inferred: bool = False
    derived_from: URIRef | None = None
    seed_references: tuple[str, ...] = ()
    seed_excerpts: tuple[str, ...] = ()
    curation_notes: tuple[str, ...] = ()
    status: URIRef | None = None
    """The claim's status (smr:Established, smr:Tentative, or a held-out one)."""
    populations: tuple[str, ...] = ()
    claims: tuple[Node, ...] = ()
    """The claim records behind the edge (IRIs for asserted claims, blank nodes for derived ones)."""

    @property
    def held_out(self) -> bool:
        """A hypothesis, contested or unsupported claim: recorded, but not an edge of the graph."""
        return self.status is not None and self.status not in ACCEPTED

    @property
    def marks(self) -> tuple[str, ...]:
        """Flags by status and evidence type alone: tentative or held out, untraceable or inferred
        support, or no source at all (:meth:`GraphFacts.marks` also knows the sources, e.g. a web
        page as the only one)."""
        status = (STATUS_MARKS[self.status],) if self.status in STATUS_MARKS else ()
        if not self.sources:
            return (*status, "no source recorded")
        return (*status, *(EVIDENCE_MARKS[e] for e in self.evidence_types if e in EVIDENCE_MARKS))


@dataclass(frozen=True)
class Source:
    """A citable source (or an unidentified seed reference) as the graph describes it."""

    iri: URIRef
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


@dataclass
class GraphFacts:
    """What the outputs need from the built graph, read once: labels, sources and assertions."""

    store: Store
    labels: dict[URIRef, str] = field(default_factory=dict)
    sources: dict[URIRef, Source] = field(default_factory=dict)
    ancestors: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    """Class -> itself and all its named superclasses."""
    _assertions: dict[tuple, list[Assertion]] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, store: Store) -> "GraphFacts":
        return cls(store, labels(store), read_sources(store), read_ancestors(store))

    def is_a(self, cls: URIRef, ancestor: URIRef) -> bool:
        return ancestor in self.ancestors.get(cls, {cls})

    def subclasses(self, ancestor: URIRef) -> set[URIRef]:
        """``ancestor`` and every class below it."""
        return {c for c, up in self.ancestors.items() if ancestor in up} | {ancestor}

    def label(self, iri: URIRef) -> str:
        return self.labels.get(iri) or curie(iri)

    def phrase(self, prop: URIRef) -> str:
        return PHRASES.get(prop) or self.label(prop)

    def assertions(self, properties: Iterable[URIRef], held_out: bool = False) -> list[Assertion]:
        """Direct edges of ``properties`` with their evidence (read once per set of properties);
        with ``held_out``, also the held-out claims of those predicates (which have no edge)."""
        key = (*sorted(set(properties)), held_out)
        if key not in self._assertions:
            found = read_assertions(self.store, key[:-1])
            if held_out:
                found += read_held_out(self.store, key[:-1])
            self._assertions[key] = found
        return self._assertions[key]

    def claim_marks(self, a: Assertion) -> tuple[str, ...]:
        """Everything the reader must be told about claim ``a``: its status when it is not simply
        established (tentative, held out), then the flags of its support (:meth:`marks`)."""
        status = (STATUS_MARKS[a.status],) if a.status in STATUS_MARKS else ()
        return (*status, *self.marks(a.sources, a.evidence_types))

    def marks(self, sources: Iterable[URIRef], evidence_types: Iterable[URIRef]) -> tuple[str, ...]:
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

    def source(self, iri: URIRef) -> Source:
        """The source ``iri`` names; a seed reference identified as a source becomes that source."""
        found = self.sources.get(iri)
        if found is None:
            return Source(iri, self.label(iri), self.label(iri))
        return found


@dataclass
class PathResult:
    """Every simple causal chain from ``start`` to ``end`` (each a tuple of steps)."""

    start: URIRef
    end: URIRef
    paths: list[tuple[Assertion, ...]]
    truncated: bool = False


def curie(iri: Node) -> str:
    """The CURIE of ``iri`` by the pinned prefix map, or the IRI itself."""
    return converter().compress(str(iri)) or str(iri)


def read_assertions(store: Store, properties: Iterable[URIRef], about: URIRef | None = None) -> list[Assertion]:
    """Direct edges of ``properties`` with the evidence of their accepted claims; only those
    from or to ``about`` when given (a concept card needs its own edges, not the graph's).

    An edge can have several claims (the same statement from two rows or files, or a claim and
    the one the build derived for a subclass); asserted claims win over derived ones, and the
    evidence of all asserted claims is merged.
    """
    return _assertions_from_rows(_rows(store, ASSERTIONS_QUERY, properties, about))


def read_held_out(store: Store, properties: Iterable[URIRef], about: URIRef | None = None) -> list[Assertion]:
    """The held-out claims (hypothesis, contested, unsupported) of ``properties``, one per
    subject/predicate/object, for outputs that show them on request, flagged (``about``: as
    for :func:`read_assertions`)."""
    return _assertions_from_rows(_rows(store, HELD_OUT_QUERY, properties, about))


def _rows(store: Store, query: str, properties: Iterable[URIRef], about: URIRef | None) -> list[tuple]:
    """The rows of ``query`` for ``properties``, bound to edges from or to ``about`` if given
    (an edge from ``about`` to itself comes once)."""
    text = query % " ".join(f"<{p}>" for p in properties)
    if about is None:
        return store.select(text).rows
    outgoing = store.select(text, {"s": about}).rows
    return outgoing + [row for row in store.select(text, {"o": about}).rows if row[0] != about]


def _assertions_from_rows(rows: Iterable[tuple]) -> list[Assertion]:
    records: dict[tuple[URIRef, URIRef, URIRef], dict[Node | None, dict[URIRef, list[Node]]]] = defaultdict(dict)
    for s, p, o, ax, key, value in rows:
        fields = records[(s, p, o)].setdefault(ax, defaultdict(list))
        if key is not None:
            fields[key].append(value)
    out = []
    for (s, p, o), by_record in sorted(records.items()):
        recorded = {ax: f for ax, f in by_record.items() if ax is not None}
        asserted = {ax: f for ax, f in recorded.items() if not _is_true(f.get(SMR.inferred))}
        chosen = asserted or recorded
        merged: dict[URIRef, list[Node]] = defaultdict(list)
        for fields in chosen.values():
            for key, values in fields.items():
                merged[key].extend(values)
        derived = sorted(set(merged.get(SMR.derivedFrom, ())))
        statuses = _unique(merged.get(SMR.status, ()))
        out.append(Assertion(
            subject=s, property=p, object=o,
            sources=_unique(merged.get(DCTERMS.source, ())),
            evidence_types=_unique(merged.get(SMR.evidenceType, ())),
            inferred=bool(chosen) and not asserted,
            derived_from=derived[0] if derived and not asserted else None,
            seed_references=tuple(str(v) for v in _unique(merged.get(SMR.seedCitation, ()))),
            seed_excerpts=tuple(str(v) for v in _unique(merged.get(SMR.seedExcerpt, ()))),
            curation_notes=tuple(str(v) for v in _unique(merged.get(SMR.curationNote, ()))),
            status=_weakest(statuses),
            populations=tuple(str(v) for v in _unique(merged.get(SMR.population, ()))),
            claims=tuple(sorted(chosen, key=str)),
        ))
    return out


def _weakest(statuses: Iterable[Node]) -> URIRef | None:
    """The status to show for merged claims: tentative wins over established (say "may")."""
    found = [s for s in statuses if isinstance(s, URIRef)]
    for status in (SMR.Unsupported, SMR.Contested, SMR.Hypothesis, SMR.Tentative, SMR.Established):
        if status in found:
            return status
    return found[0] if found else None


def read_ancestors(store: Store) -> dict[URIRef, set[URIRef]]:
    """Class -> itself and every named superclass, from the built (reasoned) hierarchy."""
    parents: dict[URIRef, set[URIRef]] = defaultdict(set)
    for x, parent in store.select(SUBCLASS_QUERY).rows:
        parents[x].add(parent)
    found: dict[URIRef, set[URIRef]] = {}
    for x in parents:
        seen, todo = {x}, [x]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        found[x] = seen
    return found


def read_sources(store: Store) -> dict[URIRef, Source]:
    """Every source of the graph; seed references that were identified resolve to their source."""
    fields: dict[URIRef, dict[URIRef, list[str | URIRef]]] = defaultdict(lambda: defaultdict(list))
    for src, key, value in store.select(SOURCES_QUERY).rows:
        fields[src][key].append(value if isinstance(value, URIRef) else str(value))
    sources: dict[URIRef, Source] = {}
    def label(iri: URIRef) -> str:
        return _first(fields.get(iri, {}), RDFS.label) or curie(iri)

    for iri, f in fields.items():
        citation = _first(f, DCTERMS.bibliographicCitation) or _first(f, DCTERMS.title) or label(iri)
        number = _first(f, SMR.referenceNumber)
        if number and not f.get(SMR.resolvesTo) and not f.get(DCTERMS.bibliographicCitation):
            candidates = sorted(label(c) for c in f.get(SMR.candidateSource, ()) if isinstance(c, URIRef))
            citation = f"Reference {number} of the seed answer page, not identified" + (
                f" (candidates: {'; '.join(candidates)})" if candidates else ""
            )
        sources[iri] = Source(
            iri=iri, label=label(iri), citation=citation,
            doi=_first(f, SMR.doi), pmid=_first(f, SMR.pmid), url=_first(f, SMR.url),
            web_page=SMR.WebPage in f.get(RDF.type, ()),
        )
    for iri, f in fields.items():
        target = _first(f, SMR.resolvesTo)
        if isinstance(target, URIRef) and target in sources:
            sources[iri] = sources[target]
    return sources


def find_paths(
    assertions: Iterable[Assertion], start: URIRef, end: URIRef, max_paths: int = DEFAULT_MAX_PATHS,
    ends: Iterable[URIRef] = (),
) -> PathResult:
    """Every simple path from ``start`` to ``end`` (or to one of ``ends``, e.g. its subclasses).

    Nodes that cannot reach an end are pruned first, so the walk only explores live branches;
    a node already on the current path is never revisited (cycles are cut, not followed), and a
    path stops at the first end it reaches. Paths come shortest first, then those with fewer
    inherited steps, then by IRI.
    """
    terminals = {end, *ends}
    if start in terminals:
        raise InputError(f"FROM is TO or a kind of it ({curie(start)}): there is no chain to find")
    if max_paths < 1:
        raise InputError(f"the path limit must be at least 1 (got {max_paths})")
    assertions = list(assertions)
    outgoing: dict[URIRef, list[Assertion]] = defaultdict(list)
    for a in assertions:
        outgoing[a.subject].append(a)
    live = connected(assertions, terminals)
    result = PathResult(start, end, [])
    if start not in live:
        return result

    trail: list[Assertion] = []
    on_trail = {start}

    def walk(node: URIRef) -> None:
        for step in sorted(outgoing[node], key=lambda a: (a.inferred, a.object, a.property)):
            if result.truncated:
                return
            if step.object not in live or step.object in on_trail:
                continue
            trail.append(step)
            if step.object in terminals:
                if len(result.paths) == max_paths:
                    result.truncated = True
                else:
                    result.paths.append(tuple(trail))
            else:
                on_trail.add(step.object)
                walk(step.object)
                on_trail.discard(step.object)
            trail.pop()

    walk(start)
    result.paths.sort(key=lambda p: (len(p), sum(a.inferred for a in p), [(a.property, a.object) for a in p]))
    return result


def causal_paths(facts: GraphFacts, start: URIRef, end: URIRef, max_paths: int = DEFAULT_MAX_PATHS,
                 held_out: bool = False) -> PathResult:
    """Every causal chain from ``start`` to ``end`` or to a subclass of it: causing atrial SMR
    is causing SMR, so those chains are answers too (the last step says which kind). Only
    accepted claims are steps unless ``held_out`` (then held-out steps are flagged)."""
    if held_out:  # held-out claims have no edge, hence no closure to narrow the walk with
        steps = facts.assertions(CAUSAL_PROPERTIES, held_out=True)
    else:
        steps = read_downstream(facts.store, CAUSAL_PROPERTIES, start)
    return find_paths(steps, start, end, max_paths, ends=facts.subclasses(end))


_DOWNSTREAM_QUERY = _PREFIXES + "SELECT ?x ?start WHERE { ?start smr:causallyUpstreamOf ?x FILTER(isIRI(?x)) }"


def read_downstream(store: Store, properties: Iterable[URIRef], start: URIRef) -> list[Assertion]:
    """The edges of ``properties`` leaving ``start`` or anything causally downstream of it: all
    a walk from ``start`` can take. The build materializes the closure smr:causallyUpstreamOf of
    the causal edges, so this reads a chain's worth of edges, not the whole graph's."""
    nodes = {start} | {row[0] for row in store.select(_DOWNSTREAM_QUERY, {"start": start}).rows}
    text = ASSERTIONS_QUERY % " ".join(f"<{p}>" for p in properties)
    return _assertions_from_rows([row for node in sorted(nodes) for row in store.select(text, {"s": node}).rows])


class References:
    """Numbers sources in order of first citation, as a reference list does."""

    def __init__(self, facts: GraphFacts) -> None:
        self.facts = facts
        self._numbers: dict[URIRef, int] = {}
        self.cited: list[Source] = []

    def cite(self, source_iris: Iterable[URIRef]) -> list[int]:
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


def render_tree(result: PathResult, facts: GraphFacts) -> str:
    """The chains as a terminal tree (shared prefixes drawn once), then the numbered sources."""
    start = result.start
    if not result.paths:
        return f"no causal chain from {facts.label(start)} to {facts.label(result.end)} in the graph\n"
    refs = References(facts)
    lines = [f"{facts.label(start)} [{curie(start)}]"]
    trie: dict = {}
    for path in result.paths:
        node = trie
        for step in path:
            node = node.setdefault(step, {})

    def draw(node: Mapping, indent: str) -> None:
        items = list(node.items())
        for i, (step, children) in enumerate(items):
            last = i == len(items) - 1
            lines.append(f"{indent}{'└── ' if last else '├── '}{_step_text(step, facts, refs, result.end)}")
            draw(children, indent + ("    " if last else "│   "))

    draw(trie, "")
    count = len(result.paths)
    lines.append("")
    lines.append(
        f"{count} causal chain{'s' if count != 1 else ''} from {facts.label(start)} to {facts.label(result.end)}"
        + (f" (stopped after {count}; more exist)" if result.truncated else "")
    )
    if refs.cited:
        lines.append("")
        lines.extend(refs.text_lines())
    return "\n".join(lines) + "\n"


def paths_json(result: PathResult, facts: GraphFacts) -> dict:
    """The chains as data: every step with its relation, sources and evidence type."""

    def node(iri: URIRef) -> dict:
        return {"id": curie(iri), "iri": str(iri), "label": facts.label(iri)}

    def step(a: Assertion) -> dict:
        return {
            "subject": node(a.subject),
            "relation": node(a.property),
            "object": node(a.object),
            "sources": [source_json(facts.source(s)) for s in a.sources],
            "evidence_type": [node(e) for e in a.evidence_types],
            "status": node(a.status) if a.status else None,
            "population": list(a.populations),
            "claims": [curie(c) for c in a.claims if isinstance(c, URIRef)],
            "inferred": a.inferred,
            "derived_from": node(a.derived_from) if a.derived_from else None,
            "marks": list(facts.claim_marks(a)),
        }

    return {
        "from": node(result.start),
        "to": node(result.end),
        "truncated": result.truncated,
        "paths": [[step(a) for a in path] for path in result.paths],
    }


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


def _step_text(step: Assertion, facts: GraphFacts, refs: References, end: URIRef) -> str:
    notes = [",".join(str(n) for n in refs.cite(step.sources))] if step.sources else []
    notes.extend(facts.claim_marks(step))
    if step.inferred:
        origin = f" from {facts.label(step.derived_from)}" if step.derived_from else ""
        notes.append(f"inherited{origin}")
    target = facts.label(step.object)
    if step.object != end and facts.is_a(step.object, end):
        target += f" (a kind of {facts.label(end)})"
    return f"{facts.phrase(step.property)} → {target}  [{'; '.join(notes)}]"


def connected(assertions: Iterable[Assertion], nodes: Iterable[URIRef], downstream: bool = False) -> set[URIRef]:
    """``nodes`` and every node with a path to one of them (or, ``downstream``, from one of them)."""
    step: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a in assertions:
        if downstream:
            step[a.subject].add(a.object)
        else:
            step[a.object].add(a.subject)
    found = set(nodes)
    frontier = list(found)
    while frontier:
        for nxt in step.get(frontier.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                frontier.append(nxt)
    return found


def _unique(values: Iterable[Node]) -> tuple:
    return tuple(sorted(set(values), key=str))


def _first(fields: Mapping[URIRef, list], key: URIRef):
    values = sorted(fields.get(key, ()), key=str)
    return values[0] if values else None


def _is_true(values: list[Node] | None) -> bool:
    return any(str(v).lower() in {"true", "1"} for v in values or ())


__all__ = [
    "Assertion", "CAUSAL_PROPERTIES", "PHRASES", "GraphFacts", "PathResult", "References", "Source",
    "causal_paths", "connected", "curie", "find_paths", "paths_json", "read_ancestors", "read_assertions",
    "read_downstream", "read_held_out", "read_sources", "render_tree",
]
