"""``smr-kg export``: the ontology or the built graph as Turtle, N-Triples, JSON-LD or RDF/XML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._inputs import add_input_arguments
from ._options import add_format, add_output, open_output, output_format

FORMAT_CHOICES = ("ttl", "jsonld", "nt", "xml", "obojson")
GRAPH_CHOICES = ("ontology", "full")
SUFFIXES = {".ttl": "ttl", ".turtle": "ttl", ".jsonld": "jsonld", ".nt": "nt", ".rdf": "xml", ".owl": "xml", ".xml": "xml"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write the graph as Turtle, JSON-LD, N-Triples, RDF/XML or OBO Graphs JSON (deterministic)",
        description="Export the asserted ontology or the built graph. The same input always gives "
        "byte-identical output (sorted, stable blank-node labels), so release diffs are readable.",
    )
    add_format(p, FORMAT_CHOICES, "ttl", "ttl (Turtle), jsonld (JSON-LD 1.1, context embedded), "
               "nt (N-Triples), xml (RDF/XML, for Protégé and the OWL API), obojson (OBO Graphs JSON, "
               "for pronto and OAK: each relation once, codes as xrefs)")
    p.add_argument("--graph", "-g", choices=GRAPH_CHOICES, default="full",
                   help="ontology: the asserted ontology/*.ttl; full: the built graph with materialized "
                   "edges and vocabulary mappings (needs `smr-kg build`); default: full")
    add_output(p)
    add_input_arguments(p, "in memory (with --graph ontology: only merged), instead of reading dist/")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..exports.export import export
    from ._inputs import in_memory_graph, read

    output = open_output(args, inputs=[Path(f) for f in args.input if f != "-"])
    fmt = output_format(args, output, SUFFIXES)
    extensions = read(args)
    graph = None
    if extensions:
        from ..stages.inputs import combine
        from ..stages.load import read_ontology

        graph = in_memory_graph(args, extensions) if args.graph == "full" else combine(read_ontology(), extensions)
    data = export(fmt, args.graph, graph=graph)
    output.write(data)
    if not output.is_stdout:
        print(f"wrote {len(data)} bytes ({fmt}, graph {args.graph}) to {output.name}", file=sys.stderr)
    return 0
