"""HermiT: the shipped ontology is coherent; broken ontologies are named, not crashed on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from smr_kg import reason
from smr_kg.errors import ReasonerError
from smr_kg.load import load_files, ontology_files
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


def test_every_axiom_the_reasoner_sees_is_definitional() -> None:
    """docs/adr/0001: the only existential restrictions HermiT sees are on the definitional
    relations (anatomy, participation), which hold for every instance; no claim is an axiom."""
    from rdflib.namespace import OWL, RDF

    logical = reason.logical_graph(load_files(ontology_files()))
    on = {p for p in logical.objects(None, OWL.onProperty)}
    assert on == {SMR.actsOn, SMR.partOf}
    assert not [s for s in logical.subjects(RDF.type, SMR.Claim) if (s, SMR.subject, None) in logical]
