"""Every statement of the seed answer page is in the built graph, with its source and its status.

The table below was written from the seed text (``tests/fixtures/seed/seed-page.txt``, the answer
body of the page), one row per statement: the words that anchor it in the seed, the claims that
encode it (subject, predicate, object and the status the primary sources give it) and the
reference number the seed prints for it (None where it prints none). Each claim must be a claim
record whose sources include the seed page and whose seed excerpt contains the anchor, with the
seed's reference number as a seed citation. Contested and unsupported statements stay findable:
recorded with their sources, held out of the edges.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from smr_kg.rdf.namespaces import ECO_NO_TRACEABLE_SUPPORT, ECO_TRACEABLE, SMR

SEED = Path(__file__).parent / "fixtures" / "seed" / "seed-page.txt"
EXCERPTS = Path(__file__).parents[1] / "ontology" / "seed-excerpts.tsv"
GUIDELINE = SMR.ACCAHA2020VHDGuideline
E, T, H, C, U = "Established", "Tentative", "Hypothesis", "Contested", "Unsupported"


@dataclass(frozen=True)
class SeedStatement:
    anchor: str  # words of the seed that state it (without the reference number)
    claims: tuple[tuple[str, str, str, str], ...]  # subject, predicate, object, status
    ref: str | None  # the seed's reference number, None when it prints none


STATEMENTS = [
    SeedStatement("ischemic heart disease (particularly after myocardial infarction), dilated cardiomyopathy, or hypertensive heart disease",
                  # tentative where the seed page is the only source (no primary source read states it)
                  (("IschemicHeartDisease", "actsThrough", "LeftVentricularDilation", T),
                   ("IschemicHeartDisease", "actsThrough", "LeftVentricularSystolicDysfunction", T),
                   ("MyocardialInfarction", "actsThrough", "LeftVentricularDilation", E),
                   ("DilatedCardiomyopathy", "actsThrough", "LeftVentricularDilation", T),
                   ("DilatedCardiomyopathy", "actsThrough", "LeftVentricularSystolicDysfunction", T),
                   ("HypertensiveHeartDisease", "actsThrough", "LeftVentricularDilation", T),
                   ("HypertensiveHeartDisease", "actsThrough", "LeftVentricularSystolicDysfunction", T)), "1"),
    SeedStatement("leading to papillary muscle displacement and mitral annular dilation, preventing proper valve leaflet coaptation",
                  (("LeftVentricularDilation", "leadsTo", "PapillaryMuscleDisplacement", E),
                   ("LeftVentricularDilation", "leadsTo", "MitralAnnularDilation", T),
                   ("MitralAnnularDilation", "leadsTo", "FailureOfLeafletCoaptation", E),
                   ("FailureOfLeafletCoaptation", "causesOrContributesTo", "SecondaryMitralRegurgitation", E)), "1"),
    SeedStatement("Left atrial dilation, often seen in atrial fibrillation, which stretches the mitral annulus",
                  (("AtrialFibrillation", "actsThrough", "LeftAtrialDilation", E),
                   ("LeftAtrialDilation", "leadsTo", "MitralAnnularDilation", E)), None),
    SeedStatement("Hypertrophic cardiomyopathy, which can cause secondary mitral insufficiency through systolic anterior motion",
                  (("HypertrophicCardiomyopathy", "actsThrough", "SystolicAnteriorMotion", C),
                   ("SystolicAnteriorMotion", "causesOrContributesTo", "SecondaryMitralRegurgitation", C)), None),
    SeedStatement("Right ventricular dysfunction with tricuspid regurgitation leading to septal displacement",
                  (("RightVentricularDysfunctionWithTricuspidRegurgitation", "actsThrough", "SeptalDisplacement", U),
                   ("SeptalDisplacement", "causesOrContributesTo", "SecondaryMitralRegurgitation", U)), None),
    SeedStatement("Certain medications or conditions that affect left ventricular function",
                  (("ConditionDepressingLeftVentricularFunction", "actsThrough", "LeftVentricularSystolicDysfunction", E),), None),
    SeedStatement("optimization of guideline-directed medical therapy (GDMT) can improve secondary mitral regurgitation",
                  (("GuidelineDirectedMedicalTherapy", "treats", "SecondaryMitralRegurgitation", E),), "1"),
    SeedStatement("may benefit from either surgical or transcatheter repair",
                  (("SurgicalMitralValveRepair", "treats", "SecondaryMitralRegurgitation", E),
                   ("TranscatheterEdgeToEdgeRepair", "treats", "SecondaryMitralRegurgitation", E)), None),
    SeedStatement("disproportionate mitral regurgitation responding better to procedural interventions",
                  (("DisproportionateSecondaryMitralRegurgitation", "respondsTo", "MitralValveIntervention", H),
                   ("ProportionateSecondaryMitralRegurgitation", "respondsTo", "GuidelineDirectedMedicalTherapy", H)), "1"),
    SeedStatement("resulting in failure of mitral leaflet coaptation",
                  (("LeftVentricularSystolicDysfunction", "leadsTo", "FailureOfLeafletCoaptation", E),
                   ("FailureOfLeafletCoaptation", "causesOrContributesTo", "SecondaryMitralRegurgitation", E)), "2"),
    SeedStatement("due to the prevalence of coronary artery disease worldwide",
                  (("CoronaryArteryDisease", "causesOrContributesTo", "IschemicCardiomyopathy", T),
                   ("IschemicCardiomyopathy", "isMostFrequentCauseOf", "SecondaryMitralRegurgitation", T)), "2"),
    SeedStatement("strongly associated with a poor prognosis in patients with heart failure",
                  (("SecondaryMitralRegurgitation", "associatedWith", "HeartFailure", E),
                   ("SecondaryMitralRegurgitation", "worsens", "Survival", E)), "3"),
    SeedStatement("left atrioventricular dysfunction and maleficent remodelling",
                  (("AdverseLeftAtrioventricularRemodeling", "causesOrContributesTo", "SecondaryMitralRegurgitation", E),), "4"),
    SeedStatement("SMR is often associated with heart failure",
                  (("SecondaryMitralRegurgitation", "associatedWith", "HeartFailure", E),
                   ("GuidelineDirectedMedicalTherapy", "treats", "SecondaryMitralRegurgitation", E)), "5"),
    SeedStatement("Coronary artery disease is a common underlying condition in patients with SMR",
                  (("SecondaryMitralRegurgitation", "associatedWith", "CoronaryArteryDisease", T),
                   ("CoronaryRevascularization", "treats", "IschemicMitralRegurgitation", H)), "3"),
    SeedStatement("Cardiac resynchronization therapy may also be beneficial",
                  (("CardiacResynchronizationTherapy", "treats", "SecondaryMitralRegurgitation", E),), "3"),
    SeedStatement("independent predictor of mortality and hospitalization for heart failure",
                  (("SecondaryMitralRegurgitation", "isIndependentPredictorOf", "AllCauseMortality", C),
                   ("SecondaryMitralRegurgitation", "isIndependentPredictorOf", "HeartFailureHospitalization", C),
                   ("MildSecondaryMitralRegurgitation", "worsens", "EventFreeSurvival", E)), "2"),
    SeedStatement("includes medical, surgical, and interventional therapies",
                  (("GuidelineDirectedMedicalTherapy", "treats", "SecondaryMitralRegurgitation", E),
                   ("SurgicalMitralValveRepair", "treats", "SecondaryMitralRegurgitation", E),
                   ("TranscatheterMitralValveRepair", "treats", "SecondaryMitralRegurgitation", E)), "3"),
    SeedStatement("Transcatheter mitral valve repair has shown effectiveness in certain subgroups",
                  (("TranscatheterMitralValveRepair", "treats", "SecondaryMitralRegurgitation", E),), "4"),
]


def _norm(text: str) -> str:
    return " ".join(text.replace("\u2022", " ").split()).lower()


def _seed_text() -> str:
    return _norm(" ".join(line for line in SEED.read_text(encoding="utf-8").splitlines() if not line.startswith("#")))


def _records(graph: Graph, s: URIRef, p: URIRef, o: URIRef) -> list[URIRef]:
    """The asserted (not derived) claim records of ``s p o``."""
    return [
        r for r in graph.subjects(SMR.subject, s)
        if (r, RDF.type, SMR.Claim) in graph and (r, SMR.predicate, p) in graph and (r, SMR.object, o) in graph
        and (r, SMR.inferred, None) not in graph
    ]


def test_every_anchor_is_seed_text() -> None:
    """The table quotes the seed: a row whose anchor is not in the seed would test nothing real."""
    seed = _seed_text()
    assert not [s.anchor for s in STATEMENTS if _norm(s.anchor) not in seed]


def test_every_seed_excerpt_of_the_ontology_is_verbatim_seed_text() -> None:
    seed = _seed_text()
    rows = [r for r in csv.DictReader((line for line in EXCERPTS.open(encoding="utf-8") if not line.startswith("#")),
                                      delimiter="\t")]
    assert len(rows) >= 20
    assert not [r["key"] for r in rows if _norm(r["excerpt"]) not in seed]


@pytest.mark.parametrize("statement", STATEMENTS, ids=lambda s: s.anchor[:48])
def test_seed_statement_is_in_the_graph_with_its_source_and_status(built_graph: Graph, statement: SeedStatement) -> None:
    for s, p, o, status in statement.claims:
        name = f"{s} {p} {o}"
        records = [r for r in _records(built_graph, SMR[s], SMR[p], SMR[o])
                   if any(_norm(statement.anchor) in _norm(str(x)) for x in built_graph.objects(r, SMR.seedExcerpt))]
        assert records, f"{name}: no claim records the seed's words {statement.anchor!r}"
        assert {built_graph.value(r, SMR.status) for r in records} == {SMR[status]}, name
        for record in records:
            assert (record, DCTERMS.source, SMR.SeedPage) in built_graph, f"{name}: the seed is not cited"
            assert len(set(built_graph.objects(record, SMR.evidenceType))) == 1, name
            if statement.ref is not None:
                assert (record, SMR.seedCitation, SMR[f"SeedReference{statement.ref}"]) in built_graph, \
                    f"{name}: seed reference {statement.ref} not recorded"
                assert (record, SMR.evidenceType, ECO_TRACEABLE) in built_graph, f"{name}: a referenced claim is traceable"
        # The edge exists exactly when some claim of it is accepted (another source may state a
        # held-out statement of the seed for a narrower population, e.g. prognosis).
        accepted = any(built_graph.value(r, SMR.status) in (SMR.Established, SMR.Tentative)
                       for r in _records(built_graph, SMR[s], SMR[p], SMR[o]))
        assert accepted or status not in (E, T)
        assert ((SMR[s], SMR[p], SMR[o]) in built_graph) == accepted, f"{name}: edge only for accepted claims"


def test_unreferenced_bullets_are_marked_as_such(built_graph: Graph) -> None:
    """The seed's bullets without a reference are author statements without traceable support
    (ECO:0000303) unless a primary source supports them, or true by a class's definition."""
    for statement in (s for s in STATEMENTS if s.ref is None and "surgical or transcatheter" not in s.anchor):
        for s, p, o, _ in statement.claims:
            for record in _records(built_graph, SMR[s], SMR[p], SMR[o]):
                eco = set(built_graph.objects(record, SMR.evidenceType))
                sources = set(built_graph.objects(record, DCTERMS.source))
                assert eco == {ECO_NO_TRACEABLE_SUPPORT} or sources - {SMR.SeedPage}, (s, p, o)


