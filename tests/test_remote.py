"""The remote store: the SPARQL 1.1 Protocol client behind ``--endpoint``, and its errors.

Correct answers over real servers are in test_compliance.py; here a small local HTTP server
plays the endpoints that go wrong (down, not SPARQL, refusing, failing, slow), and every one
must end in one clear line and the documented exit code.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from smr_kg.rdf.terms import IRI, Literal

from smr_kg.store.remote import EndpointError, RemoteStore
from smr_kg.store import QueryTimeout, SparqlSyntaxError, UnsupportedQuery

SEEN: list[dict] = []
RESULTS = {"head": {"vars": ["x", "n"]}, "results": {"bindings": [
    {"x": {"type": "uri", "value": "http://example.org/a"},
     "n": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#decimal", "value": "50.0"}},
    {"x": {"type": "literal", "value": "t", "xml:lang": "EN"}},
]}}
ANSWERS = {  # path -> (status, content type, body)
    "/sparql": (200, "application/sparql-results+json", json.dumps(RESULTS)),
    "/ask": (200, "application/sparql-results+json; charset=utf-8", '{"head": {}, "boolean": true}'),
    "/html": (200, "text/html", "<html><body>Welcome</body></html>"),
    "/garbled": (200, "application/sparql-results+json", '{"head": '),
    "/missing": (404, "text/html", "<html><body>Not Found</body></html>"),
    "/locked": (401, "text/plain", "Unauthorized"),
    "/broken": (500, "text/plain", "Virtuoso 37000 Error SQ156: Internal Optimized compiler error\nSPARQL query: SELECT ..."),
    "/rejects": (400, "text/plain", "Parse error somewhere"),
}


class FakeEndpoint(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
        SEEN.append({"path": self.path, "form": urllib.parse.parse_qs(body), "accept": self.headers["Accept"]})
        if self.path == "/slow":
            time.sleep(2)
        status, media, text = ANSWERS.get(self.path, ANSWERS["/sparql"])
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def fake() -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeEndpoint)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_select_posts_the_query_with_values_and_the_graph_and_reads_json(fake: str) -> None:
    store = RemoteStore(fake + "/sparql", graph="https://example.org/g")
    result = store.select("SELECT ?x ?n WHERE { ?x ?p ?n }", {"x": IRI("http://example.org/a")})
    sent = SEEN[-1]
    assert sent["form"]["default-graph-uri"] == ["https://example.org/g"]
    assert "VALUES ?x { <http://example.org/a> }" in sent["form"]["query"][0]
    assert sent["accept"].startswith("application/sparql-results+json")
    decimal = IRI("http://www.w3.org/2001/XMLSchema#decimal")
    assert result.rows == [(IRI("http://example.org/a"), Literal("50", datatype=decimal)),   # canonical form
                           (Literal("t", language="en"), None)]
    assert RemoteStore(fake + "/ask").ask("ASK { ?s ?p ?o }") is True


@pytest.mark.parametrize(
    "path, error, words",
    [
        ("/html", EndpointError, "did not answer as a SPARQL endpoint (it sent text/html"),
        ("/garbled", EndpointError, "not SPARQL JSON"),
        ("/missing", EndpointError, "no SPARQL endpoint at"),
        ("/locked", EndpointError, "refused access (HTTP 401)"),
        ("/broken", EndpointError, "failed (HTTP 500): Virtuoso 37000 Error SQ156: Internal Optimized compiler error"),
        ("/rejects", EndpointError, "rejected the query (HTTP 400): Parse error somewhere"),
    ],
)
def test_an_endpoint_that_goes_wrong_is_one_clear_error(fake: str, path: str, error: type, words: str) -> None:
    with pytest.raises(error) as raised:
        RemoteStore(fake + path).select("SELECT * WHERE { ?s ?p ?o }")
    assert words in raised.value.message and "\n" not in raised.value.message
    assert "SPARQL query:" not in raised.value.message   # Virtuoso's echo of the query is cut
    assert raised.value.exit_code == 2


def test_a_rejected_query_with_a_syntax_error_names_line_and_column_in_the_users_text(fake: str) -> None:
    with pytest.raises(SparqlSyntaxError) as raised:
        RemoteStore(fake + "/rejects").select("SELECT ?x WHERE {\n  ?x ?p\n}", {"x": IRI("http://example.org/a")})
    assert "line 3" in raised.value.message or "line 2" in raised.value.message


def test_a_slow_endpoint_times_out(fake: str) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        RemoteStore(fake + "/slow").select("SELECT * WHERE { ?s ?p ?o }", timeout=0.5)
    assert time.monotonic() - started < 1.9


def test_an_unreachable_endpoint_is_one_clear_error() -> None:
    with socket.socket() as sock:     # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(EndpointError) as raised:
        RemoteStore(f"http://127.0.0.1:{port}/sparql").select("SELECT * WHERE { ?s ?p ?o }")
    assert "cannot reach the SPARQL endpoint" in raised.value.message and "connection refused" in raised.value.message


@pytest.mark.parametrize("url", ["ftp://example.org/sparql", "127.0.0.1:7878/query", "http:///sparql"])
def test_a_url_that_is_not_http_is_refused_before_any_request(url: str) -> None:
    with pytest.raises(EndpointError):
        RemoteStore(url)


def test_construct_and_updates_are_not_sent(fake: str) -> None:
    before = len(SEEN)
    for text in ("CONSTRUCT WHERE { ?s ?p ?o }", "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"):
        with pytest.raises(UnsupportedQuery):
            RemoteStore(fake + "/sparql").query(text)
    assert len(SEEN) == before


@pytest.mark.parametrize("server", ["served", "oxigraph_server", "virtuoso"])
@pytest.mark.parametrize("value", ['x" } ; DROP ALL ; #', "a \\u0022 } #", "tab\tnew\nline 'q' \\ end", "ünï©ødé"])
def test_a_bound_literal_reaches_the_endpoint_as_itself(request, server: str, value: str) -> None:
    """The endpoint echoes a VALUES-bound literal back: every engine must read the very value."""
    store = request.getfixturevalue(server).store()
    result = store.select("SELECT ?v WHERE { }", {"v": Literal(value)})
    assert result.rows == [(Literal(value),)]


@pytest.mark.parametrize(
    "args, words",
    [
        (("query", "causes", "--graph", "https://example.org/g"), "--graph needs --endpoint"),
        (("query", "causes", "--engine", "rdflib", "--endpoint", "http://127.0.0.1:9/q"), "exclude each other"),
        (("lookup", "AF", "--endpoint", "nonsense"), "not an http:// or https:// URL"),
        (("path", "AF", "--endpoint", "http://127.0.0.1:7/x", "--graph", "not an iri"), "not an absolute IRI"),
        (("mappings", "--endpoint", "http://127.0.0.1:7/x"), "applies to --unmapped and --expressions"),
    ],
)
def test_endpoint_options_are_checked(run_cli, args: tuple, words: str) -> None:
    code, out, err = run_cli(*args)
    assert code == 2 and words in err and out == ""
    assert len(err.strip().splitlines()) == 1


def test_every_store_reading_command_takes_an_endpoint() -> None:
    from smr_kg.cli import parser

    for command in ("query", "lookup", "path", "answer", "diagram", "mappings"):
        assert "--endpoint" in parser()._subparsers._group_actions[0].choices[command].format_help()


def test_service_calls_through_an_endpoint_are_refused_unless_allowed(fake: str) -> None:
    """The CLI's network guard holds for endpoints too: the server would fetch for us."""
    from smr_kg.rdf.sparql_guard import NetworkRefused

    text = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    before = len(SEEN)
    with pytest.raises(NetworkRefused):
        RemoteStore(fake + "/sparql").select(text)
    assert len(SEEN) == before
    store = RemoteStore(fake + "/sparql")
    store.allow_network = True
    store.select(text)
    assert "SERVICE" in SEEN[-1]["form"]["query"][0]
