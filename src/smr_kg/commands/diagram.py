"""``smr-kg diagram``: the pathway diagram (causes -> mechanisms -> SMR -> therapies)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
    p.add_argument("--format", choices=FORMAT_NAMES, default=None,
                   help="svg, png, dot or mermaid (default: from the -o suffix, else svg)")
    p.add_argument("-o", "--output", type=Path, default=None, help="write to FILE (atomically) instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import atomic
    from ..diagram import diagram_bytes
    from ..errors import InputError
    from ..pathways import GraphFacts
    from ..resolve import resolve_term
    from ..store import open_store

    fmt = args.format or (SUFFIXES.get(args.output.suffix.lower()) if args.output else None) or "svg"
    if fmt == "png" and args.output is None and sys.stdout.isatty():
        raise InputError("a PNG is binary: write it to a file with -o FILE")
    store = open_store()
    focus = resolve_term(store, args.focus) if args.focus else None
    data = diagram_bytes(GraphFacts.read(store), fmt, focus)
    if args.output:
        atomic.write_bytes(args.output, data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
