"""Benchmark the named queries and the CLI start-up, in one run, as ratios against baselines.

1. Every named query (with the parameters of its header example) on the embedded default
   engine (pyoxigraph, the prebuilt on-disk store in dist/) and on rdflib's in-memory SPARQL
   over the same built graph: median latency of each and the ratio rdflib / pyoxigraph.
2. What a researcher feels: `smr-kg query causes-through --param mechanism="left ventricular
   dilation"` end to end as a subprocess (interpreter start, imports, opening the store,
   resolving the label, the query, the table), against `python -c pass` measured in the same
   run, with a breakdown of where the time goes.

Usage:  python benchmarks/bench_query.py [--dist DIR] [--repeat N]
Without a build in DIR (default: dist/), the ontology is built into a temporary directory first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADLINE = ["query", "causes-through", "--param", "mechanism=left ventricular dilation"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=None, help="a built dist/ directory (default: dist/)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per measurement (median is reported)")
    args = parser.parse_args()

    from smr_kg import paths

    dist = args.dist or paths.dist_dir()
    if not (dist / paths.BUILT_TTL).is_file():
        from smr_kg.build.pipeline import build

        dist = Path(tempfile.mkdtemp(prefix="smr-kg-bench-"))
        print(f"(no build in {args.dist or paths.dist_dir()}: building into {dist})", file=sys.stderr)
        build(dist=dist, reasoner=True)

    print(f"# smr-kg query benchmark ({time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, median of {args.repeat} runs)\n")
    engine_table(dist, args.repeat)
    cli_table(dist, args.repeat)
    return 0


def engine_table(dist: Path, repeat: int) -> None:
    import re

    from rdflib import Graph

    from smr_kg import paths
    from smr_kg.sparql.queries import list_queries
    from smr_kg.sparql.query import bind
    from smr_kg.store import open_store, store_for_graph

    started = time.perf_counter()
    oxigraph = open_store("oxigraph", dist)
    opened = time.perf_counter() - started
    started = time.perf_counter()
    rdflib = store_for_graph(Graph().parse(dist / paths.BUILT_TTL, format="turtle"), "rdflib")
    parsed = time.perf_counter() - started

    print("## Named queries: pyoxigraph (dist/store) vs rdflib in-memory SPARQL\n")
    print("| query | rows | pyoxigraph ms | rdflib ms | rdflib / pyoxigraph |")
    print("|---|---:|---:|---:|---:|")
    ratios = []
    for query in list_queries():
        first = query.example.splitlines()[0] if query.example else ""
        params = {n: q or b for n, q, b in re.findall(r'--param (\w+)=(?:"([^"]*)"|(\S+))', first)}
        times, rows = {}, 0
        for name, store in (("oxigraph", oxigraph), ("rdflib", rdflib)):
            bindings = bind(store, query, params)
            store.query(query.text, bindings, None)  # warm-up (parsing, caches)
            samples = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                result = store.query(query.text, bindings, None)
                samples.append(time.perf_counter() - t0)
            times[name] = statistics.median(samples)
            rows = len(result.rows) if not isinstance(result, bool) else 1
        ratio = times["rdflib"] / times["oxigraph"]
        ratios.append(ratio)
        print(f"| {query.name} | {rows} | {times['oxigraph'] * 1000:.1f} | {times['rdflib'] * 1000:.1f} | {ratio:.0f}x |")
    print(f"\nGeometric mean ratio: {statistics.geometric_mean(ratios):.0f}x "
          f"(range {min(ratios):.0f}x to {max(ratios):.0f}x). Opening dist/store: {opened * 1000:.0f} ms; "
          f"parsing dist/smr-kg.ttl for rdflib: {parsed * 1000:.0f} ms.\n")


def cli_table(dist: Path, repeat: int) -> None:
    env = {**os.environ, "SMR_KG_DIST": str(dist)}
    smr_kg = [sys.executable, "-m", "smr_kg.cli"]
    measurements = [
        ("`python -c pass` (baseline)", [sys.executable, "-c", "pass"]),
        ("`smr-kg --version` (CLI import only)", smr_kg + ["--version"]),
        ('`smr-kg query causes-through --param mechanism="left ventricular dilation"`', smr_kg + HEADLINE),
        ("same, `--format json`", smr_kg + HEADLINE + ["--format", "json"]),
        ("same, `--engine rdflib`", smr_kg + HEADLINE + ["--engine", "rdflib"]),
    ]
    print("## End to end, as a subprocess (what a researcher feels)\n")
    print("| command | median ms | x baseline |")
    print("|---|---:|---:|")
    baseline = None
    for label, command in measurements:
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            samples.append(time.perf_counter() - t0)
            if done.returncode != 0:
                raise SystemExit(f"{label} failed: {done.stderr.strip()}")
        median = statistics.median(samples)
        baseline = baseline or median
        print(f"| {label} | {median * 1000:.0f} | {median / baseline:.1f}x |")
    print()
    breakdown(dist, env)


def breakdown(dist: Path, env: dict) -> None:
    """Where the headline query's time goes, measured phase by phase in a fresh interpreter."""
    script = """
import time
t = [time.perf_counter()]
import smr_kg.cli; t.append(time.perf_counter())
import rdflib; t.append(time.perf_counter())
from smr_kg.store import open_store
from smr_kg.sparql.queries import find
from smr_kg.sparql.query import bind, render
store = open_store("oxigraph"); t.append(time.perf_counter())
query = find("causes-through")
bindings = bind(store, query, {"mechanism": "left ventricular dilation"}); t.append(time.perf_counter())
result = store.query(query.text, bindings, 10); t.append(time.perf_counter())
from smr_kg.rdf.prefixes import converter; converter(); t.append(time.perf_counter())
render(result, "table", store, bindings); t.append(time.perf_counter())
print(" ".join(f"{(b - a) * 1000:.0f}" for a, b in zip(t, t[1:])))
"""
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
    phases = ["import smr_kg.cli (argparse, commands)", "import rdflib (result terms)", "open dist/store",
              "resolve the label (reads all names once)", "run the query", "import curies (CURIEs in the table)",
              "render the table (labels)"]
    print("Breakdown of the headline query in one fresh interpreter (ms):\n")
    print("| phase | ms |")
    print("|---|---:|")
    for phase, ms in zip(phases, out.split()):
        print(f"| {phase} | {ms} |")


if __name__ == "__main__":
    sys.exit(main())
