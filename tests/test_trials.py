"""Trial-results tables: each row becomes an smr:TrialResult with typed numbers; bad rows name the cell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from smr_kg.errors import InputError
from smr_kg.rdf.namespaces import SMR
from smr_kg.stages.load import load_ontology
from conftest import write_table
from smr_kg.stages.tables import compile_tables
from smr_kg.stages.trials import COLUMNS

ONTOLOGY = Path(__file__).parents[1] / "ontology"
HEADER = "\t".join(COLUMNS) + "\n"
QUOTE = "Two-year mortality was 19.0% in the repair group (hazard ratio in the repair group, 0.79; 95% confidence interval, 0.46 to 1.35; P=0.39)."


def _table(tmp_path: Path, *rows: str) -> Path:
    return write_table(tmp_path / "results.tsv", HEADER, rows)


def _row(**cells: str) -> str:
    base = {"id": "result-x1", "trial": "smr:Goldstein2016CTSNSevereIMR", "n": "251",
            "intervention": "smr:SurgicalMitralValveRepair", "comparator": "smr:ChordalSparingMitralValveReplacement",
            "endpoint": "death", "follow_up": "2 years", "measure": "HR", "estimate": "0.79", "ci_low": "0.46",
            "ci_high": "1.35", "p": "0.39", "quote": QUOTE, "quote_location": "abstract", "evidence": "ECO:0000304"}
    base.update(cells)
    return "\t".join(base.get(c, "") for c in COLUMNS)


def test_a_row_becomes_a_trial_result_with_decimal_numbers(turtle: Graph, tmp_path: Path) -> None:
    out = compile_tables(turtle, [_table(tmp_path, _row(see_also="smr:Grayburn2019", primary="no"))])
    result = SMR["result-x1"]
    assert (result, RDF.type, SMR.TrialResult) in out
    assert (result, DCTERMS.source, SMR.Goldstein2016CTSNSevereIMR) in out
    assert (result, SMR.trialIntervention, SMR.SurgicalMitralValveRepair) in out
    assert (result, SMR.trialComparator, SMR.ChordalSparingMitralValveReplacement) in out
    for prop, value in ((SMR.effectEstimate, "0.79"), (SMR.ciLower, "0.46"), (SMR.ciUpper, "1.35"), (SMR.pValue, "0.39")):
        literal = out.value(result, prop)
        assert isinstance(literal, Literal) and literal.datatype == XSD.decimal and literal.value == Decimal(value)
    assert out.value(result, SMR.sampleSize) == Literal(251, datatype=XSD.integer)
    assert out.value(result, SMR.primaryEndpoint) == Literal(False)
    assert str(out.value(result, SMR.effectMeasure)) == "hazard ratio"
    assert (result, RDFS.seeAlso, SMR.Grayburn2019) in out


def test_p_below_a_bound_a_text_comparator_and_canonical_decimals(turtle: Graph, tmp_path: Path) -> None:
    quote = "Deaths (hazard ratio 0.60, 95% CI 0.47-0.77, P<0.0001)"
    row = _row(estimate="0.60", ci_low="0.47", ci_high="0.77", p="<0.0001", quote=quote, comparator="medical therapy alone")
    out = compile_tables(turtle, [_table(tmp_path, row)])
    result = SMR["result-x1"]
    assert out.value(result, SMR.pValueBelow) == Literal("0.0001", datatype=XSD.decimal)
    assert out.value(result, SMR.pValue) is None
    assert out.value(result, SMR.effectEstimate) == Literal("0.6", datatype=XSD.decimal)  # as Oxigraph stores it
    assert out.value(result, SMR.trialComparator) == Literal("medical therapy alone")


@pytest.mark.parametrize("cells, column, complaint", [
    ({"estimate": "0.30"}, "estimate", "does not contain the estimate 0.30"),
    ({"ci_low": "0.80", "estimate": "0.79"}, "estimate", "does not contain the estimate"),
    ({"ci_low": "1.40"}, "ci_low", "is above the upper bound"),
    ({"estimate": "about 0.8"}, "estimate", "'about 0.8' is not a number"),
    ({"ci_high": "NaN"}, "ci_high", "is not a number"),
    ({"ci_low": ""}, "ci_low", "empty cell"),
    ({"quote": ""}, "quote", "empty cell"),
    ({"quote": "x" * 301}, "quote", "301 characters"),
    ({"quote": "Two-year mortality (hazard ratio, 0.79; 95% CI, 0.46 to 1.53)."}, "ci_high", "1.35 is not in the quote"),
    ({"quote_location": ""}, "quote_location", "say where the quote stands"),
    ({"measure": "likelihood"}, "measure", "unknown measure 'likelihood'"),
    ({"measure": "OR", "ci_low": "-0.2", "quote": QUOTE + " -0.2"}, "ci_low", "greater than 0"),
    ({"n": "251.5"}, "n", "not a number of patients"),
    ({"p": "1.5"}, "p", "between 0 and 1"),
    ({"primary": "maybe"}, "primary", "write yes or no"),
    ({"trial": "smr:Grayburn2019"}, "trial", "not a known clinical trial report"),
    ({"intervention": "smr:MitralValve"}, "intervention", "not a known therapy class"),
    ({"comparator": "smr:Nothing"}, "comparator", "not a known therapy class"),
    ({"see_also": "smr:claim-9999"}, "see_also", "not a known evidence source or claim"),
    ({"evidence": "ECO:0000000"}, "evidence", "not a known evidence type"),
])
def test_a_bad_row_is_reported_with_file_row_and_column(turtle: Graph, tmp_path: Path, cells: dict, column: str,
                                                        complaint: str) -> None:
    table = _table(tmp_path, _row(id="result-ok"), _row(**cells))
    with pytest.raises(InputError) as error:
        compile_tables(turtle, [table])
    assert error.value.message.startswith(f"{table}:3: column {column!r}: ")
    assert complaint in error.value.message
    assert error.value.exit_code == 2


def test_a_result_may_point_to_a_claim_of_a_table_compiled_before_it(turtle: Graph, tmp_path: Path) -> None:
    results = _table(tmp_path, _row(see_also="smr:claim-0069"))
    out = compile_tables(turtle, [results, ONTOLOGY / "claims.tsv", ONTOLOGY / "seed-excerpts.tsv"])
    assert (SMR["result-x1"], RDFS.seeAlso, SMR["claim-0069"]) in out


def test_duplicate_ids_are_bad_input(turtle: Graph, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r":3: column 'id': duplicate id \(first used in row 2\)"):
        compile_tables(turtle, [_table(tmp_path, _row(), _row())])


def test_the_shipped_results_cover_six_trial_reports_and_link_the_coapt_mitra_fr_conflict() -> None:
    graph = load_ontology()
    results = list(graph.subjects(RDF.type, SMR.TrialResult))
    reports = {graph.value(r, DCTERMS.source) for r in results}
    assert len(reports) >= 6
    for result in results:
        low, estimate, high = (graph.value(result, p).value for p in (SMR.ciLower, SMR.effectEstimate, SMR.ciUpper))
        assert low <= estimate <= high, result
        report = graph.value(result, DCTERMS.source)
        assert (report, RDF.type, SMR.ClinicalTrialReport) in graph
        assert graph.value(report, SMR.doi) is not None or graph.value(report, SMR.pmid) is not None, report
        assert len(str(graph.value(result, SMR.quote))) <= 300
    for trial in (SMR.MITRAFR2019TwoYear, SMR.COAPT2023FiveYear):
        linked = [r for r in results if graph.value(r, DCTERMS.source) == trial]
        assert linked and all((r, RDFS.seeAlso, SMR["claim-0069"]) in graph for r in linked)
    # the discordance in numbers: COAPT's 5-year death HR excludes 1, MITRA-FR's 2-year does not
    coapt = graph.value(SMR["result-coapt5y-death"], SMR.ciUpper).value
    mitra = graph.value(SMR["result-mitrafr2y-death"], SMR.ciLower).value
    assert coapt < 1 and mitra < 1 < graph.value(SMR["result-mitrafr2y-death"], SMR.ciUpper).value
