"""The named-query library and the answers to every competency question.

Each competency question of the project has a named query; each test below runs it on the
session build and checks the expected answer written from the seed page and the primary sources,
by the names a clinician would use, resolved through the graph's labels and synonyms -- never
copied from the query's output.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from smr_kg.rdf import namespaces as ns
from smr_kg import paths
from smr_kg.sparql.queries import HeaderError, QueryNotFound, find, list_queries, load, parse
from smr_kg.sparql.query import run
from smr_kg.sparql.resolve import labels, resolve_term
from smr_kg.store import open_store
from smr_kg.rdf.terms import IRI, Literal, from_rdflib
from smr_kg.rdf.vocab import ECO_NO_TRACEABLE_SUPPORT, ECO_TRACEABLE, SKOS, SMR, XSD

COMPETENCY_QUESTIONS = (
    "causes-through", "causes", "mechanism-chain", "mechanisms-by-structure", "therapies",
    "teer-criteria", "unsupported-claims", "most-frequent-cause", "prognosis",
    "associated-conditions", "by-code", "unmapped", "proportionality", "evidence-for",
    "reverse-remodelling",
)
SNOMED = "http://snomed.info/id/"
EMPTY_ON_THE_SHIPPED_GRAPH = {"claims-without-quote"}
"""Audit queries whose answer on the shipped graph is, by design, no row (tests/test_quotes.py
runs them on a graph that has what they look for)."""


# --- the library -------------------------------------------------------------------------


def test_every_competency_question_has_a_named_query_plus_the_evidence_pattern() -> None:
    names = {q.name for q in list_queries()}
    assert names == set(COMPETENCY_QUESTIONS) | {"assertion-evidence", "held-out-claims", "recommendations",
                                                 "guideline-divergence", "trial-results", "claims-without-quote",
                                                 "severity-criteria"}


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_every_query_documents_its_question_parameters_and_example(query) -> None:
    assert query.question and query.question.endswith("?")
    assert query.parameters is not None, "declare 'Parameters: none' when there are none"
    assert query.example and query.example.startswith(f"smr-kg query {query.name}")
    assert all(p.accepts for p in query.parameters)
    header = "".join(line for line in query.text.splitlines(keepends=True) if line.startswith("#"))
    if query.parameters:
        assert "VALUES" in header, "the header must say how to bind the parameters on another endpoint"
    assert query.text.count("PREFIX ") >= 1   # standard PREFIX lines, no engine defaults


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_every_parameter_is_selected(query) -> None:
    """pyoxigraph binds only projected variables (see docs/queries.md, "Writing a query")."""
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
    projection = body[body.index("SELECT"):body.index("WHERE")]
    for parameter in query.parameters or ():
        assert f"?{parameter.name}" in projection.split(), parameter.name


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_every_documented_example_runs(query, run_cli) -> None:
    for line in query.example.splitlines():
        args = shlex.split(line)
        assert args[:2] == ["smr-kg", "query"]
        code, out, err = run_cli(*args[1:], "--format", "csv")
        assert code == 0, f"{line}: {err}"
        if query.name in EMPTY_ON_THE_SHIPPED_GRAPH:
            assert len(out.splitlines()) == 1, f"{line} finds a fault in the shipped graph:\n{out}"
        else:
            assert len(out.splitlines()) > 1, f"{line} answers nothing"


def test_header_parsing_reads_kinds_requirements_and_defaults(tmp_path: Path) -> None:
    text = """# Question: Which?
