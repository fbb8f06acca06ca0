"""The SSSOM mapping set: valid SSSOM, only confirmed codes with valid syntax, merged by the build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib import namespace as ns

from smr_kg.rdf import prefixes
from smr_kg.errors import InputError
from smr_kg.stages.mappings import (
    CODE_PATTERNS, code_problem, curie_map, default_mapping_file, mapping_graph, read_mappings,
)
from smr_kg.knowledge.unmapped import unmapped
from smr_kg.rdf.namespaces import SMR
from smr_kg.rdf.vocab import SMR as LIGHT  # what store queries give back (smr_kg.rdf.terms)
from smr_kg.rdf.sctid import is_valid_sctid
from smr_kg.exports.sssom_io import validate_with_sssom
from smr_kg.store import store_for_graph

# Codes the curators found wrong, disputed or single-sourced for the concept named
# (section in the comment). None may appear as a mapping; the disputed ones must be named in a
# NoTermFound row instead.
NEVER_MAPPED = {
    "SNOMEDCT:195021004": "MONDO's DCM mapping: Primary dilated cardiomyopathy (§1d.2)",
    "SNOMEDCT:426856002": "ischemic cardiomyopathy: sources disagree (§1a, X)",
    "SNOMEDCT:472100003": "ischemic DCM due to CAD: one source only (§1a, C1)",
    "SNOMEDCT:194736003": "DOID's legacy MR xref (§1d.1)",
    "SNOMEDCT:194977007": "DOID's legacy MR xref (§1d.1)",
    "SNOMEDCT:29928006": "DOID's legacy MR xref (§1d.1)",
    "SNOMEDCT:66514008": "DOID's legacy MI xref (§1d.1)",
    "ICD10CM:Q23.3": "DOID's congenital MR code (§1d.1, §7.7)",
    "SNOMEDCT:38341003": "hypertension, not hypertensive heart disease (§1a)",
    "SNOMEDCT:93558006": "HOCM: unverified (§1a, U)",
    "SNOMEDCT:53059001": "mitral valve replacement: one source (§1b, C1)",
    "SNOMEDCT:865051000000105": "TEER UK extension: one source (§1b, C1)",
    "SNOMEDCT:704708004": "CRT pacemaker device, not the therapy (§1b, C1)",
    "UMLS:C0396849": "mitral valve repair: one source (§1b, C1)",
    "ICD10CM:I50.81": "right heart failure: one source (§1a, C1)",
    "SNOMEDCT:194867006": "papillary muscle rupture after acute MI: one source (§1a)",
}


@pytest.fixture(scope="module")
def rows():
    return read_mappings()


def test_the_sssom_package_validates_the_mapping_set():
    assert validate_with_sssom() == []


def test_the_curie_map_is_the_pinned_prefix_map(rows):
    declared = curie_map(default_mapping_file())
    assert all(prefixes.PREFIX_MAP[p] == iri for p, iri in declared.items())
    used = {c.partition(":")[0] for m in rows for c in (m.subject_id, m.predicate_id, m.object_id, m.mapping_justification)}
    assert used <= set(declared), f"undeclared prefixes: {used - set(declared)}"


def test_every_mapped_code_is_syntactically_valid(rows):
    codes = [m.object_id for m in rows if not m.no_term_found]
    assert len(codes) > 80
    for code in codes:
        assert code_problem(code) is None, code
        prefix, _, local = code.partition(":")
        if prefix == "SNOMEDCT":
            assert is_valid_sctid(local), code  # Verhoeff check digit, partition, length
        else:
            assert CODE_PATTERNS[prefix].fullmatch(local), code


def test_every_linked_vocabulary_is_used(rows):
    assert {m.vocabulary for m in rows if not m.no_term_found} == set(prefixes.VOCABULARIES)


@pytest.mark.parametrize("code,reason", sorted(NEVER_MAPPED.items()))
def test_no_mapping_uses_a_code_the_curators_flagged(rows, code, reason):
    assert code not in {m.object_id for m in rows}, reason


def test_disputed_and_partial_codes_get_honest_predicates(rows):
    by_code = {(m.subject_id, m.object_id): m.predicate_id for m in rows}
    # 703326006 is MR due to ACUTE MI (incl. papillary-muscle rupture): never exact/close to ischaemic SMR.
    assert by_code[("smr:IschemicMitralRegurgitation", "SNOMEDCT:703326006")] in {"skos:relatedMatch", "skos:narrowMatch"}
    # SMR has no code of its own: its parent MR code is broader, never exact.
    assert by_code[("smr:SecondaryMitralRegurgitation", "SNOMEDCT:48724000")] == "skos:broadMatch"
    assert not [m for m in rows if m.subject_id == "smr:SecondaryMitralRegurgitation"
                and m.predicate_id in {"skos:exactMatch", "skos:closeMatch"} and not m.no_term_found]
    assert by_code[("smr:MitralRegurgitation", "SNOMEDCT:48724000")] == "skos:exactMatch"
    # I48 is "atrial fibrillation and flutter": broader than AF.
    assert by_code[("smr:AtrialFibrillation", "ICD10CM:I48")] == "skos:broadMatch"


def test_left_out_codes_are_named_with_their_reason(rows):
    notes = " ".join(m.comment for m in rows if m.no_term_found)
    for code in ("426856002", "53059001", "865051000000105", "704708004", "C0396849"):
        assert code in notes, code


def test_every_row_says_how_well_it_was_confirmed_and_has_a_confidence(rows):
    """C2: two or more independent public sources read; C1: one (then narrower claims or left out)."""
    for m in rows:
        assert re.search(r"\b(C1|C2|U|X)\b", m.comment), m.line
        assert "facts.md" not in m.comment, m.line   # the curators' private notes are not a citation
        assert 0 < m.confidence <= 1
        assert m.mapping_justification == "semapv:ManualMappingCuration"


def test_every_subject_is_a_class_of_the_graph_with_that_label(rows, built_graph):
    for m in rows:
        assert (m.subject_iri, ns.RDF.type, ns.OWL.Class) in built_graph, m.subject_id
        labels = {str(label) for label in built_graph.objects(m.subject_iri, ns.RDFS.label)}
        assert m.subject_label in labels, (m.subject_id, m.subject_label, labels)


def test_the_build_merges_every_mapping_as_a_skos_triple(rows, built_graph):
    for m in rows:
        if not m.no_term_found:
            assert (m.subject_iri, m.predicate_iri, m.object_iri) in built_graph, m.line
    assert not list(built_graph.triples((None, None, URIRef("https://w3id.org/sssom/NoTermFound"))))
    assert (SMR.AtrialFibrillation, ns.SKOS.exactMatch, URIRef("http://snomed.info/id/49436004")) in built_graph


def test_exact_and_close_matches_are_also_obo_xrefs_and_every_mapping_carries_its_sssom_metadata(rows, built_graph):
    from smr_kg.rdf.namespaces import OBOINOWL

    sssom = ns.Namespace("https://w3id.org/sssom/")
    for m in rows:
        if m.no_term_found:
            continue
        xref = (m.subject_iri, OBOINOWL.hasDbXref, Literal(m.object_id))
        assert (xref in built_graph) == (m.predicate_id in ("skos:exactMatch", "skos:closeMatch")), m.line
        for triple in [(m.subject_iri, m.predicate_iri, m.object_iri)] + ([xref] if xref in built_graph else []):
            axioms = [
                a for a in built_graph.subjects(ns.OWL.annotatedTarget, triple[2])
                if (a, ns.OWL.annotatedSource, triple[0]) in built_graph
                and (a, ns.OWL.annotatedProperty, triple[1]) in built_graph
            ]
            assert len(axioms) == 1, (m.line, triple)
            (axiom,) = axioms
            assert built_graph.value(axiom, sssom.mapping_justification) == prefixes.expand(m.mapping_justification)
            assert float(built_graph.value(axiom, sssom.confidence)) == m.confidence
            assert str(built_graph.value(axiom, sssom.author_label)) == m.author_label
    assert (SMR.AtrialFibrillation, OBOINOWL.hasDbXref, Literal("SNOMEDCT:49436004")) in built_graph
    assert (SMR.AtrialFibrillation, OBOINOWL.hasDbXref, Literal("ICD10CM:I48")) not in built_graph  # broader


def test_mapping_graph_of_a_directory_without_mappings_is_empty(tmp_path):
    assert not list(mapping_graph(tmp_path).subjects(ns.OWL.annotatedSource, None))


def test_unmapped_lists_concepts_without_a_code_and_not_coded_ones(built_graph, rows):
    store = store_for_graph(built_graph)
    found = {u.iri: u for u in unmapped(store, mappings=rows)}
    assert LIGHT.LeftVentricularDilation in found and found[LIGHT.LeftVentricularDilation].kind == "mechanism"
    assert LIGHT.AtrialFibrillation not in found
    assert LIGHT.LeftVentricularEjectionFraction not in found
    smr = found[LIGHT.SecondaryMitralRegurgitation]
    assert ("skos:broadMatch", "SNOMEDCT:48724000") in smr.partial
    assert smr.notes and "no concept for secondary" in smr.notes[0]
    in_snomed = {u.iri for u in unmapped(store, "SNOMEDCT", rows)}
    assert LIGHT.PrimaryMitralRegurgitation in in_snomed  # only a broader SNOMED CT code
    assert LIGHT.DilatedCardiomyopathy not in in_snomed  # 399020009 is a close match (issue 20)
    assert LIGHT.LeftVentricularEndSystolicDiameter in in_snomed  # has LOINC, not SNOMED CT
    with pytest.raises(InputError):
        unmapped(store, "ICD9", rows)


# -- bad input ---------------------------------------------------------------------------------

GOOD_ROW = "smr:AtrialFibrillation\tatrial fibrillation\tskos:exactMatch\tSNOMEDCT:49436004\tAtrial fibrillation\tsemapv:ManualMappingCuration\t0.95\tC2: MONDO mapping set; OHDSI Phenotype Library."
HEADER = "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\tconfidence\tcomment"
META = "# curie_map:\n#   SNOMEDCT: http://snomed.info/id/\n#   smr: https://w3id.org/smr-kg/\n# mapping_set_id: https://example.org/x\n"


def _write(tmp_path: Path, body: str, meta: str = META) -> Path:
    path = tmp_path / "x.sssom.tsv"
    path.write_text(meta + HEADER + "\n" + body + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("row,message", [
    (GOOD_ROW.replace("skos:exactMatch", "owl:sameAs"), "not a SKOS mapping relation"),
    (GOOD_ROW.replace("SNOMEDCT:49436004", "SNOMEDCT:49436005"), "check digit"),
    (GOOD_ROW.replace("SNOMEDCT:49436004", "XYZ:1"), "not a linked vocabulary"),
    (GOOD_ROW.replace("smr:AtrialFibrillation", "MONDO:0004981"), "not an smr-kg concept"),
    (GOOD_ROW.replace("0.95", "high"), "is not a number"),
    (GOOD_ROW.replace("0.95", "1.5"), "not between 0 and 1"),
    (GOOD_ROW.replace("C2: MONDO mapping set; OHDSI Phenotype Library.", " "), "needs a comment"),
    (GOOD_ROW.rsplit("\t", 1)[0], "wrong number of tab-separated fields"),
    (GOOD_ROW + "\n" + GOOD_ROW, "duplicate of the mapping on line"),
])
def test_bad_rows_are_refused_with_file_and_line(tmp_path, row, message):
    path = _write(tmp_path, row)
    with pytest.raises(InputError, match=message) as exc:
        read_mappings(path)
    assert f"{path}:" in str(exc.value)


def test_a_curie_map_that_disagrees_with_the_pinned_map_is_refused(tmp_path):
    path = _write(tmp_path, GOOD_ROW, META.replace("http://snomed.info/id/", "http://purl.bioontology.org/ontology/SNOMEDCT/"))
    with pytest.raises(InputError, match="pinned IRI is http://snomed.info/id/"):
        read_mappings(path)


def test_missing_columns_and_files_are_refused(tmp_path):
    path = tmp_path / "y.sssom.tsv"
    path.write_text(META + "subject_id\tobject_id\nsmr:A\tSNOMEDCT:49436004\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read_mappings(path)
    with pytest.raises(InputError, match="no such file"):
        read_mappings(tmp_path / "absent.sssom.tsv")


@pytest.mark.parametrize("curie", ["ICD10CM:I34.0", "ICD10CM:I20-I25", "ICD10CM:I50.22", "ICD10CM:U07.1",
                                   "MESH:D008944", "UMLS:C0026266", "MONDO:0004981", "DOID:0060224",
                                   "LOINC:10230-1", "SNOMEDCT:67741000119109"])
def test_valid_codes_pass_the_syntax_check(curie):
    assert code_problem(curie) is None


@pytest.mark.parametrize("curie", ["ICD10CM:I34.", "ICD10CM:34.0", "MESH:D00894", "MESH:C008944", "UMLS:C026266",
                                   "MONDO:4981", "LOINC:10230", "SNOMEDCT:48724001", "SNOMEDCT:100014", "ICD9:410"])
def test_invalid_codes_fail_the_syntax_check(curie):
    assert code_problem(curie) is not None


def test_the_sssom_validator_catches_a_broken_file(tmp_path):
    path = _write(tmp_path, GOOD_ROW.replace("semapv:ManualMappingCuration", "semapv:MadeUp"))
    assert validate_with_sssom(path)


# -- the command -------------------------------------------------------------------------------

def test_mappings_command_prints_sssom_tsv_and_json(run_cli):
    code, out, _ = run_cli("mappings")
    assert code == 0 and out.startswith("# curie_map:") and "\tSNOMEDCT:49436004\t" in out
    code, out, _ = run_cli("mappings", "--format", "tsv")
    assert code == 0 and out.startswith("subject_id\t")
    code, out, _ = run_cli("mappings", "--format", "json")
    data = json.loads(out)
    assert data["metadata"]["mapping_set_id"].startswith("https://w3id.org/smr-kg/")
    assert any(m["object_id"] == "MESH:D008944" for m in data["mappings"])


@pytest.mark.parametrize("fmt, sssom_format", [("sssom-json", "json"), ("sssom-tsv", "tsv")])
def test_the_sssom_package_parses_both_sssom_formats(run_cli, tmp_path, fmt, sssom_format):
    """`sssom parse -I json|tsv` dispatches to these parsers (get_parsing_function); the CLI itself
    then also reconciles prefixes with bioregistry, which takes half a minute and adds no check."""
    from sssom.parsers import get_parsing_function

    code, out, _ = run_cli("mappings", "--format", fmt)
    assert code == 0
    given = tmp_path / f"mappings.{sssom_format}"
    given.write_text(out, encoding="utf-8")
    frame = get_parsing_function(sssom_format, str(given))(str(given)).df
    rows = set(zip(frame.subject_id, frame.predicate_id, frame.object_id))
    assert ("smr:AtrialFibrillation", "skos:exactMatch", "SNOMEDCT:49436004") in rows
    assert rows == {(m.subject_id, m.predicate_id, m.object_id) for m in read_mappings()}


def test_mappings_command_lists_unmapped_concepts(run_cli):
    code, out, _ = run_cli("mappings", "--unmapped")
    assert code == 0 and "left ventricular dilation" in out and "[smr:AtrialFibrillation]" not in out
    code, out, _ = run_cli("mappings", "--unmapped", "--vocabulary", "SNOMEDCT", "--format", "json")
    assert "smr:PrimaryMitralRegurgitation" in {u["curie"] for u in json.loads(out)}


def test_mappings_command_validates_and_refuses_nonsense(run_cli):
    code, out, _ = run_cli("mappings", "--validate")
    assert code == 0 and "valid SSSOM" in out
    code, _, err = run_cli("mappings", "--vocabulary", "SNOMEDCT")
    assert code == 2 and "--unmapped" in err
    code, _, err = run_cli("mappings", "--unmapped", "--vocabulary", "ICD9")
    assert code == 2 and "unknown vocabulary" in err


def test_every_mapped_code_has_its_label(rows):
    """Regression (issue 9, item 11): four rows had an empty object_label."""
    assert not [m.line for m in rows if not m.no_term_found and not m.object_label]


@pytest.mark.parametrize("subject, code, predicate", [
    ("smr:Cardiomyopathy", "ICD10CM:I42", "skos:narrowMatch"),          # I42 excludes ischaemic cardiomyopathy
    ("smr:LeftVentricularSystolicDysfunction", "SNOMEDCT:134401001", "skos:closeMatch"),  # a disorder, not a mechanism
    ("smr:CoronaryArteryDisease", "MONDO:0005010", "skos:closeMatch"),  # MONDO: = DOID:3393 = MESH:D003324
    ("smr:CoronaryArteryDisease", "DOID:3393", "skos:closeMatch"),
    ("smr:CoronaryArteryDisease", "MESH:D003324", "skos:closeMatch"),
])
def test_mapping_predicates_the_clinical_review_corrected(rows, subject, code, predicate):
    """Regression (issue 9, item 11)."""
    [row] = [m for m in rows if m.subject_id == subject and m.object_id == code]
    assert row.predicate_id == predicate


def test_treats_is_not_mapped_to_a_substance_only_relation(built_graph):
    """Regression (issue 9, item 11): RO:0002606 is "is substance that treats"; TEER and surgery
    are not substances, so it is only a narrower match of smr:treats."""
    ro_treats = URIRef("http://purl.obolibrary.org/obo/RO_0002606")
    assert (SMR.treats, ns.SKOS.closeMatch, ro_treats) not in built_graph
    assert (SMR.treats, ns.SKOS.narrowMatch, ro_treats) in built_graph
