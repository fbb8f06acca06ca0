"""``smr-kg queries``: list the named queries with the question each answers."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("queries", help="list the named queries and the questions they answer")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..queries import list_queries

    named = list_queries()
    width = max((len(q.name) for q in named), default=0)
    for q in named:
        params = ", ".join(p.name if p.required else f"[{p.name}]" for p in q.parameters or ())
        print(f"{q.name.ljust(width)}  {q.question or '(no question in the header)'}")
        if params:
            print(f"{''.ljust(width)}  parameters: {params}")
    print(f"\nrun one with: smr-kg query NAME [--param NAME=VALUE ...]  ({len(named)} queries in {named[0].path.parent if named else 'queries/'})")
    return 0
