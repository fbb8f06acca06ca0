"""Binding parameters as a VALUES block: placed in the right group, and never a way to inject text."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib import Literal as RdflibLiteral

from smr_kg.errors import InputError
from smr_kg.sparql.queries import example_params, list_queries
from smr_kg.sparql.query import bind
from smr_kg.rdf.sparqltext import inject_values, is_iri, query_form, sparql_term
from smr_kg.store import open_store, store_for_graph
from smr_kg.rdf.terms import IRI, BNode, Literal

EX = "http://example.org/"
AF = IRI("https://w3id.org/smr-kg/AtrialFibrillation")


@pytest.fixture(scope="module")
def store(dist_env):
    return open_store("oxigraph", dist_env)


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_a_values_block_gives_the_same_solutions_as_bound_terms(store, query) -> None:
    """The equivalence the remote store relies on, for every named query and its example."""
    bindings = bind(store, query, example_params(query))
    bound = store.query(query.text, bindings)
    injected = store.query(inject_values(query.text, bindings))
    assert sorted(map(tuple, injected.rows), key=str) == sorted(map(tuple, bound.rows), key=str)


def test_the_block_goes_into_the_where_group_past_braces_in_comments_strings_and_expressions() -> None:
    text = """PREFIX select: <http://example.org/select#>
# a comment with { braces }
SELECT ?x (EXISTS { ?x ?p "{" } AS ?e) (CONCAT('}', '''{''', \"\"\"}\"\"\") AS ?s)
WHERE { ?x ?p "a \\" { b" }"""
    out = inject_values(text, {"x": IRI(EX + "a")})
    head, _, rest = out.partition("WHERE {")
    assert head == text.partition("WHERE {")[0]
    assert rest.startswith("\nVALUES ?x { <http://example.org/a> }\n")
    Graph().query(out)  # still SPARQL


def test_a_where_group_that_is_a_sub_select_is_wrapped() -> None:
    text = "SELECT * WHERE { SELECT ?x WHERE { ?x ?p ?o } LIMIT 1 }"
    out = inject_values(text, {"x": IRI(EX + "a")})
    assert out == "SELECT * WHERE {\nVALUES ?x { <http://example.org/a> }\n{ SELECT ?x WHERE { ?x ?p ?o } LIMIT 1 }}"
    Graph().query(out)


def test_ask_is_bound_and_other_forms_are_refused() -> None:
    assert "VALUES ?x" in inject_values("ASK { ?x ?p ?o }", {"x": IRI(EX + "a")})
    with pytest.raises(InputError):
        inject_values("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", {"x": IRI(EX + "a")})
    with pytest.raises(InputError):
        inject_values("SELECT ?x WHERE { ?x ?p ?o", {"x": IRI(EX + "a")})
    assert inject_values("SELECT * {}", {}) == "SELECT * {}"


@pytest.mark.parametrize(
    "text, form",
    [
        ("PREFIX ask: <http://x/>\nSELECT * { ?s ask:p ?o }", "SELECT"),
        ("# SELECT in a comment\nASK { ?s ?p ?o }", "ASK"),
        ("BASE <http://x/> CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("describe <http://x/a>", "DESCRIBE"),
        ("PREFIX : <http://x/> INSERT DATA { :a :b :c }", "UPDATE"),
    ],
)
def test_query_form_skips_the_prologue(text: str, form: str) -> None:
    assert query_form(text) == form


@pytest.mark.parametrize(
    "value",
    [
        'x" } ; DROP ALL ; #',
        "a \\u0022 } INSERT DATA { <http://evil/> <http://evil/> 1 } #",
        "back\\slash and 'single' \"double\" quotes",
        "line\nbreak\r\ttab",
        "{ ? } $ # < > ^^ @en",
    ],
)
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_literal_value_matches_itself_and_nothing_else(value: str, engine: str) -> None:
    graph = Graph()
    graph.add((URIRef(EX + "s"), URIRef(EX + "note"), RdflibLiteral(value)))
    graph.add((URIRef(EX + "t"), URIRef(EX + "note"), RdflibLiteral("other")))
    store = store_for_graph(graph, engine)
    text = inject_values(f"SELECT ?s ?note WHERE {{ ?s <{EX}note> ?note }}", {"note": Literal(value)})
    assert store.select(text).rows == [(IRI(EX + "s"), Literal(value))]
    assert len(store.select(f"SELECT * WHERE {{ ?s ?p ?o }}").rows) == 2   # nothing was changed


def test_terms_are_written_in_sparql_syntax() -> None:
    assert sparql_term(AF) == f"<{AF}>"
    assert sparql_term(Literal("x", language="en-GB")) == '"x"@en-GB'
    assert sparql_term(Literal("5", datatype=IRI("http://www.w3.org/2001/XMLSchema#integer"))) == \
        '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'


@pytest.mark.parametrize(
    "term",
    [
        IRI("http://x/a> } ; DROP ALL ; <http://x/b"),
        IRI("http://x/a b"),
        IRI("http://x/a\\u003E"),
        BNode("b0"),
        Literal("x", datatype=IRI("http://x/t> } #")),
    ],
)
def test_terms_that_cannot_be_written_safely_are_refused(term) -> None:
    with pytest.raises(InputError):
        sparql_term(term)


def test_bad_variable_names_are_refused() -> None:
    with pytest.raises(InputError):
        inject_values("SELECT * { ?s ?p ?o }", {"s } DROP ALL #": AF})


def test_is_iri() -> None:
    assert is_iri("https://w3id.org/smr-kg/smr.owl") and is_iri("urn:x:y")
    assert not is_iri("smr-kg") and not is_iri("http://x/a b") and not is_iri("http://x/<a>")
