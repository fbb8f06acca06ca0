"""Turn the OWL causal model into direct edges that plain SPARQL can walk.

Like relation-graph/Ubergraph: every ``C SubClassOf P some E`` becomes the triple ``C P E``;
subclasses inherit their ancestors' edges (through the hierarchy HermiT computed); and the
transitive ``smr:causallyUpstreamOf`` is closed over all its sub-properties, so chains are
either a property path (``smr:actsThrough/smr:leadsTo*``) or one triple. Property chains are
computed here rather than stated as OWL property-chain axioms, which made HermiT 100x slower.

Each direct edge keeps its evidence: an ``owl:Axiom`` reifying the triple carries the same
annotations (source, ECO evidence type, seed reference, notes) as the asserted axiom. Inherited
edges carry their premise's sources and evidence type, ``smr:inferred true`` and
``smr:derivedFrom`` the class they came from.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS
from rdflib.term import Node

from .namespaces import SMR

AXIOM_STRUCTURE = frozenset({RDF.type, OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget})
INHERITED_ANNOTATIONS = (DCTERMS.source, SMR.evidenceType, SMR.seedReference)


@dataclass(frozen=True)
class Edge:
    """One existential restriction ``subject SubClassOf property some target``."""

    subject: URIRef
    property: URIRef
    target: URIRef
    annotations: tuple[tuple[URIRef, Node], ...] = ()


@dataclass
class Materialized:
    """The triples the build adds to the asserted ontology, with counts for the build report."""

    graph: Graph = field(default_factory=Graph)
    asserted_edges: int = 0
    inherited_edges: int = 0
    closure_edges: int = 0
    inferred_subclass_links: int = 0


def restriction_edges(graph: Graph) -> list[Edge]:
    """Every ``C rdfs:subClassOf [owl:onProperty P; owl:someValuesFrom E]`` with named C, P, E."""
    annotations = _axiom_annotations(graph)
    merged: dict[tuple[URIRef, URIRef, URIRef], set[tuple[URIRef, Node]]] = defaultdict(set)
    for subject, restriction in graph.subject_objects(RDFS.subClassOf):
        if not isinstance(subject, URIRef) or not isinstance(restriction, BNode):
            continue
        prop = graph.value(restriction, OWL.onProperty)
        target = graph.value(restriction, OWL.someValuesFrom)
        if isinstance(prop, URIRef) and isinstance(target, URIRef):
            # The same edge may be stated by several axioms (e.g. in two files): keep all evidence.
            merged[(subject, prop, target)].update(annotations.get((subject, restriction), ()))
    return [Edge(*key, tuple(sorted(merged[key]))) for key in sorted(merged)]


def sub_properties(graph: Graph, ancestor: URIRef) -> set[URIRef]:
    """``ancestor`` and every property below it by rdfs:subPropertyOf."""
    found = {ancestor}
    frontier = [ancestor]
    while frontier:
        for child in graph.subjects(RDFS.subPropertyOf, frontier.pop()):
            if isinstance(child, URIRef) and child not in found:
                found.add(child)
                frontier.append(child)
    return found


def materialize(
    graph: Graph,
    superclasses: dict[URIRef, set[URIRef]] | None = None,
    inferred_parents: Iterable[tuple[URIRef, URIRef]] = (),
) -> Materialized:
    """Direct, inherited and transitive-closure edges of ``graph``.

    ``superclasses`` maps each class to all its named superclasses (from the reasoner); without
    it (``--no-reasoner``) the asserted rdfs:subClassOf closure is used.
    """
    if superclasses is None:
        superclasses = asserted_superclasses(graph)
    out = Materialized()
    edges = restriction_edges(graph)
    by_subject: dict[URIRef, list[Edge]] = defaultdict(list)
    for edge in edges:
        by_subject[edge.subject].append(edge)

    # A class's own axioms first, then those inherited from its ancestors (sorted: deterministic).
    seen: set[tuple[URIRef, URIRef, URIRef]] = set()
    classes = sorted(set(by_subject) | set(superclasses))
    for cls in classes:
        for origin in [cls, *sorted(superclasses.get(cls, ()))]:
            for edge in by_subject.get(origin, ()):
                key = (cls, edge.property, edge.target)
                if key in seen or cls == edge.target:
                    continue
                seen.add(key)
                out.graph.add(key)
                if origin == cls:
                    _reify(out.graph, key, edge.annotations)
                    out.asserted_edges += 1
                else:
                    kept = tuple((p, o) for p, o in edge.annotations if p in INHERITED_ANNOTATIONS)
                    extra = ((SMR.inferred, Literal(True)), (SMR.derivedFrom, origin))
                    _reify(out.graph, key, kept + extra)
                    out.inherited_edges += 1

    causal = sub_properties(graph, SMR.causallyUpstreamOf)
    direct = [(s, o) for s, p, o in out.graph if p in causal and isinstance(o, URIRef)]
    for s, o in _transitive_closure(direct):
        if (s, SMR.causallyUpstreamOf, o) not in out.graph:
            out.graph.add((s, SMR.causallyUpstreamOf, o))
            out.closure_edges += 1

    for child, parent in sorted(inferred_parents):
        if (child, RDFS.subClassOf, parent) not in graph:
            out.graph.add((child, RDFS.subClassOf, parent))
            out.inferred_subclass_links += 1
    return out


def asserted_superclasses(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """Named-class ancestors by asserted rdfs:subClassOf only (the no-reasoner fallback)."""
    parents: dict[URIRef, set[URIRef]] = defaultdict(set)
    for child, parent in graph.subject_objects(RDFS.subClassOf):
        if isinstance(child, URIRef) and isinstance(parent, URIRef):
            parents[child].add(parent)
    return {cls: _reachable(cls, parents) for cls in list(parents)}


def _reachable(start: URIRef, parents: dict[URIRef, set[URIRef]]) -> set[URIRef]:
    found: set[URIRef] = set()
    frontier = list(parents.get(start, ()))
    while frontier:
        node = frontier.pop()
        if node not in found and node != start:
            found.add(node)
            frontier.extend(parents.get(node, ()))
    return found


def _transitive_closure(pairs: list[tuple[Node, Node]]) -> set[tuple[Node, Node]]:
    successors: dict[Node, set[Node]] = defaultdict(set)
    for s, o in pairs:
        successors[s].add(o)
    closure = set()
    for start in list(successors):
        stack, seen = list(successors[start]), set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if node != start:
                closure.add((start, node))
            stack.extend(successors.get(node, ()))
    return closure


def _axiom_annotations(graph: Graph) -> dict[tuple[Node, Node], tuple[tuple[URIRef, Node], ...]]:
    """(annotatedSource, annotatedTarget) of each rdfs:subClassOf owl:Axiom -> its annotations."""
    found: dict[tuple[Node, Node], list[tuple[URIRef, Node]]] = defaultdict(list)
    for axiom in graph.subjects(RDF.type, OWL.Axiom):
        if graph.value(axiom, OWL.annotatedProperty) != RDFS.subClassOf:
            continue
        key = (graph.value(axiom, OWL.annotatedSource), graph.value(axiom, OWL.annotatedTarget))
        found[key].extend((p, o) for p, o in graph.predicate_objects(axiom) if p not in AXIOM_STRUCTURE)
    return {key: tuple(sorted(values)) for key, values in found.items()}


def _reify(graph: Graph, triple: tuple[URIRef, URIRef, URIRef], annotations: Iterable[tuple[URIRef, Node]]) -> None:
    """Attach ``annotations`` to ``triple`` as an owl:Axiom with a stable blank-node label."""
    digest = hashlib.sha1(" ".join(triple).encode("utf-8")).hexdigest()[:16]
    axiom = BNode(f"edge{digest}")
    graph.add((axiom, RDF.type, OWL.Axiom))
    graph.add((axiom, OWL.annotatedSource, triple[0]))
    graph.add((axiom, OWL.annotatedProperty, triple[1]))
    graph.add((axiom, OWL.annotatedTarget, triple[2]))
    for p, o in annotations:
        graph.add((axiom, p, o))
