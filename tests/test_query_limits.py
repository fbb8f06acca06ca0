"""Query size limits (smr_kg.rdf.sparql_limits): a query that would crash an engine is refused
before any engine sees it (issue 21: pyoxigraph segfaulted on a 10,000-branch UNION and on
{ } nested 5,000 deep), on the command line (exit 2) and on serve (400)."""

from __future__ import annotations

import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smr_kg.rdf.sparql_limits import CEILINGS, DEFAULT_LIMITS, Limits, QueryTooLarge, check_size
from smr_kg.store import open_store
from test_serve import call


def nested(depth: int) -> str:
    return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth + " LIMIT 1"


def union(branches: int) -> str:
    return "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * branches) + " } LIMIT 1"


def test_just_under_each_limit_passes_and_just_over_is_refused_naming_the_option():
    check_size(nested(DEFAULT_LIMITS.depth))
    check_size(union(DEFAULT_LIMITS.branches))
    with pytest.raises(QueryTooLarge, match=r"nesting depth .* 129 exceeds the limit of 128 .*--max-query-depth"):
        check_size(nested(DEFAULT_LIMITS.depth + 1))
    with pytest.raises(QueryTooLarge, match=r"UNION branches 1001 .*--max-query-branches"):
        check_size(union(DEFAULT_LIMITS.branches + 1))
    with pytest.raises(QueryTooLarge, match="--max-query-length"):
        check_size("ASK {}" + " " * 20, Limits(length=10))


def test_brackets_and_union_inside_strings_iris_and_comments_do_not_count():
    text = 'SELECT * WHERE { ?s ?p "{{{{{ UNION UNION" } # ((((( UNION\n'
    check_size(text, Limits(depth=2, branches=1))


