"""Benchmark: `smr-kg validate` as the graph grows, and what validation adds to `smr-kg build`.

Run: python benchmarks/bench_validate.py [--sizes 1,10,100,1000] [--budget SECONDS]

Table 1 validates synthetic copies of the built graph: copy k renames every content term
(everything not declared in smr-core.ttl) to <IRI>-copy<k> and suffixes its labels, so the
copies are as valid as the original and share the upper model. The baseline (1.00x) is the
original (1 copy), measured in the same run. "x time / x size" near 1.0 means linear scaling.
Sizes whose predicted time (linear, from the largest size measured) exceeds what is left of
--budget are skipped and say so; raise --budget to measure them.

Table 2 compares the two ways to run the SHACL-SPARQL constraints on the 1x graph: pyshacl
runs each query once per focus node (sampled on 20 nodes per shape and extrapolated to all
its targets), smr-kg runs each once over the whole graph in pyoxigraph.

Table 3 compares the two engines for the SHACL Core shapes on 1 and 10 copies: pyshacl over the
rdflib graph (the reference) and the shapes compiled to SPARQL in pyoxigraph (what smr-kg runs).

Table 4 is `smr-kg build` with and without the validation gate (ratio to without).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SH

from smr_kg import paths
from smr_kg.build.pipeline import build, build_graph
from smr_kg.stages.load import load_files
from smr_kg.stages.reason import java_available
from smr_kg.store import store_for_graph
from smr_kg.validate.shacl_core import target_pattern
from smr_kg.validate.gate import load_shapes, validate_graph
from smr_kg.validate.engines import _prefix_lines


def synthetic_copies(built: Graph, copies: int) -> Graph:
    """``copies`` copies of the content of ``built`` around one shared upper model."""
    core = load_files([paths.ontology_dir() / "smr-core.ttl"])
    upper = {s for s in core.subjects() if isinstance(s, URIRef)}
    content = {s for s in built.subjects() if isinstance(s, URIRef) and s not in upper}
    graph = Graph()
    graph += built
    for k in range(1, copies):
        def rename(term):
            if isinstance(term, BNode):
                return BNode(f"{term}c{k}")
            return URIRef(f"{term}-copy{k}") if term in content else term

        for s, p, o in built:
            s2, o2 = rename(s), rename(o)
            if p == RDFS.label and s2 != s and isinstance(o, Literal):
                o2 = Literal(f"{o} (copy {k})", lang=o.language, datatype=o.datatype)
            graph.add((s2, p, o2))
    return graph


def scaling(built: Graph, shapes: Graph, sizes: list[int], budget: float) -> None:
    started = time.perf_counter()
    print(f"{'copies':>7} {'triples':>9} {'validate s':>11} {'x time':>8} {'x size':>8} {'x time / x size':>16}"
          f"   {'core s':>9} {'sparql s':>9} {'python s':>9}")
    base_seconds = base_triples = None
    per_triple = None
    for copies in sizes:
        expected_triples = len(built) * copies
        if per_triple is not None:
            predicted = per_triple * expected_triples
            left = budget - (time.perf_counter() - started)
            if predicted > left:
                print(f"{copies:>7} {expected_triples:>9,} skipped: predicted ~{predicted:.0f} s "
                      f"(generation + validation) > {max(left, 0):.0f} s left of --budget {budget:.0f}")
                continue
        begin = time.perf_counter()
        graph = synthetic_copies(built, copies)
        repeat = 5 if copies == 1 else 3 if copies <= 10 else 1
        reports = [validate_graph(graph, shapes) for _ in range(repeat)]
        report = min(reports, key=lambda r: r.seconds)
        if report.results:
            raise SystemExit(f"copies are expected to conform, got {len(report.results)} results")
        per_triple = (time.perf_counter() - begin) / repeat / len(graph) * 1.5  # generation + margin
        if base_seconds is None:
            base_seconds, base_triples = report.seconds, len(graph)
        x_time, x_size = report.seconds / base_seconds, len(graph) / base_triples
        t = report.timings
        print(f"{copies:>7} {len(graph):>9,} {report.seconds:>11.2f} {x_time:>7.1f}x {x_size:>7.1f}x "
              f"{x_time / x_size:>16.2f}   {t['core']:>9.2f} {t['sparql']:>9.2f} {t['python']:>9.3f}")
        del graph, reports


def sparql_engines(built: Graph, shapes: Graph, sample: int = 20) -> None:
    from pyshacl import validate

    store = store_for_graph(built)
    print(f"\n{'SHACL-SPARQL shape':28} {'targets':>8} {'pyshacl per node s':>19} {'smr-kg whole graph s':>21} {'ratio':>8}")
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        targets = sorted({row[0] for row in store.select(f"SELECT DISTINCT ?this WHERE {{ {target_pattern(shapes, shape)} }}").rows}, key=str)
        begin = time.perf_counter()
        query = _prefix_lines(shapes, constraint) + str(shapes.value(constraint, SH.select))
        store.select(query)
        whole = time.perf_counter() - begin
        focus = [t for t in targets if isinstance(t, URIRef)][:sample]
        begin = time.perf_counter()
        validate(built, shacl_graph=shapes, inference="none", use_shapes=[shape], focus_nodes=focus, inplace=True)
        per_node = (time.perf_counter() - begin) / max(len(focus), 1) * len(targets)
        name = str(shape).rsplit("/", 1)[-1]
        print(f"{name:28} {len(targets):>8} {per_node:>19.2f} {whole:>21.4f} {per_node / whole:>7.0f}x")


def core_engines(built: Graph, shapes: Graph) -> None:
    from smr_kg.validate.shacl_core import compile_shapes
    from smr_kg.validate.engines import _compiled_results, _core_results

    print(f"\n{'SHACL Core, copies':20} {'triples':>9} {'pyshacl s':>10} {'compiled SPARQL s':>18} {'ratio':>7}")
    checks, _ = compile_shapes(shapes)
    for copies in (1, 10):
        graph = synthetic_copies(built, copies)
        begin = time.perf_counter()
        reference = _core_results(graph, shapes)
        pyshacl_s = time.perf_counter() - begin
        begin = time.perf_counter()
        ours = _compiled_results(store_for_graph(graph), shapes, checks)  # loading the store included
        compiled_s = time.perf_counter() - begin
        if len(ours) != len(reference):
            raise SystemExit(f"the engines disagree: {len(ours)} vs {len(reference)} results")
        print(f"{copies:<20} {len(graph):>9,} {pyshacl_s:>10.2f} {compiled_s:>18.2f} {pyshacl_s / compiled_s:>6.1f}x")


def build_gate(repeat: int = 3) -> None:
    reasoner = java_available()

    def median(validate: bool) -> float:
        samples = []
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(repeat):
                begin = time.perf_counter()
                build(dist=Path(tmp), reasoner=reasoner, validate=validate)
                samples.append(time.perf_counter() - begin)
        return statistics.median(samples)

    without, with_gate = median(False), median(True)
    label = "with HermiT" if reasoner else "no reasoner (no Java)"
    print(f"\n{'smr-kg build (' + label + ')':40} {'median s':>9} {'ratio':>7}")
    print(f"{'--no-validate [baseline]':40} {without:>9.2f} {1:>6.2f}x")
    print(f"{'with the SHACL gate':40} {with_gate:>9.2f} {with_gate / without:>6.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,100,1000", help="numbers of copies (default 1,10,100,1000)")
    ap.add_argument("--budget", type=float, default=240.0,
                    help="seconds for the scaling table; larger sizes predicted to exceed it are skipped")
    args = ap.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    built, _ = build_graph(reasoner=False)
    shapes = load_shapes()
    scaling(built, shapes, sizes, args.budget)
    sparql_engines(built, shapes)
    core_engines(built, shapes)
    build_gate()


if __name__ == "__main__":
    main()
