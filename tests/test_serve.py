"""``smr-kg serve``: the SPARQL 1.1 Protocol at /sparql, read-only, with limits and no network."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from smr_kg.serve.protocol import ProtocolError, negotiate, parse_request

SMR = "https://w3id.org/smr-kg/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CAUSES = f"SELECT ?cause WHERE {{ ?cause <{SMR}actsThrough> <{SMR}LeftAtrialDilation> }}"


def call(url: str, method: str = "GET", data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get(endpoint, query: str, accept: str | None = None, **params) -> tuple[int, dict, bytes]:
    url = endpoint.query_url + "?" + urllib.parse.urlencode({"query": query, **params})
    return call(url, headers={"Accept": accept} if accept else {})


def test_get_and_both_posts_answer_with_sparql_json(served) -> None:
    status, headers, body = get(served, CAUSES)
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    causes = {b["cause"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert SMR + "AtrialFibrillation" in causes
    form = urllib.parse.urlencode({"query": CAUSES}).encode()
    for data, media in ((form, "application/x-www-form-urlencoded"), (CAUSES.encode(), "application/sparql-query")):
        status, _, posted = call(served.query_url, "POST", data, {"Content-Type": media})
        assert status == 200 and json.loads(posted) == json.loads(body)


@pytest.mark.parametrize(
    "accept, media",
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/html;q=0.9, text/csv;q=0.5, */*;q=0.1", "text/csv"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_results_follow_the_accept_header(served, accept: str, media: str) -> None:
    status, headers, body = get(served, CAUSES, accept)
    assert status == 200 and headers["Content-Type"].split(";")[0] == media
    assert b"AtrialFibrillation" in body
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert rows[0] == ["cause"] and [SMR + "AtrialFibrillation"] in rows


def test_construct_is_turtle_and_ask_is_boolean(served) -> None:
    status, headers, body = get(served, f"CONSTRUCT WHERE {{ <{SMR}AtrialFibrillation> <{SMR}actsThrough> ?m }}")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert b"LeftAtrialDilation" in body
    status, _, body = get(served, "ASK { ?s ?p ?o }", "application/sparql-results+xml")
    assert status == 200 and b"<boolean>true</boolean>" in body
    status, _, body = get(served, "ASK { ?s ?p ?o }", "text/csv")
    assert status == 406 and b"no result format" in body


def test_updates_are_refused_and_change_nothing(served) -> None:
    _, _, before = get(served, COUNT)
    drop = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    assert call(served.query_url, "POST", drop, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    assert call(served.query_url, "POST", b"DROP ALL", {"Content-Type": "application/sparql-update"})[0] == 403
    status, _, body = get(served, "DELETE WHERE { ?s ?p ?o }")
    assert status == 400 and b"sparql update" in body.lower()  # named as an update (issue 21), not a syntax error
    assert call(served.query_url, "PUT", b"x", {"Content-Type": "text/turtle"})[0] == 405
    assert get(served, COUNT)[2] == before


def test_federated_service_is_refused(served) -> None:
    status, _, body = get(served, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
    assert status == 403 and b"SERVICE" in body


@pytest.mark.parametrize(
    "query, status, words",
    [
        ("SELECT * WHERE {", 400, b"SPARQL syntax error"),
        ("", 400, b"exactly one non-empty query"),
    ],
)
def test_bad_requests_are_400_with_a_reason(served, query: str, status: int, words: bytes) -> None:
    got, headers, body = get(served, query)
    assert got == status and words in body and headers["Content-Type"].startswith("text/plain")


def test_no_cross_origin_headers_unless_asked(served) -> None:
    _, headers, _ = call(served.query_url + "?" + urllib.parse.urlencode({"query": COUNT}), headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers
    assert call(served.query_url, "OPTIONS", headers={"Origin": "http://evil.example"})[0] == 405


def test_the_page_and_its_files_are_served_with_a_same_origin_policy(served) -> None:
    base = served.query_url.rsplit("/sparql", 1)[0]
    status, headers, body = call(base + "/")
    assert status == 200 and b"yasgui.min.js" in body
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    status, headers, body = call(base + "/static/vendor/yasgui/yasgui.min.js")
    assert status == 200 and headers["Content-Type"].startswith(("application/javascript", "text/javascript"))
    assert call(base + "/static/../../../pyproject.toml")[0] == 404
    status, _, body = call(base + "/examples.json")
    examples = {e["name"]: e for e in json.loads(body)}
    assert "VALUES ?mechanism { <https://w3id.org/smr-kg/LeftVentricularDilation> }" in examples["causes-through"]["query"]


def test_a_running_serve_command_answers_sparqlwrapper_and_stops_on_sigterm(dist_env, tmp_path) -> None:
    """The real command in its own process, asked by SPARQLWrapper (RDFLib's protocol client)."""
    SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
    process = subprocess.Popen(
        [sys.executable, "-m", "smr_kg.cli", "serve", "--port", "0", "--quiet", "--workers", "1"],
        stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stderr.readline()
        assert "SPARQL endpoint at http://127.0.0.1:" in line, line
        url = line.split("SPARQL endpoint at ")[1].split()[0].rstrip(",")
        client = SPARQLWrapper.SPARQLWrapper(url)
        client.setQuery(CAUSES)
        client.setReturnFormat(SPARQLWrapper.JSON)
        client.setMethod(SPARQLWrapper.POST)
        bindings = client.queryAndConvert()["results"]["bindings"]
        assert {b["cause"]["value"] for b in bindings} >= {SMR + "AtrialFibrillation"}
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


@pytest.fixture(scope="module")
def strict(dist_env):
    """A server with a one-second time limit, a small result cap and CORS for one origin."""
    from engines import served

    yield from served(dist_env, timeout=1.0, max_bytes=20_000, workers=1, cors=("http://lab.example",))


def test_a_query_past_the_time_limit_is_stopped_and_the_server_keeps_answering(strict) -> None:
    started = time.monotonic()
    status, _, body = get(strict, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    assert status == 503 and b"did not finish within 1 s" in body
    assert time.monotonic() - started < 10
    deadline = time.monotonic() + 60   # the killed worker is replaced in the background
    while (status := get(strict, COUNT)[0]) != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status == 200


def test_a_result_over_the_cap_is_refused(strict) -> None:
    status, _, body = get(strict, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 413 and b"add a LIMIT" in body
    assert get(strict, "SELECT * WHERE { ?s ?p ?o } LIMIT 5")[0] == 200


def test_cors_is_sent_only_to_the_allowed_origin(strict) -> None:
    url = strict.query_url + "?" + urllib.parse.urlencode({"query": COUNT})
    assert call(url, headers={"Origin": "http://lab.example"})[1]["Access-Control-Allow-Origin"] == "http://lab.example"
    assert "Access-Control-Allow-Origin" not in call(url, headers={"Origin": "http://other.example"})[1]
    assert call(strict.query_url, "OPTIONS", headers={"Origin": "http://lab.example"})[0] == 204


def test_serve_binds_loopback_by_default_and_reports_a_taken_port(run_cli, served) -> None:
    from smr_kg.cli import parser

    assert parser().parse_args(["serve"]).host == "127.0.0.1"
    port = urllib.parse.urlsplit(served.query_url).port
    code, _, err = run_cli("serve", "--port", str(port))
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in err


@pytest.mark.parametrize(
    "accept, offered, chosen",
    [
        (None, ["a/b", "c/d"], "a/b"),
        ("c/d", ["a/b", "c/d"], "c/d"),
        ("c/*;q=0.5, a/b;q=0.4", ["a/b", "c/d"], "c/d"),
        ("a/b;q=0, */*;q=0.1", ["a/b", "c/d"], "c/d"),
        ("x/y", ["a/b"], None),
    ],
)
def test_negotiate_honours_quality_values(accept, offered, chosen) -> None:
    assert negotiate(accept, offered) == chosen


def test_parse_request_reads_the_three_protocol_forms() -> None:
    assert parse_request("GET", "query=ASK%7B%7D&default-graph-uri=http%3A%2F%2Fg", None, b"").default_graphs == ["http://g"]
    assert parse_request("POST", "", "application/sparql-query; charset=utf-8", b"ASK {}").query == "ASK {}"
    with pytest.raises(ProtocolError) as error:
        parse_request("POST", "", "text/plain", b"ASK {}")
    assert error.value.status == 415


def test_a_mounted_application_answers_below_its_prefix(dist_env) -> None:
    """Applications (the CDS Hooks service) are mounted by the caller; /sparql stays the endpoint."""
    import threading

    from smr_kg.serve import ServeOptions, start, stop
    from smr_kg.serve.server import AppRequest, AppResponse

    seen: list[AppRequest] = []

    def app(request: AppRequest) -> AppResponse:
        seen.append(request)
        return AppResponse(201, "application/json", b'{"ok": true}', {"X-App": "yes"})

    server = start(ServeOptions(port=0, workers=1, quiet=True), dist_env, {"/cds-services": app})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        status, headers, body = call(f"{server.url}/cds-services/x?y=1", "POST", b"{}",
                                     {"Content-Type": "application/json"})
        assert (status, body, headers.get("X-App")) == (201, b'{"ok": true}', "yes")
        assert (seen[0].method, seen[0].path, seen[0].query, seen[0].body) == ("POST", "/cds-services/x", "y=1", b"{}")
        assert call(f"{server.url}/cds-services")[0] == 201
        assert call(f"{server.url}/cds-servicesx")[0] == 404
        query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        assert call(f"{server.url}/sparql?{query}")[0] == 200
    finally:
        server.shutdown()
        stop(server)


def test_get_without_a_query_is_the_service_description(served) -> None:
    """SPARQL 1.1 Service Description: GET on the endpoint without a query string describes it."""
    from rdflib import Graph, Namespace, URIRef

    SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
    status, headers, body = call(served.query_url)
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body.decode("utf-8"), format="turtle")
    service = URIRef(served.query_url)
    assert (service, SD.endpoint, service) in graph and (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in set(graph.objects(service, SD.resultFormat))
    head = call(served.query_url, "HEAD")
    assert head[0] == 200 and head[2] == b""


def test_a_dataset_parameter_naming_no_graph_of_the_store_is_refused_like_from(served) -> None:
    params = urllib.parse.urlencode({"query": COUNT, "default-graph-uri": "file:///etc/passwd"})
    status, _, body = call(served.query_url + "?" + params)
    assert status == 403 and b"default-graph-uri <file:///etc/passwd>" in body
    status, _, body = get(served, "SELECT (COUNT(*) AS ?n) FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert status == 403 and b"FROM <file:///etc/passwd>" in body


def test_construct_answers_json_ld_when_asked(served) -> None:
    """SPARQLWrapper's JSON return format asks a CONSTRUCT for application/ld+json."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    construct = ("CONSTRUCT { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { "
                 "?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?s ?l LIMIT 20")
    status, headers, body = get(served, construct, accept="application/ld+json")
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json")
    as_jsonld = Graph().parse(data=body.decode("utf-8"), format="json-ld")
    _, _, turtle = get(served, construct, accept="text/turtle")
    assert len(as_jsonld) == 20 and isomorphic(as_jsonld, Graph().parse(data=turtle.decode("utf-8"), format="turtle"))