#
# Free text that is not a section.
#
# Parameters:
#   cause (term, required): a condition,
#     by label or CURIE
#   code (iri, optional): a code
#   target (term, default smr:SecondaryMitralRegurgitation): where chains end
#
# Example:
#   smr-kg query demo --param cause=AF
SELECT ?cause ?code ?target WHERE { ?cause ?code ?target }
"""
    query = parse(text, tmp_path / "demo.rq")
    assert query.name == "demo" and query.question == "Which?"
    cause, code, target = query.parameters
    assert (cause.kind, cause.required, cause.accepts) == ("term", True, "a condition, by label or CURIE")
    assert (code.kind, code.required, code.default) == ("iri", False, None)
    assert (target.required, target.default) == (False, "smr:SecondaryMitralRegurgitation")
    assert query.example == "smr-kg query demo --param cause=AF"


def test_a_file_without_header_declares_no_parameters(tmp_path: Path) -> None:
    query = parse("SELECT * WHERE { ?s ?p ?o }", tmp_path / "mine.rq")
    assert query.parameters is None and query.question is None


def test_parameters_none(tmp_path: Path) -> None:
    assert parse("# Parameters: none\nSELECT * WHERE { ?s ?p ?o }", tmp_path / "x.rq").parameters == ()


@pytest.mark.parametrize(
    "header, complaint",
    [
        ("# Parameters:\n#   cause: a condition\n", "cannot read the parameter line"),
        ("# Parameters:\n#   cause (number, required): x\n", "unknown kind"),
        ("# Parameters:\n#   other (term, required): x\n", "has no ?other"),
    ],
)
def test_broken_headers_are_bad_input(tmp_path: Path, header: str, complaint: str) -> None:
    with pytest.raises(HeaderError) as error:
        parse(header + "SELECT ?cause WHERE { ?cause ?p ?o }", tmp_path / "bad.rq")
    assert complaint in error.value.message and error.value.exit_code == 2


def test_find_by_name_and_by_path(tmp_path: Path) -> None:
    assert find("causes-through").path == paths.queries_dir() / "causes-through.rq"
    assert find("causes-through.rq").path == paths.queries_dir() / "causes-through.rq"
    mine = tmp_path / "mine.rq"
    mine.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    assert find(str(mine)).text.startswith("SELECT")


def test_unknown_names_and_files_suggest_what_exists(tmp_path: Path) -> None:
    with pytest.raises(QueryNotFound) as error:
        find("causes-thru")
    assert "causes-through" in error.value.message and error.value.exit_code == 1
    with pytest.raises(QueryNotFound):
        find(str(tmp_path / "missing.rq"))
    with pytest.raises(QueryNotFound):
        find("../etc/passwd")


def test_a_query_file_that_is_not_utf8_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.rq"
    bad.write_bytes("# Question: café?\nSELECT * WHERE { ?s ?p ?o }".encode("latin-1"))
    with pytest.raises(HeaderError):
        load(bad)


# --- the answers ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(dist_env):
    return open_store("oxigraph", dist_env)


def answer(store, name: str, **params: str) -> list[dict]:
    return run(store, find(name), params).dicts()


def term(store, name: str) -> IRI:
    return resolve_term(store, name)


def column(rows: list[dict], var: str) -> set:
    return {row[var] for row in rows if var in row}


def test_cq1_causes_through_left_ventricular_dilation(store) -> None:
    """Seed, ref 1: LV dysfunction and dilation from IHD (particularly after MI), DCM or HHD."""
    rows = answer(store, "causes-through", mechanism="left ventricular dilation")
    causes = column(rows, "cause")
    expected = {term(store, n) for n in (
        "ischemic heart disease", "myocardial infarction", "dilated cardiomyopathy",
        "hypertensive heart disease", "ischemic cardiomyopathy",
    )}
    assert expected <= causes
    assert term(store, "atrial fibrillation") not in causes
    assert term(store, "hypertrophic cardiomyopathy") not in causes
    names = labels(store)
    for row in rows:
        assert row.get("source") and row.get("evidence"), f"unsourced step: {row}"
        links = str(row["chain"]).split(" -> ")
        assert links[0] == names[row["cause"]] and links[-1] == "left ventricular dilation"
        assert 1 <= int(row["step"]) <= len(links) - 1
    assert column(rows, "status") <= {SMR.Established, SMR.Tentative}
    ihd = [r for r in rows if r["cause"] == term(store, "ischemic heart disease")]
    assert column(ihd, "source") == {SMR.SeedPage}


def test_cq1_contested_and_unsupported_causes_are_never_causes_through(store) -> None:
    """Regression (issue 9, items 1-2): HCM through systolic anterior motion and RV dysfunction
    with TR through septal displacement were live chains; they are held out."""
    sam = answer(store, "causes-through", mechanism="systolic anterior motion of the mitral valve")
    assert sam == []
    septal = answer(store, "causes-through", mechanism="septal displacement")
    assert septal == []
    held = {(r["subject"], r["object"]): r["status"] for r in answer(store, "held-out-claims")}
    assert held[(term(store, "HCM"), term(store, "systolic anterior motion"))] == SMR.Contested
    assert held[(term(store, "right ventricular dysfunction with tricuspid regurgitation"), term(store, "septal displacement"))] == SMR.Unsupported


def test_cq1_only_inferior_or_posterior_infarction_displaces_the_posteromedial_papillary_muscle(store) -> None:
    """Regression (issue 9, item 7): asserted for every myocardial infarction before."""
    rows = answer(store, "causes-through", mechanism="posteromedial papillary muscle displacement")
    assert column(rows, "cause") == {term(store, "inferior or posterior myocardial infarction")}
    assert term(store, "myocardial infarction") not in column(answer(store, "causes"), "cause") or all(
        r["via"] != term(store, "posteromedial papillary muscle displacement")
        for r in answer(store, "causes") if r["cause"] == term(store, "myocardial infarction"))


def test_cq1_hypertensive_heart_disease_acts_through_the_left_atrium_too(store) -> None:
    """Issue 9, item 8: its route through left atrial enlargement and atrial fibrillation."""
    rows = answer(store, "causes-through", mechanism="left atrial dilation")
    assert {term(store, "hypertensive heart disease"), term(store, "atrial fibrillation")} <= column(rows, "cause")


def test_cq1_through_a_later_mechanism_shows_the_whole_chain(store) -> None:
    """LA dilation in AF stretches the mitral annulus (seed; JACC 2022 reviews)."""
    rows = answer(store, "causes-through", mechanism="mitral annular dilation")
    af = [r for r in rows if r["cause"] == term(store, "atrial fibrillation")]
    assert {str(r["chain"]) for r in af} == {"atrial fibrillation -> left atrial dilation -> mitral annular dilation"}
    assert column(af, "step") == {Literal("1", datatype=XSD.integer), Literal("2", datatype=XSD.integer)}


def test_cq2_causes_cover_the_seven_cause_groups_of_the_seed(store) -> None:
    rows = answer(store, "causes")
    acts = {(r["cause"], r["via"]) for r in rows}
    for cause, mechanism in [
        ("ischemic heart disease", "left ventricular dilation"),
        ("dilated cardiomyopathy", "left ventricular dilation"),
        ("hypertensive heart disease", "left ventricular dilation"),
        ("atrial fibrillation", "left atrial dilation"),
    ]:
        assert (term(store, cause), term(store, mechanism)) in acts, (cause, mechanism)
    # the seed's HCM and RV bullets are held out (contested / unsupported), not causes
    for cause in ("hypertrophic cardiomyopathy", "right ventricular dysfunction with tricuspid regurgitation"):
        assert term(store, cause) not in column(rows, "cause")
    medication = [r for r in rows if "depressing left ventricular function" in labels(store)[r["cause"]]]
    assert medication, "the seed's 'certain medications' bullet is missing"
    assert all(str(r.get("seedReferences", "")) == "" for r in medication)   # unreferenced in the seed
    ihd = next(r for r in rows if (r["cause"], r["via"]) == (term(store, "ischemic heart disease"), term(store, "left ventricular dilation")))
    assert str(ihd["seedReferences"]) == "1" and str(ihd["sources"]) == "Dr. Oracle answer page: causes of secondary mitral regurgitation (seed)"


def test_cq3_mechanism_chain_of_atrial_fibrillation(store) -> None:
    rows = answer(store, "mechanism-chain", condition="atrial fibrillation")
    chains = {tuple(str(r["chain"]).split(" -> ")) for r in rows}
    assert (
        "atrial fibrillation", "left atrial dilation", "mitral annular dilation",
        "failure of leaflet coaptation", "secondary mitral regurgitation",
    ) in chains
    for r in rows:
        assert int(r["links"]) == len(str(r["chain"]).split(" -> ")) - 1


def test_cq3_ischemic_heart_disease_reaches_smr_through_both_seed_routes(store) -> None:
    """Seed: LV dilation leads to papillary-muscle displacement and annular dilation -> no coaptation."""
    chains = [str(r["chain"]) for r in answer(store, "mechanism-chain", condition="IHD")]
    through = lambda m: any(m in c and c.endswith("failure of leaflet coaptation -> secondary mitral regurgitation") for c in chains)
    assert through("papillary muscle displacement") and through("mitral annular dilation")


def test_cq4_mechanisms_act_on_their_structures(store) -> None:
    pairs = {(r["mechanism"], r["actsOn"]) for r in answer(store, "mechanisms-by-structure")}
    for mechanism, structure in [
        ("mitral annular dilation", "mitral annulus"),
        ("papillary muscle displacement", "papillary muscle"),
        ("leaflet tethering", "mitral leaflet"),
        ("systolic anterior motion of the mitral valve", "mitral leaflet"),
        ("septal displacement", "interventricular septum"),
        ("left atrial dilation", "left atrium"),
        ("left ventricular dilation", "left ventricle"),
    ]:
        assert (term(store, mechanism), term(store, structure)) in pairs, (mechanism, structure)


def test_cq4_a_structure_includes_mechanisms_acting_on_its_parts(store) -> None:
    rows = answer(store, "mechanisms-by-structure", structure="mitral valve")
    assert {term(store, "mitral annular dilation"), term(store, "leaflet tethering")} <= column(rows, "mechanism")
    assert term(store, "septal displacement") not in column(rows, "mechanism")


def test_cq5_therapies_with_guideline_grades(store) -> None:
    rows = answer(store, "therapies")
    graded = {(r["therapy"], r.get("classOfRecommendation"), r.get("levelOfEvidence")) for r in rows}
    gdmt, teer, crt = (term(store, n) for n in ("guideline-directed medical therapy", "TEER", "cardiac resynchronization therapy"))
    # 2020 ACC/AHA: its grades were never read in the guideline's own text, so not verified
    assert (gdmt, SMR.COR_NotVerified, SMR.LOE_NotVerified) in graded
    assert (teer, SMR.COR_NotVerified, SMR.LOE_NotVerified) in graded
    assert (teer, SMR.ESC_Class_I, SMR.ESC_Level_A) in graded     # 2025 ESC/EACTS: TEER I, A (ventricular SMR)
    for surgery in ("surgical mitral valve repair", "surgical mitral valve replacement"):
        assert (term(store, surgery), SMR.ESC_Class_I, SMR.ESC_Level_B) in graded   # 2025 ESC: with CABG, I B
    # coronary revascularization -> ischaemic MR is held out (hypothesis) until a source's words are quoted
    assert term(store, "coronary revascularization") not in column(rows, "therapy")
    # Regression (issue 9, item 4): the 2014/2017 grades are superseded, shown only on request
    assert column(rows, "currency") == {SMR.Current}
    assert (crt, SMR.COR_1, SMR.LOE_A) not in graded       # 2014 AHA/ACC: CRT I, A (superseded)
    old = answer(store, "therapies", currency="smr:Superseded")
    assert (crt, SMR.COR_1, SMR.LOE_A) in {(r["therapy"], r.get("classOfRecommendation"), r.get("levelOfEvidence")) for r in old}
    assert column(old, "supersededBy") == {term(store, "2020 ACC/AHA valvular heart disease guideline"),
                                           term(store, "2025 ESC/EACTS valvular heart disease guidelines")}
    kinds = {(r["therapy"], r.get("kind")) for r in rows}
    assert (gdmt, term(store, "medical therapy")) in kinds
    assert (teer, term(store, "transcatheter intervention")) in kinds
    assert (crt, term(store, "device therapy")) in kinds
    assert rows[0]["classOfRecommendation"] in {SMR.COR_1, SMR.ESC_Class_I}   # strongest recommendations first


def test_cq6_teer_criteria_per_the_2020_guideline(store) -> None:
    rows = answer(store, "teer-criteria")
    quantitative = {
        (r["observable"], str(r["comparator"]), float(r["value"]), str(r["unit"])) for r in rows if "value" in r
    }
    lvef, lvesd, pasp = (term(store, n) for n in (
        "left ventricular ejection fraction", "left ventricular end-systolic diameter",
        "pulmonary artery systolic pressure",
    ))
    assert {
        (lvef, ">=", 20.0, "%"), (lvef, "<=", 50.0, "%"),
        (lvesd, "<=", 70.0, "mm"), (pasp, "<=", 70.0, "mm[Hg]"),
    } <= quantitative
    assert (lvef, ">=", 15.0, "%") not in quantitative   # MITRA-FR's window is a trial's, not the guideline's
    assert term(store, "transesophageal echocardiography") in column(rows, "assessedBy")
    assert term(store, "NYHA functional class") in column(rows, "observable")   # persistent symptoms
    assert column(rows, "guideline") == {term(store, "2020 ACC/AHA valvular heart disease guideline")}


def test_cq7_unsupported_claims_are_the_seeds_unreferenced_bullets(store) -> None:
    rows = answer(store, "unsupported-claims")
    status = {(r["subject"], r["object"]): str(r["traceability"]) for r in rows}
    for cause, mechanism in [
        ("hypertrophic cardiomyopathy", "systolic anterior motion of the mitral valve"),
        ("right ventricular dysfunction with tricuspid regurgitation", "septal displacement"),
    ]:
        assert status[(term(store, cause), term(store, mechanism))] == "no reference"
    medication = {s for (s, _), v in status.items()
                  if "depressing left ventricular function" in labels(store).get(s, "") and v == "curator inference"}
    assert medication
    # the seed's AF bullet had no reference; the curators found two reviews, so it is not unsupported
    af = (term(store, "atrial fibrillation"), term(store, "left atrial dilation"))
    assert status[af] == "unreferenced in the seed; sourced by curators"
    # a claim citing seed reference 1 (identified as the 2020 guideline) is traceable
    assert (term(store, "ischemic heart disease"), term(store, "left ventricular dilation")) not in status
    # "up to 57 % of DCM" cites seed reference 2, which was never identified
    epi = {s for (s, o), v in status.items() if o == SMR.EpidemiologicalStatement and v == "seed reference not identified"}
    assert any("57" in labels(store)[s] for s in epi)


def test_cq8_most_frequent_cause(store) -> None:
    rows = answer(store, "most-frequent-cause")
    assert column(rows, "cause") == {term(store, "ischemic cardiomyopathy")}
    assert term(store, "coronary artery disease") in column(rows, "underlyingCause")
    assert all(r.get("source") for r in rows)


def test_cq9_prognosis(store) -> None:
    rows = answer(store, "prognosis")
    smr = term(store, "secondary mitral regurgitation")
    predicts = [r for r in rows if r["subject"] == smr and r["relation"] == SMR.isIndependentPredictorOf]
    assert column(predicts, "outcome") == {term(store, "all-cause mortality")}
    # Regression (issue 9, item 9): scoped to the population of the study that found it
    assert column(predicts, "source") == {SMR.Trichon2003}
    assert all("LVEF < 40 %" in str(r["population"]) for r in predicts)
    mild = [r for r in rows if r["subject"] == term(store, "mild secondary mitral regurgitation")]
    assert term(store, "event-free survival") in column(mild, "outcome")   # "even mild SMR"
    assert all(r.get("source") and r.get("evidence") for r in rows)


def test_cq9_prognostic_figures_stay_with_the_severity_definition_they_were_measured_under(store) -> None:
    """Regression (issue 9, item 10): Rossi 2011's HR 2.0 was for ERO > 0.2 cm2, not the 2020
    ACC/AHA severe SMR (>= 0.40 cm2)."""
    rows = answer(store, "prognosis")
    rossi = [r for r in rows if r.get("source") == SMR.Rossi2011]
    assert column(rossi, "subject") == {SMR.SevereSMRRossi2011Definition}
    assert not [r for r in rows if r["subject"] == term(store, "severe secondary mitral regurgitation")]


def test_cq10_associated_conditions(store) -> None:
    rows = answer(store, "associated-conditions")
    assert {term(store, "heart failure"), term(store, "coronary artery disease")} <= column(rows, "associated")


def test_cq11_by_code(store) -> None:
    rows = answer(store, "by-code", code="SNOMEDCT:49436004")
    af = term(store, "atrial fibrillation")
    assert column(rows, "concept") == {af} and column(rows, "match") == {SKOS.exactMatch}
    said = {(r["property"], r["object"]) for r in rows if r["subject"] == af}
    assert (SMR.actsThrough, term(store, "left atrial dilation")) in said
    assert (SMR.causallyUpstreamOf, term(store, "mitral annular dilation")) in said
    assert answer(store, "by-code", code="SNOMEDCT:1") == []


def test_cq11_every_mapped_code_finds_its_concept(store, built_graph: Graph) -> None:
    """Data-driven over the build's SKOS mappings (from ontology/mappings/*.sssom.tsv)."""
    mapped = [(from_rdflib(s), p, o) for p in (SKOS.exactMatch, SKOS.broadMatch)
              for s, o in built_graph.subject_objects(URIRef(p)) if str(o).startswith(SNOMED)]
    assert any(p == SKOS.exactMatch for _, p, _ in mapped), "no SNOMED CT mapping in the build"
    for concept, match, code in mapped:
        rows = answer(store, "by-code", code=str(code))
        assert (concept, match) in {(r["concept"], r["match"]) for r in rows}


