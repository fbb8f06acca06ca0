"""Recommendations tables: graded records on each guideline's own scale, side by side.

A row's grade is the one printed on its guideline's scale (ACC/AHA or ESC, separate SKOS concept
schemes); a grade of the other scale, a not-verified grade without its reason, or any other bad
cell is refused as ``FILE:ROW: column 'NAME': ...``. The shipped table holds at least 40 records
from at least four guidelines, and the divergence query puts the societies' TEER grades side by side.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, SKOS

from smr_kg.errors import InputError
from smr_kg.rdf.namespaces import SMR
from smr_kg.rdf.vocab import SMR as V
from smr_kg.sparql.queries import find
from smr_kg.sparql.query import run
from smr_kg.stages.recommendations import COLUMNS
from smr_kg.stages.tables import compile_tables
from smr_kg.store import open_store
from conftest import write_table

ONTOLOGY = Path(__file__).parents[1] / "ontology"
HEADER = "\t".join(COLUMNS) + "\n"


def _table(tmp_path: Path, *rows: str) -> Path:
    return write_table(tmp_path / "recs.tsv", HEADER, rows)


def _row(**cells: str) -> str:
    base = {"id": "RecX1", "label": "test: TEER", "guideline": "smr:ESC2025VHDGuideline",
            "intervention": "smr:TranscatheterEdgeToEdgeRepair", "condition": "smr:VentricularSecondaryMitralRegurgitation",
            "class": "IIa", "level": "B", "statement": "TEER should be considered in selected patients.",
            "statement_kind": "verbatim", "quote": "TEER should be considered", "status": "current", "evidence": "ECO:0000304"}
    base.update(cells)
    return "\t".join(base.get(c, "") for c in COLUMNS)


def test_a_row_becomes_a_recommendation_graded_on_its_guidelines_scale(turtle: Graph, tmp_path: Path) -> None:
    out = compile_tables(turtle, [_table(tmp_path, _row(trials="smr:COAPT2018", section="Table 7"))])
    rec = SMR.RecX1
    assert (rec, RDF.type, SMR.Recommendation) in out
    assert (rec, SMR.classOfRecommendation, SMR.ESC_Class_IIa) in out and (rec, SMR.levelOfEvidence, SMR.ESC_Level_B) in out
    assert (rec, DCTERMS.source, SMR.ESC2025VHDGuideline) in out and (rec, SMR.recommendationStatus, SMR.Current) in out
    assert (rec, SMR.supportedByTrial, SMR.COAPT2018) in out and (rec, SMR.sourceLocation, Literal("Table 7")) in out
    acc = compile_tables(turtle, [_table(tmp_path, _row(guideline="smr:ACCAHA2020VHDGuideline", **{"class": "2a"}, level="B-R"))])
    assert (rec, SMR.classOfRecommendation, SMR.COR_2a) in acc and (rec, SMR.levelOfEvidence, SMR.LOE_B_R) in acc


@pytest.mark.parametrize("cells, column, complaint", [
    ({"class": "2a"}, "class", "'2a' is not a class of the ESC grading scale, on which smr:ESC2025VHDGuideline grades (use 'I', 'IIa', 'IIb', 'III', 'not verified')"),
    ({"level": "B-R"}, "level", "'B-R' is not a level of the ESC grading scale"),
    ({"guideline": "smr:ACCAHA2020VHDGuideline", "class": "IIa"}, "class", "'IIa' is not a class of the ACC/AHA grading scale"),
    ({"class": "not verified"}, "grade_note", "needs a grade note"),
    ({"guideline": "smr:COAPT2018"}, "guideline", "is not a known guideline"),
    ({"intervention": "smr:SecondaryMitralRegurgitation"}, "intervention", "is not a known therapy class"),
    ({"condition": "smr:TranscatheterEdgeToEdgeRepair"}, "condition", "is not a known condition class"),
    ({"status": "retired"}, "status", "unknown status"),
    ({"status": "superseded"}, "superseded_by", "names the guideline that replaced it"),
    ({"superseded_by": "smr:ESC2025VHDGuideline"}, "superseded_by", "only a superseded recommendation"),
    ({"statement_kind": "summary"}, "statement_kind", "unknown kind"),
    ({"quote": "words not in the statement"}, "quote", "must be part of the statement"),
    ({"quote": ""}, "quote", "needs the quote"),
    ({"quote": "x" * 301, "statement_kind": "paraphrase"}, "quote", "at most 300"),
    ({"criteria": "smr:COAPT2018"}, "criteria", "is not a known eligibility criterion"),
    ({"evidence": "ECO:9999999"}, "evidence", "is not a known evidence type"),
])
def test_a_bad_row_is_reported_with_file_row_and_column(turtle: Graph, tmp_path: Path, cells: dict, column: str, complaint: str) -> None:
    path = _table(tmp_path, _row(id="RecOk"), _row(**cells))
    with pytest.raises(InputError, match=re.escape(f"{path}:3: column {column!r}: ") + ".*" + re.escape(complaint)):
        compile_tables(turtle, [path])


def test_duplicate_ids_are_bad_input(turtle: Graph, tmp_path: Path) -> None:
    path = _table(tmp_path, _row(), _row())
    with pytest.raises(InputError, match=re.escape(f"{path}:3: column 'id': duplicate id")):
        compile_tables(turtle, [path])


def test_the_shipped_table_has_40_records_from_4_guidelines_on_their_own_scales(turtle: Graph) -> None:
    graph = Graph() + turtle
    out = compile_tables(graph, [ONTOLOGY / "recommendations.tsv"])
    graph += out
    recs = set(out.subjects(RDF.type, SMR.Recommendation))
    per_guideline = Counter(graph.value(r, DCTERMS.source) for r in recs)
    assert len(recs) >= 40 and len(per_guideline) >= 4
    for rec in recs:
        scheme = graph.value(graph.value(rec, DCTERMS.source), SMR.gradingScheme)
        for prop in (SMR.classOfRecommendation, SMR.levelOfEvidence):
            grade = graph.value(rec, prop)
            assert graph.value(grade, SKOS.inScheme) == scheme, (rec, grade)
            if str(graph.value(grade, SKOS.notation)) == "not verified":
                assert graph.value(rec, SMR.gradeNote) is not None, rec
    # The 2020 ACC/AHA grades were only ever read in a secondary source: not verified.
    assert graph.value(SMR.Rec2020TEER, SMR.classOfRecommendation) == SMR.COR_NotVerified
    assert graph.value(SMR.Rec2025ESCTEER, SMR.classOfRecommendation) == SMR.ESC_Class_I
    assert graph.value(SMR.Rec2025ESCTEER, SMR.levelOfEvidence) == SMR.ESC_Level_A


def test_the_grading_schemes_are_never_mapped_onto_each_other(turtle: Graph) -> None:
    graph = Graph() + turtle
    schemes = {s: set(graph.subjects(SKOS.inScheme, s)) for s in (SMR.ACCAHAGradingScheme, SMR.ESCGradingScheme)}
    assert all(schemes.values())
    matches = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
    for a in schemes[SMR.ACCAHAGradingScheme]:
        for b in schemes[SMR.ESCGradingScheme]:
            assert not any((a, m, b) in graph or (b, m, a) in graph for m in matches)


@pytest.fixture(scope="module")
def store(dist_env):
    return open_store("oxigraph", dist_env)


def test_divergence_puts_the_societies_teer_grades_side_by_side(store) -> None:
    rows = run(store, find("guideline-divergence"), {"intervention": "smr:TranscatheterEdgeToEdgeRepair"}).dicts()
    pairs = {(r["recommendationA"], r["recommendationB"]): r for r in rows}
    acc_esc25 = pairs[(V.Rec2020TEER, V.Rec2025ESCTEER)]
    assert acc_esc25["classA"] == V.COR_NotVerified and acc_esc25["classB"] == V.ESC_Class_I
    assert "strengthDiffers" not in acc_esc25   # a grade not verified cannot be compared
    acc_esc21 = pairs[(V.Rec2020TEER, V.Rec2021ESCTEER)]
    assert str(acc_esc21["sameCondition"]) == "true"   # severe SMR is a kind of SMR
    esc = pairs[(V.Rec2021ESCTEER, V.Rec2025ESCTEER)]
    assert (esc["classA"], esc["levelA"], esc["classB"], esc["levelB"]) == \
        (V.ESC_Class_IIa, V.ESC_Level_B, V.ESC_Class_I, V.ESC_Level_A)
    assert str(esc["strengthDiffers"]) == "true"
    assert {r["guidelineA"] for r in rows} | {r["guidelineB"] for r in rows} >= {
        V.ACCAHA2020VHDGuideline, V.ESC2021VHDGuideline, V.ESC2025VHDGuideline}


def test_recommendations_filter_by_guideline_and_show_the_scale(store) -> None:
    rows = run(store, find("recommendations"), {"guideline": "smr:ESC2025VHDGuideline", "intervention": "TEER"}).dicts()
    assert rows and {r["scale"] for r in rows} == {V.ESCGradingScheme}
    assert (V.Rec2025ESCTEER, "I", "A") in {(r["recommendation"], str(r["classNotation"]), str(r["levelNotation"])) for r in rows}
    everything = run(store, find("recommendations"), {}).dicts()
    assert len({r["recommendation"] for r in everything}) >= 40
