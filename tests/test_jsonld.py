"""The linear JSON-LD path gives exactly what PyLD's own N-Quads path gives.

``compact_triples`` builds PyLD's fromRdf output in one pass (``expanded_nodes``), then compacts
it in one pass or, for contexts that compactor does not implement, with PyLD's IRI compaction
memoized; these tests compare fromRdf and the memoized fallback with PyLD run the plain way
(N-Quads string, no memo) on the built graph and on a graph of the awkward cases (literals that
are equal in RDF but not in rdflib, languages and datatypes the context does not coerce, lists,
shared blank nodes). The one-pass compactor is tested in test_jsonld_compact.py.
"""

from __future__ import annotations

import json

from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from smr_kg.rdf.canonical import Canonical, to_ntriples
from smr_kg.rdf.serialize import published_context
from smr_kg.rdf.jsonld import _memoized_processor_class, compact_triples, expanded_nodes, offline_loader
from smr_kg.rdf.namespaces import DEFINITION, SMR


def pyld_from_rdf(graph: Graph) -> list:
    """PyLD's fromRdf the documented way: of an N-Quads string."""
    return jsonld.from_rdf(to_ntriples(Canonical(graph)), {"format": "application/n-quads", "documentLoader": offline_loader})


def pyld_plain(graph: Graph) -> dict:
    """PyLD the documented way: fromRdf of an N-Quads string, then compact."""
    return jsonld.compact(pyld_from_rdf(graph), published_context(), {"documentLoader": offline_loader})


def memoized_pyld(graph: Graph, context: dict) -> dict:
    """The fallback of ``compact_triples``: PyLD's compaction with IRI compaction memoized."""
    options = {"documentLoader": offline_loader, "skipExpansion": True}
    return _memoized_processor_class()().compact(expanded_nodes(Canonical(graph).triples()), context, options)


def awkward_graph() -> Graph:
    graph = Graph()
    cls, other = SMR.SomeCondition, SMR.OtherCondition
    graph.add((cls, RDF.type, OWL.Class))
    graph.add((cls, RDFS.label, Literal("some condition", lang="en")))
    graph.add((cls, RDFS.label, Literal("une condition", lang="fr")))
    graph.add((cls, RDFS.comment, Literal("plain")))
    graph.add((cls, RDFS.comment, Literal("plain", datatype=XSD.string)))  # one RDF literal, two rdflib ones
    graph.add((cls, DEFINITION, Literal("typed", datatype=XSD.token)))
    graph.add((cls, SMR.value, Literal("50.0", datatype=XSD.decimal)))
    graph.add((cls, SMR.value, Literal("7", datatype=XSD.integer)))
    graph.add((cls, RDFS.subClassOf, other))
    graph.add((cls, URIRef("http://example.org/unmapped#p"), URIRef("http://example.org/x")))
    shared = BNode()
    graph.add((cls, RDFS.seeAlso, shared))
    graph.add((other, RDFS.seeAlso, shared))
    graph.add((shared, RDFS.label, Literal("shared blank node", lang="en")))
    members = BNode()
    Collection(graph, members, [cls, other, SMR.Third])
    union = BNode()
    graph.add((union, OWL.unionOf, members))
    graph.add((SMR.Defined, OWL.equivalentClass, union))
    return graph


def test_one_of_two_literals_that_rdf_calls_equal_is_kept() -> None:
    graph = Graph()
    graph.add((SMR.a, RDFS.comment, Literal("x")))
    graph.add((SMR.a, RDFS.comment, Literal("x", datatype=XSD.string)))
    assert len(graph) == 2
    assert expanded_nodes(Canonical(graph).triples()) == [{"@id": str(SMR.a), str(RDFS.comment): [{"@value": "x"}]}]


def test_expanded_nodes_are_pyld_from_rdf_on_the_awkward_cases() -> None:
    graph = awkward_graph()
    assert expanded_nodes(Canonical(graph).triples()) == pyld_from_rdf(graph)


def test_linear_compaction_equals_pyld_on_the_awkward_cases() -> None:
    graph = awkward_graph()
    assert json.dumps(compact_triples(Canonical(graph).triples(), published_context())) == json.dumps(pyld_plain(graph))


def test_the_memoized_pyld_fallback_equals_pyld_on_the_awkward_cases() -> None:
    graph = awkward_graph()
    assert json.dumps(memoized_pyld(graph, published_context())) == json.dumps(pyld_plain(graph))


def test_expanded_nodes_are_pyld_from_rdf_on_the_built_graph(built_graph: Graph) -> None:
    """(The compacted built graph is compared with PyLD's in test_jsonld_compact.py.)"""
    assert expanded_nodes(Canonical(built_graph).triples()) == pyld_from_rdf(built_graph)
