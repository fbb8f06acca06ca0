"""Every statement of the seed answer page is in the built graph, with its source.

The table below was written from the seed text (shared/seed/000_caf8ed0509065437.txt), one row per
claim: the phrase that anchors it in the seed, the edges or records that must encode it, and the
seed reference number the seed gives (None for the unreferenced bullets). Each edge must be an
asserted (not merely inherited) direct edge whose owl:Axiom carries the seed page as a source and
the seed's reference number; claims citing reference 1 must also cite the 2020 ACC/AHA guideline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from smr_kg.namespaces import ECO_NO_TRACEABLE_SUPPORT, ECO_TRACEABLE, SMR

SEED = Path(__file__).parents[2] / "shared" / "seed" / "000_caf8ed0509065437.txt"
GUIDELINE = SMR.ACCAHA2020VHDGuideline


@dataclass(frozen=True)
class Claim:
    anchor: str  # words of the seed that state the claim
    edges: tuple[tuple[str, str, str], ...]
    ref: str | None  # the seed's reference number, None when the seed gives none
    guideline: bool = True  # False where the primary source differs from the seed's attribution


CLAIMS = [
    Claim("ischemic heart disease (particularly after myocardial infarction), dilated cardiomyopathy, or hypertensive heart disease 1",
          (("IschemicHeartDisease", "actsThrough", "LeftVentricularDilation"),
           ("IschemicHeartDisease", "actsThrough", "LeftVentricularSystolicDysfunction"),
           ("MyocardialInfarction", "actsThrough", "LeftVentricularDilation"),
           ("DilatedCardiomyopathy", "actsThrough", "LeftVentricularDilation"),
           ("DilatedCardiomyopathy", "actsThrough", "LeftVentricularSystolicDysfunction"),
           ("HypertensiveHeartDisease", "actsThrough", "LeftVentricularDilation"),
           ("HypertensiveHeartDisease", "actsThrough", "LeftVentricularSystolicDysfunction")), "1"),
    Claim("leading to papillary muscle displacement and mitral annular dilation, preventing proper valve leaflet coaptation",
          (("LeftVentricularDilation", "leadsTo", "PapillaryMuscleDisplacement"),
           ("LeftVentricularDilation", "leadsTo", "MitralAnnularDilation"),
           ("MitralAnnularDilation", "leadsTo", "FailureOfLeafletCoaptation"),
           ("FailureOfLeafletCoaptation", "causesOrContributesTo", "SecondaryMitralRegurgitation")), "1"),
    Claim("Left atrial dilation, often seen in atrial fibrillation, which stretches the mitral annulus",
          (("AtrialFibrillation", "actsThrough", "LeftAtrialDilation"),
           ("LeftAtrialDilation", "leadsTo", "MitralAnnularDilation")), None),
    Claim("Hypertrophic cardiomyopathy, which can cause secondary mitral insufficiency through systolic anterior motion",
          (("HypertrophicCardiomyopathy", "actsThrough", "SystolicAnteriorMotion"),), None),
    Claim("Right ventricular dysfunction with tricuspid regurgitation leading to septal displacement",
          (("RightVentricularDysfunctionWithTricuspidRegurgitation", "actsThrough", "SeptalDisplacement"),), None),
    Claim("Certain medications or conditions that affect left ventricular function",
          (("MedicationOrConditionDepressingLeftVentricularFunction", "actsThrough", "LeftVentricularSystolicDysfunction"),), None),
    Claim("optimization of guideline-directed medical therapy (GDMT) can improve secondary mitral regurgitation",
          (("GuidelineDirectedMedicalTherapy", "treats", "SecondaryMitralRegurgitation"),), "1"),
    Claim("may benefit from either surgical or transcatheter repair",
          (("SurgicalMitralValveRepair", "treats", "SecondaryMitralRegurgitation"),
           ("TranscatheterEdgeToEdgeRepair", "treats", "SecondaryMitralRegurgitation")), None),
    Claim("disproportionate mitral regurgitation responding better to procedural interventions",
          (("DisproportionateSecondaryMitralRegurgitation", "respondsTo", "MitralValveIntervention"),
           ("ProportionateSecondaryMitralRegurgitation", "respondsTo", "LeftVentricularReverseRemodelingTherapy")), "1",
          guideline=False),  # the framework is Grayburn 2019's hypothesis, not a guideline criterion
    Claim("resulting in failure of mitral leaflet coaptation 2",
          (("LeftVentricularSystolicDysfunction", "leadsTo", "FailureOfLeafletCoaptation"),
           ("FailureOfLeafletCoaptation", "causesOrContributesTo", "SecondaryMitralRegurgitation")), "2"),
    Claim("due to the prevalence of coronary artery disease worldwide 2",
          (("CoronaryArteryDisease", "causesOrContributesTo", "IschemicCardiomyopathy"),), "2"),
    Claim("strongly associated with a poor prognosis in patients with heart failure",
          (("SecondaryMitralRegurgitation", "associatedWith", "HeartFailure"),
           ("SecondaryMitralRegurgitation", "worsens", "Survival")), "3"),
    Claim("left atrioventricular dysfunction and maleficent remodelling",
          (("AdverseLeftAtrioventricularRemodeling", "causesOrContributesTo", "SecondaryMitralRegurgitation"),), "4"),
    Claim("SMR is often associated with heart failure",
          (("SecondaryMitralRegurgitation", "associatedWith", "HeartFailure"),
           ("GuidelineDirectedMedicalTherapy", "treats", "SecondaryMitralRegurgitation")), "5"),
    Claim("Coronary artery disease is a common underlying condition in patients with SMR",
          (("SecondaryMitralRegurgitation", "associatedWith", "CoronaryArteryDisease"),
           ("CoronaryRevascularization", "treats", "IschemicMitralRegurgitation")), "3"),
    Claim("Cardiac resynchronization therapy may also be beneficial",
          (("CardiacResynchronizationTherapy", "treats", "SecondaryMitralRegurgitation"),), "3"),
    Claim("independent predictor of mortality and hospitalization for heart failure",
          (("SecondaryMitralRegurgitation", "isIndependentPredictorOf", "AllCauseMortality"),
           ("SecondaryMitralRegurgitation", "isIndependentPredictorOf", "HeartFailureHospitalization"),
           ("MildSecondaryMitralRegurgitation", "worsens", "EventFreeSurvival")), "2"),
    Claim("includes medical, surgical, and interventional therapies 3",
          (("GuidelineDirectedMedicalTherapy", "treats", "SecondaryMitralRegurgitation"),
           ("SurgicalMitralValveRepair", "treats", "SecondaryMitralRegurgitation"),
           ("TranscatheterMitralValveRepair", "treats", "SecondaryMitralRegurgitation")), "3"),
    Claim("Transcatheter mitral valve repair has shown effectiveness in certain subgroups",
          (("TranscatheterMitralValveRepair", "treats", "SecondaryMitralRegurgitation"),), "4"),
]


def _norm(text: str) -> str:
    return " ".join(text.replace("\u2022", " ").split()).lower()


def _axioms(graph: Graph, s: URIRef, p: URIRef, o: URIRef) -> list:
    return [
        ax for ax in graph.subjects(OWL.annotatedSource, s)
        if (ax, RDF.type, OWL.Axiom) in graph and (ax, OWL.annotatedProperty, p) in graph
        and (ax, OWL.annotatedTarget, o) in graph and (ax, SMR.inferred, Literal(True)) not in graph
    ]


def _refs(graph: Graph, axiom) -> set[str]:
    return {part.strip() for value in graph.objects(axiom, SMR.seedReference) for part in str(value).split(",")}


def test_every_anchor_is_seed_text() -> None:
    """The table quotes the seed: a row whose anchor is not in the seed would test nothing real."""
    seed = _norm(SEED.read_text(encoding="utf-8"))
    missing = [c.anchor for c in CLAIMS if _norm(c.anchor) not in seed]
    assert not missing


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: c.anchor[:48])
def test_seed_claim_is_in_the_graph_with_its_source(built_graph: Graph, claim: Claim) -> None:
    for s, p, o in claim.edges:
        triple = (SMR[s], SMR[p], SMR[o])
        assert triple in built_graph, f"missing edge {s} {p} {o}"
        axioms = _axioms(built_graph, *triple)
        assert axioms, f"edge {s} {p} {o} has no asserted evidence axiom"
        sources = {src for ax in axioms for src in built_graph.objects(ax, DCTERMS.source)}
        evidence = {eco for ax in axioms for eco in built_graph.objects(ax, SMR.evidenceType)}
        assert SMR.SeedPage in sources, f"{s} {p} {o}: the seed is not cited"
        assert len(evidence) == 1, f"{s} {p} {o}: one evidence type expected, got {evidence}"
        if claim.ref is not None:
            refs = set().union(*(_refs(built_graph, ax) for ax in axioms))
            assert claim.ref in refs, f"{s} {p} {o}: seed reference {claim.ref} not recorded ({refs})"
            assert evidence == {ECO_TRACEABLE}, f"{s} {p} {o}: a referenced claim is a traceable statement"
        if claim.ref == "1" and claim.guideline:
            assert GUIDELINE in sources, f"{s} {p} {o}: reference 1 is the 2020 ACC/AHA guideline"
        elif claim.ref == "1":
            notes = " ".join(str(n) for ax in axioms for n in built_graph.objects(ax, SMR.curationNote))
            assert "reference 1" in notes and sources - {SMR.SeedPage}, f"{s} {p} {o}: difference not recorded"


def test_unreferenced_bullets_are_marked_as_such(built_graph: Graph) -> None:
    """Seed bullets without a reference keep no seed reference number, and the ones that no
    primary source backs are author statements without traceable support (ECO:0000303)."""
    for claim in (c for c in CLAIMS if c.ref is None and "surgical or transcatheter" not in c.anchor):
        for s, p, o in claim.edges:
            for ax in _axioms(built_graph, SMR[s], SMR[p], SMR[o]):
                assert not _refs(built_graph, ax), (s, p, o)
                eco = set(built_graph.objects(ax, SMR.evidenceType))
                sources = set(built_graph.objects(ax, DCTERMS.source))
                assert eco == {ECO_NO_TRACEABLE_SUPPORT} or sources - {SMR.SeedPage}, (s, p, o)


def test_most_frequent_cause_is_ischemic_cardiomyopathy(built_graph: Graph) -> None:
    triple = (SMR.IschemicCardiomyopathy, SMR.isMostFrequentCauseOf, SMR.SecondaryMitralRegurgitation)
    assert triple in built_graph
    axioms = _axioms(built_graph, *triple)
    assert axioms and "2" in _refs(built_graph, axioms[0])


def test_dcm_prevalence_up_to_57_percent_is_recorded_with_its_doubt(built_graph: Graph) -> None:
    found = [
        st for st in built_graph.subjects(SMR.aboutPopulation, SMR.DilatedCardiomyopathy)
        if any(float(v) == 57 for v in built_graph.objects(st, SMR.percent))
    ]
    assert len(found) == 1
    statement = found[0]
    assert (statement, DCTERMS.source, SMR.SeedPage) in built_graph
    assert "not found" in str(built_graph.value(statement, SMR.curationNote)).lower()


def test_teer_criteria_are_data_with_units(built_graph: Graph) -> None:
    """LVEF 20-50 %, LVESD <= 70 mm, PASP <= 70 mmHg on the 2020 TEER recommendation (seed ref 1)."""
    recs = [r for r in built_graph.subjects(SMR.recommendedIntervention, SMR.TranscatheterEdgeToEdgeRepair)
            if (r, DCTERMS.source, GUIDELINE) in built_graph]
    assert recs
    criteria = {
        (built_graph.value(c, SMR.criterionObservable), str(built_graph.value(c, SMR.comparator)),
         float(built_graph.value(c, SMR.value)), str(built_graph.value(c, SMR.ucumUnit)))
        for r in recs for c in built_graph.objects(r, SMR.hasCriterion)
        if built_graph.value(c, SMR.value) is not None
    }
    assert {
        (SMR.LeftVentricularEjectionFraction, ">=", 20.0, "%"),
        (SMR.LeftVentricularEjectionFraction, "<=", 50.0, "%"),
        (SMR.LeftVentricularEndSystolicDiameter, "<=", 70.0, "mm"),
        (SMR.PulmonaryArterySystolicPressure, "<=", 70.0, "mm[Hg]"),
    } <= criteria
    qualitative = {c for r in recs for c in built_graph.objects(r, SMR.hasCriterion)
                   if (c, RDF.type, SMR.QualitativeCriterion) in built_graph}
    assert any((c, SMR.assessedBy, SMR.TransesophagealEchocardiography) in built_graph for c in qualitative)
    assert len(qualitative) >= 2  # persistent symptoms despite GDMT; appropriate anatomy on TEE