def test_cq12_unmapped(store, built_graph: Graph) -> None:
    rows = answer(store, "unmapped")
    unmapped = column(rows, "concept")
    # facts.md 1a: no SNOMED CT concept exists (or was confirmed) for these mechanisms
    for name in ("left ventricular dilation", "mitral annular dilation", "systolic anterior motion of the mitral valve",
                 "papillary muscle displacement"):
        assert term(store, name) in unmapped, name
    for name in ("atrial fibrillation", "myocardial infarction", "heart failure"):
        assert term(store, name) not in unmapped, name
    own_code = {from_rdflib(s) for p in (SKOS.exactMatch, SKOS.closeMatch)
                for s, o in built_graph.subject_objects(URIRef(p)) if str(o).startswith(SNOMED)}
    assert not unmapped & own_code
    secondary = [r for r in rows if r["concept"] == term(store, "secondary mitral regurgitation")]
    assert {(r.get("link"), r.get("nearest")) for r in secondary} == {(SKOS.broadMatch, IRI(SNOMED + "48724000"))}


def test_cq13_proportionality(store) -> None:
    rows = answer(store, "proportionality")
    responds = {(r["subtype"], r["respondsTo"]) for r in rows}
    assert (term(store, "disproportionate secondary mitral regurgitation"), term(store, "mitral valve intervention")) in responds
    assert (term(store, "proportionate secondary mitral regurgitation"),
            term(store, "guideline-directed medical therapy")) in responds
    # Regression (issue 9, item 5): Packer and Grayburn 2020 put CRT in disproportionate MR
    assert (term(store, "disproportionate secondary mitral regurgitation"), term(store, "CRT")) in responds
    assert (term(store, "proportionate secondary mitral regurgitation"), term(store, "CRT")) not in responds
    assert column(rows, "status") == {SMR.Hypothesis}
    assert SMR.Lindenfeld2021 in column(rows, "counterEvidence")
    assert all(r.get("definition") and r.get("source") for r in rows)


