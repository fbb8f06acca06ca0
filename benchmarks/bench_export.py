"""Benchmark: the deterministic exports, as ratios to rdflib's own (non-deterministic) Turtle writer.

Run: python benchmarks/bench_export.py [--repeat N]   (needs `smr-kg build` first)
Baseline (1.00x) is rdflib serializing the built graph as Turtle, measured in the same run. The
row "rdflib.compare.to_canonical_graph" is the alternative way to stable blank-node labels that
smr_kg.exports.export.Canonical replaces; it is timed once (it is slow) on the same graph.
"""

from __future__ import annotations

import argparse

from smr_kg.exports.export import Canonical, load_graph, serialize
from timing import print_ratios, timed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from rdflib import Graph

    triples = load_graph("full")  # the exporters' input: the triples of dist/smr-kg.ttl
    graph = Graph()
    for triple in triples:
        graph.add(triple)  # the same triples as an rdflib graph, for rdflib's writer and compare
    rows = [("rdflib Turtle writer (labels not stable) [baseline]", timed(lambda: graph.serialize(format="turtle"), args.repeat))]
    rows.append(("Canonical(graph): stable blank-node labels", timed(lambda: Canonical(triples), args.repeat)))
    for fmt in ("ttl", "nt", "xml", "jsonld"):
        rows.append((f"smr-kg export --format {fmt} (canonical + write)", timed(lambda f=fmt: serialize(triples, f), args.repeat)))
    from rdflib.compare import to_canonical_graph

    rows.append(("rdflib.compare.to_canonical_graph (alternative)", timed(lambda: to_canonical_graph(graph), 1)))
    print(f"built graph: {len(graph)} triples")
    print_ratios(rows)


if __name__ == "__main__":
    main()
