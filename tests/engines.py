"""The SPARQL servers the engine tests talk to, and how a missing one is reported.

``smr-kg serve`` runs in-process on a free port (nothing to install). Oxigraph server and
Virtuoso are started by ``.ci/run`` on 127.0.0.1 and named by environment variables; the
session's own build is loaded into each through ``smr-kg publish`` (so publishing is tested
too) into one test graph, which is replaced on every run:

  SMR_KG_TEST_OXIGRAPH   base URL of an Oxigraph server (query at /query, Graph Store at /store)
  SMR_KG_TEST_VIRTUOSO   base URL of Virtuoso's HTTP server (/sparql, /sparql-graph-crud-auth)
  SMR_KG_TEST_VIRTUOSO_PASSWORD   the dba password (default dba, a fresh database's)
  SMR_KG_TEST_VIRTUOSO_ISQL, SMR_KG_TEST_VIRTUOSO_LOAD_DIR   its SQL port and a directory in its
                         DirsAllowed, for the bulk-loader route of docs/endpoints.md
  SMR_KG_REQUIRE         comma-separated tools that must be present (virtuoso, oxigraph-server,
                         chromium): a test that would skip for want of one fails instead
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

TEST_GRAPH = "https://w3id.org/smr-kg/test-suite"


def require(tool: str, reason: str) -> None:
    """Skip for want of ``tool`` -- or fail, when ``$SMR_KG_REQUIRE`` lists it (as CI does)."""
    required = {t.strip() for t in os.environ.get("SMR_KG_REQUIRE", "").split(",") if t.strip()}
    if tool in required:
        pytest.fail(f"{reason} (required: {tool} is listed in SMR_KG_REQUIRE)", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class Endpoint:
    """A running SPARQL server holding the session's build in ``graph`` (None: its default graph)."""

    name: str
    query_url: str
    store_url: str | None = None
    graph: str | None = None
    user: str | None = None
    password: str | None = None

    def store(self, timeout: float = 120):
        from smr_kg.store.remote import RemoteStore

        return RemoteStore(self.query_url, self.graph, timeout)

    def cli_args(self) -> tuple[str, ...]:
        """``--endpoint URL [--graph IRI]`` for the CLI."""
        return ("--endpoint", self.query_url) + (("--graph", self.graph) if self.graph else ())


SERVERS = {
    "oxigraph-server": ("SMR_KG_TEST_OXIGRAPH", "/query", "/store", None),
    "virtuoso": ("SMR_KG_TEST_VIRTUOSO", "/sparql", "/sparql-graph-crud-auth", "dba"),
}


def external(kind: str, dist: Path) -> Endpoint:
    """The server of ``kind`` with the session's build published into the test graph."""
    from smr_kg.errors import SmrKgError
    from smr_kg.exports.publish import publish

    variable, query_path, store_path, user = SERVERS[kind]
    base = os.environ.get(variable, "").rstrip("/")
    if not base:
        require(kind, f"no {kind}: set {variable}=http://127.0.0.1:PORT (bash .ci/run starts one)")
    password = os.environ.get("SMR_KG_TEST_VIRTUOSO_PASSWORD", "dba") if user else None
    endpoint = Endpoint(kind, base + query_path, base + store_path, TEST_GRAPH, user, password)
    try:
        publish(endpoint.store_url, TEST_GRAPH, replace=True, user=user, password=password, dist=dist, timeout=120)
    except SmrKgError as error:
        require(kind, f"{kind} at {base} cannot be loaded: {error.message}")
    return endpoint


def served(dist: Path, **options) -> Iterator[Endpoint]:
    """``smr-kg serve`` on a free loopback port for the duration of the fixture."""
    from smr_kg.serve import ServeOptions, start, stop

    server = start(ServeOptions(port=0, quiet=True, **options), dist)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Endpoint("smr-kg serve", server.url + "/sparql")
    finally:
        server.shutdown()
        stop(server)