def test_trial_results_give_each_estimate_with_its_interval_and_publication(store) -> None:
    rows = answer(store, "trial-results")
    assert len({r["trial"] for r in rows}) >= 6
    for row in rows:
        low, estimate, high = (float(row[v]) for v in ("ciLower", "estimate", "ciUpper"))
        assert low <= estimate <= high and row["estimate"].datatype == XSD.decimal
        assert "doi" in row or "pmid" in row
    by_trial = {(r["trial"], str(r["endpoint"]), str(r["followUp"])): r for r in rows}
    coapt = by_trial[(SMR.COAPT2023FiveYear, "death from any cause", "5 years")]
    assert (str(coapt["estimate"]), str(coapt["ciLower"]), str(coapt["ciUpper"])) == ("0.72", "0.58", "0.89")
    mitra = by_trial[(SMR.MITRAFR2019TwoYear, "death from any cause", "24 months")]
    assert str(mitra["pmid"]) == "31476260" and float(mitra["ciUpper"]) > 1
    teer = answer(store, "trial-results", therapy="transcatheter edge-to-edge repair")
    assert {r["trial"] for r in teer} == {SMR.COAPT2021ThreeYear, SMR.COAPT2023FiveYear, SMR.MITRAFR2019TwoYear,
                                         SMR.MATTERHORN2024}


