"""The ``--input`` options that build, query and export share (not a command: the name starts with _)."""

from __future__ import annotations

import argparse

INPUT_FORMAT_CHOICES = ("ttl", "jsonld", "nt", "xml")  # smr_kg.stages.inputs.INPUT_FORMATS; not imported: rdflib


def add_input_arguments(parser: argparse.ArgumentParser, what: str, reasoner_switch: bool = True) -> None:
    """``--input FILE|DIR|-`` (repeatable), ``--input-format`` and, for commands that build in
    memory, ``--no-reasoner``."""
    parser.add_argument(
        "--input", "-i", action="append", default=[], metavar="FILE|DIR|-",
        help=f"your own Turtle, JSON-LD, N-Triples or RDF/XML file, claims table (.tsv), a directory "
        f"of them, or - for RDF on standard input; merged with the core ontology, reasoned and "
        f"validated {what} (repeatable)",
    )
    parser.add_argument("--input-format", choices=INPUT_FORMAT_CHOICES, default="ttl",
                        help="the format of - (standard input); files are recognised by suffix (default: ttl)")
    if reasoner_switch:
        parser.add_argument("--no-reasoner", action="store_true",
                            help="skip HermiT (no Java needed; no consistency check)")


def read(args: argparse.Namespace, extra: list[str] | None = None) -> list:
    """The :class:`smr_kg.stages.inputs.Extension` of every ``--input`` (and ``extra`` positional files)."""
    if not extra and not args.input:
        return []  # without inputs nothing to read: rdflib (what reads them) is not imported
    from ..stages.inputs import read_inputs

    return read_inputs([*(extra or []), *args.input], args.input_format)


def in_memory_graph(args: argparse.Namespace, extensions: list):
    """The core ontology with ``extensions``, built in memory (reasoned, materialized, validated)."""
    from ..build.pipeline import checked_graph

    graph, _ = checked_graph(reasoner=not args.no_reasoner, inputs=extensions)
    return graph
