"""``smr-kg query``: run a named query (queries/*.rq) or a SPARQL file, with bound parameters."""

from __future__ import annotations

import argparse
import sys

from ..sparql.query import DEFAULT_TIMEOUT, FORMATS
from ..store import DEFAULT_ENGINE, ENGINES, SelectResult
from ._inputs import add_input_arguments
from ._store import add_endpoint_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "query",
        help="run a named query (see `smr-kg queries`) or your own SPARQL file",
        description=(
            "Run a named query or a SPARQL 1.1 SELECT/ASK file over the built graph. Parameter "
            "values may be a label or synonym (case-insensitive), a CURIE (smr:AtrialFibrillation, "
            "SNOMEDCT:49436004) or a full IRI; they are bound as RDF terms, never pasted into the "
            "query. Exit codes: 0 ok, 1 no such query or bad parameter, 2 syntax error, timeout, a "
            "SERVICE/FROM that would use the network (see --allow-network), or a bad option (e.g. a "
            "negative --limit)."
        ),
        epilog='example: smr-kg query causes-through --param mechanism="left ventricular dilation"',
    )
    p.add_argument("query", metavar="NAME|FILE.rq", help="a name from `smr-kg queries`, or a path to a .rq file")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                   help="bind the query variable ?NAME (repeatable)")
    p.add_argument("--format", "-f", choices=FORMATS, default="table",
                   help="table (default, for reading), csv / tsv / json (W3C SPARQL 1.1 result formats; csv "
                   "and tsv are written row by row as the engine hands the rows over)")
    p.add_argument("--limit", type=_count, default=None, metavar="N",
                   help="print at most N rows of the ordered answer (0: the header only)")
    p.add_argument("--offset", type=_count, default=0, metavar="K",
                   help="skip the first K rows: --limit 50 --offset 100 prints rows 101-150, and the "
                   "table names the --offset of the next page. Pages are cut from the answer in its "
                   "ORDER BY order, so they concatenate to the whole answer on every engine; an "
                   "ORDER BY needs the whole answer before its first row, so each page of an ordered "
                   "query costs the whole evaluation (docs/queries.md)")
    p.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"stop a query that runs longer (default {DEFAULT_TIMEOUT:g}; 0 = no limit)")
    p.add_argument("--engine", choices=ENGINES, default=None,
                   help=f"SPARQL engine over the local build (default {DEFAULT_ENGINE}, the prebuilt store in dist/)")
    p.add_argument("--allow-network", action="store_true",
                   help="let the query's SERVICE and FROM clauses reach other endpoints and documents "
                   "(refused by default: smr-kg works offline)")
    add_limit_options(p)
    add_endpoint_options(p)
    add_input_arguments(p, "in memory, instead of reading dist/ (nothing is written)")
    p.set_defaults(func=run)


def add_limit_options(p: argparse.ArgumentParser) -> None:
    """The query size limits (smr_kg.rdf.sparql_limits): past them a query is refused, not run."""
    from ..rdf.sparql_limits import CEILINGS, DEFAULT_LIMITS, OPTIONS

    for field, what in (("depth", "nesting depth of { }, ( ) and [ ]"), ("branches", "UNION branches"),
                        ("length", "characters of query text")):
        default, ceiling = getattr(DEFAULT_LIMITS, field), getattr(CEILINGS, field)
        p.add_argument(OPTIONS[field], type=_bounded(ceiling), default=default, metavar="N", dest=f"max_query_{field}",
                       help=f"refuse a query with more than N {what} (default {default}, at most {ceiling}): "
                            "larger queries crash the engines")


def limits_from(args: argparse.Namespace):
    from ..rdf.sparql_limits import Limits

    return Limits(args.max_query_depth, args.max_query_branches, args.max_query_length)


def _bounded(ceiling: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
        if not 1 <= value <= ceiling:
            raise argparse.ArgumentTypeError(f"must be 1 to {ceiling} (beyond it the engines crash), not {value}")
        return value

    return parse


def run(args: argparse.Namespace) -> int:
    from ..sparql.queries import find
    from ..sparql.query import LINES, bind, parse_params, render
    from ..errors import InputError
    from ..store import store_for_graph
    from ..store.ordering import Page
    from ._inputs import in_memory_graph, read
    from ._store import open_from_args

    if args.engine and args.endpoint:
        raise InputError("--engine and --endpoint exclude each other: the endpoint runs its own engine")
    named = find(args.query)
    params = parse_params(args.param)
    if args.input and args.endpoint:
        raise InputError("--input and --endpoint exclude each other: your files are built in memory, not sent to the endpoint")
    extensions = read(args)
    engine = args.engine or DEFAULT_ENGINE
    store = store_for_graph(in_memory_graph(args, extensions), engine) if extensions else open_from_args(args, engine)
    store.allow_network = args.allow_network
    store.limits = limits_from(args)
    bindings = bind(store, named, params)
    page = Page(args.offset, args.limit) if args.limit is not None or args.offset else None
    if args.format in LINES:  # rows are written as the engine hands them over
        result = store.stream(named.text, bindings, args.timeout or None, page)
        for text in LINES[args.format](result) if isinstance(result, SelectResult) else [render(result, args.format)]:
            sys.stdout.write(text)
        return 0
    if page is None:
        result = store.query(named.text, bindings, args.timeout or None)
        sys.stdout.write(render(result, args.format, store, bindings))
        return 0
    # one row past the page says whether another page follows
    ahead = Page(args.offset, None if args.limit is None else args.limit + 1)
    result = store.query(named.text, bindings, args.timeout or None, ahead)
    more = isinstance(result, SelectResult) and args.limit is not None and len(result.rows) > args.limit
    if more and isinstance(result, SelectResult):
        result.rows = result.rows[: args.limit]
    sys.stdout.write(render(result, args.format, store, bindings, page, more))
    return 0


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of rows: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more rows, not {text}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or a positive number of seconds, not {text}")
    return value
