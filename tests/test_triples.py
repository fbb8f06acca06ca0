"""TripleSet: the build's set of triples answers the reading methods exactly as rdflib's graph does."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from smr_kg.stages.load import read_ontology
from smr_kg.rdf.namespaces import SMR
from smr_kg.rdf.triples import TripleSet


@pytest.fixture(scope="module")
def both() -> tuple[TripleSet, Graph]:
    triples = read_ontology()
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return triples, graph


def _patterns(graph: Graph) -> list[tuple]:
    """A pattern of every shape, over terms that occur (and one that does not)."""
    s, p, o = next(iter(graph.triples((None, RDFS.label, None))))
    absent = URIRef("https://example.org/absent")
    return [
        (None, None, None), (s, None, None), (None, p, None), (None, None, o), (s, p, None), (s, None, o),
        (None, p, o), (s, p, o), (None, RDF.type, OWL.Class), (absent, None, None), (None, absent, None),
        (None, None, absent), (s, p, absent), (None, RDF.type, SMR.Claim),
    ]


def test_every_pattern_matches_what_rdflib_matches(both) -> None:
    triples, graph = both
    assert len(triples) == len(graph)
    for pattern in _patterns(graph):
        assert set(triples.triples(pattern)) == set(graph.triples(pattern)), pattern
        assert (pattern in triples) == (pattern in graph), pattern


def test_the_reading_methods_agree_with_rdflib(both) -> None:
    triples, graph = both
    claim = next(graph.subjects(RDF.type, SMR.Claim))
    assert set(triples.subjects(RDF.type, SMR.Claim)) == set(graph.subjects(RDF.type, SMR.Claim))
    assert set(triples.objects(claim, None)) == set(graph.objects(claim, None))
    assert set(triples.subject_objects(RDFS.subClassOf)) == set(graph.subject_objects(RDFS.subClassOf))
    assert set(triples.predicate_objects(claim)) == set(graph.predicate_objects(claim))
    for predicate in (SMR.subject, SMR.status, RDFS.label):
        assert triples.value(claim, predicate) in set(graph.objects(claim, predicate))
    assert triples.value(claim, SMR.nothing) is None and triples.value(claim, SMR.nothing, default=SMR.x) == SMR.x
    assert triples.value(predicate=RDF.type, object=SMR.Claim) in set(graph.subjects(RDF.type, SMR.Claim))
    assert triples.value(claim, None, SMR.Claim) == RDF.type
    assert triples.value(None, RDF.type, None) is None  # two unknowns: rdflib answers None too


def test_lists_read_like_an_rdflib_collection(both) -> None:
    triples, graph = both
    heads = [o for o in graph.objects(None, OWL.unionOf)] + [o for o in graph.objects(None, OWL.members)]
    assert heads, "the ontology has rdf:Lists"
    for head in heads:
        assert list(Collection(triples, head)) == list(Collection(graph, head))


def test_adding_keeps_one_copy_the_first_order_and_fresh_lookups() -> None:
    a, b = URIRef("https://example.org/a"), URIRef("https://example.org/b")
    triples = TripleSet([(a, RDFS.label, Literal("x")), (b, RDFS.label, Literal("y"))])
    assert triples.value(a, RDFS.label) == Literal("x")  # builds the index
    triples.add((a, RDFS.label, Literal("x")))
    triples += [(a, RDFS.comment, Literal("z")), (b, RDFS.label, Literal("y"))]
    assert len(triples) == 3
    assert triples.value(a, RDFS.comment) == Literal("z")  # the index saw the addition
    copy = TripleSet(triples)
    copy.add((BNode(), RDF.type, OWL.Axiom))
    assert len(copy) == 4 and len(triples) == 3
    assert list(triples)[0] == (a, RDFS.label, Literal("x"))
    assert len(triples.to_graph()) == 3
