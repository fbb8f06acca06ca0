"""``smr-kg queries``: list the named queries with the question each answers."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("queries", help="list the named queries and the questions they answer")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text",
                   help="text (default) or JSON: name, question, parameters, example and file of each query")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..sparql.queries import list_queries

    named = list_queries()
    if not named:  # an installation without its data files, or an empty SMR_KG_ROOT
        from ..errors import InputError
        from ..paths import queries_dir

        raise InputError(f"{queries_dir()}: no named queries (*.rq) found: is smr-kg installed with its data files?")
    if args.format == "json":
        import json

        print(json.dumps([
            {
                "name": q.name, "question": q.question, "example": q.example, "path": str(q.path),
                "parameters": None if q.parameters is None else [p._asdict() for p in q.parameters],
            }
            for q in named
        ], indent=2, ensure_ascii=False))
        return 0
    width = max((len(q.name) for q in named), default=0)
    for q in named:
        params = ", ".join(p.name if p.required else f"[{p.name}]" for p in q.parameters or ())
        print(f"{q.name.ljust(width)}  {q.question or '(no question in the header)'}")
        if params:
            print(f"{''.ljust(width)}  parameters: {params}")
    print(f"\nrun one with: smr-kg query NAME [--param NAME=VALUE ...]  ({len(named)} queries in {named[0].path.parent})")
    return 0
