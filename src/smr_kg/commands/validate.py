"""``smr-kg validate``: check the built graph, or your files merged with the ontology, against shapes/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._inputs import INPUT_FORMAT_CHOICES

FORMATS = ("human", "json", "ttl")  # smr_kg.validate.render; not imported here: the CLI starts without rdflib


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check the built graph, or your Turtle / JSON-LD files, against the SHACL shapes",
        description=(
            "Validate against the SHACL shapes in shapes/ (ontology QC, evidence completeness, "
            "domain integrity). Without FILE, validates the built graph (dist/smr-kg.ttl); with "
            "FILEs (- reads standard input), validates them merged with the ontology they extend. "
            "Exit codes: 0 passed, "
            "1 violations (or warnings with --strict), 2 bad input (unreadable file, syntax error)."
        ),
        epilog="examples: smr-kg validate my-causes.ttl --format json;  cat my.ttl | smr-kg validate -",
    )
    p.add_argument("files", nargs="*", metavar="FILE|DIR|-",
                   help="Turtle, JSON-LD, N-Triples or RDF/XML files or claims tables (.tsv), a directory "
                   "of them, or - for RDF on standard input, to validate with the ontology")
    p.add_argument("--input-format", choices=INPUT_FORMAT_CHOICES, default="ttl",
                   help="the format of - (standard input); files are recognised by suffix (default: ttl)")
    p.add_argument("--format", "-f", choices=FORMATS, default="human",
                   help="human (default: grouped by severity and shape, with fix hints), json, "
                        "ttl (the W3C SHACL validation report)")
    p.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    p.add_argument("--output", "-o", type=Path, default=None, metavar="PATH",
                   help="write the report to PATH (atomically) instead of standard output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import atomic
    from ..validate import render, validate_built, validate_files

    report = validate_files(args.files, input_format=args.input_format) if args.files else validate_built()
    text = render(report, args.format, strict=args.strict)
    if args.output:
        atomic.write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 1 if report.failed(strict=args.strict) else 0
