"""``smr-kg path FROM [TO]``: every causal chain between two terms, each step with its sources."""

from __future__ import annotations

import argparse

from ._store import add_endpoint_options

DEFAULT_TARGET = "smr:SecondaryMitralRegurgitation"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "path",
        help="every causal chain from a condition or mechanism to SMR (or any node), with sources",
        description="Every causal chain FROM -> TO over the direct edges acts through / leads to / "
        "causes or contributes to, each step with the sources and evidence type of its claim. "
        "Only accepted claims are walked unless --include-contested is given (then held-out steps "
        "are flagged). Terms are labels, synonyms, CURIEs or IRIs.",
    )
    p.add_argument("source", metavar="FROM", help='where chains start, e.g. "atrial fibrillation"')
    p.add_argument("target", metavar="TO", nargs="?", default=DEFAULT_TARGET,
                   help=f"where chains end (default: {DEFAULT_TARGET})")
    p.add_argument("--format", choices=("tree", "json"), default="tree", help="terminal tree (default) or JSON")
    p.add_argument("--include-contested", action="store_true",
                   help="also walk held-out claims (contested, hypothesis, unsupported), flagged as such")
    p.add_argument("--max-paths", type=int, default=None, metavar="N",
                   help="stop after N chains (default: 500); the output says when it stopped early")
    add_endpoint_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from ..knowledge.facts import GraphFacts
    from ..knowledge.pathways import DEFAULT_MAX_PATHS, causal_paths, paths_json, render_tree
    from ..sparql.resolve import resolve_term
    from ._store import open_from_args

    store = open_from_args(args)
    start, end = resolve_term(store, args.source), resolve_term(store, args.target)
    facts = GraphFacts.read(store)
    limit = args.max_paths if args.max_paths is not None else DEFAULT_MAX_PATHS
    result = causal_paths(facts, start, end, limit, held_out=args.include_contested)
    if args.format == "json":
        print(json.dumps(paths_json(result, facts), indent=2, ensure_ascii=False))
    else:
        print(render_tree(result, facts), end="")
    return 0