def test_the_guideline_the_seed_cites_is_never_the_source_of_what_was_not_read_in_it(built_graph: Graph) -> None:
    """Regression (issue 9, item 8): the seed's reference 1 was matched to the 2020 ACC/AHA
    guideline, whose text was not read for any claim; a claim citing reference 1 records it as
    a seed citation, never as a source."""
    cited = [r for r in built_graph.subjects(SMR.seedCitation, SMR.SeedReference1) if (r, RDF.type, SMR.Claim) in built_graph]
    assert len(cited) >= 10
    assert not [r for r in built_graph.subjects(DCTERMS.source, GUIDELINE) if (r, RDF.type, SMR.Claim) in built_graph]
    assert (SMR.SeedReference1, SMR.resolvesTo, GUIDELINE) in built_graph


def test_dcm_prevalence_up_to_57_percent_is_recorded_with_its_doubt(built_graph: Graph) -> None:
    found = [
        st for st in built_graph.subjects(SMR.aboutPopulation, SMR.DilatedCardiomyopathy)
        if any(float(v) == 57 for v in built_graph.objects(st, SMR.percent))
    ]
    assert len(found) == 1
    statement = found[0]
    assert (statement, DCTERMS.source, SMR.SeedPage) in built_graph
    assert (statement, SMR.seedCitation, SMR.SeedReference2) in built_graph
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