@settings(max_examples=30, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(depth=st.integers(1, 6000), branches=st.integers(1, 12000), shape=st.sampled_from(["nested", "union"]))
def test_no_query_shape_up_to_the_input_limit_crashes_the_embedded_engine(dist_env, depth, branches, shape):
    """Every generated query is either answered or refused with a reason: never a crash (a crash
    here would kill the test process itself)."""
    store = open_store()
    text = nested(depth) if shape == "nested" else union(branches)
    try:
        store.query(text)
    except QueryTooLarge as refused:
        assert refused.exit_code == 2
        over = depth > DEFAULT_LIMITS.depth if shape == "nested" else branches > DEFAULT_LIMITS.branches
        assert over


def test_the_ceilings_are_below_the_measured_crash():
    assert CEILINGS.depth < 5000 and CEILINGS.branches < 10000


def test_the_command_refuses_with_exit_2_and_bounds_the_option(run_cli, tmp_path):
    deep = tmp_path / "deep.rq"
    deep.write_text(nested(5000))
    code, _, err = run_cli("query", str(deep))
    assert code == 2 and "--max-query-depth" in err and err.count("\n") == 1
    with pytest.raises(SystemExit):
        run_cli("query", str(deep), "--max-query-depth", "6000")  # past the ceiling: argparse refuses
    code, out, _ = run_cli("query", str(tmp_path / "deep.rq"), "--max-query-depth", "1000", "--format", "json")
    assert code == 2  # 5000 still exceeds the raised limit
    ok = tmp_path / "ok.rq"
    ok.write_text(nested(300))
    assert run_cli("query", str(ok), "--max-query-depth", "300", "--format", "json")[0] == 0


def test_serve_answers_400_with_the_same_reason(served):
    for text in (nested(5000), union(10000)):
        body = urllib.parse.urlencode({"query": text}).encode()
        status, _, reply = call(served.query_url, "POST", body, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 400 and b"too large to run safely" in reply


def test_a_worker_that_crashes_is_reported_as_a_crash_and_replaced(dist_env):
    """Past the guard (here: straight to the pool), a query that kills the engine is a 500 "the
    query engine stopped", not a timeout, and the next request is answered by a new worker."""
    from smr_kg.store.dist import current
    from smr_kg.serve.protocol import ProtocolError, QueryRequest
    from smr_kg.serve.workers import WorkerPool

    pool = WorkerPool(current(dist_env).store, 1, 30, 1 << 20)
    try:
        with pytest.raises(ProtocolError) as stopped:
            pool.run(QueryRequest(union(20000)), None)  # pyoxigraph's parser overflows its stack
        assert stopped.value.status == 500 and "stopped" in stopped.value.message
        assert "did not finish within" not in stopped.value.message
        answered = pool.run(QueryRequest("ASK { ?s ?p ?o }"), "application/sparql-results+json")
        assert b"true" in answered.body
    finally:
        pool.close()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org"])
def test_serving_beyond_loopback_needs_expose(run_cli, host):
    code, _, err = run_cli("serve", "--host", host, "--port", "0")
    assert code == 2 and "--expose" in err and err.count("\n") == 1


def test_loopback_spellings_need_no_flag():
    from smr_kg.commands.serve import _loopback

    assert all(_loopback(h) for h in ("127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.2"))
    assert not any(_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "my-host"))


def test_an_update_is_refused_as_an_update_and_from_named_is_named(run_cli, tmp_path):
    update = tmp_path / "u.rq"
    update.write_text("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    code, _, err = run_cli("query", str(update))
    assert code == 2 and "SPARQL update" in err and "CONSTRUCT" not in err
    named = tmp_path / "n.rq"
    named.write_text("SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o } LIMIT 1")
    code, _, err = run_cli("query", str(named))
    assert code == 2 and "FROM NAMED <http://example.org/g>" in err and "<default>" not in err


def test_a_value_that_is_not_utf8_is_refused_as_such(run_cli):
    bad = b"SNOMEDCT:\xff\xfe".decode("utf-8", "surrogateescape")  # what Python makes of such argv bytes
    code, _, err = run_cli("query", "by-code", "--param", f"code={bad}")
    assert code != 0 and "not valid UTF-8" in err and "syntax error" not in err
    code, _, err = run_cli("lookup", bad)
    assert code == 2 and "not valid UTF-8" in err


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 6,000 triples cubed: stopped at the time limit


@pytest.fixture()
def busy_server(dist_env):
    """``smr-kg serve`` with one general worker (plus the cheap lane) and room for two waiting."""
    import threading

    from smr_kg.serve import ServeOptions, start, stop

    server = start(ServeOptions(port=0, workers=1, quiet=True, timeout=60, max_waiting=2), dist_env)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.url + "/sparql"
    server.shutdown()
    stop(server)  # kills the workers still busy with the slow queries


def _send(url: str, query: str, replies: list, index: int) -> None:
    body = urllib.parse.urlencode({"query": query}).encode()
    replies[index] = call(url, "POST", body, {"Content-Type": "application/x-www-form-urlencoded"})


def test_a_cheap_query_is_answered_while_slow_ones_hold_every_general_worker(busy_server):
    """Functional, not timed: the ASK's answer arrives while the slow queries are all unanswered."""
    import threading
    import time

    replies: list = [None] * 3
    slow = [threading.Thread(target=_send, args=(busy_server, SLOW, replies, i), daemon=True) for i in range(2)]
    for t in slow:
        t.start()
    time.sleep(1)  # let them reach the worker and the wait (ordering only; no assertion on time)
    _send(busy_server, "ASK { ?s ?p ?o }", replies, 2)
    assert replies[2][0] == 200 and b"true" in replies[2][2]
    assert replies[0] is None and replies[1] is None  # the slow ones are still running or waiting


def test_a_full_queue_is_refused_at_once_with_retry_after(busy_server):
    import threading
    import time

    replies: list = [None] * 4
    slow = [threading.Thread(target=_send, args=(busy_server, SLOW, replies, i), daemon=True) for i in range(3)]
    for t in slow:
        t.start()
        time.sleep(0.3)
    _send(busy_server, SLOW, replies, 3)  # a fourth: one runs, two wait, no room
    status, headers, body = replies[3]
    assert status == 503 and headers.get("Retry-After") == "1" and b"too many queries are waiting" in body
    assert replies[:3] == [None, None, None]  # refused before any slow one was answered


@pytest.mark.parametrize("query, cheap", [
    ("ASK { ?s ?p ?o }", True), ("SELECT * WHERE { ?s ?p ?o } LIMIT 10", True),
    ("SELECT ?s WHERE { ?s <http://x/p>* ?o } LIMIT 10", False), ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 5", False),
    (SLOW, False), ('SELECT ?s WHERE { ?s ?p "a*b" } LIMIT 3', True), ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1000", False),
])
def test_what_the_cheap_lane_takes(query, cheap):
    from smr_kg.serve.workers import is_cheap

    assert is_cheap(query) is cheap