def test_cq14_evidence_for_an_assertion(store) -> None:
    rows = answer(store, "evidence-for", subject="ischemic heart disease", object="left ventricular dilation")
    assert column(rows, "property") == {SMR.actsThrough}
    assert column(rows, "evidence") == {ECO_TRACEABLE}
    assert column(rows, "seedReference") == {Literal("1")}
    # tentative: the seed page is its only source (issue 19: nothing is established on the seed alone)
    assert column(rows, "status") == {SMR.Tentative}
    # Regression (issue 9, item 8): the seed cites reference 1; the guideline was not read for it
    assert column(rows, "source") == {SMR.SeedPage}


def test_cq14_evidence_for_a_therapy_includes_its_grade(store) -> None:
    rows = answer(store, "evidence-for", subject="TEER", object="secondary mitral regurgitation")
    graded = {(r["classOfRecommendation"], r["levelOfEvidence"]) for r in rows if "recommendation" in r}
    assert (SMR.COR_NotVerified, SMR.LOE_NotVerified) in graded   # 2020 ACC/AHA, grade not verified
    assert (SMR.ESC_Class_IIa, SMR.ESC_Level_B) in graded         # 2021 ESC/EACTS
    assert SMR.treats in column(rows, "property")


def test_cq15_reverse_remodelling(store) -> None:
    therapies = column(answer(store, "reverse-remodelling"), "therapy")
    assert {term(store, n) for n in ("guideline-directed medical therapy", "cardiac resynchronization therapy")} <= therapies
    # Regression (issue 9, item 6): no source read says revascularisation reverses remodelling
    assert term(store, "coronary revascularization") not in therapies
    held = {(r["subject"], r["property"], r["object"]): r["status"] for r in answer(store, "held-out-claims")}
    assert held[(term(store, "coronary revascularization"), SMR.reverses, term(store, "left ventricular remodeling"))] == SMR.Unsupported


