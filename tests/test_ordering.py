"""ORDER BY in Python for the embedded engine (store.ordering), and the final ORDER BY it reads.

The embedded engine splits a final ``ORDER BY`` of plain variables off the query and sorts the
solutions itself (pyoxigraph's own sort decodes terms for every comparison: 4x the CPU of the
whole unordered query at 1M triples). These tests hold it to the engine's own order: a trailing
``LIMIT`` keeps the ORDER BY in the query, so pyoxigraph sorts, and both must give the same rows
in the same sequence.
"""

from __future__ import annotations

import pytest
from rdflib import Graph

from smr_kg.sparql.queries import find, list_queries
from smr_kg.sparql.query import bind
from smr_kg.sparql.queries import example_params
from smr_kg.rdf.sparqltext import split_order_by
from smr_kg.store import open_store, store_for_graph
from smr_kg.store.ordering import Page

ENGINE_SORTS = "\nLIMIT 100000000\n"
"""Appended to a query, this keeps its ORDER BY with pyoxigraph (nothing is cut)."""


@pytest.fixture(scope="module")
def reference(dist_env):
    return open_store("oxigraph", dist_env)


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_every_named_query_comes_in_the_order_pyoxigraph_sorts_it(reference, name: str) -> None:
    query = find(name)
    bindings = bind(reference, query, example_params(query))
    ours = reference.query(query.text, bindings, timeout=60)
    engines = reference.query(query.text + ENGINE_SORTS, bindings, timeout=60)
    assert ours.rows == engines.rows


FIXTURE = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:n 10 ; ex:s "b" ; ex:t "2020-01-01"^^xsd:date ; ex:l "x"@en .
ex:b ex:n 9 ; ex:s "B" ; ex:t "2019-01-01"^^xsd:date ; ex:l "y"@en .
ex:c ex:n 100 ; ex:s "é" ; ex:m ex:z .
ex:d ex:s "a" ; ex:m "literal" .
"""


@pytest.mark.parametrize("order", [
    "?n", "DESC(?n)", "?s", "DESC(?s) ?x", "?t ?x", "?l", "?m ?x", "ASC(?m) DESC(?x)", "?missing ?x",
])
def test_unbound_iris_strings_integers_and_what_only_the_engine_orders(order: str) -> None:
    """Strings by code point, integers by value, unbound first (last with DESC), IRIs before
    literals; dates, language strings and a column the engine alone orders fall back to it."""
    store = store_for_graph(Graph().parse(data=FIXTURE, format="turtle"), "oxigraph")
    text = ("PREFIX ex: <http://example.org/> SELECT ?x ?n ?s ?t ?l ?m WHERE { ?x ex:s ?s "
            "OPTIONAL { ?x ex:n ?n } OPTIONAL { ?x ex:t ?t } OPTIONAL { ?x ex:l ?l } "
            f"OPTIONAL {{ ?x ex:m ?m }} }} ORDER BY {order}")
    assert store.query(text).rows == store.query(text + ENGINE_SORTS).rows


@pytest.mark.parametrize("text, expected", [
    ("SELECT * { ?s ?p ?o } ORDER BY ?s DESC(?o) ASC($p) # done", [("s", False), ("o", True), ("p", False)]),
    ("SELECT * { { SELECT * { ?s ?p ?o } ORDER BY ?o } } ORDER BY ?s", [("s", False)]),
    ("SELECT * { ?s ?p ?o } ORDER BY ?s LIMIT 3", None),
    ("SELECT * { ?s ?p ?o } ORDER BY LCASE(?s)", None),
    ("SELECT * { { SELECT * { ?s ?p ?o } ORDER BY ?o } }", None),
    ("SELECT * { ?s ?p '} ORDER BY ?s' }", None),
])
def test_only_a_final_order_by_of_plain_variables_is_split_off(text: str, expected) -> None:
    split = split_order_by(text)
    assert (split and split[1]) == expected
    if split:
        assert "ORDER" not in split[0][split[0].rindex("}"):]


def test_a_page_is_a_slice_and_counts_are_not_negative() -> None:
    assert list(Page(2, 3).rows(range(10))) == [2, 3, 4]
    assert list(Page(8).rows(range(10))) == [8, 9]
    assert list(Page(20, 5).rows(range(10))) == []
    assert list(Page(0, 0).rows(range(10))) == []
    with pytest.raises(ValueError):
        Page(-1)
    with pytest.raises(ValueError):
        Page(0, -1)
