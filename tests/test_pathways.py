"""Causal chains FROM -> TO: every chain is found, each step carries its sources, cycles end."""

from __future__ import annotations

import json

import pytest
from rdflib import BNode, Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS

from smr_kg.rdf import namespaces as ns
from smr_kg.errors import InputError
from smr_kg.knowledge.evidence import Assertion, read_assertions, read_held_out
from smr_kg.knowledge.facts import GraphFacts
from smr_kg.knowledge.pathways import causal_paths, find_paths, paths_json, render_tree
from smr_kg.store import open_store, store_for_graph
from smr_kg.rdf.terms import IRI
from smr_kg.rdf.vocab import ECO_CURATOR_INFERENCE, ECO_NO_TRACEABLE_SUPPORT, ECO_TRACEABLE, SMR

AF_CHAIN = [
    SMR.AtrialFibrillation, SMR.LeftAtrialDilation, SMR.MitralAnnularDilation,
    SMR.FailureOfLeafletCoaptation, SMR.SecondaryMitralRegurgitation,
]
ISCHEMIC_TAIL = [
    SMR.LeftVentricularDilation, SMR.PapillaryMuscleDisplacement, SMR.LeafletTethering,
    SMR.FailureOfLeafletCoaptation, SMR.SecondaryMitralRegurgitation,
]


@pytest.fixture(scope="module")
def facts(dist_env) -> GraphFacts:
    return GraphFacts.read(open_store(dist=dist_env))


def _nodes(path: tuple[Assertion, ...]) -> list[IRI]:
    return [path[0].subject, *(step.object for step in path)]


def _chains(facts: GraphFacts, start: IRI) -> list[list[IRI]]:
    return [_nodes(p) for p in causal_paths(facts, start, SMR.SecondaryMitralRegurgitation).paths]


def test_atrial_fibrillation_chain_is_found_with_a_source_on_every_step(facts: GraphFacts) -> None:
    result = causal_paths(facts, SMR.AtrialFibrillation, SMR.SecondaryMitralRegurgitation)
    chain = next(p for p in result.paths if _nodes(p) == AF_CHAIN)
    assert [s.property for s in chain] == [SMR.actsThrough, SMR.leadsTo, SMR.leadsTo, SMR.causesOrContributesTo]
    for step in chain:
        assert step.sources, step
        assert step.evidence_types, step
        assert not step.inferred  # every step of this chain is asserted


@pytest.mark.parametrize("cause", [SMR.IschemicHeartDisease, SMR.MyocardialInfarction, SMR.IschemicCardiomyopathy])
def test_ischemic_chains_run_through_papillary_muscle_displacement_and_tethering(facts: GraphFacts, cause: IRI) -> None:
    assert [cause, *ISCHEMIC_TAIL] in _chains(facts, cause)


def test_coronary_artery_disease_reaches_smr_through_ischemic_cardiomyopathy(facts: GraphFacts) -> None:
    assert [SMR.CoronaryArteryDisease, SMR.IschemicCardiomyopathy, *ISCHEMIC_TAIL] in _chains(facts, SMR.CoronaryArteryDisease)


def test_a_subclass_acts_through_its_own_claims_not_its_superclass_s(facts: GraphFacts) -> None:
    """Claims are not inherited (docs/adr/0001-claims-not-axioms.md): ischemic cardiomyopathy's
    first step is its own claim, and a subclass without claims has no chain."""
    result = causal_paths(facts, SMR.IschemicCardiomyopathy, SMR.SecondaryMitralRegurgitation)
    first = next(p for p in result.paths if _nodes(p) == [SMR.IschemicCardiomyopathy, *ISCHEMIC_TAIL])[0]
    assert not first.inferred and first.derived_from is None and first.claims
    assert ECO_CURATOR_INFERENCE in first.evidence_types
    assert "curator inference" in render_tree(result, facts)


def test_chains_ending_in_a_subtype_of_the_target_are_chains_to_the_target(facts: GraphFacts) -> None:
    ends = {p[-1].object for p in causal_paths(facts, SMR.AtrialFibrillation, SMR.SecondaryMitralRegurgitation).paths}
    assert SMR.AtrialSecondaryMitralRegurgitation in ends  # left atrial dilation -> atrial SMR, a kind of SMR


def test_held_out_steps_are_walked_only_on_request_and_flagged(facts: GraphFacts) -> None:
    """Regression (issue 9, item 1): hypertrophic cardiomyopathy -> systolic anterior motion ->
    SMR was a live chain; it is contested, so only --include-contested walks it, flagged."""
    assert causal_paths(facts, SMR.HypertrophicCardiomyopathy, SMR.SecondaryMitralRegurgitation).paths == []
    result = causal_paths(facts, SMR.HypertrophicCardiomyopathy, SMR.SecondaryMitralRegurgitation, held_out=True)
    assert result.paths
    step = result.paths[0][0]
    assert step.status == SMR.Contested and ECO_NO_TRACEABLE_SUPPORT in step.evidence_types
    tree = render_tree(result, facts)
    assert "held out: contested" in tree and "no traceable reference" in tree


