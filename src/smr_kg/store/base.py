"""What every engine behind :class:`Store` shares: results, errors, the time limit.

Kept free of engine imports: the CLI loads this for every command, and the engines (pyoxigraph,
rdflib, an HTTP endpoint) are imported only by the store that uses them.
"""

from __future__ import annotations

import _thread
import re
from abc import abstractmethod  # imported at interpreter start: free
from collections.abc import Callable, Iterable, Iterator, Mapping
from ..errors import SmrKgError

TYPE_CHECKING = False  # typing's constant without importing typing (4 ms of a fast query)
if TYPE_CHECKING:
    from typing import Any, TypeVar

    from ..rdf.sparql_limits import Limits
    from ..rdf.terms import Term
    from .ordering import Page

    T = TypeVar("T")


class SelectResult:
    """A SPARQL SELECT result: variable names and rows of light terms (None when unbound)."""

    __slots__ = ("variables", "rows")

    def __init__(self, variables: list[str], rows: list[tuple[Term | None, ...]]) -> None:
        self.variables = variables
        self.rows = rows

    def dicts(self) -> list[dict[str, Term]]:
        return [{v: t for v, t in zip(self.variables, row) if t is not None} for row in self.rows]

    def rdflib_dicts(self) -> list[dict]:
        """:meth:`dicts` with rdflib terms, for the code that builds and validates with rdflib."""
        from ..rdf.terms import to_rdflib

        return [{v: to_rdflib(t) for v, t in row.items()} for row in self.dicts()]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SelectResult) and (self.variables, self.rows) == (other.variables, other.rows)

    def __repr__(self) -> str:
        return f"SelectResult({self.variables!r}, {len(self.rows)} rows)"


QueryResult = SelectResult | bool
"""What ``Store.query`` returns: rows for SELECT, a boolean for ASK."""

Bindings = Mapping[str, "Term"]
"""Variable name -> the term it is bound to (light terms; rdflib terms are accepted too)."""


class Store:
    """What every engine offers (an interface: engines subclass :class:`QueryForms`, and any object
    with these three methods will do).

    ``bindings`` bind variables to RDF terms before evaluation (never by pasting text into the
    query), so parameter values cannot inject SPARQL. ``timeout`` is in seconds (None: no limit).
    Errors: :class:`SparqlSyntaxError` (with line and column), :class:`QueryTimeout`,
    :class:`UnsupportedQuery` (CONSTRUCT/DESCRIBE), :class:`BindingError`. ``page`` (a
    :class:`~smr_kg.store.ordering.Page`) keeps only those rows of a SELECT's ordered answer.
    """

    engine: str

    @abstractmethod
    def query(self, query: str, bindings: Bindings | None = None, timeout: float | None = None,
              page: Page | None = None) -> QueryResult: ...

    @abstractmethod
    def select(self, query: str, bindings: Bindings | None = None, timeout: float | None = None) -> SelectResult: ...

    @abstractmethod
    def ask(self, query: str, bindings: Bindings | None = None, timeout: float | None = None) -> bool: ...


class QueryForms(Store):
    """``select`` and ``ask`` on top of an engine's ``query``, and the network guard."""

    allow_network = False
    """Let a query's SERVICE / FROM reach outside the store (``smr-kg query --allow-network``)."""

    engine = ""

    def graph_names(self) -> set[str]:
        """IRIs of the store's named graphs (a FROM naming one of them stays inside the store)."""
        return set()

    limits: "Limits | None" = None
    """Query size limits (:mod:`smr_kg.rdf.sparql_limits`); None: the defaults."""

    def _guard(self, query: str) -> None:
        from ..rdf.sparql_limits import DEFAULT_LIMITS, check_size

        check_size(query, self.limits or DEFAULT_LIMITS)  # before any engine: a huge query crashes them
        if not self.allow_network:
            from ..rdf.sparql_guard import check

            check(query, self.graph_names, self.engine)

    def query(self, query: str, bindings: Bindings | None = None, timeout: float | None = None,
              page: Page | None = None) -> QueryResult:
        raise NotImplementedError

    def stream(self, query: str, bindings: Bindings | None = None, timeout: float | None = None,
               page: Page | None = None) -> QueryResult:
        """:meth:`query` with a SELECT's rows as an iterable to write as they come; here the
        whole answer (an engine that can hand rows over as it makes them overrides this)."""
        return self.query(query, bindings, timeout, page)

    def select(self, query: str, bindings: Bindings | None = None, timeout: float | None = None) -> SelectResult:
        result = self.query(query, bindings, timeout)
        if not isinstance(result, SelectResult):
            raise UnsupportedQuery("expected a SELECT query, got an ASK query")
        return result

    def ask(self, query: str, bindings: Bindings | None = None, timeout: float | None = None) -> bool:
        result = self.query(query, bindings, timeout)
        if isinstance(result, SelectResult):
            raise UnsupportedQuery("expected an ASK query, got a SELECT query")
        return result


class SparqlSyntaxError(SmrKgError):
    """The query text is not SPARQL 1.1 (exit code 2); the message has line and column."""

    def __init__(self, message: str) -> None:
        super().__init__(f"SPARQL syntax error at {message}", exit_code=2)


class QueryTimeout(SmrKgError):
    """The query did not finish within the time limit (exit code 2)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the query did not finish within {seconds:g} s and was stopped "
            "(allow more time with --timeout SECONDS, or 0 for no limit)",
            exit_code=2,
        )


class UnsupportedQuery(SmrKgError):
    """A query form the caller cannot use, e.g. CONSTRUCT where rows are expected (exit code 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)


