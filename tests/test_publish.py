"""``smr-kg publish``: the build into a real store over the Graph Store Protocol, then asked there.

Runs against the Oxigraph server and Virtuoso that .ci/run starts (skipped with a reason when
they are absent locally); the failure cases that need no server run everywhere.
"""

from __future__ import annotations

import socket

import pytest

from smr_kg.exports.publish import built_ntriples
from smr_kg.store.remote import RemoteStore

GRAPH = "https://w3id.org/smr-kg/test-publish"
HEADLINE = ("query", "causes-through", "--param", "mechanism=left ventricular dilation", "--format", "csv")


def triples_in(endpoint, graph: str) -> int:
    store = RemoteStore(endpoint.query_url)
    return int(store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows[0][0])


@pytest.mark.parametrize("server", ["oxigraph_server", "virtuoso"])
def test_publish_then_query_the_store_gives_the_embedded_rows(request, run_cli, monkeypatch, dist_env, server: str) -> None:
    endpoint = request.getfixturevalue(server)
    auth = ()
    if endpoint.user:
        monkeypatch.setenv("SMR_KG_PASSWORD", endpoint.password)
        auth = ("--user", endpoint.user)
    code, out, err = run_cli("publish", "--endpoint", endpoint.store_url, "--graph", GRAPH, "--replace", *auth)
    assert code == 0, err
    _, count, _ = built_ntriples(dist_env)
    assert out.startswith(f"published {count} triples into <{GRAPH}>")
    assert f"--endpoint {endpoint.query_url} --graph {GRAPH}" in err     # how to ask it
    assert triples_in(endpoint, GRAPH) == count

    code, out, err = run_cli("publish", "--endpoint", endpoint.store_url, "--graph", GRAPH, *auth)
    assert code == 2 and "already has a graph" in err and "--replace" in err
    code, _, err = run_cli("publish", "--endpoint", endpoint.store_url, "--graph", GRAPH, "--replace", *auth)
    assert code == 0, err
    assert triples_in(endpoint, GRAPH) == count       # replaced, not added to (blank nodes would double)

    _, local, _ = run_cli(*HEADLINE)
    code, remote, err = run_cli(*HEADLINE, "--endpoint", endpoint.query_url, "--graph", GRAPH)
    assert code == 0, err
    assert sorted(remote.splitlines()) == sorted(local.splitlines()) and len(local.splitlines()) > 5


def test_virtuoso_without_credentials_says_how_to_give_them(run_cli, virtuoso) -> None:
    code, _, err = run_cli("publish", "--endpoint", virtuoso.store_url, "--graph", GRAPH, "--replace")
    assert code == 2 and "refused access (HTTP 401)" in err and "SMR_KG_PASSWORD" in err


def test_a_user_without_a_password_in_the_environment_is_bad_input(run_cli, monkeypatch) -> None:
    monkeypatch.delenv("SMR_KG_PASSWORD", raising=False)
    code, _, err = run_cli("publish", "--endpoint", "http://127.0.0.1:9/store", "--user", "dba")
    assert code == 2 and "SMR_KG_PASSWORD" in err


def test_an_unreachable_store_is_one_line(run_cli) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, out, err = run_cli("publish", "--endpoint", f"http://127.0.0.1:{port}/store")
    assert code == 2 and out == "" and "cannot reach the Graph Store endpoint" in err
    assert len(err.strip().splitlines()) == 1


def test_a_read_only_endpoint_refuses_the_graph(run_cli, served) -> None:
    code, _, err = run_cli("publish", "--endpoint", served.query_url, "--replace")
    assert code == 2 and "HTTP 405" in err


def test_publish_needs_a_build_and_a_real_graph_iri(run_cli, monkeypatch, tmp_path) -> None:
    code, _, err = run_cli("publish", "--endpoint", "http://127.0.0.1:9/store", "--graph", "not an iri")
    assert code == 2 and "not an absolute IRI" in err
    monkeypatch.setenv("SMR_KG_DIST", str(tmp_path))
    code, _, err = run_cli("publish", "--endpoint", "http://127.0.0.1:9/store")
    assert code == 2 and "smr-kg build" in err   # no build: cannot run (smr_kg.store.dist)


def test_the_default_graph_is_the_ontology_iri(dist_env) -> None:
    data, count, ontology = built_ntriples(dist_env)
    assert ontology == "https://w3id.org/smr-kg/smr.owl"
    assert data.count(b"\n") == count


def test_the_documented_virtuoso_bulk_load_gives_the_same_graph(run_cli, virtuoso, dist_env) -> None:
    """docs/endpoints.md: `smr-kg export --format nt`, then ld_dir + rdf_loader_run in isql."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    port, folder = os.environ.get("SMR_KG_TEST_VIRTUOSO_ISQL"), os.environ.get("SMR_KG_TEST_VIRTUOSO_LOAD_DIR")
    if not (port and folder and shutil.which("isql-vt")):
        from engines import require

        require("virtuoso", "the bulk-load test needs isql-vt, SMR_KG_TEST_VIRTUOSO_ISQL and _LOAD_DIR (.ci/run sets them)")
    graph = "https://w3id.org/smr-kg/test-bulk-load"
    code, _, err = run_cli("export", "--format", "nt", "-o", str(Path(folder) / "smr-kg.nt"))
    assert code == 0, err
    statements = (f"SPARQL CLEAR GRAPH <{graph}>; DELETE FROM DB.DBA.load_list; "
                  f"ld_dir('{folder}', 'smr-kg.nt', '{graph}'); rdf_loader_run(); checkpoint;")
    done = subprocess.run(["isql-vt", port, "dba", virtuoso.password, f"exec={statements}"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Error" not in done.stdout + done.stderr, done.stdout + done.stderr
    _, count, _ = built_ntriples(dist_env)
    assert triples_in(virtuoso, graph) == count
    _, local, _ = run_cli("path", "atrial fibrillation")
    code, remote, err = run_cli("path", "atrial fibrillation", "--endpoint", virtuoso.query_url, "--graph", graph)
    assert code == 0 and remote == local, err


def test_a_store_that_drops_an_unauthorised_upload_still_reports_the_401(run_cli) -> None:
    """Regression (CI run): Virtuoso answers an unauthenticated PUT by closing the connection
    while the body is still being sent, so the client saw a broken pipe instead of the 401. The
    bodyless GET before the upload now surfaces the 401, also with --replace."""
    import http.server
    import threading

    class Refusing(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_PUT(self) -> None:  # noqa: N802
            self.connection.close()  # as Virtuoso does: no response, body unread

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/store"
        code, _, err = run_cli("publish", "--endpoint", url, "--graph", GRAPH, "--replace")
    finally:
        server.shutdown()
    assert code == 2 and "refused access (HTTP 401)" in err and "SMR_KG_PASSWORD" in err