def test_no_chain_is_an_answer_not_an_error(facts: GraphFacts) -> None:
    result = causal_paths(facts, SMR.SecondaryMitralRegurgitation, SMR.AtrialFibrillation)
    assert result.paths == []
    assert render_tree(result, facts).startswith("no causal chain from secondary mitral regurgitation")
    assert paths_json(result, facts)["paths"] == []


def test_same_or_narrower_start_is_rejected(facts: GraphFacts) -> None:
    with pytest.raises(InputError):
        causal_paths(facts, SMR.SecondaryMitralRegurgitation, SMR.SecondaryMitralRegurgitation)
    with pytest.raises(InputError):
        causal_paths(facts, SMR.AtrialSecondaryMitralRegurgitation, SMR.SecondaryMitralRegurgitation)


def _edge(s: str, o: str, inferred: bool = False) -> Assertion:
    return Assertion(SMR[s], SMR.leadsTo, SMR[o], (SMR.Src,), (ECO_TRACEABLE,), inferred)


def test_cycles_are_cut_and_every_simple_path_is_kept() -> None:
    edges = [_edge("A", "B"), _edge("B", "A"), _edge("B", "C"), _edge("C", "B"), _edge("A", "C"), _edge("C", "D")]
    result = find_paths(edges, SMR.A, SMR.D)
    assert sorted(_nodes(p) for p in result.paths) == [[SMR.A, SMR.B, SMR.C, SMR.D], [SMR.A, SMR.C, SMR.D]]
    assert [len(p) for p in result.paths] == [2, 3]  # shortest first


def test_path_limit_stops_and_says_so() -> None:
    # a ladder of n rungs has 2**n paths; the limit must end the walk early
    edges = []
    for i in range(12):
        edges += [_edge(f"N{i}", f"U{i}"), _edge(f"N{i}", f"L{i}"), _edge(f"U{i}", f"N{i + 1}"), _edge(f"L{i}", f"N{i + 1}")]
    result = find_paths(edges, SMR.N0, SMR.N12, max_paths=10)
    assert len(result.paths) == 10 and result.truncated
    with pytest.raises(InputError):
        find_paths(edges, SMR.N0, SMR.N12, max_paths=0)


R = ns.SMR
"""rdflib terms, for the graphs these tests build (results come back as light terms)."""


def _claim(graph: Graph, source, status=R.Established, inferred: bool = False) -> None:
    record = BNode()
    graph.add((record, RDF.type, R.Claim))
    graph.add((record, R.subject, R.X))
    graph.add((record, R.predicate, R.leadsTo))
    graph.add((record, R.object, R.Y))
    graph.add((record, R.status, status))
    graph.add((record, DCTERMS.source, source))
    if inferred:
        graph.add((record, R.inferred, Literal(True)))
        graph.add((record, R.derivedFrom, R.Parent))


def test_asserted_evidence_wins_over_inherited_evidence_on_the_same_edge() -> None:
    graph = Graph()
    graph.add((R.X, R.leadsTo, R.Y))
    _claim(graph, R.AssertedSource)
    _claim(graph, R.InheritedSource, inferred=True)
    [edge] = read_assertions(store_for_graph(graph), [R.leadsTo])
    assert edge.sources == (SMR.AssertedSource,)
    assert not edge.inferred and edge.derived_from is None


def test_two_claims_of_one_edge_keep_both_sources_and_a_held_out_one_adds_none() -> None:
    graph = Graph()
    graph.add((R.X, R.leadsTo, R.Y))
    _claim(graph, R.FirstSource)
    _claim(graph, R.SecondSource, R.Tentative)
    _claim(graph, R.ContestingSource, R.Contested)
    [edge] = read_assertions(store_for_graph(graph), [R.leadsTo])
    assert edge.sources == (SMR.FirstSource, SMR.SecondSource)
    assert edge.status == SMR.Tentative  # merged claims say "may" if one does
    [held] = read_held_out(store_for_graph(graph), [R.leadsTo])
    assert held.sources == (SMR.ContestingSource,) and held.held_out


