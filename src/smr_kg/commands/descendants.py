"""``smr-kg descendants TERM``: the named classes below a term of the graph, as OAK's ``descendants``."""

from __future__ import annotations

import argparse

from ._hierarchy import add_options, write


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "descendants",
        help="the named classes below a term (rdfs:subClassOf of the built graph)",
        description="The named subclasses of TERM in the built graph (the reasoner's inferred links "
        "included), by label. TERM is a label, synonym, CURIE or IRI.",
    )
    p.add_argument("term", metavar="TERM", help='e.g. "secondary mitral regurgitation" or smr:SecondaryMitralRegurgitation')
    add_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..knowledge.hierarchy import descendants
    from ._store import open_from_args

    _, rows = descendants(open_from_args(args), args.term)
    write(rows, args.format)
    return 0
