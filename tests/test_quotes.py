"""Every claim backed by its source's words, and the findings of the clinical review (issue 19 §4).

A claim that cites a publication carries the publication's verbatim words (smr:quote, at most 300
characters) and where they stand (smr:quoteLocation); the shape smrsh:ClaimQuote refuses a graph
without them and the query claims-without-quote lists them. No claim is established on the seed
page alone. Each finding of the review has a test here that failed before its fix.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from smr_kg.errors import InputError
from smr_kg.rdf.namespaces import SMR
from smr_kg.sparql.queries import find
from smr_kg.sparql.query import run
from smr_kg.stages.claims import COLUMNS, QUOTE_LIMIT
from smr_kg.stages.load import parse_into
from smr_kg.stages.tables import compile_tables
from smr_kg.store import open_store, store_for_graph
from smr_kg.validate.gate import SMRSH, validate_graph

ROOT = Path(__file__).parents[1]
ONTOLOGY = ROOT / "ontology"
FIXTURES = Path(__file__).parent / "fixtures" / "validate"
IAO_DEFINITION = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
IAO_REPLACED_BY = URIRef("http://purl.obolibrary.org/obo/IAO_0100001")
NOT_PUBLICATIONS = {SMR.SeedPage, SMR.SmrKgCuration}


def _claim_rows() -> list[dict[str, str]]:
    lines = [l for l in (ONTOLOGY / "claims.tsv").read_text(encoding="utf-8").splitlines() if l and not l.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def _curies(cell: str) -> set[URIRef]:
    return {SMR[v.strip().removeprefix("smr:")] for v in cell.split("|") if v.strip()}


def _ancestors(graph: Graph, cls: URIRef) -> set[URIRef]:
    return set(graph.transitive_objects(cls, RDFS.subClassOf)) - {cls}


# --- quotes -------------------------------------------------------------------------------------


def test_every_claim_citing_a_publication_has_its_quote_and_location_in_the_table() -> None:
    rows = _claim_rows()
    cited = [r for r in rows if _curies(r["source"]) - NOT_PUBLICATIONS]
    assert len(cited) >= 30
    for row in cited:
        assert row["quote"].strip() and row["quote_location"].strip(), row["id"]
        assert len(row["quote"]) <= QUOTE_LIMIT, row["id"]


def test_the_shipped_graph_quotes_every_publication_and_the_query_finds_none(built_graph: Graph, dist_env) -> None:
    quoted = set(built_graph.subjects(SMR.quote, None))
    assert len(quoted) >= 30 and quoted == set(built_graph.subjects(SMR.quoteLocation, None))
    assert run(open_store("oxigraph", dist_env), find("claims-without-quote"), {}).rows == []


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_query_and_the_shape_name_a_claim_without_its_sources_words(built_graph: Graph, engine: str) -> None:
    graph = Graph()
    graph += built_graph
    parse_into(graph, FIXTURES / "ClaimQuote.ttl")
    ex = "https://example.org/smr-test/"
    rows = run(store_for_graph(graph, engine), find("claims-without-quote"), {}).dicts()
    assert [(str(r["claim"]), str(r["source"])) for r in rows] == [(ex + "UnquotedClaim", ex + "TestStudy")]
    failing = {str(r.focus) for r in validate_graph(graph).results if r.shape == SMRSH.ClaimQuote}
    assert failing == {ex + "UnquotedClaim", ex + "UnlocatedQuoteClaim", ex + "LongQuoteClaim"}


def _table(tmp_path: Path, **cells: str) -> Path:
    base = {"id": "claim-q1", "subject": "smr:AtrialFibrillation", "predicate": "smr:actsThrough",
            "object": "smr:LeftAtrialDilation", "status": "established", "source": "smr:Trichon2003",
            "evidence": "ECO:0000304"}
    base.update(cells)
    path = tmp_path / "quotes.tsv"
    path.write_text("\t".join(COLUMNS) + "\n" + "\t".join(base.get(c, "") for c in COLUMNS) + "\n", encoding="utf-8")
    return path


def test_a_row_compiles_its_quote_and_location_onto_the_claim_record(turtle: Graph, tmp_path: Path) -> None:
    out = compile_tables(turtle, [_table(tmp_path, quote="MR is common.", quote_location="Trichon 2003, abstract")])
    assert (SMR["claim-q1"], SMR.quote, Literal("MR is common.")) in out
    assert (SMR["claim-q1"], SMR.quoteLocation, Literal("Trichon 2003, abstract")) in out


@pytest.mark.parametrize("cells, column, complaint", [
    ({"quote": "MR is common."}, "quote_location", "a quote needs its location"),
    ({"quote_location": "abstract"}, "quote", "quote_location is given"),
    ({"quote": "x" * (QUOTE_LIMIT + 1), "quote_location": "abstract"}, "quote", f"a quote is at most {QUOTE_LIMIT}"),
])
def test_a_bad_quote_names_its_cell(turtle: Graph, tmp_path: Path, cells: dict, column: str, complaint: str) -> None:
    with pytest.raises(InputError) as err:
        compile_tables(turtle, [_table(tmp_path, **cells)])
    assert f":2: column {column!r}:" in err.value.message and complaint in err.value.message


def test_the_quote_properties_are_declared_and_defined(turtle: Graph) -> None:
    for prop in (SMR.quote, SMR.quoteLocation):
        assert (prop, RDF.type, OWL.AnnotationProperty) in turtle and turtle.value(prop, IAO_DEFINITION), prop


# --- no claim is established on the seed page alone ---------------------------------------------


def test_no_established_claim_rests_on_the_seed_page_alone(built_graph: Graph) -> None:
    for claim in built_graph.subjects(SMR.status, SMR.Established):
        sources = set(built_graph.objects(claim, DCTERMS.source))
        assert sources and sources != {SMR.SeedPage}, f"{claim} is established on the seed page alone"


# --- the findings of the clinical review ---------------------------------------------------------


def test_miracle_2006_is_cited_with_its_authors_title_and_pages(built_graph: Graph) -> None:
    citation = str(built_graph.value(SMR.MIRACLE2006, DCTERMS.bibliographicCitation))
    assert citation.startswith("St John Sutton MG, Plappert T, Hilpisch KE, Abraham WT, Hayes DL, Chinchoy E.")
    assert "Circulation. 2006;113(2):266-72" in citation
    assert str(built_graph.value(SMR.MIRACLE2006, DCTERMS.title)).startswith(
        "Sustained reverse left ventricular structural remodeling with cardiac resynchronization at one year")
    assert str(built_graph.value(SMR.MIRACLE2006, SMR.pmid)) == "16401777"


def test_mitral_valve_replacement_may_be_surgical_or_transcatheter(built_graph: Graph) -> None:
    assert SMR.SurgicalIntervention not in _ancestors(built_graph, SMR.MitralValveReplacement)
    assert SMR.TranscatheterIntervention not in _ancestors(built_graph, SMR.MitralValveReplacement)
    assert {SMR.MitralValveReplacement, SMR.SurgicalIntervention} <= _ancestors(built_graph, SMR.SurgicalMitralValveReplacement)
    assert {SMR.MitralValveReplacement, SMR.TranscatheterIntervention} <= _ancestors(built_graph, SMR.TranscatheterMitralValveReplacement)
    assert SMR.SurgicalMitralValveReplacement in _ancestors(built_graph, SMR.ChordalSparingMitralValveReplacement)


def test_teer_is_mitral_teer(built_graph: Graph) -> None:
    label = str(built_graph.value(SMR.TranscatheterEdgeToEdgeRepair, RDFS.label))
    definition = str(built_graph.value(SMR.TranscatheterEdgeToEdgeRepair, IAO_DEFINITION))
    assert label == "mitral transcatheter edge-to-edge repair"
    assert "tricuspid" in definition and "not a kind of this class" in definition


def test_chamber_dilation_is_not_declared_adverse_remodelling(built_graph: Graph) -> None:
    adverse = {SMR.AdverseLeftAtrioventricularRemodeling, SMR.LeftVentricularRemodeling, SMR.LeftAtrialRemodeling}
    for dilation in (SMR.LeftVentricularDilation, SMR.LeftAtrialDilation):
        assert not _ancestors(built_graph, dilation) & adverse, dilation
        assert SMR.PathophysiologicalMechanism in _ancestors(built_graph, dilation)


def test_no_condition_is_a_medication(built_graph: Graph) -> None:
    conditions = {c for c in built_graph.subjects(RDFS.subClassOf, None) if SMR.Condition in _ancestors(built_graph, c)}
    assert not [c for c in conditions if "medication" in str(built_graph.value(c, RDFS.label))]
    old = SMR.MedicationOrConditionDepressingLeftVentricularFunction
    assert (old, OWL.deprecated, Literal(True)) in built_graph
    assert built_graph.value(old, IAO_REPLACED_BY) == SMR.ConditionDepressingLeftVentricularFunction
    assert SMR.Condition in _ancestors(built_graph, SMR.ConditionDepressingLeftVentricularFunction)


def test_ischaemic_mr_is_ventricular_smr_only_when_chronic(built_graph: Graph) -> None:
    imr = SMR.IschemicMitralRegurgitation
    assert SMR.VentricularSecondaryMitralRegurgitation in _ancestors(built_graph, imr)
    assert str(built_graph.value(imr, RDFS.label)) == "chronic ischemic mitral regurgitation"
    assert "Only chronic ischaemic mitral regurgitation" in str(built_graph.value(imr, IAO_DEFINITION))
    exact = {str(s) for s in built_graph.objects(imr, URIRef("http://www.geneontology.org/formats/oboInOwl#hasExactSynonym"))}
    assert not exact & {"ischemic mitral regurgitation", "IMR"}


def test_smr_disjoint_from_primary_mr_is_said_to_be_a_convention(built_graph: Graph) -> None:
    assert (SMR.SecondaryMitralRegurgitation, OWL.disjointWith, SMR.PrimaryMitralRegurgitation) in built_graph
    definition = str(built_graph.value(SMR.SecondaryMitralRegurgitation, IAO_DEFINITION))
    assert "by convention" in definition and "mixed aetiology" in definition


def test_an_icd10cm_block_is_marked_as_a_block_not_a_code() -> None:
    lines = [l for l in (ONTOLOGY / "mappings" / "smr.sssom.tsv").read_text(encoding="utf-8").splitlines()
             if l and not l.startswith("#")]
    blocks = [r for r in csv.DictReader(lines, delimiter="\t") if re.fullmatch(r"ICD10CM:[A-Z]\d\d-[A-Z]\d\d", r["object_id"])]
    assert blocks
    for row in blocks:
        assert "(block " in row["object_label"] and "not a code" in row["object_label"], row["object_id"]
        assert "a block of ICD-10-CM, not a code" in row["comment"], row["object_id"]


OTHERS_RECORDS = (SMR.Recommendation, SMR.EligibilityCriterion)
"""Recommendations and criteria are curated by others (issue 19); their notes are left to them."""
INTERNAL_TAGS = re.compile(r"\b(C1|C2|U)\b|(?i:facts\.md)")


def test_curation_notes_speak_plain_words(built_graph: Graph) -> None:
    """No confidence shorthand (C1, C2, U) or curators' file name (facts.md) in a note."""
    kinds = {k for k in set(built_graph.objects(None, RDF.type)) if isinstance(k, URIRef)
             and ({k} | _ancestors(built_graph, k)) & set(OTHERS_RECORDS)}
    theirs = {r for kind in kinds for r in built_graph.subjects(RDF.type, kind)}
    leaks = [(s, m.group(0)) for s, note in built_graph.subject_objects(SMR.curationNote)
             if s not in theirs for m in [INTERNAL_TAGS.search(str(note))] if m]
    assert leaks == []
    for row in _claim_rows():
        assert not INTERNAL_TAGS.search(row["note"]), row["id"]


def test_curation_notes_of_classes_cite_no_unregistered_source(built_graph: Graph) -> None:
    for name in ("J Thorac Dis", "PAC6", "Guideline Central", "board-review", "Eur J Echocardiogr"):
        assert not [s for s, note in built_graph.subject_objects(SMR.curationNote)
                    if name in str(note) and (s, RDF.type, SMR.Recommendation) not in built_graph], name


def test_the_57_percent_of_dcm_sentence_is_held_out(store_after_build) -> None:
    from smr_kg.answer import answer

    record = SMR.EpiSMRPrevalenceDCM57
    assert store_after_build.ask(f"ASK {{ <{record}> <{SMR.status}> <{SMR.Unsupported}> }}")
    sections = {s.title: s for s in answer(store_after_build, "prognosis").sections}
    often = [c for g in sections["How often"].groups for c in g.claims]
    held = [c for g in sections["Held out: claims that are contested, hypothetical or unsupported"].groups for c in g.claims]
    assert str(record) not in {str(c.record) for c in often}
    assert [str(c.status) for c in held if str(c.record) == str(record)] == [str(SMR.Unsupported)]


@pytest.fixture(scope="module")
def store_after_build(dist_env):
    return open_store("oxigraph", dist_env)
