"""One small query interface with the embedded engine behind it.

Queries are written once against :class:`Store`; the default engine is pyoxigraph (14-171x
faster than rdflib's SPARQL on the named queries, geometric mean 28x, see
``benchmarks/bench_query.py``; its on-disk store in ``dist/`` reopens in ~30 ms), rdflib's engine stays available for comparison, and a remote SPARQL
endpoint can slot in as another implementation: it only has to provide ``query()`` (subclass
:class:`QueryForms` for ``select``/``ask``). Results come back as rdflib terms, with literals in
one canonical form, so callers never see engine-specific types and both engines give identical
result sets.

Parameters are bound with ``bindings`` (pyoxigraph ``substitutions``, rdflib ``initBindings``),
never pasted into query text. The engines bind differently (rdflib pre-binds the variables;
oxigraph substitutes them in parts of its plan and joins them with the rest, so a BIND that
reads a parameter before any pattern binds it sees it unbound), and agree when a bound variable
occurs in a triple pattern of the top-level group, before other uses, and in the SELECT
projection. oxigraph refuses unprojected bindings; rdflib is made to refuse them too.

pyoxigraph has no query timeout, so every query runs in a daemon worker thread and the caller
stops waiting after ``timeout`` seconds (:class:`QueryTimeout`). Both engines release the GIL or
yield it while evaluating, so the wait is honoured; the abandoned thread keeps computing until
the process exits, which for the CLI is immediately after the error is reported (measured: a
stuck query on the on-disk store does not delay exit).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from . import paths
from .errors import InputError, SmrKgError

if TYPE_CHECKING:  # rdflib is imported where it is used: `smr-kg --help` must not pay for it
    from rdflib import Graph
    from rdflib.term import Node

ENGINES = ("oxigraph", "rdflib")
DEFAULT_ENGINE = "oxigraph"

T = TypeVar("T")


@dataclass
class SelectResult:
    """A SPARQL SELECT result: variable names and rows of rdflib terms (None when unbound)."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]]

    def dicts(self) -> list[dict[str, Node]]:
        return [{v: t for v, t in zip(self.variables, row) if t is not None} for row in self.rows]


QueryResult = SelectResult | bool
"""What ``Store.query`` returns: rows for SELECT, a boolean for ASK."""


class Store(Protocol):
    """What every engine offers.

    ``bindings`` bind variables to RDF terms before evaluation (never by pasting text into the
    query), so parameter values cannot inject SPARQL. ``timeout`` is in seconds (None: no limit).
    Errors: :class:`SparqlSyntaxError` (with line and column), :class:`QueryTimeout`,
    :class:`UnsupportedQuery` (CONSTRUCT/DESCRIBE), :class:`BindingError`.
    """

    engine: str

    def query(self, query: str, bindings: Mapping[str, Node] | None = None, timeout: float | None = None) -> QueryResult: ...

    def select(self, query: str, bindings: Mapping[str, Node] | None = None, timeout: float | None = None) -> SelectResult: ...

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None, timeout: float | None = None) -> bool: ...


class QueryForms:
    """``select`` and ``ask`` on top of an engine's ``query``, and the network guard."""

    allow_network = False
    """Let a query's SERVICE / FROM reach outside the store (``smr-kg query --allow-network``)."""

    def graph_names(self) -> set[str]:
        """IRIs of the store's named graphs (a FROM naming one of them stays inside the store)."""
        return set()

    def _guard(self, query: str) -> None:
        if not self.allow_network:
            from .sparql_guard import check

            check(query, self.graph_names, self.engine)

    def query(self, query: str, bindings: Mapping[str, Node] | None = None, timeout: float | None = None) -> QueryResult:
        raise NotImplementedError

    def select(self, query: str, bindings: Mapping[str, Node] | None = None, timeout: float | None = None) -> SelectResult:
        result = self.query(query, bindings, timeout)
        if not isinstance(result, SelectResult):
            raise UnsupportedQuery("expected a SELECT query, got an ASK query")
        return result

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None, timeout: float | None = None) -> bool:
        result = self.query(query, bindings, timeout)
        if isinstance(result, SelectResult):
            raise UnsupportedQuery("expected an ASK query, got a SELECT query")
        return result