def test_an_edge_without_any_axiom_is_marked_unsourced() -> None:
    graph = Graph()
    graph.add((R.X, R.leadsTo, R.Y))
    [edge] = read_assertions(store_for_graph(graph), [R.leadsTo])
    assert edge.sources == () and edge.marks == ("no source recorded",)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_edges_about_a_node_keep_edges_without_records_and_drop_records_without_edges(engine: str) -> None:
    """The read about one node joins edges and claim records outside SPARQL: an edge without a
    record still comes (unsourced), an accepted record without its edge does not, as in the
    whole-graph read."""
    graph = Graph()
    graph.add((R.X, R.leadsTo, R.Y))
    _claim(graph, R.Source)
    graph.add((R.Y, R.leadsTo, R.Z))  # no record
    graph.add((R.W, R.leadsTo, R.X))  # no record, into X
    record = BNode()  # an accepted record of X leadsTo Z, whose edge is missing
    for p, o in ((RDF.type, R.Claim), (R.subject, R.X), (R.predicate, R.leadsTo), (R.object, R.Z),
                 (R.status, R.Established), (DCTERMS.source, R.Orphan)):
        graph.add((record, p, o))
    store = store_for_graph(graph, engine)
    for node in (SMR.X, SMR.Y, SMR.Z):
        whole = [a for a in read_assertions(store, [R.leadsTo]) if node in (a.subject, a.object)]
        assert read_assertions(store, [R.leadsTo], node) == whole
    about_x = read_assertions(store, [R.leadsTo], SMR.X)
    assert [(a.subject, a.object, a.sources) for a in about_x] == [
        (SMR.W, SMR.X, ()), (SMR.X, SMR.Y, (SMR.Source,))]


def test_cli_tree_shows_the_chain_and_numbered_sources(run_cli) -> None:
    code, out, err = run_cli("path", "atrial fibrillation", "secondary mitral regurgitation")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("atrial fibrillation [smr:AtrialFibrillation]")
    labels = ["left atrial dilation", "mitral annular dilation", "failure of leaflet coaptation", "secondary mitral regurgitation"]
    at = 0
    for depth, label in enumerate(labels):  # each step one level deeper, below the one before
        at = next(i for i in range(at + 1, len(lines)) if f"→ {label}  [" in lines[i])
        assert lines[at].index("→") > depth * 4
    assert "Sources:" in out and "https://pubmed.ncbi.nlm.nih.gov/36480974/" in out


def test_cli_accepts_synonyms_and_curies_and_defaults_to_smr(run_cli) -> None:
    code, by_curie, _ = run_cli("path", "smr:AtrialFibrillation")
    assert code == 0
    code, by_synonym, _ = run_cli("path", "AF", "functional mitral regurgitation")
    assert code == 0 and by_synonym == by_curie


