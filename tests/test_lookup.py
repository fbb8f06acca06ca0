"""Concept cards: found by a code of each linked vocabulary, an IRI or a label; unknown codes refused."""

from __future__ import annotations

import json

import pytest

from smr_kg.knowledge.lookup import NotLinked, find
from smr_kg.rdf.vocab import SMR
from smr_kg.store import open_store


@pytest.fixture(scope="module")
def store(dist_env):
    return open_store(dist=dist_env)


@pytest.mark.parametrize("term,concept", [
    ("SNOMEDCT:49436004", SMR.AtrialFibrillation),
    ("SCTID:49436004", SMR.AtrialFibrillation),                      # MONDO's spelling of the prefix
    ("http://snomed.info/id/49436004", SMR.AtrialFibrillation),
    ("<http://snomed.info/id/49436004>", SMR.AtrialFibrillation),
    ("ICD10CM:I42.0", SMR.DilatedCardiomyopathy),
    ("MESH:D008944", SMR.MitralRegurgitation),
    ("mesh:D008944", SMR.MitralRegurgitation),
    ("UMLS:C0004238", SMR.AtrialFibrillation),
    ("https://uts.nlm.nih.gov/uts/umls/concept/C0004238", SMR.AtrialFibrillation),  # bioregistry's UMLS IRI
    ("MONDO:0004981", SMR.AtrialFibrillation),
    ("DOID:0060224", SMR.AtrialFibrillation),
    ("LOINC:10230-1", SMR.LeftVentricularEjectionFraction),
    ("SNOMEDCT:250908004", SMR.LeftVentricularEjectionFraction),
    ("atrial fibrillation", SMR.AtrialFibrillation),
    ("smr:AtrialFibrillation", SMR.AtrialFibrillation),
])
def test_each_vocabulary_finds_its_concept(store, term, concept):
    assert find(store, term) == [(concept, None)]


def test_a_code_that_is_only_broader_or_narrower_says_so(store):
    found = dict(find(store, "ICD10CM:I34.0"))
    assert found == {
        SMR.SecondaryMitralRegurgitation: ("skos:broadMatch", "ICD10CM:I34.0"),
        SMR.MitralRegurgitation: ("skos:narrowMatch", "ICD10CM:I34.0"),
    }


def test_a_code_with_an_exact_match_wins_over_its_broader_links(store):
    assert find(store, "SNOMEDCT:48724000") == [(SMR.MitralRegurgitation, None)]


def test_an_unlinked_code_is_not_linked(store):
    with pytest.raises(NotLinked, match="not linked to any concept") as exc:
        find(store, "SNOMEDCT:195021004")  # a real SCTID, deliberately not mapped (facts.md §1d.2)
    assert exc.value.exit_code == 1
    with pytest.raises(NotLinked, match="check digit"):
        find(store, "SNOMEDCT:49436005")


def test_lookup_snomed_af_shows_how_it_leads_to_smr(run_cli):
    code, out, err = run_cli("lookup", "SNOMEDCT:49436004")
    assert code == 0, err
    assert out.startswith("atrial fibrillation  [smr:AtrialFibrillation]")
    assert "SNOMEDCT:49436004" in out and "ICD10CM:I48" in out
    assert "Acts through:" in out and "left atrial dilation" in out
    chains = out.split("How it leads to secondary mitral regurgitation:")[1]
    assert "left atrial dilation" in chains and "mitral annular dilation" in chains
    assert "48724000 |Mitral valve regurgitation| : 42752001 |Due to| = 49436004 |Atrial fibrillation|" in out
    assert "Sources:" in out and "[1] " in out


def test_lookup_of_a_therapy_shows_what_it_treats(run_cli):
    code, out, _ = run_cli("lookup", "transcatheter edge-to-edge repair")
    assert code == 0
    assert "Treats:" in out and "secondary mitral regurgitation" in out


def test_lookup_of_smr_lists_its_causes_and_therapies(run_cli):
    code, out, _ = run_cli("lookup", "SMR")
    assert code == 0 and out.startswith("secondary mitral regurgitation")
    assert "Is treated by:" in out and "transcatheter edge-to-edge repair" in out
    caused_by = out.split("Caused by (directly or through mechanisms):")[1].splitlines()[0]
    assert "atrial fibrillation" in caused_by and "ischemic heart disease" in caused_by


