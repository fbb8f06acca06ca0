"""OBO Graphs JSON: the built graph as OBO tools read it (pronto, OAK, ROBOT's obographs).

OBO tools see a class's relations as edges of a graph, not as OWL restrictions or annotated
triples; pronto reads neither of the latter. So this export writes:

* a node per named class with its label, definition, synonyms, codes as ``xrefs`` (the
  ``oboInOwl:hasDbXref`` CURIEs) and its SKOS mappings as property values; a node per relation;
* an ``is_a`` edge per direct superclass (asserted, or found by HermiT during the build);
* **each asserted relation once** (``atrial fibrillation --acts through--> left atrial
  dilation``) of an accepted claim or a definitional axiom, with its sources, ECO evidence types
  and claim status in the edge's metadata; held-out claims are not edges. Edges that the
  build inherited down the hierarchy and the transitive ``causally upstream of`` closure are
  left out: they are entailments OBO tools compute themselves (OAK's ``ancestors``, pronto's
  ``superclasses``), and writing them as edges would make every tool report them as asserted,
  and report each chain twice.

Edges come from :func:`smr_kg.knowledge.pathways.read_assertions`, the one reader of edges and their
evidence (claim records) that ``path``, ``lookup``, ``answer`` and ``diagram`` use too, so a
change in how the graph records relations changes this export with them. In the OWL exports the
causal relations are annotation assertions (a claim is not an axiom), which OWL-based OBO readers
do not list as relationships: this export is how OBO tools get them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from ..rdf.namespaces import DEFINITION, OBOINOWL, ONTOLOGY_IRI, SMR

SYNONYM_PREDICATES = {
    OBOINOWL.hasExactSynonym: "hasExactSynonym",
    OBOINOWL.hasRelatedSynonym: "hasRelatedSynonym",
    OBOINOWL.hasBroadSynonym: "hasBroadSynonym",
    OBOINOWL.hasNarrowSynonym: "hasNarrowSynonym",
}
MAPPING_PREDICATES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
ENTAILED = frozenset({SMR.causallyUpstreamOf})
"""Relations the build only computes (the transitive closure): never written as edges."""


def relations(graph: Graph) -> list[URIRef]:
    """The smr relations that link two named classes in ``graph`` (not the computed closure)."""
    classes = _classes(graph)
    found = {
        p for s, p, o in graph
        if isinstance(p, URIRef) and str(p).startswith(str(SMR)) and s in classes and o in classes
    }
    return sorted(found - ENTAILED)


def obograph(graph: Graph) -> dict:
    """The OBO Graphs document (one graph) of a built graph."""
    from ..knowledge.evidence import read_assertions
    from ..store import store_for_graph

    classes = _classes(graph)
    props = relations(graph)
    nodes = [_class_node(graph, c) for c in sorted(classes)]
    nodes += [_property_node(graph, p) for p in props]
    edges: list[dict[str, Any]] = [
        {"sub": str(child), "pred": "is_a", "obj": str(parent)}
        for child, parent in graph.subject_objects(RDFS.subClassOf)
        if child in classes and parent in classes and child != parent
    ]
    named = {str(c) for c in classes}  # the store gives light terms (smr_kg.rdf.terms), compared as text
    for a in read_assertions(store_for_graph(graph), props):
        if a.inferred or str(a.subject) not in named or str(a.object) not in named:
            continue
        values = [(DCTERMS.source, s) for s in a.sources] + [(SMR.evidenceType, e) for e in a.evidence_types]
        if a.status is not None:
            values.append((SMR.status, a.status))  # established, or tentative ("may")
        edge: dict[str, Any] = {"sub": str(a.subject), "pred": str(a.property), "obj": str(a.object)}
        if values:
            edge["meta"] = {"basicPropertyValues": [{"pred": str(p), "val": str(v)} for p, v in values]}
        edges.append(edge)
    edges.sort(key=lambda e: (e["sub"], e["pred"], e["obj"]))
    meta = {"basicPropertyValues": _values(graph, ONTOLOGY_IRI, (DCTERMS.title, DCTERMS.license, OWL.versionIRI))}
    return {"graphs": [{"id": str(ONTOLOGY_IRI), "meta": meta, "nodes": nodes, "edges": edges}]}


def to_obograph_json(graph: Graph | Iterable[tuple]) -> str:
    """:func:`obograph` as deterministic JSON text (of a graph, or of triples as the full export reads them)."""
    if not isinstance(graph, Graph):
        triples, graph = graph, Graph()
        graph.addN((s, p, o, graph) for s, p, o in triples)
    return json.dumps(obograph(graph), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _classes(graph: Graph) -> set[URIRef]:
    return {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}


def _class_node(graph: Graph, cls: URIRef) -> dict:
    node: dict = {"id": str(cls), "type": "CLASS"}
    label = _text(graph, cls, RDFS.label)
    if label:
        node["lbl"] = label
    meta: dict = {}
    definition = _text(graph, cls, DEFINITION)
    if definition:
        meta["definition"] = {"val": definition}
    synonyms = [
        {"pred": name, "val": str(value)}
        for pred, name in SYNONYM_PREDICATES.items() for value in graph.objects(cls, pred)
    ]
    if synonyms:
        meta["synonyms"] = sorted(synonyms, key=lambda s: (s["pred"], s["val"]))
    xrefs = sorted(str(x) for x in graph.objects(cls, OBOINOWL.hasDbXref))
    if xrefs:
        meta["xrefs"] = [{"val": x} for x in xrefs]
    values = _values(graph, cls, MAPPING_PREDICATES)
    if values:
        meta["basicPropertyValues"] = values
    if (cls, OWL.deprecated, Literal(True)) in graph:
        meta["deprecated"] = True
    if meta:
        node["meta"] = meta
    return node


def _property_node(graph: Graph, prop: URIRef) -> dict:
    node = {"id": str(prop), "type": "PROPERTY", "propertyType": "OBJECT"}
    label = _text(graph, prop, RDFS.label)
    if label:
        node["lbl"] = label
    return node


def _values(graph: Graph, subject: URIRef, predicates) -> list[dict]:
    return sorted(
        ({"pred": str(p), "val": str(o)} for p in predicates for o in graph.objects(subject, p)),
        key=lambda v: (v["pred"], v["val"]),
    )


def _text(graph: Graph, subject: URIRef, predicate: URIRef) -> str | None:
    """The English (or untagged) value of ``predicate``, the first in sorted order."""
    values = sorted(str(v) for v in graph.objects(subject, predicate)
                    if isinstance(v, Literal) and v.language in (None, "en"))
    return values[0] if values else None