def test_assertion_evidence_returns_every_claim(store, built_graph: Graph) -> None:
    rows = answer(store, "assertion-evidence")
    assertions = {(r["subject"], r["property"], r["object"]) for r in rows}
    recorded = {
        tuple(from_rdflib(built_graph.value(c, p)) for p in (ns.SMR.subject, ns.SMR.predicate, ns.SMR.object))
        for c in built_graph.subjects(ns.RDF.type, ns.SMR.Claim)
    }
    assert assertions == recorded
    contested = answer(store, "assertion-evidence", status="smr:Contested")
    assert (term(store, "HCM"), SMR.actsThrough, term(store, "SAM")) in {(r["subject"], r["property"], r["object"]) for r in contested}
    narrowed = answer(store, "assertion-evidence", subject="atrial fibrillation", property="smr:actsThrough")
    assert column(narrowed, "object") == {term(store, "left atrial dilation")}


# --- the fixed-depth chain enumeration is complete on this graph -----------------------------


def test_the_causal_graph_is_acyclic(built_graph: Graph) -> None:
    """causes-through and mechanism-chain enumerate chains; a cycle would make them repeat."""
    upstream = set(built_graph.subject_objects(ns.SMR.causallyUpstreamOf))
    assert not {(a, b) for a, b in upstream if (b, a) in upstream}


