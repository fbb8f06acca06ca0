"""The Store contract: every engine behaves the same behind the one Store interface.

The small fixture graph checks the contract (SELECT, ASK, bindings, errors, literal forms) on
each engine of ``store.ENGINES`` and on a SPARQL endpoint through :mod:`smr_kg.store.remote` (here
``smr-kg serve`` over the same fixture graph). tests/test_compliance.py runs every named query
on every engine over the built graph.
"""

from __future__ import annotations

import re
import time

import pytest
from rdflib import Graph

from smr_kg.rdf.terms import IRI, Literal

from smr_kg.store import (
    ENGINES,
    BindingError,
    QueryTimeout,
    SelectResult,
    SparqlSyntaxError,
    UnsupportedQuery,
    open_store,
    run_with_timeout,
    store_for_graph,
)

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
FIXTURE = f"""
@prefix ex: <{EX}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p ex:b ; ex:label "plain" , "typed"^^xsd:string , "tagged"@EN .
ex:b ex:p ex:c ; ex:value 50.0 , "0.40"^^xsd:decimal , "070"^^xsd:integer , true .
ex:c ex:note "x\\" }} ; DROP ALL ; #" .
"""


@pytest.fixture(scope="module")
def fixture_graph() -> Graph:
    return Graph().parse(data=FIXTURE, format="turtle")


@pytest.fixture(scope="module")
def fixture_endpoint(fixture_graph: Graph, tmp_path_factory: pytest.TempPathFactory):
    """``smr-kg serve`` over the fixture graph, asked through the remote store."""
    from engines import served

    from smr_kg.store.dist import publish
    from smr_kg.store import OxigraphStore

    dist = tmp_path_factory.mktemp("fixture-dist")
    publish(dist, fixture_graph.serialize(format="turtle", encoding="utf-8"),
            lambda directory: OxigraphStore.write_triples(fixture_graph, directory), {})
    yield from served(dist, workers=1)


@pytest.fixture(scope="module", params=ENGINES + ("endpoint",))
def store(request: pytest.FixtureRequest, fixture_graph: Graph):
    if request.param == "endpoint":
        return request.getfixturevalue("fixture_endpoint").store(timeout=30)
    return store_for_graph(fixture_graph, request.param)


def test_select_returns_variables_and_rows_with_none_for_unbound(store) -> None:
    result = store.select(
        f"SELECT ?s ?o ?missing WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}nothing> ?missing }} }} ORDER BY ?s"
    )
    assert result.variables == ["s", "o", "missing"]
    assert result.rows == [
        (IRI(EX + "a"), IRI(EX + "b"), None),
        (IRI(EX + "b"), IRI(EX + "c"), None),
    ]
    assert result.dicts()[0] == {"s": IRI(EX + "a"), "o": IRI(EX + "b")}


def test_ask_answers_true_and_false(store) -> None:
    assert store.ask(f"ASK {{ <{EX}a> <{EX}p> <{EX}b> }}") is True
    assert store.ask(f"ASK {{ <{EX}a> <{EX}p> <{EX}c> }}") is False


def test_query_returns_rows_or_boolean_by_form(store) -> None:
    assert isinstance(store.query(f"SELECT * WHERE {{ ?s <{EX}p> ?o }}"), SelectResult)
    assert store.query(f"ASK {{ ?s <{EX}p> ?o }}") is True


def test_select_on_an_ask_query_and_construct_are_refused(store) -> None:
    with pytest.raises(UnsupportedQuery):
        store.select(f"ASK {{ ?s <{EX}p> ?o }}")
    with pytest.raises(UnsupportedQuery) as error:
        store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert error.value.exit_code == 2


def test_bindings_restrict_the_solutions(store) -> None:
    result = store.select(f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}", {"s": IRI(EX + "b")})
    assert result.rows == [(IRI(EX + "b"), IRI(EX + "c"))]
    assert store.ask(f"ASK {{ ?s <{EX}p> ?o }}", {"o": IRI(EX + "a")}) is False


