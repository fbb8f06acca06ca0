"""``smr-kg ancestors TERM``: the named classes above a term of the graph, as OAK's ``ancestors``."""

from __future__ import annotations

import argparse

from ._hierarchy import add_options, write


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ancestors",
        help="the named classes above a term (rdfs:subClassOf of the built graph)",
        description="The named superclasses of TERM in the built graph (the reasoner's inferred links "
        "included), by label. TERM is a label, synonym, CURIE or IRI.",
    )
    p.add_argument("term", metavar="TERM", help='e.g. "secondary mitral regurgitation" or smr:SecondaryMitralRegurgitation')
    add_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..knowledge.hierarchy import ancestors
    from ._store import open_from_args

    _, rows = ancestors(open_from_args(args), args.term)
    write(rows, args.format)
    return 0