def test_cli_json_lists_steps_with_sources_and_evidence(run_cli) -> None:
    code, out, _ = run_cli("path", "atrial fibrillation", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["from"]["id"] == "smr:AtrialFibrillation"
    chains = [[step["object"]["id"] for step in path] for path in data["paths"]]
    assert ["smr:LeftAtrialDilation", "smr:MitralAnnularDilation", "smr:FailureOfLeafletCoaptation",
            "smr:SecondaryMitralRegurgitation"] in chains
    for path in data["paths"]:
        for step in path:
            assert step["sources"] and all(s["citation"] for s in step["sources"])
            assert step["evidence_type"]


def test_cli_bad_terms_and_limits_are_one_line_errors(run_cli) -> None:
    code, out, err = run_cli("path", "no such condition", "secondary mitral regurgitation")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and "no term is named" in err
    code, _, err = run_cli("path", "atrial fibrillation", "--max-paths", "0")
    assert code == 2 and "at least 1" in err
    code, _, err = run_cli("path", "secondary mitral regurgitation", "secondary mitral regurgitation")
    assert code == 2 and "FROM is TO" in err


def test_seed_references_cite_what_they_resolve_to_or_say_they_are_unidentified() -> None:
    graph = Graph()
    for kind in (R.Guideline, R.ReviewArticle):
        graph.add((kind, RDFS.subClassOf, R.EvidenceSource))
    graph.add((R.Guide, RDF.type, R.Guideline))
    graph.add((R.Guide, DCTERMS.bibliographicCitation, Literal("Author A. A guideline. J. 2020.")))
    graph.add((R.Guide, R.doi, Literal("10.5555/guide")))
    graph.add((R.Cand, RDF.type, R.ReviewArticle))
    graph.add((R.Cand, RDFS.label, Literal("candidate review")))
    for number, extra in (("1", (R.resolvesTo, R.Guide)), ("2", (R.candidateSource, R.Cand))):
        ref = R[f"Ref{number}"]
        graph.add((ref, RDF.type, R.SeedReference))
        graph.add((ref, R.referenceNumber, Literal(number)))
        graph.add((ref, *extra))
    for facts in (GraphFacts.read(store_for_graph(graph)), GraphFacts.read(store_for_graph(graph)).prefetch()):
        ref1, guide, ref2 = facts.source(SMR.Ref1), facts.source(SMR.Guide), facts.source(SMR.Ref2)
        assert ref1 == guide and ref1.links()[0][1] == "https://doi.org/10.5555/guide"
        assert ref2.citation == "Reference 2 of the seed answer page, not identified (candidates: candidate review)"
        assert ref2.links() == []


def test_a_web_page_as_the_only_source_is_flagged(facts: GraphFacts) -> None:
    page = SMR.SeedPage
    assert facts.source(page).web_page
    guideline = SMR.ACCAHA2020VHDGuideline
    assert "web page only" in facts.marks([page], [ECO_TRACEABLE])
    assert facts.marks([page, guideline], [ECO_TRACEABLE]) == ()
    assert facts.marks([page], [ECO_NO_TRACEABLE_SUPPORT]) == ("no traceable reference",)
    assert facts.marks([], []) == ("no source recorded",)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("concept", ["AtrialFibrillation", "LeftAtrialDilation", "SecondaryMitralRegurgitation"])
def test_the_edges_about_a_concept_are_those_of_the_whole_read(dist_env, concept: str, engine: str) -> None:
    """lookup reads only a card's own edges (read_assertions(..., about=): edges and claim records
    read apart and joined in Python); they must be exactly the edges from or to the concept in the
    whole-graph read (one query with an OPTIONAL), evidence included, on both engines."""
    from smr_kg.knowledge.lookup import OUTGOING

    store, iri = open_store(engine, dist_env), SMR[concept]
    for read in (read_assertions, read_held_out):
        whole = [a for a in read(store, OUTGOING) if iri in (a.subject, a.object)]
        assert sorted(read(store, OUTGOING, iri), key=repr) == sorted(whole, key=repr)
        assert whole or read is read_held_out


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_edges_downstream_of_a_node_are_those_of_the_whole_read(dist_env, engine: str) -> None:
    """read_downstream joins the closure in its queries (not one read per node): from every node
    of the graph it must give exactly the edges of the whole-graph read that leave the node or
    anything causally downstream of it, evidence included, on both engines; also when a concept
    card hands it the node's own edges (of more properties) read before."""
    from smr_kg.knowledge.evidence import CAUSAL_PROPERTIES, read_downstream
    from smr_kg.knowledge.lookup import OUTGOING

    store = open_store(engine, dist_env)
    everything = read_assertions(store, CAUSAL_PROPERTIES)
    closure = store.select("SELECT ?a ?b WHERE { ?a <https://w3id.org/smr-kg/causallyUpstreamOf> ?b }").rows
    starts = {a.subject for a in everything}
    assert len(starts) > 20
    for start in sorted(starts):
        reach = {start} | {b for a, b in closure if a == start}
        expected = [a for a in everything if a.subject in reach]
        assert read_downstream(store, CAUSAL_PROPERTIES, start) == expected
        assert read_downstream(store, CAUSAL_PROPERTIES, start, read_assertions(store, OUTGOING, start)) == expected


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_edges_downstream_of_a_node_in_a_cycle_come_once_and_keep_edges_without_records(engine: str) -> None:
    """A closure that leads back to the start (X -> Y -> X) gives the start's edges once, and an
    edge without a claim record still comes (unsourced), as in the whole-graph read."""
    graph = Graph()
    graph.add((R.X, R.leadsTo, R.Y))
    _claim(graph, R.Source)
    graph.add((R.Y, R.leadsTo, R.X))  # no record
    for a, b in ((R.X, R.Y), (R.Y, R.X), (R.X, R.X), (R.Y, R.Y)):
        graph.add((a, R.causallyUpstreamOf, b))
    from smr_kg.knowledge.evidence import read_downstream

    store = store_for_graph(graph, engine)
    downstream = read_downstream(store, [R.leadsTo], SMR.X)
    assert downstream == read_assertions(store, [R.leadsTo])
    assert [(a.subject, a.object, a.sources) for a in downstream] == [
        (SMR.X, SMR.Y, (SMR.Source,)), (SMR.Y, SMR.X, ())]


def test_chains_read_from_the_closure_are_the_chains_of_the_whole_graph(dist_env) -> None:
    """causal_paths walks only what is downstream of its start (read_downstream, through the
    materialized smr:causallyUpstreamOf); from every condition and mechanism it must find exactly
    the chains a walk over all causal edges finds."""
    from smr_kg.knowledge.evidence import CAUSAL_PROPERTIES

    facts = GraphFacts.read(open_store(dist=dist_env))
    everything = facts.assertions(CAUSAL_PROPERTIES)
    end = SMR.SecondaryMitralRegurgitation
    starts = {a.subject for a in everything} - facts.subclasses(end)
    assert len(starts) > 20
    for start in sorted(starts):
        assert causal_paths(facts, start, end) == find_paths(everything, start, end, ends=facts.subclasses(end))
