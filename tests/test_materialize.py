"""Materialization: restrictions become direct edges that keep their evidence."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal
from rdflib.namespace import DCTERMS, OWL, RDF

from smr_kg.load import load_files
from smr_kg.materialize import materialize, restriction_edges
from smr_kg.namespaces import SMR

FIXTURES = Path(__file__).parent / "fixtures" / "build"
CORE = Path(__file__).parents[1] / "ontology" / "smr-core.ttl"


def _chain():
    return load_files([CORE, FIXTURES / "chain.ttl"])


def _axiom(graph, s, p, o):
    found = [
        ax for ax in graph.subjects(RDF.type, OWL.Axiom)
        if (ax, OWL.annotatedSource, s) in graph and (ax, OWL.annotatedProperty, p) in graph
        and (ax, OWL.annotatedTarget, o) in graph
    ]
    assert len(found) == 1, (s, p, o, found)
    return found[0]


def test_restrictions_become_direct_edges_with_evidence() -> None:
    out = materialize(_chain()).graph
    assert (SMR.Cause, SMR.actsThrough, SMR.M1) in out
    assert (SMR.M1, SMR.leadsTo, SMR.M2) in out
    assert (SMR.M2, SMR.causesOrContributesTo, SMR.Target) in out
    ax = _axiom(out, SMR.Cause, SMR.actsThrough, SMR.M1)
    assert (ax, DCTERMS.source, SMR.Src) in out
    assert (ax, SMR.seedExcerpt, Literal("cause acts through one")) in out


def test_subclasses_inherit_edges_marked_as_inferred() -> None:
    out = materialize(_chain()).graph
    assert (SMR.Child, SMR.actsThrough, SMR.M1) in out
    ax = _axiom(out, SMR.Child, SMR.actsThrough, SMR.M1)
    assert (ax, SMR.inferred, Literal(True)) in out
    assert (ax, SMR.derivedFrom, SMR.Cause) in out
    assert (ax, DCTERMS.source, SMR.Src) in out
    assert (ax, SMR.seedExcerpt, None) not in out  # the quote belongs to the asserted claim only


def test_causal_closure_spans_all_sub_properties() -> None:
    result = materialize(_chain())
    out = result.graph
    for downstream in (SMR.M1, SMR.M2, SMR.Target):
        assert (SMR.Cause, SMR.causallyUpstreamOf, downstream) in out
    assert (SMR.Target, SMR.causallyUpstreamOf, None) not in out
    assert result.closure_edges > 0


def test_reasoner_parents_are_added_only_when_new() -> None:
    graph = _chain()
    out = materialize(graph, inferred_parents=[(SMR.Child, SMR.Cause), (SMR.M2, SMR.M1)])
    assert out.inferred_subclass_links == 1  # Child < Cause was asserted already


def test_output_is_deterministic() -> None:
    first = materialize(_chain()).graph
    second = materialize(_chain()).graph
    assert sorted(first) == sorted(second)


def test_only_named_someValuesFrom_restrictions_are_edges() -> None:
    edges = restriction_edges(_chain())
    assert {(e.subject, e.property, e.target) for e in edges} == {
        (SMR.Cause, SMR.actsThrough, SMR.M1),
        (SMR.M1, SMR.leadsTo, SMR.M2),
        (SMR.M2, SMR.causesOrContributesTo, SMR.Target),
    }


def test_the_same_edge_stated_twice_keeps_both_sources(tmp_path) -> None:
    """Regression: two restriction axioms for one edge must not lose the second axiom's source."""
    extra = tmp_path / "again.ttl"
    extra.write_text("""
@prefix smr: <https://w3id.org/smr-kg/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
smr:Other a owl:NamedIndividual , smr:ReviewArticle ; rdfs:label "another source"@en ; smr:pmid "999" .
smr:Cause rdfs:subClassOf _:again .
_:again a owl:Restriction ; owl:onProperty smr:actsThrough ; owl:someValuesFrom smr:M1 .
[] a owl:Axiom ; owl:annotatedSource smr:Cause ; owl:annotatedProperty rdfs:subClassOf ;
   owl:annotatedTarget _:again ; dcterms:source smr:Other ; smr:evidenceType obo:ECO_0000304 .
""")
    graph = load_files([CORE, FIXTURES / "chain.ttl", extra])
    out = materialize(graph).graph
    ax = _axiom(out, SMR.Cause, SMR.actsThrough, SMR.M1)
    assert set(out.objects(ax, DCTERMS.source)) == {SMR.Src, SMR.Other}