def test_a_bound_value_is_a_term_not_query_text(store) -> None:
    """A literal that looks like SPARQL is matched as a string and changes nothing."""
    injection = Literal('x" } ; DROP ALL ; #')
    result = store.select(f"SELECT ?s ?note WHERE {{ ?s <{EX}note> ?note }}", {"note": injection})
    assert result.rows == [(IRI(EX + "c"), injection)]
    assert store.ask(f"ASK {{ <{EX}a> <{EX}p> <{EX}b> }}")  # the data is still there


def test_binding_an_unselected_variable_is_refused_the_same_way(store) -> None:
    with pytest.raises(BindingError) as error:
        store.select(f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}", {"s": IRI(EX + "a")})
    assert "?s" in error.value.message and error.value.exit_code == 1


@pytest.mark.parametrize(
    "text, position",
    [
        ("SELEC ?x WHERE { ?x ?p ?o }", None),
        ("PREFIX ex: <http://example.org/>\nSELECT ?x WHERE {\n  ?x ex:p\n}", None),
        ("SELECT ?x WHERE { ?x ?p ?o . FILTER(?x = ) }", (1, None)),
    ],
)
def test_syntax_errors_name_line_and_column(store, text: str, position: tuple[int, int | None] | None) -> None:
    """Both engines say where; they may point at different tokens of the same mistake."""
    with pytest.raises(SparqlSyntaxError) as error:
        store.select(text)
    message = error.value.message
    found = re.search(r"line (\d+), column (\d+)", message)
    assert found, message
    line, column = int(found.group(1)), int(found.group(2))
    assert 1 <= line <= text.count("\n") + 1 and column >= 1
    if position is not None:
        assert line == position[0]
    assert error.value.exit_code == 2 and "\n" not in message


def test_an_undeclared_prefix_is_a_syntax_error_with_its_position(store) -> None:
    with pytest.raises(SparqlSyntaxError) as error:
        store.select("SELECT ?x WHERE {\n  ?x foo:bar ?y\n}")
    assert "line 2, column" in error.value.message
    assert "prefix" in error.value.message


def test_literals_come_back_in_one_canonical_form(store) -> None:
    """Plain and xsd:string are one literal; numbers and language tags have one spelling."""
    labels = {row[0] for row in store.select(f"SELECT ?l WHERE {{ <{EX}a> <{EX}label> ?l }}").rows}
    assert labels == {Literal("plain"), Literal("typed"), Literal("tagged", language="en")}
    values = {row[0] for row in store.select(f"SELECT ?v WHERE {{ <{EX}b> <{EX}value> ?v }}").rows}
    assert values == {
        Literal("50", datatype=IRI(XSD + "decimal")),
        Literal("0.4", datatype=IRI(XSD + "decimal")),
        Literal("70", datatype=IRI(XSD + "integer")),
        Literal("true", datatype=IRI(XSD + "boolean")),
    }


def test_aggregates_agree_in_form(store) -> None:
    result = store.select(
        f"SELECT (COUNT(?o) AS ?n) (SUM(?v) AS ?sum) WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ VALUES ?v {{ 1.50 2.50 }} }} }}"
    )
    assert result.rows == [(Literal("4", datatype=IRI(XSD + "integer")), Literal("8", datatype=IRI(XSD + "decimal")))]


def test_errors_inside_the_worker_reach_the_caller(store) -> None:
    with pytest.raises(SparqlSyntaxError):
        store.query("SELECT * WHERE {", timeout=30)


def test_run_with_timeout_stops_waiting() -> None:
    """The caller gets QueryTimeout; the abandoned worker (here a sleep) ends on its own."""
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as error:
        run_with_timeout(lambda: time.sleep(3), 0.05)
    assert time.monotonic() - started < 3
    assert "0.05 s" in error.value.message and error.value.exit_code == 2