def test_no_cause_needs_a_longer_chain_than_causes_through_enumerates(store) -> None:
    unbounded = store.select("""
        PREFIX smr: <https://w3id.org/smr-kg/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?mechanism ?cause WHERE {
          ?mechanism rdfs:subClassOf+ smr:PathophysiologicalMechanism .
          ?m rdfs:subClassOf* ?mechanism ;
             smr:causallyUpstreamOf/rdfs:subClassOf* smr:SecondaryMitralRegurgitation .
          ?cause (smr:actsThrough|smr:leadsTo|smr:causesOrContributesTo)+ ?m .
          ?cause rdfs:subClassOf+ smr:Condition .
          FILTER NOT EXISTS { ?cause rdfs:subClassOf* smr:SecondaryMitralRegurgitation }
        }""").rows
    expected: dict = {}
    for mechanism, cause in unbounded:
        expected.setdefault(mechanism, set()).add(cause)
    assert expected
    for mechanism, causes in expected.items():
        found = column(answer(store, "causes-through", mechanism=str(mechanism)), "cause")
        assert found == causes, labels(store).get(mechanism)


def test_no_condition_needs_a_longer_chain_than_mechanism_chain_enumerates(store) -> None:
    pairs = store.select("""
        PREFIX smr: <https://w3id.org/smr-kg/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?start ?end WHERE {
          ?start (smr:actsThrough|smr:leadsTo|smr:causesOrContributesTo)+ ?end .
          ?end rdfs:subClassOf* smr:SecondaryMitralRegurgitation .
        }""").rows
    starts: dict = {}
    for start, end in pairs:
        starts.setdefault(start, set()).add(end)
    for start, ends in starts.items():
        found = column(answer(store, "mechanism-chain", condition=str(start)), "reaches")
        assert found == ends, labels(store).get(start)