def test_lookup_json_is_a_list_of_cards(run_cli):
    code, out, _ = run_cli("lookup", "ICD10CM:I34.0", "--format", "json")
    assert code == 0
    cards = json.loads(out)
    # Regression (issue 9, item 12): I34.0 is all non-rheumatic MR (mostly primary); the concept it
    # certainly falls under comes first, SMR (narrower than the code) after it
    assert [c["id"] for c in cards] == ["smr:MitralRegurgitation", "smr:SecondaryMitralRegurgitation"]
    mr = cards[0]
    assert mr["matched_by"] == {"relation": "skos:narrowMatch", "code": "ICD10CM:I34.0"}
    exact = [m for m in mr["mappings"] if m["relation"] == "skos:exactMatch"]
    assert {"SNOMEDCT:48724000", "MESH:D008944"} <= {m["code"] for m in exact}
    assert all(m["comment"] and "facts.md" not in m["comment"] for m in mr["mappings"])


def test_lookup_json_of_a_cause_has_chains_with_sources(run_cli):
    code, out, _ = run_cli("lookup", "dilated cardiomyopathy", "-f", "json")
    card = json.loads(out)[0]
    assert card["chains_to_smr"]["paths"]
    assert all(step["sources"] for path in card["chains_to_smr"]["paths"] for step in path)
    assert card["snomed_expressions"][0]["value"]["code"] == "SNOMEDCT:399020009"


@pytest.mark.parametrize("term,message", [
    ("SNOMEDCT:12345678", "not linked"),
    ("ICD10CM:Z99.99", "not linked"),
    ("no such disease", "no term is named"),
])
def test_lookup_refuses_unknown_terms_with_exit_1(run_cli, term, message):
    code, out, err = run_cli("lookup", term)
    assert code == 1 and out == ""
    assert message in err and "Traceback" not in err


def test_held_out_causes_are_not_caused_by_unless_asked(run_cli):
    """Regression (issue 9, item 1): HCM was listed under SMR's "Caused by"."""
    code, out, _ = run_cli("lookup", "secondary mitral regurgitation")
    assert code == 0
    caused_by = next(line for line in out.splitlines() if line.strip().startswith("Caused by"))
    assert "hypertrophic cardiomyopathy" not in caused_by and "atrial fibrillation" in caused_by
    assert "systolic anterior motion" not in out
    code, out, _ = run_cli("lookup", "hypertrophic cardiomyopathy", "--include-contested")
    assert code == 0
    line = next(line for line in out.splitlines() if line.strip().startswith("- systolic anterior motion"))
    assert "held out: contested" in line
    code, out, _ = run_cli("lookup", "hypertrophic cardiomyopathy")
    assert "- systolic anterior motion" not in out and "How it leads to" not in out


def test_causes_and_caused_by_of_every_card_are_the_conditions_a_whole_graph_query_finds(store) -> None:
    """A card tells conditions apart from mechanisms by the hierarchy of its own neighbours only;
    for every node of the causal closure that must be the set of conditions that a query over
    every condition of the graph (the earlier form, still the portable one) finds."""
    from smr_kg.knowledge.facts import GraphFacts
    from smr_kg.knowledge.lookup import build_card

    every_condition = """
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX smr: <https://w3id.org/smr-kg/>
    SELECT DISTINCT ?c ?dir ?x WHERE {
      { ?c smr:causallyUpstreamOf ?x . BIND("up" AS ?dir) } UNION { ?x smr:causallyUpstreamOf ?c . BIND("down" AS ?dir) }
      { SELECT DISTINCT ?c WHERE { ?c rdfs:subClassOf+ smr:Condition } LIMIT 1000000 }
      FILTER(isIRI(?c) && ?c != ?x)
    }"""
    nodes = {n for row in store.select(
        "SELECT ?s ?o WHERE { ?s <https://w3id.org/smr-kg/causallyUpstreamOf> ?o }").rows for n in row}
    assert len(nodes) > 20
    facts, cards_with_both = GraphFacts.read(store), 0
    for node in sorted(nodes):
        card = build_card(store, node, facts=facts, mappings=[])
        expected = {"up": set(), "down": set()}
        for c, direction, _ in store.select(every_condition, {"x": node}).rows:
            expected[str(direction)].add(c)
        assert (set(card.upstream), set(card.downstream)) == (expected["up"], expected["down"]), node
        cards_with_both += bool(card.upstream and card.downstream)
    assert cards_with_both