class BindingError(SmrKgError):
    """A parameter names a variable the query does not project (exit code 1: a bad parameter)."""

    def __init__(self, variable: str) -> None:
        super().__init__(
            f"cannot bind ?{variable}: the query does not select it (add ?{variable} to the SELECT "
            "clause, or use SELECT *)",
            exit_code=1,
        )


def check_projected(bindings: Bindings | None, variables: list[str]) -> None:
    """Refuse bindings of variables the result does not have, as oxigraph itself does."""
    unprojected = sorted(set(bindings or ()) - set(variables))
    if unprojected:
        raise BindingError(unprojected[0])


def run_with_timeout(work: Callable[[], T], timeout: float | None) -> T:
    """``work()`` in a daemon thread; raise :class:`QueryTimeout` if it runs past ``timeout`` s.

    Without a timeout the work still runs in the thread, so Ctrl-C interrupts the wait even
    while pyoxigraph is inside native code. The thread is a bare ``_thread`` one and the wait a
    lock acquire (interruptible by signals, as Event.wait is): a ``threading.Thread`` costs
    ~0.14 ms of CPU to start, and a lookup runs ~30 queries.
    """
    outcome: dict[str, Any] = {}  # "value" (a T) or "error" (a BaseException)
    done = _thread.allocate_lock()
    done.acquire()

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller's thread below
            _release_frames(exc)
            outcome["error"] = exc
        finally:
            done.release()

    _thread.start_new_thread(target, ())
    if not done.acquire(timeout=timeout if timeout and timeout > 0 else -1):
        raise QueryTimeout(timeout or 0.0)  # reached only with a positive timeout
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def stream_with_timeout(work: Callable[[Callable[[object], None]], object], timeout: float | None) -> QueryResult:
    """``work(emit)`` in a daemon thread, as :func:`run_with_timeout`; ``work`` returns an ASK
    answer, or emits a SELECT's variables and then lists of rows. The result is there when the
    variables are; its rows are an iterator over the emitted lists, and the time limit covers
    the whole answer (:class:`QueryTimeout` while iterating, after the rows written so far)."""
    import queue
    import time

    handoff: queue.Queue = queue.Queue(maxsize=8)  # the worker waits for a slow writer
    deadline = time.monotonic() + timeout if timeout and timeout > 0 else None

    def target() -> None:
        try:
            handoff.put(("done", work(lambda item: handoff.put(("item", item)))))
        except BaseException as exc:  # handed to the caller's thread below
            _release_frames(exc)
            handoff.put(("error", exc))

    def receive() -> tuple[str, Any]:  # ("item", variables or rows), ("done", answer) or ("error", exc)
        try:
            kind, value = handoff.get(timeout=None if deadline is None else max(deadline - time.monotonic(), 0))
        except queue.Empty:
            raise QueryTimeout(timeout or 0.0) from None  # no deadline: no timeout
        if kind == "error":
            raise value
        return kind, value

    def rows() -> Iterator[tuple]:
        while True:
            kind, value = receive()
            if kind == "done":
                return
            yield from value

    _thread.start_new_thread(target, ())
    kind, value = receive()
    # a streamed SELECT's rows are an iterator, read once, not the list SelectResult usually holds
    streamed: Any = rows()
    return value if kind == "done" else SelectResult(value, streamed)


def _release_frames(exc: BaseException | None) -> None:
    """Drop the local variables of an exception's finished frames on this (the worker) thread:
    pyoxigraph objects may only be freed on the thread that made them, and freeing one elsewhere
    prints pyo3's "unsendable" error line."""
    import traceback

    while exc is not None:
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def undeclared_prefix(query: str, prefix: str) -> str:
    """Where ``prefix:`` is first used in ``query`` (rdflib does not say)."""
    for number, line in enumerate(query.splitlines(), start=1):
        if line.lstrip().upper().startswith("PREFIX"):
            continue
        found = re.search(rf"(?<![\w:<]){re.escape(prefix)}:", line)
        if found:
            return f"line {number}, column {found.start() + 1}: undeclared prefix {prefix}: (add a PREFIX line for it)"
    return f"unknown position: undeclared prefix {prefix}: (add a PREFIX line for it)"


def rdflib_syntax_error(query: str, error: Exception) -> SparqlSyntaxError | None:
    """rdflib's parser error for ``query`` as a :class:`SparqlSyntaxError` with its position, or
    None when ``error`` is not a syntax error (rdflib reports an undeclared prefix as a bare
    Exception)."""
    from pyparsing import ParseException

    if isinstance(error, ParseException):
        return SparqlSyntaxError(f"line {error.lineno}, column {error.col}: {error.msg}")
    prefix = re.match(r"Unknown namespace prefix : (\S*)", str(error))
    return SparqlSyntaxError(undeclared_prefix(query, prefix.group(1))) if prefix is not None else None


def first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` (read as it goes) in lists of at most ``size``: how many terms one VALUES block
    may carry, or how many rows a worker hands over at a time."""
    from itertools import islice

    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


__all__ = [
    "BindingError", "Bindings", "QueryForms", "QueryResult", "QueryTimeout", "SelectResult", "SparqlSyntaxError",
    "Store", "UnsupportedQuery", "check_projected", "chunks", "first_line", "rdflib_syntax_error",
    "run_with_timeout", "stream_with_timeout", "undeclared_prefix",
]
