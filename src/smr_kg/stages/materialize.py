"""Turn claims and definitional axioms into direct edges that plain SPARQL can walk.

Two kinds of knowledge arrive here (``docs/adr/0001-claims-not-axioms.md``):

* **Claims** (``smr:Claim`` records, compiled from ``ontology/claims.tsv`` or written in a user's
  Turtle): each *accepted* claim (established or tentative) becomes the direct edge
  ``subject predicate object``; held-out claims (hypothesis, contested, unsupported) stay records
  only, so they never reach a chain, the causal closure or a default answer. Claims are not
  inherited by subclasses: "some patients with X develop Y" does not say anything about the
  patients of a subclass of X.
* **Definitional axioms** (``C SubClassOf P some E`` with an OWL object property, true of every
  instance): each becomes the edge ``C P E`` and, because such an axiom *is* true of every
  subclass, is inherited by the subclasses the reasoner found (``smr:inferred true``,
  ``smr:derivedFrom``).

Every edge has a record carrying its evidence: its own claim, or (for an inherited or a
hand-written axiom) a claim record the build derives, so one join on subject, predicate and
object finds the evidence of any edge. The transitive ``smr:causallyUpstreamOf`` is closed over
the accepted causal edges, so chains are either a property path or one triple. Property chains
are computed here rather than stated as OWL property-chain axioms, which made HermiT 100x slower.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import cast

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS
from rdflib.term import Node

from .claims import ACCEPTED
from ..rdf.namespaces import SMR
from ..rdf.triples import TripleSet

AXIOM_STRUCTURE = frozenset({RDF.type, OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget})
INHERITED_ANNOTATIONS = (DCTERMS.source, SMR.evidenceType, SMR.status)
Triple = tuple[URIRef, URIRef, URIRef]


@dataclass(frozen=True)
class Edge:
    """One definitional restriction ``subject SubClassOf property some target``."""

    subject: URIRef
    property: URIRef
    target: URIRef
    annotations: tuple[tuple[URIRef, Node], ...] = ()
    claim: URIRef | None = None
    """The claim record the axiom was compiled from (None for a hand-written axiom)."""


@dataclass
class Materialized:
    """The triples the build adds to the asserted ontology, with counts for the build report."""

    graph: TripleSet = field(default_factory=TripleSet)
    claims: int = 0
    held_out: dict[URIRef | None, int] = field(default_factory=dict)
    """Claims that became no edge, by status (None: a record without one)."""
    asserted_edges: int = 0
    inherited_edges: int = 0
    closure_edges: int = 0
    inferred_subclass_links: int = 0


def claim_records(graph: Graph | TripleSet) -> list[tuple[URIRef | BNode, Triple, URIRef | None]]:
    """Every smr:Claim of ``graph`` as (record, (subject, predicate, object), status)."""
    found: list[tuple[URIRef | BNode, Triple, URIRef | None]] = []
    slots, status = (SMR.subject, SMR.predicate, SMR.object), SMR.status
    for record in graph.subjects(RDF.type, SMR.Claim):
        triple = tuple(graph.value(record, slot) for slot in slots)
        if all(type(t) is URIRef for t in triple):
            # a record is a subject (an IRI or a blank node), its triple IRIs (checked), its status an IRI
            found.append(cast("tuple[URIRef | BNode, Triple, URIRef | None]", (record, triple, graph.value(record, status))))
    return sorted(found, key=lambda c: (*map(str, c[1]), str(c[0])))  # str: rdflib compares terms in Python


def restriction_edges(graph: Graph | TripleSet) -> list[Edge]:
    """Every ``C rdfs:subClassOf [owl:onProperty P; owl:someValuesFrom E]`` with named C, P, E."""
    annotations = _axiom_annotations(graph)
    merged: dict[Triple, set[tuple[URIRef, Node]]] = defaultdict(set)
    for subject, restriction in graph.subject_objects(RDFS.subClassOf):
        if not isinstance(subject, URIRef) or not isinstance(restriction, BNode):
            continue
        prop = graph.value(restriction, OWL.onProperty)
        target = graph.value(restriction, OWL.someValuesFrom)
        if isinstance(prop, URIRef) and isinstance(target, URIRef):
            # The same edge may be stated by several axioms (e.g. in two files): keep all evidence.
            merged[(subject, prop, target)].update(annotations.get((subject, restriction), ()))
    edges = []
    for key in sorted(merged):
        claims = sorted(cast("Iterator[URIRef]", (o for p, o in merged[key] if p == SMR.claim)))  # claim IRIs
        kept = tuple(sorted((p, o) for p, o in merged[key] if p != SMR.claim))
        edges.append(Edge(*key, kept, claims[0] if claims else None))
    return edges


def sub_properties(graph: Graph | TripleSet, ancestor: URIRef) -> set[URIRef]:
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
    graph: Graph | TripleSet,
    superclasses: dict[URIRef, set[URIRef]] | None = None,
    inferred_parents: Iterable[tuple[URIRef, URIRef]] = (),
) -> Materialized:
    """Edges of accepted claims, definitional and inherited edges, and the causal closure.

    ``superclasses`` maps each class to all its named superclasses (from the reasoner); without
    it (``--no-reasoner``) the asserted rdfs:subClassOf closure is used.
    """
    if superclasses is None:
        superclasses = asserted_superclasses(graph)
    out = Materialized()
    edges: set[Triple] = set()

    records = claim_records(graph)
    out.claims = len(records)
    held_out: dict[URIRef | None, int] = defaultdict(int)
    for _, triple, status in records:
        if status in ACCEPTED:
            edges.add(triple)
        else:
            held_out[status] += 1
    out.held_out = dict(held_out)

    # Definitional axioms: their own edge, then one for every subclass (sorted: deterministic).
    definitional = restriction_edges(graph)
    by_subject: dict[URIRef, list[Edge]] = defaultdict(list)
    for edge in definitional:
        by_subject[edge.subject].append(edge)
        key = (edge.subject, edge.property, edge.target)
        if edge.claim is None and key not in edges:
            reify(out.graph, key, edge.annotations + ((SMR.status, SMR.Established),))
        edges.add(key)
    out.asserted_edges = len(edges)
    for cls in sorted(superclasses, key=str):
        for origin in sorted((o for o in superclasses[cls] if o in by_subject), key=str):
            for edge in by_subject[origin]:
                key = (cls, edge.property, edge.target)
                if key in edges or cls == edge.target:
                    continue
                edges.add(key)
                kept = tuple((p, o) for p, o in edge.annotations if p in INHERITED_ANNOTATIONS)
                extra = [(SMR.inferred, Literal(True)), (SMR.derivedFrom, origin), (SMR.status, SMR.Established)]
                if edge.claim is not None:
                    extra.append((SMR.derivedFromClaim, edge.claim))
                reify(out.graph, key, kept + tuple(extra))
                out.inherited_edges += 1
    out.graph.update(edges)

    causal = sub_properties(graph, SMR.causallyUpstreamOf) - {SMR.causallyUpstreamOf}
    direct = [(s, o) for s, p, o in edges if p in causal]
    closure = sorted(_transitive_closure(direct), key=lambda pair: (str(pair[0]), str(pair[1])))
    out.graph.update((s, SMR.causallyUpstreamOf, o) for s, o in closure)
    out.closure_edges = len(closure)

    for child, parent in sorted(inferred_parents):
        if (child, RDFS.subClassOf, parent) not in graph:
            out.graph.add((child, RDFS.subClassOf, parent))
            out.inferred_subclass_links += 1
    return out


def asserted_superclasses(graph: Graph | TripleSet) -> dict[URIRef, set[URIRef]]:
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


def _transitive_closure(pairs: Iterable[tuple[Node, Node]]) -> set[tuple[Node, Node]]:
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


def _axiom_annotations(
    graph: Graph | TripleSet,
) -> dict[tuple[Node | None, Node | None], tuple[tuple[URIRef, Node], ...]]:
    """(annotatedSource, annotatedTarget) of each rdfs:subClassOf owl:Axiom -> its annotations."""
    keys = {
        axiom: (graph.value(axiom, OWL.annotatedSource), graph.value(axiom, OWL.annotatedTarget))
        for axiom in graph.subjects(RDF.type, OWL.Axiom)
        if graph.value(axiom, OWL.annotatedProperty) == RDFS.subClassOf
    }
    found: dict[tuple[Node | None, Node | None], list[tuple[URIRef, Node]]] = defaultdict(list)
    if keys:
        # one pass (predicates are IRIs): a lookup by subject would index the whole graph for a few axioms
        for s, p, o in cast("Iterable[tuple[Node, URIRef, Node]]", graph):
            if s in keys and p not in AXIOM_STRUCTURE:
                found[keys[s]].append((p, o))
    return {key: tuple(sorted(values)) for key, values in found.items()}


def reify(
    graph: Graph | TripleSet, triple: tuple[URIRef, URIRef, Node], annotations: Iterable[tuple[URIRef, Node]],
    kind: URIRef = SMR.Claim, slots: tuple[URIRef, URIRef, URIRef] = (SMR.subject, SMR.predicate, SMR.object),
    label: str = "claim",
) -> None:
    """A blank node of ``kind`` naming ``triple`` through ``slots``, with ``annotations``: by default
    a derived claim record; the mapping set uses it for ``owl:Axiom`` annotations. Its label is
    derived from the triple, so the same graph gives byte-identical builds."""
    digest = hashlib.sha1(" ".join(map(str, triple)).encode("utf-8")).hexdigest()[:16]
    node = BNode(f"{label}{digest}")
    graph.add((node, RDF.type, kind))
    for slot, term in zip(slots, triple):
        graph.add((node, slot, term))
    for p, o in annotations:
        graph.add((node, p, o))
