"""``smr-kg export``: the ontology or the built graph as Turtle, N-Triples, JSON-LD or RDF/XML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._inputs import add_input_arguments

FORMAT_CHOICES = ("ttl", "jsonld", "nt", "xml", "obojson")
GRAPH_CHOICES = ("ontology", "full")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write the graph as Turtle, JSON-LD, N-Triples, RDF/XML or OBO Graphs JSON (deterministic)",
        description="Export the asserted ontology or the built graph. The same input always gives "
        "byte-identical output (sorted, stable blank-node labels), so release diffs are readable.",
    )
    p.add_argument("--format", "-f", choices=FORMAT_CHOICES, default="ttl",
                   help="ttl (Turtle), jsonld (JSON-LD 1.1, context embedded), nt (N-Triples), "
                   "xml (RDF/XML, for Protégé and the OWL API), obojson (OBO Graphs JSON, for pronto "
                   "and OAK: each asserted relation once, codes as xrefs); default: ttl")
    p.add_argument("--graph", "-g", choices=GRAPH_CHOICES, default="full",
                   help="ontology: the asserted ontology/*.ttl; full: the built graph with materialized "
                   "edges and vocabulary mappings (needs `smr-kg build`); default: full")
    p.add_argument("-o", "--output", default=None,
                   help="write to FILE (atomically) instead of standard output")
    add_input_arguments(p, "in memory (with --graph ontology: only merged), instead of reading dist/")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..export import export
    from ._inputs import in_memory_graph, read

    if args.output is not None and args.output.endswith(("/", "\\")):
        raise InputError(f"{args.output} names a directory: give a file name for -o")
    output = Path(args.output) if args.output is not None else None
    extensions = read(args)
    graph = None
    if extensions:
        from ..inputs import combine
        from ..load import load_ontology

        graph = in_memory_graph(args, extensions) if args.graph == "full" else combine(load_ontology(), extensions)
    data = export(args.format, args.graph, output, graph=graph)
    if output is None:
        sys.stdout.write(data.decode("utf-8"))  # every format is UTF-8 text
    else:
        print(f"wrote {len(data)} bytes ({args.format}, graph {args.graph}) to {args.output}", file=sys.stderr)
    return 0
