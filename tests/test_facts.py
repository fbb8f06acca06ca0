"""GraphFacts reads labels, ancestors and sources lazily, per IRI; they must be exactly what the
bulk read (prefetch, for answer/diagram/patients) gives, on every IRI of the built graph."""

from __future__ import annotations

import pytest

from smr_kg.knowledge.facts import GraphFacts
from smr_kg.store import open_store
from smr_kg.rdf.vocab import SMR


@pytest.fixture(scope="module")
def store(dist_env):
    return open_store("oxigraph", dist_env)


@pytest.fixture(scope="module")
def everything(store) -> GraphFacts:
    return GraphFacts.read(store).prefetch()


@pytest.fixture(scope="module")
def iris(store) -> list:
    rows = store.select("SELECT DISTINCT ?x WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } FILTER(isIRI(?x)) }").rows
    return sorted(row[0] for row in rows)


def test_lazy_labels_are_the_bulk_labels_of_every_iri(store, everything: GraphFacts, iris: list) -> None:
    lazy = GraphFacts.read(store)
    assert len(iris) > 500
    assert [lazy.label(i) for i in iris] == [everything.label(i) for i in iris]
    claim = next(i for i in iris if str(i).startswith(str(SMR) + "claim-"))
    assert lazy.label(claim) == "smr:" + claim.removeprefix(str(SMR))  # a claim's sentence is not its name


def test_lazy_ancestors_and_subclasses_are_the_bulk_ones(store, everything: GraphFacts, iris: list) -> None:
    lazy = GraphFacts.read(store)
    assert [lazy.ancestors(i) for i in iris] == [everything.ancestors(i) for i in iris]
    assert [lazy.subclasses(i) for i in iris] == [everything.subclasses(i) for i in iris]
    assert lazy.is_a(SMR.AtrialSecondaryMitralRegurgitation, SMR.Condition)
    assert SMR.AtrialSecondaryMitralRegurgitation in lazy.subclasses(SMR.SecondaryMitralRegurgitation)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_ancestors_read_two_levels_a_query_for_many_classes_are_the_bulk_ones(
        dist_env, everything: GraphFacts, iris: list, engine: str) -> None:
    """need_ancestors walks up two levels per query for a whole batch of classes (a parent's own
    parents come with it, none when it has none); on both engines the ancestors must be those
    of the whole hierarchy read at once."""
    lazy = GraphFacts.read(open_store(engine, dist_env))
    lazy.need_ancestors(iris)
    assert [lazy.ancestors(i) for i in iris] == [everything.ancestors(i) for i in iris]
    assert sum(len(everything.ancestors(i)) > 3 for i in iris) > 5  # deep enough to need several levels


def test_lazy_sources_are_the_bulk_sources(store, everything: GraphFacts, iris: list) -> None:
    lazy = GraphFacts.read(store)
    lazy.need_sources(iris[: len(iris) // 2])  # in batches, and one by one below
    assert [lazy.source(i) for i in iris] == [everything.source(i) for i in iris]
    assert sum(everything.source(i).citation != everything.label(i) for i in iris) > 20


def test_all_labels_and_ancestors_cover_the_graph(everything: GraphFacts) -> None:
    labels, ancestors = everything.all_labels(), everything.all_ancestors()
    assert labels[SMR.AtrialFibrillation] == "atrial fibrillation"
    assert {SMR.AtrialFibrillation, SMR.Condition} <= ancestors[SMR.AtrialFibrillation]
