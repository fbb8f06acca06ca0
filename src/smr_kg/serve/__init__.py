"""``smr-kg serve``: the built graph as a read-only SPARQL 1.1 endpoint, with a page to explore it.

Why a server of our own rather than ``oxigraph serve-read-only``: the endpoint has to stop a
runaway query (Oxigraph's query timeout only stops waiting), cap result sizes, refuse
federated SERVICE calls (the server must not fetch from the network), answer at ``/sparql``,
and serve a query page that works offline with the named queries ready to run. The query engine
is still pyoxigraph over the prebuilt ``dist/store``; see :mod:`.server` for HTTP and
:mod:`.workers` for the worker processes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .server import Application

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7070
DEFAULT_TIMEOUT = 30.0
"""Seconds per query. The slowest named query takes ~20 ms here; a minute-long query is a mistake."""
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
"""Largest result body (32 MiB): the whole built graph as JSON results is ~1 MiB."""


@dataclass
class ServeOptions:
    """How to run the endpoint (the CLI's flags)."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    workers: int = 0
    """0: one per CPU, at least 2 (a slow query must not block the page)."""
    cors: tuple[str, ...] = ()
    quiet: bool = False
    max_waiting: int = 0
    """Requests that may wait for a worker at once (0: 16 per worker); one more gets 503 at once."""


def start(options: ServeOptions, dist: Path | None = None, mounts: Mapping[str, Application] | None = None):
    """Start the endpoint: returns the bound server (call ``serve_forever``, then ``shutdown``
    and :func:`stop`). Binding happens here, so a taken port fails before anything runs.
    ``mounts`` are applications served below a path prefix (see :class:`.server.Site`)."""
    from ..store.dist import current
    from ..errors import SmrKgError
    from ..sparql.queries import list_queries
    from ..store import OxigraphStore
    from .server import EndpointServer, Site, example_queries
    from .workers import WorkerPool

    build = current(dist)  # one build, checked against its manifest, for the whole run
    build.verify_store()
    store_dir = build.store
    store = OxigraphStore.open(store_dir)
    site = Site(example_queries(store, list_queries()), options.cors, options.quiet, store.graph_names,
                dict(mounts or {}))
    size = options.workers or max(2, os.cpu_count() or 2)
    pool = WorkerPool(store_dir, size, options.timeout, options.max_bytes, cheap=1,
                      max_waiting=options.max_waiting or 16 * size)
    try:
        return EndpointServer((options.host, options.port), pool, site)
    except OSError as error:
        pool.close()
        raise SmrKgError(f"cannot listen on {options.host}:{options.port}: {error.strerror or error}", exit_code=2) from None


def stop(server) -> None:
    """Close the socket and end the worker processes."""
    server.server_close()
    server.pool.close()