def test_ctrl_c_interrupts_the_wait_for_a_query_without_a_timeout() -> None:
    """The caller's wait for the worker thread is interruptible: SIGINT ends it with
    KeyboardInterrupt while the work (a GIL-releasing sleep, as pyoxigraph's native query) goes on."""
    import signal
    import subprocess
    import sys

    probe = (
        "import time\n"
        "from smr_kg.store import run_with_timeout\n"
        "print('waiting', flush=True)\n"
        "try:\n"
        "    run_with_timeout(lambda: time.sleep(30), None)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
    )
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-c", probe], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "waiting"
    time.sleep(0.3)
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=20)
    assert out.strip() == "interrupted"
    assert time.monotonic() - started < 20


def test_run_with_timeout_returns_the_value_and_zero_means_no_limit() -> None:
    assert run_with_timeout(lambda: 42, 5) == 42
    assert run_with_timeout(lambda: "done", 0) == "done"
    assert run_with_timeout(lambda: "done", None) == "done"


def test_unknown_engine_is_bad_input(fixture_graph: Graph) -> None:
    from smr_kg.errors import InputError

    with pytest.raises(InputError):
        store_for_graph(fixture_graph, "virtuoso")
    with pytest.raises(InputError):
        open_store("virtuoso")


def test_open_store_without_a_build_says_to_build(tmp_path) -> None:
    from smr_kg.errors import SmrKgError

    with pytest.raises(SmrKgError) as error:
        open_store("oxigraph", tmp_path)
    assert "smr-kg build" in error.value.message


def test_pages_concatenate_to_the_ordered_answer_on_every_engine(store) -> None:
    """``page`` cuts rows K.. K+N of the ordered answer; beyond the end and N = 0 give no rows."""
    from smr_kg.store.ordering import Page

    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    whole = store.query(text, timeout=30)
    pages = [store.query(text, timeout=30, page=Page(start, 2)) for start in range(0, len(whole.rows) + 2, 2)]
    assert all(page.variables == whole.variables for page in pages)
    assert [row for page in pages for row in page.rows] == whole.rows
    assert pages[-1].rows == []
    assert store.query(text, timeout=30, page=Page(3)).rows == whole.rows[3:]
    assert store.query(text, timeout=30, page=Page(0, 0)) == SelectResult(whole.variables, [])
    assert store.query("ASK { ?s ?p ?o }", timeout=30, page=Page(5, 0)) is True


def test_stream_gives_the_rows_and_errors_query_gives_on_every_engine(store) -> None:
    from smr_kg.store.ordering import Page

    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    streamed = store.stream(text, timeout=30, page=Page(1, 4))
    assert SelectResult(streamed.variables, list(streamed.rows)) == store.query(text, timeout=30, page=Page(1, 4))
    assert store.stream("ASK { ?s ?p ?o }", timeout=30) is True
    with pytest.raises(SparqlSyntaxError):
        store.stream("SELECT ?s WHERE { ?s ", timeout=30)


def test_streamed_rows_reach_the_caller_while_the_worker_still_works() -> None:
    """The first batch is read before the worker emits the second: a worker that waits for the
    reader would otherwise hang until the time limit."""
    import threading

    from smr_kg.store.base import stream_with_timeout

    first_read = threading.Event()

    def work(emit) -> None:
        emit(["x"])
        emit([(1,), (2,)])
        assert first_read.wait(10), "the caller never got the first batch"
        emit([(3,)])

    result = stream_with_timeout(work, 20)
    rows = iter(result.rows)
    assert result.variables == ["x"] and [next(rows), next(rows)] == [(1,), (2,)]
    first_read.set()
    assert list(rows) == [(3,)]


def test_the_time_limit_covers_the_whole_streamed_answer() -> None:
    from smr_kg.store.base import stream_with_timeout

    def work(emit) -> None:
        emit(["x"])
        emit([(1,)])
        time.sleep(5)

    result = stream_with_timeout(work, 0.3)
    rows = iter(result.rows)
    assert next(rows) == (1,)
    with pytest.raises(QueryTimeout):
        next(rows)
