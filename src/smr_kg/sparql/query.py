"""Run a query with parameters and write its result in a standard format.

Parameters become RDF terms (resolved by :mod:`smr_kg.sparql.resolve`) bound through the store's
bindings, never text pasted into the query, so a value like ``x" } ; DROP ALL ; #`` is only ever
a label that does not exist. Formats:

* ``table`` -- for reading in a terminal: IRIs as CURIEs with their labels, long cells shortened;
* ``csv`` / ``tsv`` -- the W3C SPARQL 1.1 Query Results CSV and TSV formats;
* ``json`` -- the W3C SPARQL 1.1 Query Results JSON format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from ..errors import SmrKgError
from .queries import NamedQuery, Parameter
from .resolve import not_utf8
from ..store.base import QueryResult, SelectResult, Store
from ..rdf.terms import IRI, BNode, Literal

TYPE_CHECKING = False  # typing's constant without importing typing (4 ms of a fast query)
if TYPE_CHECKING:
    from ..store.ordering import Page
    from ..rdf.terms import Term

FORMATS = ("table", "csv", "tsv", "json")
DEFAULT_TIMEOUT = 10.0
"""Seconds. The slowest named query (causes-through) takes ~20 ms on pyoxigraph, ~3 s on rdflib."""
MAX_CELL = 72
"""Table cells (label and CURIE) longer than this are shortened (csv, tsv and json never are)."""
MAX_TEXT = 200
"""Literal table cells (chains, statements) may be longer before they are shortened."""


class ParameterError(SmrKgError):
    """A ``--param`` that the query does not take, or a required one missing (exit code 1)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=1)


def parse_params(pairs: list[str] | None) -> dict[str, str]:
    """``["name=value", ...]`` as a dict; malformed or repeated names are errors."""
    params: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ParameterError(f"bad --param {pair!r}: expected NAME=VALUE, e.g. mechanism=\"left ventricular dilation\"")
        if name in params:
            raise ParameterError(f"--param {name} is given twice")
        if not_utf8(value):
            raise ParameterError(f"--param {name}: the value is not valid UTF-8 text (check the terminal's or "
                                 "the script's encoding)")
        params[name] = value
    return params


def bind(store: Store, query: NamedQuery, given: Mapping[str, str]) -> dict[str, Term]:
    """The RDF term of every parameter: given values resolved, defaults filled in."""
    declared = {p.name: p for p in query.parameters or ()}
    if query.parameters is not None:
        unknown = sorted(set(given) - set(declared))
        if unknown:
            takes = ", ".join(declared) or "no parameters"
            raise ParameterError(f"{query.name} has no parameter {unknown[0]!r} (it takes: {takes})")
    bindings: dict[str, Term] = {}
    for name, value in given.items():
        parameter = declared.get(name) or Parameter(name, "term", "a term", required=False)
        if query.parameters is None and not re.search(rf"[?$]{name}\b", query.text):
            raise ParameterError(f"the query has no variable ?{name} to bind")
        bindings[name] = _term(store, parameter, value)
    for parameter in query.parameters or ():
        if parameter.name in bindings:
            continue
        if parameter.required:
            raise ParameterError(
                f"{query.name} needs --param {parameter.name}=VALUE ({parameter.accepts})"
            )
        if parameter.default is not None:
            bindings[parameter.name] = _term(store, parameter, parameter.default)
    return bindings


def run(store: Store, query: NamedQuery, given: Mapping[str, str] | None = None,
        timeout: float | None = DEFAULT_TIMEOUT) -> QueryResult:
    """Bind the parameters and evaluate ``query`` (SELECT rows or an ASK boolean)."""
    return store.query(query.text, bind(store, query, given or {}), timeout)


