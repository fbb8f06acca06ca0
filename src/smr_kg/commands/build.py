"""``smr-kg build``: reason over the ontology, materialize edges and write dist/."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="reason, materialize and write the built graph to dist/")
    p.add_argument("--ontology", type=Path, default=None, help="directory of ontology *.ttl files (default: ontology/)")
    p.add_argument("--dist", type=Path, default=None, help="output directory (default: dist/)")
    p.add_argument("--no-reasoner", action="store_true", help="skip HermiT (no Java needed; no consistency check)")
    p.add_argument("--no-validate", action="store_true",
                   help="write dist/ even if the ontology violates a SHACL shape (then run `smr-kg validate`)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import time

    started = time.perf_counter()  # before the heavy imports: the printed time is the whole build
    from ..build import build

    report = build(args.ontology, args.dist, reasoner=not args.no_reasoner, validate=not args.no_validate,
                   started=started)
    print(report.summary())
    return 0
