"""The scale path, measured: the graph plus N synthetic patients in a real store, and two joins.

A researcher's patients live in their own graph and point at clinical codes; smr-kg links codes
to its concepts (skos:exactMatch) and concepts to SMR (the materialized smr:causallyUpstreamOf
closure, so the join needs no property path). This script makes N patients (each: a type, one
to three SNOMED CT condition codes drawn from the graph's own mappings plus codes it does not
map, an LVEF value), loads them and the built graph into each store, and times:

  Q1  patients per cause of SMR: patient -> code -> concept -> causally upstream of SMR
  Q2  a TEER screen: patients with the code SMR falls under (SNOMED CT 48724000, mitral valve
      regurgitation: SMR has no code of its own) whose LVEF is within the guideline's TEER
      criteria (the criterion values read from the graph)

Stores: pyoxigraph in this process (the baseline: what `smr-kg` embeds), and any of Oxigraph
server (`--oxigraph URL`, loaded over the Graph Store Protocol) and Virtuoso (`--virtuoso URL`
with `--isql PORT` and `--load-dir DIR` in its DirsAllowed: loaded by its bulk loader,
ld_dir + rdf_loader_run). Named graphs keep the data apart; the queries use GRAPH, so they
need no default-graph settings. Loopback only; one run per size (sizes are the arguments).

Usage:  python benchmarks/bench_scale.py 10000 100000 [--oxigraph http://127.0.0.1:7878]
            [--virtuoso http://127.0.0.1:8890 --isql 1111 --load-dir /var/lib/virtuoso/load]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

SMR_GRAPH = "https://w3id.org/smr-kg/smr.owl"
PATIENT_GRAPH = "https://example.org/smr-kg-bench/patients"
EX = "https://example.org/smr-kg-bench/"
PREFIXES = """PREFIX smr: <https://w3id.org/smr-kg/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX ex: <https://example.org/smr-kg-bench/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
Q1 = PREFIXES + f"""SELECT ?cause (COUNT(DISTINCT ?patient) AS ?patients) WHERE {{
  GRAPH <{SMR_GRAPH}> {{
    ?cause skos:exactMatch ?code ;
           smr:causallyUpstreamOf smr:SecondaryMitralRegurgitation .
  }}
  GRAPH <{PATIENT_GRAPH}> {{ ?patient ex:hasCondition ?code }}
}} GROUP BY ?cause ORDER BY DESC(?patients) ?cause"""
Q2 = PREFIXES + f"""SELECT (COUNT(DISTINCT ?patient) AS ?patients) WHERE {{
  GRAPH <{SMR_GRAPH}> {{
    ?low smr:criterionObservable smr:LeftVentricularEjectionFraction ; smr:comparator ">=" ; smr:value ?min .
    ?high smr:criterionObservable smr:LeftVentricularEjectionFraction ; smr:comparator "<=" ; smr:value ?max .
    ?recommendation smr:recommendedIntervention smr:TranscatheterEdgeToEdgeRepair ;
                    smr:hasCriterion ?low , ?high .
    smr:SecondaryMitralRegurgitation skos:broadMatch ?code .
  }}
  GRAPH <{PATIENT_GRAPH}> {{
    ?patient ex:hasCondition ?code ; ex:lvef ?lvef .
  }}
  # One numeric type on both sides: Virtuoso 7.2.5 compares an xsd:integer with an xsd:decimal
  # from another pattern wrongly (35 patients instead of 173 at 10,000); the casts are standard.
  FILTER(xsd:decimal(?lvef) >= xsd:decimal(?min) && xsd:decimal(?lvef) <= xsd:decimal(?max))
}}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="+", help="numbers of patients, one run each")
    parser.add_argument("--oxigraph", default=None, help="Oxigraph server base URL")
    parser.add_argument("--virtuoso", default=None, help="Virtuoso HTTP base URL")
    parser.add_argument("--isql", default=None, help="Virtuoso's SQL port, for the bulk loader")
    parser.add_argument("--load-dir", type=Path, default=None, help="a directory in Virtuoso's DirsAllowed")
    parser.add_argument("--password", default=os.environ.get("SMR_KG_PASSWORD", "dba"))
    args = parser.parse_args()
    for url in filter(None, (args.oxigraph, args.virtuoso)):
        if urllib.parse.urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit(f"{url}: loopback addresses only")

    from smr_kg.exports.publish import built_ntriples

    graph_nt, graph_triples, _ = built_ntriples()
    codes = mapped_codes(graph_nt)
    print(f"# scale benchmark ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs): built graph "
          f"{graph_triples} triples, {len(codes)} SNOMED CT codes mapped (exact or broad)\n")
    print(f"{'store':16} {'patients':>9} {'triples':>10} {'load s':>8} {'triples/s':>10} {'Q1 ms':>8} {'Q2 ms':>8} "
          f"{'Q1 rows':>7} {'Q2 n':>8}  answers")
    work = Path(args.load_dir or tempfile.mkdtemp(prefix="smr-kg-scale-"))
    for size in args.sizes:
        data = patients(size, codes)
        triples = data.count(b"\n")
        path = work / f"patients-{size}.nt"
        path.write_bytes(data)
        results = [("pyoxigraph", *embedded(graph_nt, path))]
        if args.oxigraph:
            results.append(("oxigraph-server", *oxigraph_server(args.oxigraph, graph_nt, data)))
        if args.virtuoso and args.isql:
            results.append(("virtuoso", *virtuoso(args, graph_nt, path)))
        reference = results[0][4:]
        for name, load_s, q1, q2, rows, count in results:
            same = "same" if (rows, count) == reference else "DIFFERENT from pyoxigraph"
            print(f"{name:16} {size:9d} {triples:10d} {load_s:8.1f} {triples / load_s:10.0f} "
                  f"{q1 * 1000:8.1f} {q2 * 1000:8.1f} {len(rows):7d} {count:8d}  {same}")
        path.unlink()
    return 0


def mapped_codes(graph_nt: bytes) -> list[str]:
    markers = (b"core#exactMatch> <http://snomed.info/id/", b"core#broadMatch> <http://snomed.info/id/")
    return sorted({line.split(b" ")[2].decode()[1:-1] for line in graph_nt.splitlines() if any(m in line for m in markers)})


def patients(n: int, codes: list[str]) -> bytes:
    """N-Triples of ``n`` patients (seeded: the same data for the same size)."""
    rng = random.Random(n)
    unmapped = [f"http://snomed.info/id/{900000000 + i}" for i in range(200)]  # codes the graph does not map
    lines = []
    for i in range(n):
        patient = f"<{EX}patient/{i}>"
        lines.append(f"{patient} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EX}Patient> .")
        for _ in range(rng.randint(1, 3)):
            code = rng.choice(codes) if rng.random() < 0.3 else rng.choice(unmapped)
            lines.append(f"{patient} <{EX}hasCondition> <{code}> .")
        lines.append(f'{patient} <{EX}lvef> "{rng.randint(10, 70)}"^^<http://www.w3.org/2001/XMLSchema#integer> .')
    return ("\n".join(lines) + "\n").encode()


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    runs = [timed(fn) for _ in range(repeat)]
    return min(r[0] for r in runs), runs[0][1]


def embedded(graph_nt: bytes, path: Path):
    import pyoxigraph as ox

    store = ox.Store()
    load_s, _ = timed(lambda: (store.bulk_load(graph_nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(SMR_GRAPH)),
                               store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(PATIENT_GRAPH))))
    q1, rows = best_of(lambda: list(store.query(Q1)))
    q2, count = best_of(lambda: list(store.query(Q2)))
    return load_s, q1, q2, sorted((r[0].value, int(r[1].value)) for r in rows), int(count[0][0].value)


def http(url: str, data: bytes | None = None, method: str = "GET", headers: dict | None = None) -> bytes:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=3600) as response:
        return response.read()


def remote_query(url: str, text: str) -> list[dict]:
    import json

    body = http(url, urllib.parse.urlencode({"query": text}).encode(), "POST",
                {"Accept": "application/sparql-results+json"})
    return json.loads(body)["results"]["bindings"]


def oxigraph_server(base: str, graph_nt: bytes, data: bytes):
    store = base.rstrip("/") + "/store?graph="
    nt = {"Content-Type": "application/n-triples"}

    def load() -> None:
        http(store + urllib.parse.quote(SMR_GRAPH, safe=""), graph_nt, "PUT", nt)
        http(store + urllib.parse.quote(PATIENT_GRAPH, safe=""), data, "PUT", nt)

    load_s, _ = timed(load)
    query = base.rstrip("/") + "/query"
    q1, rows = best_of(lambda: remote_query(query, Q1))
    q2, count = best_of(lambda: remote_query(query, Q2))
    http(store + urllib.parse.quote(PATIENT_GRAPH, safe=""), method="DELETE")
    return load_s, q1, q2, _cohorts(rows), int(count[0]["patients"]["value"])


def _cohorts(bindings: list[dict]) -> list[tuple[str, int]]:
    return sorted((b["cause"]["value"], int(b["patients"]["value"])) for b in bindings)


def virtuoso(args, graph_nt: bytes, path: Path):
    graph_file = path.with_name("smr-kg.nt")
    graph_file.write_bytes(graph_nt)

    def isql(statement: str) -> None:
        subprocess.run(["isql-vt", str(args.isql), "dba", args.password, f"exec={statement}"],
                       check=True, capture_output=True, timeout=3600)

    isql(f"SPARQL CLEAR GRAPH <{SMR_GRAPH}>; SPARQL CLEAR GRAPH <{PATIENT_GRAPH}>; DELETE FROM DB.DBA.load_list;")
    load_s, _ = timed(lambda: isql(
        f"ld_dir('{path.parent}', '{graph_file.name}', '{SMR_GRAPH}'); "
        f"ld_dir('{path.parent}', '{path.name}', '{PATIENT_GRAPH}'); rdf_loader_run(); checkpoint;"))
    query = args.virtuoso.rstrip("/") + "/sparql"
    q1, rows = best_of(lambda: remote_query(query, Q1))
    q2, count = best_of(lambda: remote_query(query, Q2))
    isql(f"SPARQL CLEAR GRAPH <{PATIENT_GRAPH}>; DELETE FROM DB.DBA.load_list;")
    graph_file.unlink()
    return load_s, q1, q2, _cohorts(rows), int(count[0]["patients"]["value"])


if __name__ == "__main__":
    sys.exit(main())
