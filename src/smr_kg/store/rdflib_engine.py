"""rdflib's SPARQL engine behind the Store interface: the reference the benchmarks and the
compliance suite compare the embedded engine with (slower by 14-190x on the named queries).

rdflib pre-binds parameters (``initBindings``); oxigraph refuses bindings of variables a SELECT
does not project, and rdflib is made to refuse them too, so both engines fail the same way.
"""

from __future__ import annotations

from ..errors import SmrKgError
from ..rdf.terms import as_term, from_rdflib, known, to_rdflib
from .base import (
    Bindings, QueryForms, QueryResult, SelectResult, UnsupportedQuery, check_projected, first_line,
    rdflib_syntax_error, run_with_timeout,
)

TYPE_CHECKING = False  # typing's constant without importing typing (4 ms of a fast query)
if TYPE_CHECKING:
    from collections.abc import Iterable

    from rdflib import Graph
    from rdflib.query import ResultRow

    from .ordering import Page


class RdflibStore(QueryForms):
    """rdflib's SPARQL engine over an in-memory graph (the reference to compare against)."""

    engine = "rdflib"

    def __init__(self, graph: Graph) -> None:
        self._graph = graph

    @classmethod
    def from_graph(cls, graph: Graph) -> "RdflibStore":
        return cls(graph)

    def query(self, query: str, bindings: Bindings | None = None, timeout: float | None = None,
              page: Page | None = None) -> QueryResult:
        return run_with_timeout(lambda: self._evaluate(query, bindings, page), timeout)

    def _evaluate(self, query: str, bindings: Bindings | None, page: Page | None) -> QueryResult:
        self._guard(query)
        initial = {name: to_rdflib(as_term(value)) for name, value in (bindings or {}).items()}
        try:
            result = self._graph.query(query, initBindings=initial)
        except Exception as exc:
            syntax = rdflib_syntax_error(query, exc)
            if syntax is not None:
                raise syntax from None
            raise SmrKgError(f"the query failed: {first_line(exc)}", exit_code=2) from None
        if result.type == "ASK":
            return bool(result.askAnswer)
        if result.type != "SELECT" or result.vars is None:
            raise UnsupportedQuery("only SELECT and ASK queries are supported, not CONSTRUCT or DESCRIBE")
        variables = [str(v) for v in result.vars]
        check_projected(bindings, variables)
        solutions = known("Iterable[ResultRow]", result)  # a SELECT's result iterates rows
        rows = [tuple(from_rdflib(row[i]) for i in range(len(variables))) for row in (page.rows(solutions) if page else solutions)]
        return SelectResult(variables, rows)


__all__ = ["RdflibStore"]
