"""HermiT: the shipped ontology is coherent; broken ontologies are named, not crashed on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from smr_kg import reason
from smr_kg.errors import ReasonerError
from smr_kg.load import load_files, ontology_files
from rdflib import URIRef

from smr_kg.namespaces import SMR

FIXTURES = Path(__file__).parent / "fixtures" / "build"
CORE = Path(__file__).parents[1] / "ontology" / "smr-core.ttl"

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")


@needs_java
def test_shipped_ontology_is_consistent_and_coherent(built) -> None:
    _, report = built
    assert report.reasoned
    assert report.classes > 50


@needs_java
def test_unsatisfiable_class_is_named() -> None:
    graph = load_files([CORE, FIXTURES / "unsatisfiable.ttl"])
    with pytest.raises(ReasonerError) as err:
        reason.classify(graph)
    assert "bad cause" in err.value.message
    assert str(SMR.BadCause) in err.value.message


@needs_java
def test_inconsistent_ontology_has_a_message() -> None:
    graph = load_files([CORE, FIXTURES / "inconsistent.ttl"])
    with pytest.raises(ReasonerError, match="inconsistent"):
        reason.classify(graph)


def test_missing_java_points_to_no_reasoner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reason.shutil, "which", lambda name: None)
    with pytest.raises(ReasonerError, match="--no-reasoner"):
        reason.classify(load_files([CORE]))


@needs_java
def test_defined_class_classifies_therapies() -> None:
    """GDMT and CRT are not asserted under the defined class; HermiT must put them there."""
    result = reason.classify(load_files(ontology_files()))
    reverse = SMR.LeftVentricularReverseRemodelingTherapy
    assert reverse in result.superclasses[SMR.GuidelineDirectedMedicalTherapy]
    assert reverse in result.superclasses[SMR.CardiacResynchronizationTherapy]
    assert (SMR.GuidelineDirectedMedicalTherapy, reverse) in result.inferred_parents


def test_logical_graph_drops_axiom_annotations() -> None:
    from rdflib.namespace import OWL, RDF

    graph = load_files([CORE, FIXTURES / "chain.ttl"])
    logical = reason.logical_graph(graph)
    assert not list(logical.subjects(RDF.type, OWL.Axiom))
    assert (SMR.Child, None, None) in logical


EXTENSION = """
@prefix smr: <https://w3id.org/smr-kg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/split/> .
# simple classes: a taxonomy with existentials, a subclass inheriting them
ex:CauseA a owl:Class ; rdfs:subClassOf smr:Condition ,
    [ a owl:Restriction ; owl:onProperty smr:actsThrough ; owl:someValuesFrom ex:MechA ] .
ex:CauseB a owl:Class ; rdfs:subClassOf ex:CauseA .
ex:MechA a owl:Class ; rdfs:subClassOf smr:PathophysiologicalMechanism ,
    [ a owl:Restriction ; owl:onProperty smr:leadsTo ; owl:someValuesFrom smr:FailureOfLeafletCoaptation ] .
# a simple class whose only parent is reached through a domain: actsThrough makes it a condition
ex:Unparented a owl:Class ;
    rdfs:subClassOf [ a owl:Restriction ; owl:onProperty smr:actsThrough ; owl:someValuesFrom ex:MechA ] .
# a therapy that the defined class classifies (reverses is used in a definition: not simple)
ex:Reverser a owl:Class ; rdfs:subClassOf smr:Therapy ,
    [ a owl:Restriction ; owl:onProperty smr:reverses ; owl:someValuesFrom smr:LeftVentricularDilation ] .
# under a union-defined class and a class disjoint with every member of the union
ex:Impossible a owl:Class ; rdfs:subClassOf smr:MitralValveIntervention , smr:Condition .
"""


@needs_java
def test_modular_reasoning_concludes_what_hermit_concludes_on_the_whole_ontology() -> None:
    """The split (core + probes, smr_kg.reason_split) against HermiT given everything."""
    graph = load_files(ontology_files())
    whole = reason.classify(graph, modular=False)
    modular = reason.classify(graph)
    assert modular.superclasses == whole.superclasses
    assert modular.inferred_parents == whole.inferred_parents
    graph.parse(data=EXTENSION.replace("ex:Impossible", "# ex:Impossible"), format="turtle")
    whole, modular = reason.classify(graph, modular=False), reason.classify(graph)
    assert modular.superclasses == whole.superclasses
    assert modular.inferred_parents == whole.inferred_parents
    ex = "https://example.org/split/"
    assert SMR.Condition in modular.superclasses[URIRef(ex + "Unparented")]
    assert URIRef(ex + "CauseA") in modular.superclasses[URIRef(ex + "CauseB")]
    assert SMR.LeftVentricularReverseRemodelingTherapy in modular.superclasses[URIRef(ex + "Reverser")]


@needs_java
@pytest.mark.parametrize("modular", (True, False))
def test_unsatisfiable_simple_classes_are_named_like_hermit_names_them(modular: bool) -> None:
    graph = load_files(ontology_files() + [FIXTURES / "unsatisfiable.ttl"])
    graph.parse(data=EXTENSION, format="turtle")
    with pytest.raises(ReasonerError) as err:
        reason.classify(graph, modular=modular)
    assert str(SMR.BadCause) in err.value.message
    assert "https://example.org/split/Impossible" in err.value.message
