"""The embedded engine: pyoxigraph, in memory or opened read-only from the store in ``dist/``.

Parameters are bound twice, with the same terms: as a ``VALUES`` block first in the query's
WHERE group (the form every query header tells users to paste into other stores) and as
pyoxigraph ``substitutions``. Why both: oxigraph plans its joins before it evaluates, and only a
VALUES block tells the planner that a variable is bound, so the walk starts from the parameter
(``causes-through`` at 100k triples: 0.15 s with substitutions alone, 0.4 ms with VALUES); but
the planner does not carry a VALUES binding into an OPTIONAL, a UNION branch or a sub-select,
where the substitution reaches at run time (the claim-evidence query of a card: 0.15 s with
VALUES alone, 0.013 s with both). Measured in ``benchmarks/bench_scaling.py``. Blank nodes
cannot be written in VALUES; they are only substituted.

A final ORDER BY of plain variables is taken off the query and done in Python
(:mod:`.ordering`: pyoxigraph's own sort made ``unmapped`` at 1M triples 4x slower), and a
``page`` converts only its own rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from ..errors import InputError, SmrKgError
from ..rdf.terms import IRI, BNode, Literal, Term, as_term, literal
from .base import (
    BindingError, Bindings, QueryForms, QueryResult, SelectResult, SparqlSyntaxError, UnsupportedQuery, first_line,
    chunks, run_with_timeout, stream_with_timeout,
)
from .ordering import Page, sort_solutions

TYPE_CHECKING = False  # typing's constant without importing typing (4 ms of a fast query)
if TYPE_CHECKING:
    from rdflib import Graph


STREAM_BATCH = 1000
"""Rows handed from the worker thread to the writer at a time (a handoff costs ~20 µs)."""


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
            raise SmrKgError(f"cannot open the store at {directory}: {first_line(exc)} (rebuild it with "
                             "`smr-kg build`)", exit_code=2) from None

    def graph_names(self) -> set[str]:
        return {g.value for g in self._store.named_graphs() if hasattr(g, "value")}

    @staticmethod
    def write_triples(triples: Iterable[tuple], directory: Path) -> None:
        """Create an on-disk store at ``directory`` holding ``triples`` (rdflib or light terms),
        without serializing them to text first: at 1M triples the N-Triples text alone took ~750 MB."""
        import pyoxigraph as ox

        converted: dict[object, object] = {}

        def term(node):
            found = converted.get(node)
            if found is None:
                found = converted[node] = to_ox(node)
            return found

        store = ox.Store(str(directory))
        store.bulk_extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in triples)
        store.flush()
        del store

    def query(self, query: str, bindings: Bindings | None = None, timeout: float | None = None,
              page: Page | None = None) -> QueryResult:
        result = run_with_timeout(lambda: self._evaluate(query, bindings, page), timeout)
        assert result is not None  # None only when the rows are emitted
        return result

    def stream(self, query: str, bindings: Bindings | None = None, timeout: float | None = None,
               page: Page | None = None) -> QueryResult:
        """As :meth:`query`, but a SELECT's rows are an iterator that yields them as the worker
        converts them, in batches (an ordered answer once it is sorted)."""
        return stream_with_timeout(lambda emit: self._evaluate(query, bindings, page, emit), timeout)

    def _evaluate(self, query: str, bindings: Bindings | None, page: Page | None,
                  emit: Callable[[object], None] | None = None) -> QueryResult | None:
        import pyoxigraph as ox

        terms = {name: _bindable(value) for name, value in (bindings or {}).items()}
        subs = {ox.Variable(name): to_ox(term) for name, term in terms.items()} or None
        self._guard(query)
        unordered, keys = _split_order(query)
        text = _with_values(unordered, terms)
        result = None
        rows: ox.QuerySolutions | list[tuple] | None = None
        try:
            try:
                result = self._store.query(text, substitutions=subs)
            except SyntaxError:
                if text is query:
                    raise
                # report the error at its place in the user's own text, not in the bound one
                keys, result = None, self._store.query(query, substitutions=subs)
            if isinstance(result, ox.QueryBoolean):
                return bool(result)
            if not isinstance(result, ox.QuerySolutions):
                raise UnsupportedQuery("only SELECT and ASK queries are supported, not CONSTRUCT or DESCRIBE")
            variables = [v.value for v in result.variables]
            rows = result
            if keys:
                rows = sort_solutions(variables, [tuple(s) for s in result], keys)
                if rows is None:  # values only the engine orders exactly: let it sort
                    rows = result = self._store.query(_with_values(query, terms), substitutions=subs)
            convert = _converter()
            selected = page.rows(rows) if page else rows
            if emit is None:
                return SelectResult(variables, [tuple(map(convert, s)) for s in selected])
            emit(variables)
            for batch in chunks(selected, STREAM_BATCH):
                emit([tuple(map(convert, s)) for s in batch])
            return None
        except SyntaxError as exc:
            raise SparqlSyntaxError(syntax_message(str(exc))) from None
        except (RuntimeError, ValueError, OSError) as exc:
            raise _engine_error(str(exc)) from None
        finally:
            # pyoxigraph objects must be dropped on the thread that made them (see run_with_timeout).
            del result, rows


def _split_order(query: str) -> tuple[str, list[tuple[str, bool]] | None]:
    """``query`` without a final ORDER BY that :mod:`.ordering` can apply, and its keys."""
    if "ORDER" not in query.upper():
        return query, None
    from ..rdf.sparqltext import split_order_by

    split = split_order_by(query)
    return split if split is not None else (query, None)


def _bindable(value) -> Term:
    try:
        return as_term(value)
    except TypeError:
        raise InputError(f"cannot bind {value!r}: not an RDF term") from None


def _with_values(query: str, terms: dict[str, Term]) -> str:
    """``query`` with its bindings as a VALUES block, or unchanged when there are none, one is a
    blank node, or the text has no WHERE group to put them in (the engine then says what is wrong)."""
    if not terms or any(isinstance(t, BNode) for t in terms.values()):
        return query
    from ..rdf.sparqltext import inject_values

    try:
        return inject_values(query, terms)
    except InputError:
        return query


def to_ox(term):
    """A light or rdflib term as pyoxigraph's, its lexical form kept as it is."""
    import pyoxigraph as ox

    if isinstance(term, (IRI, BNode, Literal)):
        language, datatype = getattr(term, "language", None), getattr(term, "datatype", None)
    elif type(term).__module__.startswith("rdflib"):
        from rdflib import BNode as RBNode, Literal as RLiteral, URIRef

        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, RBNode):
            return ox.BlankNode(str(term))
        if not isinstance(term, RLiteral):
            raise InputError(f"cannot bind {term!r}: not an RDF term")
        language, datatype = term.language, term.datatype
    else:
        raise InputError(f"cannot bind {term!r}: not an RDF term")
    if isinstance(term, IRI):
        return ox.NamedNode(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    if language:
        return ox.Literal(str(term), language=language)
    if datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))
    return ox.Literal(str(term))


