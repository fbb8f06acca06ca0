"""Term resolution: CURIE, IRI, label, synonym and mapped code, with candidates on failure."""

from __future__ import annotations

import pytest
from rdflib import Graph

from smr_kg.rdf.terms import IRI
from smr_kg.rdf.vocab import SMR
from smr_kg.sparql.resolve import AmbiguousTerm, TermNotFound, candidates, labels, resolve_term, to_iri
from smr_kg.store import ENGINES, open_store, store_for_graph

SNOMED = "http://snomed.info/id/"


@pytest.fixture(scope="module")
def store(dist_env):
    return open_store("oxigraph", dist_env)


@pytest.mark.parametrize(
    "text",
    [
        "left ventricular dilation",             # the label
        "Left Ventricular  Dilation",            # case and spacing do not matter
        "left-ventricular dilation",             # nor hyphens
        "smr:LeftVentricularDilation",           # a CURIE
        "https://w3id.org/smr-kg/LeftVentricularDilation",    # a full IRI
        "<https://w3id.org/smr-kg/LeftVentricularDilation>",  # in angle brackets
    ],
)
def test_label_curie_and_iri_resolve_to_the_same_term(store, text: str) -> None:
    assert resolve_term(store, text) == SMR.LeftVentricularDilation


def test_exact_synonyms_resolve(store) -> None:
    """The seed and the guidelines say 'functional MR' and 'ischaemic': synonyms must work."""
    assert resolve_term(store, "functional mitral regurgitation") == SMR.SecondaryMitralRegurgitation
    assert resolve_term(store, "ischaemic heart disease") == SMR.IschemicHeartDisease


def test_a_snomed_code_resolves_through_its_exact_mapping(store) -> None:
    """SNOMED CT 49436004 is atrial fibrillation (facts.md 1a, C2)."""
    assert resolve_term(store, "SNOMEDCT:49436004") == SMR.AtrialFibrillation
    assert resolve_term(store, SNOMED + "49436004") == SMR.AtrialFibrillation
    assert resolve_term(store, "SCTID:49436004") == SMR.AtrialFibrillation   # a prefix synonym


def test_a_code_resolves_to_its_own_concept_not_to_narrower_ones(store) -> None:
    """48724000 is mitral regurgitation in general (facts.md 1a); SMR is only narrower than it."""
    assert resolve_term(store, "SNOMEDCT:48724000") == SMR.MitralRegurgitation


def test_a_code_that_is_only_broader_does_not_denote_the_concept(store) -> None:
    """ICD-10-CM I48 covers atrial fibrillation and flutter: only broader than AF here.
    (SNOMED CT 399020009 was the example until issue 20 made it a close match of DCM.)"""
    with pytest.raises(TermNotFound) as error:
        resolve_term(store, "ICD10CM:I48")
    assert "smr:AtrialFibrillation" in error.value.message


def test_an_unknown_label_lists_the_closest_candidates(store) -> None:
    with pytest.raises(TermNotFound) as error:
        resolve_term(store, "left ventrical dilation")
    assert error.value.exit_code == 1
    assert "smr:LeftVentricularDilation" in error.value.message
    assert candidates(store, "left ventrical dilation")[0].iri == SMR.LeftVentricularDilation


def test_an_unknown_smr_curie_suggests_by_its_local_name(store) -> None:
    with pytest.raises(TermNotFound) as error:
        resolve_term(store, "smr:LeftVentricularDilatationX")
    assert "smr:LeftVentricularDilation" in error.value.message


def test_an_unknown_prefix_is_named(store) -> None:
    with pytest.raises(TermNotFound) as error:
        resolve_term(store, "foo:bar")
    assert "foo: is not a known prefix" in error.value.message


def test_an_unmapped_code_is_not_found(store) -> None:
    with pytest.raises(TermNotFound) as error:
        resolve_term(store, "SNOMEDCT:1")
    assert "no term maps to it" in error.value.message


def test_the_injection_attempt_is_just_a_label_that_does_not_exist(store) -> None:
    with pytest.raises(TermNotFound) as error:
        resolve_term(store, 'x" } ; DROP ALL ; #')
    assert error.value.exit_code == 1
    assert store.ask("ASK { ?s ?p ?o }")  # nothing was dropped


@pytest.mark.parametrize("text", ["<not an iri>", "<http://a b>"])
def test_malformed_iris_are_rejected(store, text: str) -> None:
    with pytest.raises(TermNotFound):
        resolve_term(store, text)


def test_to_iri_expands_without_looking_at_the_graph() -> None:
    assert to_iri("SNOMEDCT:1") == IRI(SNOMED + "1")
    assert to_iri("ICD10CM:I48") == IRI("http://purl.bioontology.org/ontology/ICD10CM/I48")
    assert to_iri("http://example.org/x") == IRI("http://example.org/x")
    with pytest.raises(TermNotFound) as error:
        to_iri("atrial fibrillation")
    assert "SNOMEDCT" in error.value.message


def test_labels_are_the_rdfs_labels(store) -> None:
    names = labels(store)
    assert names[SMR.AtrialFibrillation] == "atrial fibrillation"
    assert names[SMR.SecondaryMitralRegurgitation] == "secondary mitral regurgitation"


# --- rules that need a graph of their own ------------------------------------------------

RULES = """
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
ex:A rdfs:label "twin"@en .
ex:B rdfs:label "twin"@en .
ex:C rdfs:label "heart"@en ; oboInOwl:hasExactSynonym "cor"@en .
ex:D rdfs:label "cor"@en .
ex:E rdfs:label "close one"@en ; skos:closeMatch <http://snomed.info/id/7> .
ex:F rdfs:label "one"@en ; skos:exactMatch <http://snomed.info/id/8> .
ex:G rdfs:label "two"@en ; skos:exactMatch <http://snomed.info/id/8> .
ex:H rdfs:label "narrow"@en ; skos:broadMatch <http://snomed.info/id/9> .
"""
EXAMPLE = "http://example.org/"


@pytest.fixture(scope="module", params=ENGINES)
def rules(request: pytest.FixtureRequest):
    return store_for_graph(Graph().parse(data=RULES, format="turtle"), request.param)


def test_two_terms_with_one_label_are_ambiguous(rules) -> None:
    with pytest.raises(AmbiguousTerm) as error:
        resolve_term(rules, "twin")
    assert {c.iri for c in error.value.matches} == {IRI(EXAMPLE + "A"), IRI(EXAMPLE + "B")}
    assert error.value.exit_code == 1 and "CURIE or IRI" in error.value.message


def test_a_label_wins_over_another_terms_synonym(rules) -> None:
    assert resolve_term(rules, "cor") == IRI(EXAMPLE + "D")


def test_a_sole_close_match_resolves(rules) -> None:
    assert resolve_term(rules, "SNOMEDCT:7") == IRI(EXAMPLE + "E")


def test_a_code_exactly_matched_by_two_terms_is_ambiguous(rules) -> None:
    with pytest.raises(AmbiguousTerm):
        resolve_term(rules, "SNOMEDCT:8")


def test_a_broader_code_names_the_concept_but_does_not_resolve(rules) -> None:
    with pytest.raises(TermNotFound) as error:
        resolve_term(rules, "SNOMEDCT:9")
    assert "broader, narrower or related match" in error.value.message
    assert '"narrow"' in error.value.message
