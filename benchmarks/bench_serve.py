"""Load on `smr-kg serve` over loopback: 8 clients x 200 queries, latency p50/p99, errors.

The query mix is every named query with its header example bound (the texts the query page
offers), round-robin. Measured in one run:

1. baseline: the same mix one query at a time on pyoxigraph in this process (no HTTP);
2. `smr-kg serve` started as its own process (`--port 0 --quiet`), asked by CLIENTS threads of
   this process, each sending QUERIES POSTs and waiting for each answer (closed loop);
3. optionally the same load on other endpoints that hold the build (`--endpoint NAME=URL`,
   `--graph IRI` for their default-graph-uri), e.g. Oxigraph server or Virtuoso.

Reported: p50 / p99 / max latency, throughput, errors (anything but HTTP 200 with a body), and
p50 as a ratio of the in-process baseline. The load is bounded in count (CLIENTS x QUERIES) and
in time (--max-seconds), and goes to 127.0.0.1 only.

Usage:  python benchmarks/bench_serve.py [--clients 8] [--queries 200] [--workers N]
            [--endpoint oxigraph-server=http://127.0.0.1:7878/query --graph IRI]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--queries", type=int, default=200, help="queries per client")
    parser.add_argument("--workers", type=int, default=0, help="serve's worker processes (default: its own)")
    parser.add_argument("--max-seconds", type=float, default=600, help="stop the load after this long")
    parser.add_argument("--endpoint", action="append", default=[], metavar="NAME=URL",
                        help="also load this SPARQL endpoint (loopback only)")
    parser.add_argument("--graph", default=None, help="default-graph-uri for the --endpoint servers")
    args = parser.parse_args()

    from smr_kg import paths
    from smr_kg.sparql.queries import list_queries
    from smr_kg.serve.server import example_queries
    from smr_kg.store import open_store

    dist = paths.dist_dir()
    if not (dist / paths.STORE_DIR).is_dir():
        from smr_kg.build.pipeline import build

        dist = Path(tempfile.mkdtemp(prefix="smr-kg-bench-"))
        build(dist=dist, reasoner=False)
    store = open_store("oxigraph", dist)
    mix = [e["query"] for e in example_queries(store, list_queries())]
    print(f"# smr-kg serve load benchmark ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, "
          f"{args.clients} clients x {args.queries} queries, mix of {len(mix)} named queries)\n")

    baseline = in_process(store, mix, repeat=max(1, args.clients * args.queries // len(mix) // 4))
    rows = [("pyoxigraph in-process, sequential (baseline)", baseline, 0, len(baseline), sum(baseline))]
    url, server = start_serve(dist, args.workers)
    try:
        rows.append(("smr-kg serve" + (f" --workers {args.workers}" if args.workers else ""),
                     *load(url, None, mix, args)))
    finally:
        server.terminate()
        server.wait(30)
    for spec in args.endpoint:
        name, _, endpoint = spec.partition("=")
        if urllib.parse.urlsplit(endpoint).hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit(f"--endpoint {endpoint}: loopback addresses only")
        rows.append((name, *load(endpoint, args.graph, mix, args)))
    report(rows)
    return 0


def in_process(store, mix: list[str], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        for text in mix:
            started = time.perf_counter()
            store.query(text)
            samples.append(time.perf_counter() - started)
    return samples


def start_serve(dist: Path, workers: int) -> tuple[str, subprocess.Popen]:
    command = [sys.executable, "-m", "smr_kg.cli", "serve", "--port", "0", "--quiet"]
    command += ["--workers", str(workers)] if workers else []
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "SMR_KG_DIST": str(dist)})
    line = server.stderr.readline()
    if "SPARQL endpoint at " not in line:
        server.kill()
        sys.exit(f"smr-kg serve did not start: {line}")
    return line.split("SPARQL endpoint at ")[1].split()[0].rstrip(","), server


def load(url: str, graph: str | None, mix: list[str], args) -> tuple[list[float], int, int, float]:
    """CLIENTS threads x QUERIES closed-loop POSTs; (latencies, errors, sent, wall seconds)."""
    latencies: list[float] = []
    errors = [0]
    sent = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + args.max_seconds

    def client(offset: int) -> None:
        for i in range(args.queries):
            if time.monotonic() > deadline:
                return
            fields = {"query": mix[(offset + i) % len(mix)]} | ({"default-graph-uri": graph} if graph else {})
            request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST",
                                             headers={"Accept": "application/sparql-results+json"})
            started = time.perf_counter()
            ok = False
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    ok = response.status == 200 and bool(response.read())
            except OSError:
                pass
            elapsed = time.perf_counter() - started
            with lock:
                sent[0] += 1
                latencies.append(elapsed)
                errors[0] += 0 if ok else 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n * 3,)) for n in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], sent[0], time.perf_counter() - started


def percentile(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1] if len(samples) > 1 else samples[0]


def report(rows) -> None:
    base = statistics.median(rows[0][1])
    print(f"{'target':46} {'queries':>7} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'q/s':>7} {'p50 x base':>10}")
    for name, samples, errors, sent, wall in rows:
        p50 = statistics.median(samples)
        print(f"{name:46} {sent:7d} {errors:6d} {p50 * 1000:8.1f} {percentile(samples, 99) * 1000:8.1f} "
              f"{max(samples) * 1000:8.1f} {sent / wall:7.0f} {p50 / base:9.1f}x")


if __name__ == "__main__":
    sys.exit(main())