@lru_cache(maxsize=1)
def _converter() -> Callable[[object], Term | None]:
    """The pyoxigraph -> light term converter (made on first use, when pyoxigraph is loaded anyway)."""
    import pyoxigraph as ox

    named, blank = ox.NamedNode, ox.BlankNode

    def convert(term) -> Term | None:
        kind = term.__class__
        if kind is named:
            return IRI(term.value)
        if term is None:
            return None
        if kind is blank:
            return BNode(term.value)
        language = term.language
        if language:
            return literal(term.value, language)
        return literal(term.value, None, term.datatype.value)

    return convert


def syntax_message(text: str) -> str:
    """'error at 2:12: expected one of …' -> 'line 2, column 12: …', first line, shortened."""
    import re

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


def _engine_error(text: str) -> SmrKgError:
    """An oxigraph error as the user's error: an unprojected binding, a damaged store, or else
    the query's own failure (all exit code 2 but the binding, a bad parameter: 1)."""
    import re

    match = re.search(r"variable \?(\w+) in its SELECT projection", text)
    if match:
        return BindingError(match.group(1))
    if re.search(r"Corruption|checksum|No such file|IO error", text):
        return SmrKgError(f"the store cannot be read ({first_line(text)}): rebuild it with `smr-kg build`", exit_code=2)
    return SmrKgError(f"the query failed: {first_line(text)}", exit_code=2)


__all__ = ["OxigraphStore", "syntax_message", "to_ox"]
