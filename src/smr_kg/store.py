"""One small query interface with the embedded engine behind it.

Queries are written once against :class:`Store`; the default engine is pyoxigraph (measured
10-130x faster than rdflib's SPARQL on our path queries, and its on-disk store in ``dist/``
reopens in milliseconds), rdflib's engine stays available for comparison, and a remote SPARQL
endpoint can slot in as another implementation. Results come back as rdflib terms so callers
never see engine-specific types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from . import paths
from .errors import InputError, SmrKgError

ENGINES = ("oxigraph", "rdflib")
DEFAULT_ENGINE = "oxigraph"


@dataclass
class SelectResult:
    """A SPARQL SELECT result: variable names and rows of rdflib terms (None when unbound)."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]]

    def dicts(self) -> list[dict[str, Node]]:
        return [{v: t for v, t in zip(self.variables, row) if t is not None} for row in self.rows]


class Store(Protocol):
    """What every engine offers. ``bindings`` bind variables to RDF terms before evaluation
    (never by pasting text into the query), so parameter values cannot inject SPARQL."""

    engine: str

    def select(self, query: str, bindings: Mapping[str, Node] | None = None) -> SelectResult: ...

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool: ...


class OxigraphStore:
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

        return cls(ox.Store.read_only(str(directory)))

    @staticmethod
    def write(graph: Graph, directory: Path) -> None:
        """Create an on-disk store at ``directory`` holding ``graph``."""
        import pyoxigraph as ox

        store = ox.Store(str(directory))
        store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        del store

    def _run(self, query: str, bindings: Mapping[str, Node] | None):
        import pyoxigraph as ox

        subs = {ox.Variable(k): _to_ox(v) for k, v in (bindings or {}).items()}
        try:
            return self._store.query(query, substitutions=subs or None)
        except SyntaxError as exc:
            raise SparqlSyntaxError(str(exc)) from None

    def select(self, query: str, bindings: Mapping[str, Node] | None = None) -> SelectResult:
        import pyoxigraph as ox

        result = self._run(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise SmrKgError("not a SELECT query", exit_code=2)
        variables = [v.value for v in result.variables]
        rows = [tuple(_from_ox(sol[v]) for v in variables) for sol in result]
        return SelectResult(variables, rows)

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool:
        result = self._run(query, bindings)
        return bool(result)


class RdflibStore:
    """rdflib's SPARQL engine over an in-memory graph (the reference to compare against)."""

    engine = "rdflib"

    def __init__(self, graph: Graph) -> None:
        self._graph = graph

    @classmethod
    def from_graph(cls, graph: Graph) -> "RdflibStore":
        return cls(graph)

    def _run(self, query: str, bindings: Mapping[str, Node] | None):
        from pyparsing import ParseException

        try:
            return self._graph.query(query, initBindings=dict(bindings or {}))
        except ParseException as exc:
            raise SparqlSyntaxError(f"{exc.msg} at line {exc.lineno}, column {exc.col}") from None

    def select(self, query: str, bindings: Mapping[str, Node] | None = None) -> SelectResult:
        result = self._run(query, bindings)
        if result.type != "SELECT":
            raise SmrKgError("not a SELECT query", exit_code=2)
        variables = [str(v) for v in result.vars]
        rows = [tuple(_normalize(row[i]) for i in range(len(variables))) for row in result]
        return SelectResult(variables, rows)

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool:
        return bool(self._run(query, bindings).askAnswer)


class SparqlSyntaxError(SmrKgError):
    """The query text is not SPARQL 1.1 (exit code 2); the message has line and column."""

    def __init__(self, message: str) -> None:
        super().__init__(f"SPARQL syntax error: {message}", exit_code=2)


def open_store(engine: str = DEFAULT_ENGINE, dist: Path | None = None) -> Store:
    """The built graph behind ``engine``: the prebuilt oxigraph store, or rdflib over the Turtle."""
    dist = Path(dist) if dist else paths.dist_dir()
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    built = dist / paths.BUILT_TTL
    if not built.is_file():
        raise SmrKgError(f"no built graph at {built}: run `smr-kg build` first")
    if engine == "oxigraph" and (dist / paths.STORE_DIR).is_dir():
        return OxigraphStore.open(dist / paths.STORE_DIR)
    graph = Graph()
    graph.parse(built, format="turtle")
    return OxigraphStore.from_graph(graph) if engine == "oxigraph" else RdflibStore(graph)


def store_for_graph(graph: Graph, engine: str = DEFAULT_ENGINE) -> Store:
    """An in-memory store over ``graph`` (tests, user files, and the build's own checks)."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    return OxigraphStore.from_graph(graph) if engine == "oxigraph" else RdflibStore(graph)


def _to_ox(term: Node):
    import pyoxigraph as ox

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

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == str(XSD.string) else Literal(term.value, datatype=URIRef(datatype))
    raise SmrKgError(f"unexpected term from oxigraph: {term!r}")


def _normalize(term: Node | None) -> Node | None:
    """rdflib keeps xsd:string apart from plain literals; RDF 1.1 does not. Align with oxigraph."""
    if isinstance(term, Literal) and term.datatype == XSD.string and not term.language:
        return Literal(str(term))
    if isinstance(term, Literal) and term.datatype is not None and not term.language:
        return Literal(str(term), datatype=term.datatype)
    return term
