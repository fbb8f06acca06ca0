"""Benchmark: where `smr-kg build` spends its time, as ratios to loading the ontology.

Run: python benchmarks/bench_build.py [--repeat N]
Baseline (1.00x) is parsing ontology/*.ttl with rdflib, measured in the same run; each later
row is one step of the build (or the whole build) as a multiple of that baseline.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from smr_kg.build.pipeline import build, build_graph
from smr_kg.stages.load import load_ontology
from smr_kg.stages.materialize import materialize
from smr_kg.stages.reason import classify, java_available
from timing import print_ratios, timed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    graph = load_ontology()
    rows = [("load ontology (rdflib parse) [baseline]", timed(load_ontology, args.repeat))]
    if java_available():
        rows.append(("reason (HermiT via owlready2)", timed(lambda: classify(graph), args.repeat)))
    rows.append(("materialize edges", timed(lambda: materialize(graph), args.repeat)))
    rows.append(("build_graph, no reasoner", timed(lambda: build_graph(reasoner=False), args.repeat)))
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("build + write dist/, no reasoner",
                     timed(lambda: build(dist=Path(tmp), reasoner=False), args.repeat)))
        if java_available():
            rows.append(("build + write dist/, with HermiT",
                         timed(lambda: build(dist=Path(tmp), reasoner=True), args.repeat)))
    print_ratios(rows)


if __name__ == "__main__":
    main()