class OxigraphStore(QueryForms):
    """pyoxigraph, in memory or opened read-only from the prebuilt store in ``dist/``."""

    engine = "oxigraph"

    def __init__(self, store) -> None:
        self._store = store

    @classmethod
    def from_graph(cls, graph: Graph) -> "OxigraphStore":
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return cls(store)

    @classmethod
    def open(cls, directory: Path) -> "OxigraphStore":
        import pyoxigraph as ox

        try:
            return cls(ox.Store.read_only(str(directory)))
        except (OSError, RuntimeError) as exc:
            raise SmrKgError(f"cannot open the store at {directory}: {_first_line(exc)} (rebuild it with "
                             "`smr-kg build`)", exit_code=2) from None

    def graph_names(self) -> set[str]:
        return {g.value for g in self._store.named_graphs() if hasattr(g, "value")}

    @staticmethod
    def write_triples(triples: Iterable[tuple[Node, Node, Node]], directory: Path) -> None:
        """Create an on-disk store at ``directory`` holding ``triples`` (rdflib terms), without
        serializing them to text first: at 1M triples the N-Triples text alone took ~750 MB."""
        import pyoxigraph as ox

        converted: dict[Node, object] = {}

        def term(node: Node):
            found = converted.get(node)
            if found is None:
                found = converted[node] = _to_ox(node)
            return found

        store = ox.Store(str(directory))
        store.bulk_extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in triples)
        store.flush()
        del store

    def query(self, query: str, bindings: Mapping[str, Node] | None = None, timeout: float | None = None) -> QueryResult:
        return run_with_timeout(lambda: self._evaluate(query, bindings), timeout)

    def _evaluate(self, query: str, bindings: Mapping[str, Node] | None) -> QueryResult:
        import pyoxigraph as ox

        subs = {ox.Variable(k): _to_ox(v) for k, v in (bindings or {}).items()}
        self._guard(query)
        result = None
        try:
            result = self._store.query(query, substitutions=subs or None)
            if isinstance(result, ox.QueryBoolean):
                return bool(result)
            if not isinstance(result, ox.QuerySolutions):
                raise UnsupportedQuery("only SELECT and ASK queries are supported, not CONSTRUCT or DESCRIBE")
            variables = [v.value for v in result.variables]
            return SelectResult(variables, [tuple(_from_ox(sol[v]) for v in variables) for sol in result])
        except SyntaxError as exc:
            raise SparqlSyntaxError(_oxigraph_syntax_message(str(exc))) from None
        except (RuntimeError, ValueError, OSError) as exc:
            raise _engine_error(str(exc), bindings) from None
        finally:
            # pyoxigraph objects must be dropped on the thread that made them (see run_with_timeout).
            del result


class RdflibStore(QueryForms):
    """rdflib's SPARQL engine over an in-memory graph (the reference to compare against)."""

    engine = "rdflib"

    def __init__(self, graph: Graph) -> None:
        self._graph = graph

    @classmethod
    def from_graph(cls, graph: Graph) -> "RdflibStore":
        return cls(graph)

    def query(self, query: str, bindings: Mapping[str, Node] | None = None, timeout: float | None = None) -> QueryResult:
        return run_with_timeout(lambda: self._evaluate(query, bindings), timeout)

    def _evaluate(self, query: str, bindings: Mapping[str, Node] | None) -> QueryResult:
        from pyparsing import ParseException

        self._guard(query)
        try:
            result = self._graph.query(query, initBindings=dict(bindings or {}))
        except ParseException as exc:
            raise SparqlSyntaxError(f"line {exc.lineno}, column {exc.col}: {exc.msg}") from None
        except Exception as exc:  # rdflib reports an undeclared prefix as a bare Exception
            prefix = re.match(r"Unknown namespace prefix : (\S*)", str(exc))
            if prefix is not None:
                raise SparqlSyntaxError(_undeclared_prefix(query, prefix.group(1))) from None
            raise SmrKgError(f"the query failed: {_first_line(exc)}", exit_code=2) from None
        if result.type == "ASK":
            return bool(result.askAnswer)
        if result.type != "SELECT":
            raise UnsupportedQuery("only SELECT and ASK queries are supported, not CONSTRUCT or DESCRIBE")
        variables = [str(v) for v in result.vars]
        unprojected = sorted(set(bindings or ()) - set(variables))
        if unprojected:
            raise BindingError(unprojected[0])
        rows = [tuple(_canonical(row[i]) for i in range(len(variables))) for row in result]
        return SelectResult(variables, rows)


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