def test_severity_criteria_list_each_sources_thresholds_with_units(store) -> None:
    """Issue 19: the severe-SMR definitions of >= 3 guidelines with units, the trials' entry
    definitions kept apart, and ESC's lower thresholds marked conditional."""
    rows = answer(store, "severity-criteria")
    severe = {(r["source"], str(r["observable"]).rsplit("/", 1)[-1], str(r["value"]), str(r["unit"]))
              for r in rows if str(r["defines"]).endswith("/SevereSecondaryMitralRegurgitation")}
    assert {s for s, *_ in severe} >= {SMR.ACCAHA2020VHDGuideline, SMR.ESC2021VHDGuideline, SMR.ESC2025VHDGuideline}
    assert (SMR.ACCAHA2020VHDGuideline, "EffectiveRegurgitantOrificeArea", "0.4", "cm2") in severe
    kinds = {str(r["sourceKind"]) for r in rows if r["source"] in (SMR.COAPT2018, SMR.MITRAFR2019TwoYear)}
    assert kinds == {"trial"}
    conditional = {(str(r["value"]), str(r["unit"])) for r in rows
                   if r["source"] == SMR.ESC2025VHDGuideline and str(r.get("thresholdKind")) == "conditional"}
    assert conditional == {("0.3", "cm2"), ("45", "mL")}
