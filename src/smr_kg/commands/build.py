"""``smr-kg build``: reason over the ontology (and your files), materialize edges and write dist/."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ._inputs import add_input_arguments


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build", help="reason, materialize and write the built graph to dist/",
        description="Load the ontology (and your --input files), reason with HermiT, materialize the "
        "edges, validate with SHACL and write the built graph into dist/ as one unit: a new build "
        "directory switched in atomically, so a failed or interrupted build leaves the previous one "
        "whole. dist/ is that of a source checkout, else the per-user data directory (Linux: "
        "~/.local/share/smr-kg/dist); --dist or SMR_KG_DIST choose another, which must be a new or "
        "empty directory or an earlier smr-kg build; nothing else in it is touched.",
        epilog="example: smr-kg build --input my-cause.ttl --input my-claims.tsv",
    )
    p.add_argument("--ontology", type=Path, default=None, help="directory of ontology *.ttl files (default: ontology/)")
    p.add_argument("--dist", type=Path, default=None,
                   help="output directory (default: dist/ of the checkout, else the per-user data directory)")
    p.add_argument("--no-reasoner", action="store_true",
                   help="skip HermiT (no Java needed): the class hierarchy then comes from the shipped "
                   "ontology/reasoner/inferred.ttl when it matches the ontology; otherwise inferred "
                   "classes are missing and every command says so")
    p.add_argument("--no-validate", action="store_true",
                   help="write dist/ even if the ontology violates a SHACL shape (then run `smr-kg validate`)")
    p.add_argument("--update-inferences", action="store_true",
                   help="also rewrite ontology/reasoner/inferred.ttl from HermiT's result (after "
                   "changing the ontology's logical axioms; needs Java)")
    add_input_arguments(p, "into the built graph", reasoner_switch=False)
    p.add_argument("--format", "-f", choices=("text", "json"), default="text",
                   help="the summary as text (default) or as JSON (machine-readable)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import time

    started = time.perf_counter()  # before the heavy imports: the printed time is the whole build
    from ..build.pipeline import build
    from ._inputs import read

    report = build(args.ontology, args.dist, reasoner=not args.no_reasoner, validate=not args.no_validate,
                   update_inferences=args.update_inferences, started=started, inputs=read(args))
    if args.format == "json":
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(report.summary())
    return 0
