"""``smr-kg query``: run a named query (queries/*.rq) or a SPARQL file, with bound parameters."""

from __future__ import annotations

import argparse
import sys

from ..query import DEFAULT_TIMEOUT, FORMATS
from ..store import DEFAULT_ENGINE, ENGINES
from ._store import add_endpoint_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "query",
        help="run a named query (see `smr-kg queries`) or your own SPARQL file",
        description=(
            "Run a named query or a SPARQL 1.1 SELECT/ASK file over the built graph. Parameter "
            "values may be a label or synonym (case-insensitive), a CURIE (smr:AtrialFibrillation, "
            "SNOMEDCT:49436004) or a full IRI; they are bound as RDF terms, never pasted into the "
            "query. Exit codes: 0 ok, 1 no such query or bad parameter, 2 syntax error, timeout, or a "
            "SERVICE/FROM that would use the network (see --allow-network)."
        ),
        epilog='example: smr-kg query causes-through --param mechanism="left ventricular dilation"',
    )
    p.add_argument("query", metavar="NAME|FILE.rq", help="a name from `smr-kg queries`, or a path to a .rq file")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                   help="bind the query variable ?NAME (repeatable)")
    p.add_argument("--format", "-f", choices=FORMATS, default="table",
                   help="table (default, for reading), csv / tsv / json (W3C SPARQL 1.1 result formats)")
    p.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"stop a query that runs longer (default {DEFAULT_TIMEOUT:g}; 0 = no limit)")
    p.add_argument("--engine", choices=ENGINES, default=None,
                   help=f"SPARQL engine over the local build (default {DEFAULT_ENGINE}, the prebuilt store in dist/)")
    p.add_argument("--allow-network", action="store_true",
                   help="let the query's SERVICE and FROM clauses reach other endpoints and documents "
                   "(refused by default: smr-kg works offline)")
    add_endpoint_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..queries import find
    from ..query import bind, parse_params, render
    from ..errors import InputError
    from ._store import open_from_args

    if args.engine and args.endpoint:
        raise InputError("--engine and --endpoint exclude each other: the endpoint runs its own engine")
    named = find(args.query)
    params = parse_params(args.param)
    store = open_from_args(args, args.engine or DEFAULT_ENGINE)
    store.allow_network = args.allow_network
    bindings = bind(store, named, params)
    result = store.query(named.text, bindings, args.timeout or None)
    sys.stdout.write(render(result, args.format, store, bindings))
    return 0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or a positive number of seconds, not {text}")
    return value
