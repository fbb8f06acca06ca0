"""``smr-kg validate``: check the built graph, or your files merged with the ontology, against shapes/."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._inputs import INPUT_FORMAT_CHOICES
from ._options import add_format, add_output, open_output, output_format

FORMATS = ("human", "json", "ttl")  # smr_kg.validate.gate.render; not imported here: the CLI starts without rdflib
SUFFIXES = {".json": "json", ".ttl": "ttl", ".txt": "human"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check the built graph, or your Turtle / JSON-LD files, against the SHACL shapes",
        description=(
            "Validate against the SHACL shapes in shapes/ (ontology QC, evidence completeness, "
            "domain integrity). Without FILE, validates the built graph (dist/smr-kg.ttl); with "
            "FILEs (- reads standard input), validates them merged with the ontology they extend. "
            "Exit codes: 0 passed, 1 violations (or warnings with --strict), 2 bad input (unreadable "
            "file, syntax error, too large)."
        ),
        epilog="examples: smr-kg validate my-causes.ttl --format json;  cat my.ttl | smr-kg validate -",
    )
    p.add_argument("files", nargs="*", metavar="FILE|DIR|-",
                   help="Turtle, JSON-LD, N-Triples or RDF/XML files or claims tables (.tsv), a directory "
                   "of them, or - for RDF on standard input, to validate with the ontology")
    p.add_argument("--input-format", choices=INPUT_FORMAT_CHOICES, default="ttl",
                   help="the format of - (standard input); files are recognised by suffix (default: ttl)")
    add_format(p, FORMATS, "human", "human (grouped by severity and shape, with fix hints), json, "
               "ttl (the W3C SHACL validation report)")
    p.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    p.add_argument("--max-size", type=float, default=None, metavar="MB",
                   help="refuse inputs larger than MB megabytes in total (default 64; SHACL needs "
                   "the whole graph in memory, about 40x the file size)")
    add_output(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..validate.gate import render, validate_built, validate_files

    output = open_output(args, inputs=[Path(f) for f in args.files if f != "-"])
    fmt = output_format(args, output, SUFFIXES)
    report = (validate_files(args.files, input_format=args.input_format, max_mb=args.max_size)
              if args.files else validate_built())
    output.write(render(report, fmt, strict=args.strict))
    return 1 if report.failed(strict=args.strict) else 0
