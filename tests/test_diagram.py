"""The pathway diagram: nodes and edges come from the graph, evidence shows in the line style."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from smr_kg.exports import diagram as diagram_module
from smr_kg.commands.diagram import FORMAT_NAMES
from smr_kg.exports.diagram import FORMATS, build_diagram, diagram_bytes, to_dot, to_mermaid
from smr_kg.errors import InputError, SmrKgError
from smr_kg.rdf import namespaces as ns
from smr_kg.knowledge.evidence import Assertion
from smr_kg.knowledge.facts import GraphFacts, curie
from smr_kg.rdf.prefixes import converter
from smr_kg.rdf.terms import IRI
from smr_kg.rdf.vocab import ECO_NO_TRACEABLE_SUPPORT, SMR
from smr_kg.store import open_store

SVG = "{http://www.w3.org/2000/svg}"
DRAWN = (ns.SMR.actsThrough, ns.SMR.leadsTo, ns.SMR.causesOrContributesTo, ns.SMR.treats)
needs_dot = pytest.mark.skipif(diagram_module.shutil.which("dot") is None, reason="Graphviz `dot` not installed")


@pytest.fixture(scope="module")
def facts(dist_env) -> GraphFacts:
    return GraphFacts.read(open_store(dist=dist_env))


@pytest.fixture(scope="module")
def overview_svg(facts: GraphFacts) -> ET.Element:
    if diagram_module.shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` not installed")
    return ET.fromstring(diagram_bytes(facts, "svg"))  # raises if the SVG is not well-formed XML


def _titles(svg: ET.Element, kind: str) -> list[str]:
    return [g.find(f"{SVG}title").text for g in svg.iter(f"{SVG}g") if g.get("class") == kind]


def _iri(text: str) -> URIRef:
    return URIRef(converter().expand(text))


def _asserted(graph: Graph) -> set[tuple[URIRef, URIRef, URIRef]]:
    """Direct edges with an accepted, asserted claim record (read with rdflib, not smr_kg)."""
    found = set()
    for claim in graph.subjects(RDF.type, ns.SMR.Claim):
        p = graph.value(claim, ns.SMR.predicate)
        accepted = graph.value(claim, ns.SMR.status) in (ns.SMR.Established, ns.SMR.Tentative)
        if p in DRAWN and accepted and graph.value(claim, ns.SMR.inferred) is None:
            found.add((graph.value(claim, ns.SMR.subject), p, graph.value(claim, ns.SMR.object)))
    return found


@needs_dot
def test_svg_nodes_are_the_graph_nodes_upstream_of_smr_and_its_therapies(overview_svg: ET.Element, built_graph: Graph) -> None:
    nodes = {_iri(t) for t in _titles(overview_svg, "node")}
    for node in nodes:
        assert (node, RDFS.label, None) in built_graph, node
    upstream = set(built_graph.subjects(ns.SMR.causallyUpstreamOf, ns.SMR.SecondaryMitralRegurgitation))
    asserted = _asserted(built_graph)
    causes = {s for s, p, o in asserted if p == ns.SMR.actsThrough and s in upstream}
    therapies = {s for s, p, o in asserted if p == ns.SMR.treats and o == ns.SMR.SecondaryMitralRegurgitation}
    assert causes and therapies
    assert causes | therapies | {ns.SMR.SecondaryMitralRegurgitation, ns.SMR.FailureOfLeafletCoaptation} <= nodes
    assert ns.SMR.AllCauseMortality not in nodes and ns.SMR.LeftVentricularEjectionFraction not in nodes


@needs_dot
def test_svg_edges_are_asserted_edges_or_subclass_links(overview_svg: ET.Element, built_graph: Graph) -> None:
    asserted = {(s, o) for s, _, o in _asserted(built_graph)}
    edges = [t.split("->") for t in _titles(overview_svg, "edge")]
    assert len(edges) > 20
    for a, b in edges:
        a, b = _iri(a), _iri(b)
        linked = (a, b) in asserted or (b, a) in asserted  # treats edges are laid out reversed
        subclass = (a, RDFS.subClassOf, b) in built_graph or bool(built_graph.query(
            "ASK { ?a rdfs:subClassOf+ ?b }", initBindings={"a": a, "b": b}))
        assert linked or subclass, (a, b)


def test_edges_are_styled_by_evidence_and_tentative_ones_say_may(facts: GraphFacts) -> None:
    dot = to_dot(build_diagram(facts))
    af = next(line for line in dot.splitlines() if line.strip().startswith('"smr:AtrialFibrillation" ->'))
    assert "style=solid" in af
    icm = next(line for line in dot.splitlines() if line.strip().startswith('"smr:IschemicCardiomyopathy" -> "smr:LeftVentricularDilation"'))
    assert "style=dotted" in icm  # curator inference
    hhd = next(line for line in dot.splitlines() if line.strip().startswith('"smr:HypertensiveHeartDisease" -> "smr:AtrialFibrillation"'))
    assert 'label="causes or contributes to condition (may)"' in hhd or '(may)"' in hhd
    untraceable = Assertion(SMR.X, SMR.actsThrough, SMR.Y, (SMR.SeedPage,), (ECO_NO_TRACEABLE_SUPPORT,))
    assert diagram_module._evidence_style(untraceable).line == "dashed"
    assert diagram_module._evidence_style(Assertion(SMR.X, SMR.actsThrough, SMR.Y)).line == "dashed"


def test_held_out_claims_are_never_drawn(facts: GraphFacts) -> None:
    """Regression (issue 9, items 1-2): HCM -> SAM -> SMR and RV dysfunction -> septal displacement."""
    nodes = set(build_diagram(facts).nodes)
    assert not {SMR.HypertrophicCardiomyopathy, SMR.SystolicAnteriorMotion, SMR.SeptalDisplacement,
                SMR.RightVentricularDysfunctionWithTricuspidRegurgitation} & nodes


def test_nodes_are_coloured_by_kind(facts: GraphFacts) -> None:
    diagram = build_diagram(facts)
    assert diagram.kind(SMR.AtrialFibrillation) is diagram_module.CAUSE_KIND
    assert diagram.kind(SMR.LeftAtrialDilation) is diagram_module.MECHANISM_KIND
    assert diagram.kind(SMR.TranscatheterEdgeToEdgeRepair) is diagram_module.THERAPY_KIND
    assert diagram.kind(SMR.AtrialSecondaryMitralRegurgitation) is diagram_module.FOCUS_KIND
    dot = to_dot(diagram)
    assert f'"smr:AtrialFibrillation" [label="atrial fibrillation", fillcolor="{diagram_module.CAUSE_KIND.fill}"' in dot


def test_kinds_of_drawn_causes_are_linked_to_them_by_is_a(facts: GraphFacts) -> None:
    diagram = build_diagram(facts)
    assert (SMR.InferiorOrPosteriorMyocardialInfarction, SMR.MyocardialInfarction) in diagram.is_a
    assert (SMR.AtrialSecondaryMitralRegurgitation, SMR.SecondaryMitralRegurgitation) in diagram.is_a
    assert (SMR.IschemicCardiomyopathy, SMR.LeftVentricularDilation) in {(a.subject, a.object) for a in diagram.edges}


def test_focus_keeps_only_the_causal_neighbourhood(facts: GraphFacts) -> None:
    nodes = set(build_diagram(facts, SMR.AtrialFibrillation).nodes)
    assert {SMR.AtrialFibrillation, SMR.LeftAtrialDilation, SMR.MitralAnnularDilation,
            SMR.FailureOfLeafletCoaptation, SMR.SecondaryMitralRegurgitation} <= nodes
    assert SMR.IschemicHeartDisease not in nodes
    therapy = set(build_diagram(facts, SMR.TranscatheterEdgeToEdgeRepair).nodes)
    assert {SMR.TranscatheterEdgeToEdgeRepair, SMR.SecondaryMitralRegurgitation, SMR.AtrialFibrillation} <= therapy
    with pytest.raises(InputError):
        build_diagram(facts, SMR.LeftVentricularEjectionFraction)  # an observable: nothing to draw


def test_mermaid_has_one_line_per_edge_and_dashes_untraceable_claims(facts: GraphFacts) -> None:
    diagram = build_diagram(facts)
    text = to_mermaid(diagram)
    assert text.startswith("flowchart LR\n")
    arrows = [line for line in text.splitlines() if re.fullmatch(r'  n\d+ [-.]+ "[^"]+" [-.>]+ n\d+', line)]
    assert len(arrows) == len(diagram.edges) + len(diagram.is_a)
    assert any('-. "acts through" .->' in line for line in arrows)


@needs_dot
def test_png_is_rendered(facts: GraphFacts) -> None:
    png = diagram_bytes(facts, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def test_missing_graphviz_is_a_clear_error(facts: GraphFacts, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagram_module.shutil, "which", lambda name: None)
    with pytest.raises(SmrKgError, match="Graphviz `dot` program is not installed"):
        diagram_bytes(facts, "svg")
    assert diagram_bytes(facts, "dot").startswith(b"digraph smr {")  # text formats need nothing


@needs_dot
def test_a_graphviz_failure_is_reported_in_one_line() -> None:
    with pytest.raises(SmrKgError, match=r"^Graphviz `dot` failed: .*syntax error"):
        diagram_module.render("digraph { a -> }", "svg")


def test_format_names_of_the_cli_match_the_library(facts: GraphFacts) -> None:
    assert FORMAT_NAMES == FORMATS
    with pytest.raises(InputError):
        diagram_bytes(facts, "pdf")


@needs_dot
def test_cli_writes_the_format_named_by_the_file_suffix(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "af.svg"
    code, stdout, err = run_cli("diagram", "--focus", "atrial fibrillation", "-o", str(out))
    assert code == 0 and stdout == "" and err == ""
    root = ET.parse(out).getroot()
    assert "smr:AtrialFibrillation" in _titles(root, "node")
    assert [p.name for p in tmp_path.iterdir()] == ["af.svg"]
    code, stdout, _ = run_cli("diagram", "--format", "mermaid")
    assert code == 0 and stdout.startswith("flowchart LR")


def test_cli_bad_focus_is_a_one_line_error(run_cli) -> None:
    code, out, err = run_cli("diagram", "--focus", "no such thing", "--format", "dot")
    assert code == 1 and out == "" and "no term is named" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli("diagram", "--focus", "left ventricular ejection fraction", "--format", "dot")
    assert code == 2 and "no causal or treatment edge" in err


def test_every_node_name_is_the_curie_of_a_graph_iri(facts: GraphFacts) -> None:
    dot = to_dot(build_diagram(facts))
    names = set(re.findall(r'^  "([^"]+)" \[label=', dot, flags=re.M))
    assert names and all(curie(IRI(_iri(n))) == n and facts.all_labels().get(IRI(_iri(n))) for n in names)
