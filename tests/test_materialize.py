"""Materialization: accepted claims and definitional axioms become direct edges with evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF

from smr_kg.errors import InputError
from smr_kg.stages.load import load_files
from smr_kg.stages.materialize import materialize, restriction_edges
from smr_kg.rdf.namespaces import SMR

FIXTURES = Path(__file__).parent / "fixtures" / "build"
CORE = Path(__file__).parents[1] / "ontology" / "smr-core.ttl"


def _chain():
    return load_files([CORE, FIXTURES / "chain.ttl"])


def _records(graph, s, p, o) -> list:
    return [
        r for r in graph.subjects(RDF.type, SMR.Claim)
        if (r, SMR.subject, s) in graph and (r, SMR.predicate, p) in graph and (r, SMR.object, o) in graph
    ]


def test_accepted_claims_become_direct_edges() -> None:
    out = materialize(_chain()).graph
    assert (SMR.Cause, SMR.actsThrough, SMR.M1) in out
    assert (SMR.M1, SMR.leadsTo, SMR.M2) in out  # tentative is accepted
    assert (SMR.M2, SMR.causesOrContributesTo, SMR.Target) in out


def test_held_out_claims_become_no_edge_and_drive_no_closure() -> None:
    result = materialize(_chain())
    out = result.graph
    assert (SMR.Cause, SMR.actsThrough, SMR.M3) not in out
    assert (SMR.Cause, SMR.causallyUpstreamOf, SMR.M3) not in out
    assert result.held_out == {SMR.Contested: 1}


def test_claims_are_not_inherited_by_subclasses() -> None:
    """"Some patients with X develop Y" says nothing about the patients of a subclass of X."""
    out = materialize(_chain()).graph
    assert (SMR.Child, SMR.actsThrough, SMR.M1) not in out
    assert (SMR.Child, SMR.causallyUpstreamOf, None) not in out


def test_definitional_axioms_become_edges_with_a_record_and_are_inherited() -> None:
    graph = _chain()
    out = materialize(graph).graph
    assert (SMR.M1, SMR.actsOn, SMR.S) in out
    [own] = _records(out, SMR.M1, SMR.actsOn, SMR.S)
    assert (own, DCTERMS.source, SMR.Src) in out and (own, SMR.status, SMR.Established) in out
    assert (SMR.SubM1, SMR.actsOn, SMR.S) in out
    [inherited] = _records(out, SMR.SubM1, SMR.actsOn, SMR.S)
    assert (inherited, SMR.inferred, Literal(True)) in out
    assert (inherited, SMR.derivedFrom, SMR.M1) in out
    assert (inherited, DCTERMS.source, SMR.Src) in out


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
    assert {(e.subject, e.property, e.target) for e in edges} == {(SMR.M1, SMR.actsOn, SMR.S)}


def test_a_claim_written_as_an_owl_axiom_is_refused(tmp_path) -> None:
    """Regression (issue 9): `Cause SubClassOf actsThrough some M` would say every instance acts
    through M; association predicates are annotation properties and cannot be axioms."""
    extra = tmp_path / "axiom.ttl"
    extra.write_text("""
@prefix smr: <https://w3id.org/smr-kg/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
smr:Cause rdfs:subClassOf [ a owl:Restriction ; owl:onProperty smr:actsThrough ; owl:someValuesFrom smr:M2 ] .
""")
    with pytest.raises(InputError, match="smr-kg/actsThrough.*claim"):
        load_files([CORE, FIXTURES / "chain.ttl", extra])
