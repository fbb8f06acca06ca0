"""`smr-kg validate` and the shapes in shapes/: the shipped ontology conforms, every shape can fail
(one broken fixture each, with the exact shape and focus nodes expected), exit codes, formats,
users' extension files, and the build gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from smr_kg import paths
from smr_kg.build.pipeline import build
from smr_kg.errors import InputError, SmrKgError
from smr_kg.stages.load import load_files, load_ontology, parse_into
from smr_kg.validate.gate import (
    SMRSH, load_shapes, render_human, render_json, validate_built, validate_files, validate_graph,
)

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
ONTOLOGY = Path(__file__).parents[1] / "ontology"
SHAPES = Path(__file__).parents[1] / "shapes"
EX = "https://example.org/smr-test/"
USER = "https://example.org/my-lab/"

# fixture -> every (shape, focus node) it must produce, and nothing else
BROKEN = {
    "MissingLabel.ttl": {("MissingLabel", "Unlabelled"), ("MissingLabel", "UnlabelledIndividual")},
    "OneLabelPerLanguage-tagged.ttl": {("OneLabelPerLanguage-tagged", "TwoLabels")},
    "OneLabelPerLanguage-untagged.ttl": {("OneLabelPerLanguage-untagged", "TwoPlainLabels")},
    "UniqueClassLabel.ttl": {("UniqueClassLabel", "First"), ("UniqueClassLabel", "Second")},
    "LabelWhitespace.ttl": {("LabelWhitespace-label", "Padded"), ("LabelWhitespace-label", "DoubleSpaced")},
    "AnnotationWhitespace.ttl": {("AnnotationWhitespace-text", "TrailingSpace")},
    "MissingDefinition.ttl": {("MissingDefinition", "Undefined")},
    "OntologyHeader.ttl": {
        ("OntologyTitle", "bare-extension"), ("OntologyDescription", "bare-extension"),
        ("OntologyLicense", "bare-extension"), ("OntologyVersionIRI", "bare-extension"),
        ("OntologyVersionIRI", "twice-versioned"),
    },
    "DeprecatedReference.ttl": {
        ("DeprecatedReference", "ClaimThroughObsolete"), ("DeprecatedReference", "MechanismOnObsolete"),
        ("DeprecatedReference", "Statement"),
    },
    "XrefSyntax.ttl": {("XrefSyntax-curie", "BadXref")},
    "AssertionEvidence.ttl": {
        ("AssertionEvidence", "UnsourcedMechanism"), ("AssertionEvidence", "UntypedMechanism"),
        ("AssertionEvidence", "TestStructure"), ("AssertionEvidence", "DirectEdgeCause"),
        ("AssertionEvidence", "ContestedEdgeCause"),
    },
    "Claim.ttl": {
        ("Claim-subject", "BrokenClaim"), ("Claim-object", "BrokenClaim"), ("Claim-status", "BrokenClaim"),
        ("Claim-evidenceType", "BrokenClaim"), ("Claim-source", "BrokenClaim"),
        ("Claim-status", "UnknownStatusClaim"), ("Claim-predicate", "NoPredicateClaim"),
    },
    "ClaimQuote.ttl": {("ClaimQuote", "UnquotedClaim"), ("ClaimQuote", "UnlocatedQuoteClaim"), ("ClaimQuote", "LongQuoteClaim")},
    "EvidenceTypeValue.ttl": {("EvidenceTypeValue-class", "UnknownEvidence"), ("EvidenceTypeValue-class", "StringEvidence")},
    "SourceIsDeclared.ttl": {("SourceIsDeclared-class", "MisspeltSource")},
    "SourceIdentifier.ttl": {("SourceIdentifier", "AnonymousStudy")},
    "WebPageUrl.ttl": {("WebPageUrl-url", "PageWithoutUrl"), ("WebPageUrl-url", "FtpPage")},
    "DoiSyntax.ttl": {("DoiSyntax-doi", "ResolverDoi")},
    "PmidSyntax.ttl": {("PmidSyntax-pmid", "LabelledPmid"), ("PmidSyntax-pmid", "PmcidAsPmid")},
    "RecordEvidence.ttl": {
        ("RecordEvidence-source", "UnsourcedStatement"), ("RecordEvidence-evidenceType", "UnsourcedStatement"),
    },
    "Recommendation.ttl": {
        ("RecommendationCOR", "UngradedRecommendation"), ("RecommendationLOE", "UngradedRecommendation"),
        ("RecommendationIntervention", "UngradedRecommendation"),
        ("RecommendationCOR", "MisgradedRecommendation"), ("RecommendationLOE", "MisgradedRecommendation"),
        ("RecommendationStatement", "UngradedRecommendation"),
    },
    "RecommendationScale.ttl": {
        ("RecommendationScale", "WrongScale"), ("RecommendationScale", "UnexplainedNotVerified"),
        ("RecommendationScale", "NoScheme"),
    },
    "ClaimKinds.ttl": {("ClaimKinds", "CauseThroughTherapy"), ("ClaimKinds", "CauseThroughStructure")},
    "QuantitativeCriterion.ttl": {
        ("CriterionValue", "EmptyCriterion"), ("CriterionUnit", "EmptyCriterion"),
        ("CriterionComparator", "EmptyCriterion"), ("CriterionObservable", "EmptyCriterion"),
        ("CriterionValue", "SloppyCriterion"), ("CriterionUnit", "SloppyCriterion"),
        ("CriterionComparator", "SloppyCriterion"),
    },
    "PercentRange.ttl": {("PercentRange-percent", "OverHundred")},
    "PercentCriterionRange.ttl": {("PercentCriterionRange", "PercentCriterion")},
    "SnomedMapping.ttl": {
        ("SnomedMapping-namespace", "BioportalMapped"), ("SnomedMapping-namespace", "EditionMapped"),
        ("SnomedMapping-namespace", "StringMapped"),
    },
    "SnomedIdentifier.ttl": {
        ("SnomedIdentifier", "Mistyped"), ("SnomedIdentifier", "DescriptionMapped"), ("SnomedIdentifier", "BadXref"),
    },
}
WARNING_ONLY = {"AnnotationWhitespace.ttl"}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def _pairs(document: dict) -> set[tuple[str, str]]:
    return {(r["shape"].removeprefix(str(SMRSH)), r["focus"].removeprefix(EX)) for r in document["results"]}


def test_shipped_ontology_conforms(built) -> None:
    dist, build_report = built
    report = validate_built(dist)
    assert [(str(r.shape), str(r.focus), r.message) for r in report.results] == []
    assert report.triples == build_report.triples
    assert not report.failed(strict=True)


def test_shapes_catch_errors_in_the_real_content(built_graph: Graph) -> None:
    """Break the shipped graph the way a curator might: drop the sources of atrial fibrillation's
    causal claims and mistype its SNOMED CT code (49436004 -> 49436005)."""
    from rdflib.namespace import DCTERMS, SKOS

    smr = "https://w3id.org/smr-kg/"
    af = URIRef(smr + "AtrialFibrillation")
    graph = Graph()
    graph += built_graph
    claims = list(graph.subjects(URIRef(smr + "subject"), af))
    for claim in claims:
        graph.remove((claim, DCTERMS.source, None))
    good, bad = URIRef("http://snomed.info/id/49436004"), URIRef("http://snomed.info/id/49436005")
    assert (af, SKOS.exactMatch, good) in graph
    graph.remove((af, SKOS.exactMatch, good))
    graph.add((af, SKOS.exactMatch, bad))
    results = {(r.shape, r.focus, r.path) for r in validate_graph(graph).results}
    assert (SMRSH.SnomedIdentifier, af, SKOS.exactMatch) in results
    assert (SMRSH.AssertionEvidence, af, URIRef(smr + "actsThrough")) in results
    assert {(SMRSH["Claim-source"], claim, DCTERMS.source) for claim in claims} <= results
    assert {focus for _, focus, _ in results} == {af, *claims}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """The asserted ontology, parsed once (what `smr-kg validate FILE` merges a file into)."""
    return load_ontology()


@pytest.mark.parametrize("fixture", sorted(BROKEN))
def test_validate_names_rule_and_node_of_each_broken_fixture(ontology: Graph, shapes: Graph, fixture: str) -> None:
    data = Graph()
    data += ontology
    parse_into(data, FIXTURES / fixture)
    report = validate_graph(data, shapes)
    document = json.loads(render_json(report))
    assert _pairs(document) == BROKEN[fixture]
    assert report.failed() is (fixture not in WARNING_ONLY)  # the exit code: 1 if failed, else 0
    assert report.failed(strict=True)
    text = render_human(report)
    for shape, focus in BROKEN[fixture]:
        assert f"smrsh:{shape}  (" in text and f"<{EX}{focus}>" in text
    for result in document["results"]:
        assert result["message"] and result["fix"], result


def test_every_shape_has_a_fixture_that_breaks_it(shapes: Graph) -> None:
    rules = {str(s).removeprefix(str(SMRSH)) for s in shapes.subjects(SMRSH.fix, None)}
    broken = {shape for pairs in BROKEN.values() for shape, _ in pairs}
    assert rules == broken


def test_every_shape_states_rule_message_and_fix(shapes: Graph) -> None:
    for shape in set(shapes.subjects(SMRSH.fix, None)):
        holders = [shape, *shapes.subjects(SH.property, shape)]
        assert any(shapes.value(h, RDFS.comment) for h in holders), f"{shape}: no rdfs:comment (rule and why)"
        messages = [shapes.value(shape, SH.message), *(shapes.value(c, SH.message) for c in shapes.objects(shape, SH.sparql))]
        assert any(messages), f"{shape}: no sh:message"
        comment = " ".join(str(shapes.value(h, RDFS.comment) or "") for h in holders)
        assert "Rule:" in comment and "Why:" in comment, shape


def test_human_report_groups_by_severity_and_shape_with_label_iri_path_value_and_fix(run_cli) -> None:
    code, out, _ = run_cli("validate", str(FIXTURES / "ClaimKinds.ttl"), str(FIXTURES / "AnnotationWhitespace.ttl"))
    assert code == 1
    violation, warning = out.index("VIOLATION  smrsh:ClaimKinds  (2)"), out.index("WARNING  smrsh:AnnotationWhitespace-text  (1)")
    assert violation < warning
    assert f"test cause acts through test therapy <{EX}CauseThroughTherapy>: " in out
    assert "to be a pathophysiological mechanism" in out
    assert f"path smr:object, value test therapy <{EX}TestTherapy>" in out
    assert "fix: Point the claim at a class of the right kind" in out
    assert "path IAO:0000115" in out  # the alternative path resolved to the predicate actually used
    assert out.rstrip().splitlines()[-1].startswith("FAILED: 2 violations, 1 warning")


def test_warnings_fail_only_with_strict(run_cli) -> None:
    fixture = str(FIXTURES / "AnnotationWhitespace.ttl")
    assert run_cli("validate", fixture)[0] == 0
    code, out, _ = run_cli("validate", fixture, "--strict")
    assert code == 1 and "FAILED" in out


def test_built_graph_by_default_exits_0(run_cli) -> None:
    code, out, err = run_cli("validate")
    assert code == 0, out + err
    assert out.startswith("passed: 0 violations, 0 warnings")


def test_user_extension_with_evidence_passes_and_without_fails(run_cli) -> None:
    for name in ("user-cause-with-evidence.ttl", "user-cause-with-evidence.jsonld"):
        code, out, err = run_cli("validate", str(FIXTURES / name))
        assert code == 0, out + err
    code, out, _ = run_cli("validate", str(FIXTURES / "user-cause-without-evidence.ttl"), "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert {(r["shape"], r["focus"], r["path"], r["value"]) for r in document["results"]} == {
        (str(SMRSH.AssertionEvidence), f"{USER}ExampleCardiomyopathy", "https://w3id.org/smr-kg/actsThrough",
         "https://w3id.org/smr-kg/LeftVentricularDilation"),
    }
    assert sorted(r["message"] for r in document["results"]) == [
        "edge with no accepted claim record without dcterms:source",
        "edge with no accepted claim record without smr:evidenceType",
    ]


def test_malformed_turtle_exits_2_naming_file_and_line(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix smr: <https://w3id.org/smr-kg/> .\n\nsmr:A a smr:B ;\n    smr:c \"unterminated .\n")
    code, out, err = run_cli("validate", str(bad))
    assert code == 2 and out == ""
    assert f"{bad}:4" in err and "Traceback" not in err


@pytest.mark.parametrize("name,expected", [
    ("missing.ttl", "no such file"),
    ("data.csv", "unknown RDF file type"),
])
def test_unreadable_input_exits_2(run_cli, tmp_path: Path, name: str, expected: str) -> None:
    if name.endswith(".csv"):
        (tmp_path / name).write_text("a,b\n")
    code, _, err = run_cli("validate", str(tmp_path / name))
    assert code == 2 and expected in err


def test_missing_build_exits_2(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMR_KG_DIST", str(tmp_path))
    code, _, err = run_cli("validate")
    assert code == 2 and "smr-kg build" in err


def test_json_and_ttl_reports_carry_the_same_results(run_cli, tmp_path: Path) -> None:
    fixture = str(FIXTURES / "SnomedIdentifier.ttl")
    _, out, _ = run_cli("validate", fixture, "--format", "json")
    document = json.loads(out)
    assert document["passed"] is False and document["conforms"] is False
    assert document["counts"] == {"violation": 3, "warning": 0, "info": 0}
    mistyped = next(r for r in document["results"] if r["focus"] == f"{EX}Mistyped")
    assert mistyped["value"] == "http://snomed.info/id/48724001"
    assert mistyped["path"] == "http://www.w3.org/2004/02/skos/core#exactMatch"
    assert "Verhoeff check digit for 4872400 is 0" in mistyped["message"]

    target = tmp_path / "report.ttl"
    code, out, _ = run_cli("validate", fixture, "--format", "ttl", "--output", str(target))
    assert code == 1 and out == ""
    report = Graph().parse(target, format="turtle")
    root = report.value(predicate=RDF.type, object=SH.ValidationReport)
    assert report.value(root, SH.conforms) == Literal(False)
    results = list(report.objects(root, SH.result))
    assert len(results) == len(document["results"])
    assert {(report.value(r, SH.sourceShape), report.value(r, SH.focusNode)) for r in results} == {
        (SMRSH.SnomedIdentifier, URIRef(EX + name)) for name in ("Mistyped", "DescriptionMapped", "BadXref")
    }


def test_sparql_shapes_run_whole_graph_with_the_results_of_per_node_shacl(shapes: Graph) -> None:
    """The fast path (each SHACL-SPARQL query once over the graph, in pyoxigraph) must give what a
    standard SHACL-SPARQL engine gives running the same shapes file per focus node (pyshacl)."""
    from pyshacl import validate

    fixtures = ["UniqueClassLabel.ttl", "DeprecatedReference.ttl", "AssertionEvidence.ttl", "ClaimKinds.ttl"]
    data = load_files([ONTOLOGY / "smr-core.ttl", *(FIXTURES / f for f in fixtures)])
    ours = {
        (r.shape, r.focus, r.path, r.value)
        for r in validate_graph(data, shapes).results
        if r.component == SH.SPARQLConstraintComponent
    }
    focus = sorted({s for s in data.subjects() if str(s).startswith(EX)})  # pyshacl's ~3 ms per node and query
    _, graph, _ = validate(data, shacl_graph=shapes, inference="none", advanced=False, focus_nodes=focus)
    root = graph.value(predicate=RDF.type, object=SH.ValidationReport)
    reference = {
        (graph.value(r, SH.sourceShape), graph.value(r, SH.focusNode), graph.value(r, SH.resultPath), graph.value(r, SH.value))
        for r in graph.objects(root, SH.result)
        if graph.value(r, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent
    }
    assert len(ours) >= 9
    assert ours == reference


def test_build_refuses_to_write_dist_when_the_ontology_violates_a_shape(tmp_path: Path) -> None:
    onto = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, onto)
    shutil.copy(FIXTURES / "user-cause-without-evidence.ttl", onto / "zz-unsourced.ttl")
    dist = tmp_path / "dist"
    with pytest.raises(SmrKgError) as failure:
        build(onto, dist, reasoner=False)
    message = failure.value.message
    assert failure.value.exit_code == 1
    assert "smrsh:AssertionEvidence" in message and f"{USER}ExampleCardiomyopathy" in message
    assert "\n" not in message
    assert not dist.exists()
    report = build(onto, dist, reasoner=False, validate=False)
    assert (dist / paths.BUILT_TTL).is_file() and "SHACL: skipped" in report.summary()


def test_cli_build_no_validate_flag(run_cli, tmp_path: Path) -> None:
    code, out, err = run_cli("build", "--no-reasoner", "--no-validate", "--dist", str(tmp_path))
    assert code == 0, err
    assert "SHACL: skipped (--no-validate)" in out


def test_broken_shapes_are_bad_input(tmp_path: Path) -> None:
    (tmp_path / "bad.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nsh:x sh:y .\nsh:z\n")
    with pytest.raises(InputError, match=r"bad\.ttl:\d+"):
        load_shapes(tmp_path)
    active = tmp_path / "active"
    active.mkdir()
    text = (SHAPES / "domain.ttl").read_text().replace("sh:deactivated true ;", "")
    (active / "domain.ttl").write_text(text)
    with pytest.raises(InputError, match="SnomedIdentifier must be declared with sh:deactivated true"):
        load_shapes(active)


def test_typed_and_plain_strings_are_the_same_literal() -> None:
    """RDF 1.1: ">="^^xsd:string is ">=": accepted as a comparator, and "%"^^xsd:string is percent."""
    data = load_files([ONTOLOGY / "smr-core.ttl", FIXTURES / "PercentCriterionRange.ttl"])
    data.parse(data="""
        @prefix ex: <https://example.org/smr-test/> . @prefix smr: <https://w3id.org/smr-kg/> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:TypedCriterion a owl:NamedIndividual , smr:QuantitativeCriterion ; rdfs:label "typed criterion"@en ;
            smr:criterionObservable ex:TestObservable ; smr:value 150.0 ;
            smr:ucumUnit "%"^^xsd:string ; smr:comparator ">="^^xsd:string .
    """, format="turtle")
    results = {(r.shape, r.focus) for r in validate_graph(data).results}
    assert results == {
        (SMRSH.PercentCriterionRange, URIRef(EX + "PercentCriterion")),
        (SMRSH.PercentCriterionRange, URIRef(EX + "TypedCriterion")),
    }


def test_every_cli_format_renders() -> None:
    from smr_kg.commands.validate import FORMATS
    from smr_kg.validate.gate import render

    report = validate_graph(load_files([ONTOLOGY / "smr-core.ttl", FIXTURES / "PmidSyntax.ttl"]))
    for fmt in FORMATS:
        assert "PmidSyntax-pmid" in render(report, fmt)
    with pytest.raises(InputError):
        render(report, "csv")


def test_an_ontology_file_given_again_is_not_merged_twice() -> None:
    assert not validate_files([ONTOLOGY / "smr-evidence.ttl"]).results


def test_blank_focus_nodes_are_described() -> None:
    data = load_files([ONTOLOGY / "smr-core.ttl"])
    data.parse(data="""
        @prefix smr: <https://w3id.org/smr-kg/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        [] a owl:Axiom ; owl:annotatedSource smr:Condition ; owl:annotatedProperty rdfs:subClassOf ;
           owl:annotatedTarget smr:Therapy ; smr:evidenceType smr:NotEvidence .
    """, format="turtle")
    text = render_human(validate_graph(data))
    assert "[axiom on condition rdfs:subClassOf therapy]" in text
