"""One small query interface with the embedded engine behind it.

Queries are written once against :class:`Store`; the default engine is pyoxigraph (14-171x
faster than rdflib's SPARQL on the named queries, see ``benchmarks/bench_query.py``; its
on-disk store in ``dist/`` reopens in ~10 ms), rdflib's engine stays available for comparison,
and a remote SPARQL endpoint (:mod:`smr_kg.store.remote`) is one more implementation: it only has to
provide ``query()`` (subclass :class:`QueryForms` for ``select``/``ask``). Results come back as
light terms (:mod:`smr_kg.rdf.terms`), with literals in one canonical form, so callers never see
engine-specific types, every engine gives identical result sets, and reading results never
imports rdflib.

Parameters are bound with ``bindings``, never pasted into query text: each engine takes them as
RDF terms (:mod:`.oxigraph` as a VALUES block and substitutions, :mod:`.rdflib_engine` as
``initBindings``, an endpoint as a VALUES block written by :mod:`smr_kg.rdf.sparqltext`). The engines
agree when a bound variable occurs in a triple pattern of the top-level group, before other uses,
and in the SELECT projection (docs/queries.md); binding an unprojected variable is refused.

pyoxigraph has no query timeout, so every query runs in a daemon worker thread and the caller
stops waiting after ``timeout`` seconds (:class:`QueryTimeout`). Both engines release the GIL or
yield it while evaluating, so the wait is honoured; the abandoned thread keeps computing until
the process exits, which for the CLI is immediately after the error is reported.

Modules: :mod:`.base` (results, errors, the time limit), :mod:`.ordering` (pages, and ORDER BY in
Python for the embedded engine), :mod:`.oxigraph`, :mod:`.rdflib_engine`.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .base import (
    BindingError, Bindings, QueryForms, QueryResult, QueryTimeout, SelectResult, SparqlSyntaxError, Store,
    UnsupportedQuery, run_with_timeout,
)
from .oxigraph import OxigraphStore
from .rdflib_engine import RdflibStore

TYPE_CHECKING = False  # typing's constant without importing typing (4 ms of a fast query)
if TYPE_CHECKING:
    from rdflib import Graph

ENGINES = ("oxigraph", "rdflib")
DEFAULT_ENGINE = "oxigraph"


def open_store(engine: str = DEFAULT_ENGINE, dist: Path | None = None) -> QueryForms:
    """The current build behind ``engine``: its prebuilt oxigraph store, or rdflib over its Turtle.

    The files are checked against the build's manifest first (:mod:`smr_kg.store.dist`), so a damaged
    build is reported as damaged rather than answering from partial data."""
    from .dist import current

    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    build = current(dist)
    if engine == "oxigraph":
        build.verify_store()
        return OxigraphStore.open(build.store)
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=build.read_turtle(), format="turtle")
    return RdflibStore(graph)


def store_for_graph(graph: Graph, engine: str = DEFAULT_ENGINE) -> QueryForms:
    """An in-memory store over ``graph`` (tests, user files, and the build's own checks)."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    return OxigraphStore.from_graph(graph) if engine == "oxigraph" else RdflibStore(graph)


__all__ = [
    "BindingError", "Bindings", "DEFAULT_ENGINE", "ENGINES", "OxigraphStore", "QueryForms", "QueryResult",
    "QueryTimeout", "RdflibStore", "SelectResult", "SparqlSyntaxError", "Store", "UnsupportedQuery",
    "open_store", "run_with_timeout", "store_for_graph",
]
