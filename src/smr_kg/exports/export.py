"""Exports other tools read unchanged: Turtle, N-Triples, JSON-LD 1.1, RDF/XML, OBO Graphs JSON.

This module chooses the graph (the asserted ontology or the built graph) and the format; the
writers are :mod:`smr_kg.rdf.serialize` and :mod:`smr_kg.rdf.canonical` (every RDF format from
the canonical form of the graph: stable blank-node labels, sorted subjects, predicates and
objects, so the same graph always gives the same bytes and a diff between two releases shows only
what changed) and :mod:`smr_kg.exports.obo` (OBO Graphs JSON, which reads the graph's claims as
knowledge and so sits above :mod:`smr_kg.knowledge`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node

from ..errors import InputError
from ..rdf.canonical import Canonical, to_ntriples
from ..rdf.serialize import to_jsonld, to_rdfxml, to_turtle

FORMATS: dict[str, str] = {
    "ttl": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD 1.1 (compacted, context embedded)",
    "xml": "RDF/XML",
    "obojson": "OBO Graphs JSON (for pronto, OAK and other OBO tools; built graph only)",
}
GRAPHS: dict[str, str] = {
    "ontology": "the asserted ontology (ontology/*.ttl)",
    "full": "the built graph: ontology + materialized edges + vocabulary mappings (dist/smr-kg.ttl)",
}

def load_graph(
    which: str = "full", dist: Path | None = None, ontology_dir: Path | None = None,
) -> Iterable[tuple[Node, Node, Node]]:
    """The triples to export: the asserted ontology, or the built graph from ``dist/``."""
    if which == "ontology":
        from ..stages.load import read_ontology

        return read_ontology(ontology_dir)
    if which == "full":
        from ..store.dist import current
        from ..stages.load import read_turtle

        return set(read_turtle(current(dist).read_turtle()))
    raise InputError(f"unknown graph {which!r} (choose from {', '.join(GRAPHS)})")


def serialize(graph: Graph | Iterable[tuple[Node, Node, Node]], fmt: str) -> bytes:
    """``graph`` in format ``fmt`` (a key of :data:`FORMATS`), as deterministic UTF-8 bytes."""
    writers: dict[str, Callable[[Canonical], str | bytes]] = {
        "ttl": to_turtle, "nt": to_ntriples, "jsonld": to_jsonld, "xml": to_rdfxml,
    }
    if fmt == "obojson":
        from .obo import to_obograph_json

        return to_obograph_json(graph).encode("utf-8")
    if fmt not in writers:
        raise InputError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    out = writers[fmt](Canonical(graph))
    return out if isinstance(out, bytes) else out.encode("utf-8")


def export(
    fmt: str, which: str = "full", output: Path | None = None,
    graph: Graph | Iterable[tuple[Node, Node, Node]] | None = None,
) -> bytes:
    """Serialize ``graph`` (default: the chosen graph, :func:`load_graph`); write it to ``output``
    when given (by the rules of :mod:`smr_kg.outputs`: atomic, never over an input or the build).
    Returns the bytes."""
    from ..outputs import Output

    if fmt == "obojson" and which != "full":
        raise InputError("OBO Graphs JSON is written from the built graph: use --graph full (the default)")
    target = Output(output) if output is not None else None
    data = serialize(graph if graph is not None else load_graph(which), fmt)
    if target is not None:
        target.write(data)
    return data


