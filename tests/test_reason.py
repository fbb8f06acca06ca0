"""HermiT: the shipped ontology is coherent; broken ontologies are named, not crashed on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from smr_kg.stages import reason
from smr_kg.errors import ReasonerError
from smr_kg.stages.load import load_files, ontology_files
from rdflib import URIRef

from smr_kg.rdf.namespaces import SMR

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
    assert "bad mechanism" in err.value.message
    assert str(SMR.BadMechanism) in err.value.message


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
    """TEER, surgical repair and replacement are not asserted under the defined class; HermiT
    must put them there (a definition, true of every instance)."""
    result = reason.classify(load_files(ontology_files()))
    intervention = SMR.MitralValveIntervention
    for therapy in (SMR.TranscatheterEdgeToEdgeRepair, SMR.SurgicalMitralValveRepair, SMR.MitralValveReplacement):
        assert intervention in result.superclasses[therapy]
    assert (SMR.TranscatheterMitralValveRepair, intervention) in result.inferred_parents


@needs_java
def test_claims_drive_no_classification() -> None:
    """Regression (issue 9, item 5/6): CRT and coronary revascularization reverse LV remodelling
    in some patients; that must not make the reasoner classify them as therapies that
    proportionate SMR responds to (the class that did so is gone, and claims are not axioms)."""
    graph = load_files(ontology_files())
    result = reason.classify(graph)
    for therapy in (SMR.CardiacResynchronizationTherapy, SMR.CoronaryRevascularization, SMR.GuidelineDirectedMedicalTherapy):
        assert result.superclasses[therapy] <= {SMR.Therapy, SMR.DeviceTherapy, SMR.MedicalTherapy}
    logical = reason.logical_graph(graph)
    assert not list(logical.triples((None, None, SMR.actsThrough)))
    assert not list(logical.triples((None, SMR.actsThrough, None)))


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
ex:MechA a owl:Class ; rdfs:subClassOf smr:PathophysiologicalMechanism ,
    [ a owl:Restriction ; owl:onProperty smr:actsOn ; owl:someValuesFrom ex:PartA ] .
ex:MechB a owl:Class ; rdfs:subClassOf ex:MechA .
ex:PartA a owl:Class ; rdfs:subClassOf smr:AnatomicalStructure ,
    [ a owl:Restriction ; owl:onProperty smr:partOf ; owl:someValuesFrom smr:LeftVentricle ] .
# a simple class whose only parent is reached through a domain: acting on makes it a mechanism
ex:Unparented a owl:Class ;
    rdfs:subClassOf [ a owl:Restriction ; owl:onProperty smr:actsOn ; owl:someValuesFrom ex:PartA ] .
# a kind of a union-defined class: classified by the core, not simple
ex:Repair a owl:Class ; rdfs:subClassOf smr:SurgicalMitralValveRepair .
# under a union-defined class and a class disjoint with every member of the union
ex:Impossible a owl:Class ; rdfs:subClassOf smr:MitralValveIntervention , smr:Condition .
"""


@needs_java
def test_modular_reasoning_concludes_what_hermit_concludes_on_the_whole_ontology() -> None:
    """The split (core + probes, smr_kg.stages.reason_split) against HermiT given everything."""
    graph = load_files(ontology_files())
    whole = reason.classify(graph, modular=False)
    modular = reason.classify(graph)
    assert modular.superclasses == whole.superclasses
    assert modular.inferred_parents == whole.inferred_parents
    assert modular.parents == whole.parents
    graph.parse(data=EXTENSION.replace("ex:Impossible", "# ex:Impossible"), format="turtle")
    whole, modular = reason.classify(graph, modular=False), reason.classify(graph)
    assert modular.superclasses == whole.superclasses
    assert modular.inferred_parents == whole.inferred_parents
    assert modular.parents == whole.parents
    ex = "https://example.org/split/"
    assert SMR.PathophysiologicalMechanism in modular.superclasses[URIRef(ex + "Unparented")]
    assert URIRef(ex + "MechA") in modular.superclasses[URIRef(ex + "MechB")]
    assert SMR.MitralValveIntervention in modular.superclasses[URIRef(ex + "Repair")]


@needs_java
@pytest.mark.parametrize("modular", (True, False))
def test_unsatisfiable_simple_classes_are_named_like_hermit_names_them(modular: bool) -> None:
    graph = load_files(ontology_files() + [FIXTURES / "unsatisfiable.ttl"])
    graph.parse(data=EXTENSION, format="turtle")
    with pytest.raises(ReasonerError) as err:
        reason.classify(graph, modular=modular)
    assert str(SMR.BadMechanism) in err.value.message
    assert "https://example.org/split/Impossible" in err.value.message


def test_every_axiom_the_reasoner_sees_is_definitional() -> None:
    """docs/adr/0001: the only existential restrictions HermiT sees are on the definitional
    relations (anatomy, participation), which hold for every instance; no claim is an axiom."""
    from rdflib.namespace import OWL, RDF

    logical = reason.logical_graph(load_files(ontology_files()))
    on = {p for p in logical.objects(None, OWL.onProperty)}
    assert on == {SMR.actsOn, SMR.partOf}
    assert not [s for s in logical.subjects(RDF.type, SMR.Claim) if (s, SMR.subject, None) in logical]
