"""``smr-kg build``: reason over the ontology (and your files), materialize edges and write dist/."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ._inputs import add_input_arguments


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="reason, materialize and write the built graph to dist/",
        description="Load the ontology (and your --input files), reason with HermiT, materialize the "
        "edges, validate with SHACL and write the built graph. Output: dist/ of a source checkout, "
        "else the per-user data directory (Linux: ~/.local/share/smr-kg/dist); --dist or SMR_KG_DIST "
        "choose another. Nothing is written if any step fails.",
        epilog="example: smr-kg build --input my-causes.ttl",
    )
    p.add_argument("--ontology", type=Path, default=None, help="directory of ontology *.ttl files (default: ontology/)")
    p.add_argument("--dist", type=Path, default=None,
                   help="output directory (default: dist/ of the checkout, else the per-user data directory)")
    p.add_argument("--no-reasoner", action="store_true", help="skip HermiT (no Java needed; no consistency check)")
    p.add_argument("--no-validate", action="store_true",
                   help="write dist/ even if the ontology violates a SHACL shape (then run `smr-kg validate`)")
    add_input_arguments(p, "into the built graph", reasoner_switch=False)
    p.add_argument("--format", "-f", choices=("text", "json"), default="text",
                   help="the summary as text (default) or as JSON (machine-readable)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..build import build
    from ._inputs import read

    report = build(args.ontology, args.dist, reasoner=not args.no_reasoner, validate=not args.no_validate,
                   inputs=read(args))
    if args.format == "json":
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(report.summary())
    return 0