def run_with_timeout(work: Callable[[], T], timeout: float | None) -> T:
    """``work()`` in a daemon thread; raise :class:`QueryTimeout` if it runs past ``timeout`` s.

    Without a timeout the work still runs in the thread, so Ctrl-C interrupts the wait even
    while pyoxigraph is inside native code.
    """
    outcome: dict[str, object] = {}
    done = threading.Event()

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller's thread below
            _release_frames(exc)
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=target, name="smr-kg-query", daemon=True).start()
    if not done.wait(timeout if timeout and timeout > 0 else None):
        raise QueryTimeout(timeout)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def _release_frames(exc: BaseException | None) -> None:
    """Drop the local variables of an exception's finished frames on this (the worker) thread:
    pyoxigraph objects may only be freed on the thread that made them, and freeing one elsewhere
    prints pyo3's "unsendable" error line."""
    import traceback

    while exc is not None:
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def open_store(engine: str = DEFAULT_ENGINE, dist: Path | None = None) -> Store:
    """The current build behind ``engine``: its prebuilt oxigraph store, or rdflib over its Turtle.

    The files are checked against the build's manifest first (:mod:`smr_kg.dist`), so a damaged
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


def store_for_graph(graph: Graph, engine: str = DEFAULT_ENGINE) -> Store:
    """An in-memory store over ``graph`` (tests, user files, and the build's own checks)."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    return OxigraphStore.from_graph(graph) if engine == "oxigraph" else RdflibStore(graph)


def _oxigraph_syntax_message(text: str) -> str:
    """'error at 2:12: expected one of …' -> 'line 2, column 12: …', first line, shortened."""
    match = re.match(r"error at (\d+):(\d+): (.*)", text, re.S)
    if not match:
        return text.splitlines()[0][:300] if text else "unknown position"
    line, column, detail = match.groups()
    if "Prefix not found" in detail:
        detail = "undeclared prefix (add a PREFIX line for it)"
    detail = " ".join(detail.split())
    if len(detail) > 160:
        detail = detail[:160] + " …"
    return f"line {line}, column {column}: {detail}"


def _undeclared_prefix(query: str, prefix: str) -> str:
    """Where ``prefix:`` is first used in ``query`` (rdflib does not say)."""
    for number, line in enumerate(query.splitlines(), start=1):
        if line.lstrip().upper().startswith("PREFIX"):
            continue
        found = re.search(rf"(?<![\w:<]){re.escape(prefix)}:", line)
        if found:
            return f"line {number}, column {found.start() + 1}: undeclared prefix {prefix}: (add a PREFIX line for it)"
    return f"unknown position: undeclared prefix {prefix}: (add a PREFIX line for it)"


def _engine_error(text: str, bindings: Mapping[str, Node] | None) -> SmrKgError:
    """An oxigraph error as the user's error: an unprojected binding, a damaged store, or else
    the query's own failure (all exit code 2 but the binding, a bad parameter: 1)."""
    match = re.search(r"variable \?(\w+) in its SELECT projection", text)
    if match:
        return BindingError(match.group(1))
    if re.search(r"Corruption|checksum|No such file|IO error", text):
        return SmrKgError(f"the store cannot be read ({_first_line(text)}): rebuild it with `smr-kg build`", exit_code=2)
    return SmrKgError(f"the query failed: {_first_line(text)}", exit_code=2)


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__


def _to_ox(term: Node):
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise InputError(f"cannot bind {term!r}: not an RDF term")


def _from_ox(term) -> Node | None:
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return _canonical(Literal(term.value, lang=term.language))
        return _canonical(Literal(term.value, datatype=URIRef(term.datatype.value)))
    raise SmrKgError(f"unexpected term from oxigraph: {term!r}")


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = frozenset(
    _XSD + name
    for name in (
        "integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte",
    )
)


def _canonical(term: Node | None) -> Node | None:
    """One form per literal value, whichever engine produced it.

    RDF 1.1 makes simple literals xsd:strings (rdflib keeps them apart), language tags are
    case-insensitive (oxigraph lower-cases them), and numbers have many lexical forms (oxigraph
    canonicalizes ``50.0`` to ``50``, rdflib keeps what the file said).
    """
    from decimal import Decimal, InvalidOperation

    from rdflib import Literal

    if not isinstance(term, Literal):
        return term
    lexical = str(term)
    if term.language:
        return Literal(lexical, lang=term.language.lower())
    datatype = term.datatype
    kind = str(datatype) if datatype is not None else None  # rdflib URIRefs never equal plain str
    if kind is None or kind == _XSD + "string":
        return Literal(lexical)
    try:
        if kind in _INTEGER_TYPES:
            lexical = str(int(lexical.strip()))
        elif kind == _XSD + "decimal":
            lexical = _decimal_lexical(Decimal(lexical.strip()))
        elif kind in (_XSD + "double", _XSD + "float"):
            lexical = _double_lexical(float(lexical.strip()))
        elif kind == _XSD + "boolean":
            lexical = {"1": "true", "0": "false"}.get(lexical.strip(), lexical.strip())
    except (ValueError, InvalidOperation):
        pass  # an ill-typed literal keeps its lexical form
    return Literal(lexical, datatype=datatype)


def _decimal_lexical(value) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _double_lexical(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return repr(value)