def render(result: QueryResult, fmt: str, store: Store | None = None,
           bindings: Mapping[str, Term] | None = None, page: Page | None = None, more: bool = False) -> str:
    """``result`` in ``fmt``; ``table`` looks labels up in ``store`` and shows the ``bindings``
    (the parameters) once above the rows instead of as constant columns, and, when ``result``
    is the ``page`` of an answer, which rows they are and whether ``more`` follow."""
    if fmt not in FORMATS:
        raise SmrKgError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})", exit_code=2)
    if fmt == "json":
        return to_json(result)
    if isinstance(result, bool):
        return "true\n" if result else "false\n"
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    from .resolve import display_labels

    # only IRIs have display labels (a bound literal or rdflib term would never be found)
    shown = {t for row in result.rows for t in row if isinstance(t, IRI)} | {
        t for t in (bindings or {}).values() if isinstance(t, IRI)}
    return to_table(result, display_labels(store, shown) if store is not None else {}, bindings, page, more)


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/)."""
    import json

    if isinstance(result, bool):
        return json.dumps({"head": {}, "boolean": result}, indent=2) + "\n"
    bindings = [
        {var: _json_term(term) for var, term in zip(result.variables, row) if term is not None}
        for row in result.rows
    ]
    document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_csv(result: SelectResult) -> str:
    """SPARQL 1.1 Query Results CSV: bare values, CRLF line ends (https://www.w3.org/TR/sparql11-results-csv-tsv/)."""
    return "".join(csv_lines(result))


def csv_lines(result: SelectResult) -> Iterator[str]:
    """:func:`to_csv` line by line, reading ``result.rows`` as it goes (they may be streamed)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else (f"_:{t}" if _kind(t) == "bnode" else str(t)) for t in row])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def to_tsv(result: SelectResult) -> str:
    """SPARQL 1.1 Query Results TSV: ?-prefixed header, terms in N-Triples syntax."""
    return "".join(tsv_lines(result))


def tsv_lines(result: SelectResult) -> Iterator[str]:
    """:func:`to_tsv` line by line, reading ``result.rows`` as it goes (they may be streamed)."""
    yield "\t".join(f"?{v}" for v in result.variables) + "\n"
    for row in result.rows:
        yield "\t".join("" if t is None else _nt(t) for t in row) + "\n"


LINES = {"csv": csv_lines, "tsv": tsv_lines}
"""The formats written row by row as the engine hands rows over (``smr-kg query`` streams them)."""


def to_table(result: SelectResult, names: Mapping[IRI, str],
             bindings: Mapping[str, Term] | None = None, page: Page | None = None, more: bool = False) -> str:
    """An aligned plain-text table: IRIs as ``label (CURIE)``, literals as their text.

    Long labels and texts are shortened with an ellipsis; a CURIE never is (it is the identifier).
    A column that only repeats a bound parameter is printed once, above the table.
    """
    constant = [
        i for i, var in enumerate(result.variables)
        if bindings and var in bindings and all(row[i] == bindings[var] for row in result.rows)
    ]
    caption = [f"{result.variables[i]} = {_cell(bindings[result.variables[i]], names)[0]}" for i in constant] if bindings else []
    keep = [i for i in range(len(result.variables)) if i not in constant]
    result = SelectResult([result.variables[i] for i in keep], [tuple(row[i] for i in keep) for row in result.rows])
    cells = [[_cell(t, names) for t in row] for row in result.rows]
    shortened = sum(c[1] for row in cells for c in row)
    texts = [[c[0] for c in row] for row in cells]
    header = list(result.variables)
    widths = [max([len(h)] + [len(row[i]) for row in texts]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in texts]
    note = _count_note(len(result.rows), page, more)
    if shortened:
        note += f"; {shortened} long value{'s' if shortened != 1 else ''} shortened (…): use --format csv or json for full values"
    head = "".join(f"{line}\n" for line in caption) + ("\n" if caption else "")
    return head + "\n".join(lines) + f"\n({note})\n"


def _count_note(count: int, page: Page | None, more: bool) -> str:
    """``3 rows``; for a page, which rows of the answer they are and the next page's --offset."""
    rows = f"{count} row{'s' if count != 1 else ''}"
    if page is None:
        return rows
    if not count:
        if more:
            return f"0 rows; the answer goes on: --offset {page.offset}"
        return f"0 rows: the answer has {page.offset} rows or fewer" if page.offset else rows
    last = page.offset + count
    where = f"row {last}" if count == 1 else f"rows {page.offset + 1}–{last}"
    return f"{where}; more with --offset {last}" if more else f"{where}, the last"


def _term(store: Store, parameter: Parameter, value: str) -> Term:
    from .resolve import resolve_term, to_iri

    if parameter.kind == "iri":
        return to_iri(value)
    return resolve_term(store, value)


def _kind(term: Term) -> str:
    """'uri', 'bnode' or 'literal' (the SPARQL results vocabulary)."""
    if isinstance(term, IRI):
        return "uri"
    if isinstance(term, BNode):
        return "bnode"
    if isinstance(term, Literal):
        return "literal"
    raise SmrKgError(f"cannot write {term!r} as a SPARQL result term")


def _json_term(term: Term) -> dict[str, str]:
    kind = _kind(term)
    out = {"type": kind, "value": str(term)}
    if isinstance(term, Literal):  # kind "literal"
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None:
            out["datatype"] = str(term.datatype)
    return out


def _nt(term: Term) -> str:
    """N-Triples form of a term, with tabs and newlines escaped as TSV requires."""
    _kind(term)  # refuses what is not an RDF term
    if isinstance(term, IRI):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = (
        str(term).replace("\\", "\\\\").replace('"', '\\"')
        .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype is not None:
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def _cell(term: Term | None, names: Mapping[IRI, str]) -> tuple[str, bool]:
    """The table text of ``term`` and whether it was shortened."""
    if term is None:
        return "", False
    _kind(term)  # refuses what is not an RDF term
    if isinstance(term, BNode):
        return f"_:{term}", False
    if isinstance(term, Literal):
        return _shorten(" ".join(str(term).split()), MAX_TEXT)
    from ..rdf.prefixmap import compress

    curie = compress(term)
    name = names.get(term)
    if not name:
        return curie, False
    label, cut = _shorten(" ".join(name.split()), max(MAX_CELL - len(curie) - 3, 16))
    return f"{label} ({curie})", cut


def _shorten(text: str, width: int) -> tuple[str, bool]:
    return (text, False) if len(text) <= width else (text[: width - 1] + "…", True)
