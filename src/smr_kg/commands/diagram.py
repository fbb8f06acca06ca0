"""``smr-kg diagram``: the pathway diagram (causes -> mechanisms -> SMR -> therapies)."""

from __future__ import annotations

import argparse
import sys

from ._options import add_format, add_output, open_output, output_format
from ._store import add_endpoint_options

FORMAT_NAMES = ("svg", "png", "dot", "mermaid")
SUFFIXES = {".svg": "svg", ".png": "png", ".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".mermaid": "mermaid"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diagram",
        help="draw the causal pathways: causes -> mechanisms -> SMR -> therapies",
        description="Draw the asserted causal and treatment edges of the graph, coloured by kind, "
        "labelled by relation and styled by evidence (dashed: no traceable reference). svg and png "
        "need the Graphviz `dot` program; dot and mermaid are text.",
    )
    p.add_argument("--focus", metavar="TERM", default=None,
                   help="draw only what is causally upstream or downstream of TERM (label, CURIE or IRI)")
    add_format(p, FORMAT_NAMES, "svg", "svg, png, dot or mermaid")
    add_output(p)
    add_endpoint_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..exports.diagram import diagram_bytes
    from ..errors import InputError
    from ..knowledge.facts import GraphFacts
    from ..sparql.resolve import resolve_term
    from ._store import open_from_args

    output = open_output(args)
    fmt = output_format(args, output, SUFFIXES)
    if fmt == "png" and output.is_stdout and sys.stdout.isatty():
        raise InputError("a PNG is binary: write it to a file with -o FILE")
    store = open_from_args(args)
    focus = resolve_term(store, args.focus) if args.focus else None
    output.write(diagram_bytes(GraphFacts.read(store).prefetch(), fmt, focus))
    return 0
