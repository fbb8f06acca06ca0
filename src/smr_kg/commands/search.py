"""``smr-kg search TEXT``: terms of the graph by label or synonym, best first, as OAK's ``search``."""

from __future__ import annotations

import argparse

from ._hierarchy import add_options, write


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "search",
        help="terms whose label or exact synonym is closest to TEXT, best first",
        description="Terms of the built graph whose label or exact synonym is closest to TEXT (a name "
        "containing TEXT ranks high), best first, with their CURIE.",
    )
    p.add_argument("text", metavar="TEXT", help='e.g. "dilated" or "TEER"')
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N terms (default 20)")
    add_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..knowledge.hierarchy import search
    from ..sparql.resolve import check_length
    from ._store import open_from_args

    if args.limit < 1:
        raise InputError(f"--limit must be at least 1 (got {args.limit})")
    check_length(args.text)
    rows = search(open_from_args(args), args.text, args.limit)
    if not rows:
        raise InputError(f"no term of the graph is named like {args.text!r}")
    write(rows, args.format)
    return 0
