"""Benchmark `smr-kg patients`: linking + evaluation on generated patients, against baselines.

Generates patients with a realistic mix of cardiac codes (SNOMED CT and ICD-10-CM codes below the
mapped ones, history-of-MI situations, resolved conditions, unmapped comorbidities) and echo
observations (LVEF in % or as a fraction, LVESD in mm or cm, PASP, a few unit slips and impossible
values), then measures, each as a separate process so peak memory (max RSS) is its own:

  1. embedded, FHIR Bundles (one file per patient): `smr-kg patients bundles/ --format csv`;
  2. embedded, FHIR NDJSON at 1x and 10x the patients: memory must stay bounded as input grows;
  3. baseline: the same linking and criterion checks as SPARQL in rdflib (patients loaded as RDF
     next to the graph: code -> concept through the SKOS mappings and rdfs:subClassOf, latest
     measurement per observable, comparison with each criterion) - in the same run, on
     --baseline-patients patients because rdflib holds everything in memory;
  4. Spark local (pyspark, local[*]) on the NDJSON at 1x and 10x, when pyspark and Java are present.
Reports patients/s, peak RSS, and ratios to the baseline.

Usage:  python benchmarks/bench_patients.py [--patients 100000] [--scale 10] [--baseline-patients 10000]
                                            [--no-spark] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONDITIONS = [  # (system, code, weight): the mix a cardiology population's records hold
    ("http://snomed.info/sct", "401303003", 4), ("http://snomed.info/sct", "401314000", 4),
    ("http://snomed.info/sct", "22298006", 3), ("http://snomed.info/sct", "399211009", 6),
    ("http://snomed.info/sct", "88805009", 8), ("http://snomed.info/sct", "84114007", 4),
    ("http://snomed.info/sct", "49436004", 6), ("http://snomed.info/sct", "440059007", 2),
    ("http://snomed.info/sct", "282825002", 3), ("http://snomed.info/sct", "233873004", 1),
    ("http://snomed.info/sct", "64715009", 3), ("http://snomed.info/sct", "53741008", 6),
    ("http://hl7.org/fhir/sid/icd-10-cm", "I21.4", 2), ("http://hl7.org/fhir/sid/icd-10-cm", "I25.10", 3),
    ("http://hl7.org/fhir/sid/icd-10-cm", "I42.0", 2), ("http://hl7.org/fhir/sid/icd-10-cm", "I48.91", 3),
    ("http://snomed.info/sct", "38341003", 20), ("http://snomed.info/sct", "44054006", 10),
]


def generate(n: int, seed: int = 13):
    """Yield (patient id, [resources]) for ``n`` patients, deterministic for a seed."""
    rng = random.Random(seed)
    codes = [(s, c) for s, c, w in CONDITIONS for _ in range(w)]
    for i in range(n):
        pid = f"gen-{i:08d}"
        ref = {"reference": f"Patient/{pid}"}
        resources = [{"resourceType": "Patient", "id": pid}]
        for j in range(rng.choice((0, 1, 1, 2, 2, 3))):
            system, code = rng.choice(codes)
            status = "resolved" if rng.random() < 0.05 else "active"
            resources.append({"resourceType": "Condition", "id": f"{pid}-c{j}", "subject": ref,
                              "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": status}]},
                              "code": {"coding": [{"system": system, "code": code}]},
                              "onsetDateTime": f"20{rng.randint(10, 22)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"})
        for j in range(rng.choice((0, 1, 1, 2, 3))):
            year = 2015 + j * 2 + rng.randint(0, 1)
            lvef = rng.gauss(45, 14)
            obs = [("http://loinc.org", "10230-1", *((round(lvef / 100, 2), "1") if rng.random() < 0.15 else (round(lvef, 1), "%"))),
                   ("http://loinc.org", "29438-9", *((round(rng.gauss(48, 10) / 10, 1), "cm") if rng.random() < 0.3 else (round(rng.gauss(48, 10)), "mm")))]
            if rng.random() < 0.4:
                obs.append(("https://w3id.org/smr-kg/", "PulmonaryArterySystolicPressure", round(rng.gauss(45, 15)), "mm[Hg]"))
            if rng.random() < 0.01:
                obs[0] = ("http://loinc.org", "10230-1", round(lvef / 100, 2), "%")  # a unit slip
            if rng.random() < 0.005:
                obs[0] = ("http://loinc.org", "10230-1", 135, "%")  # impossible
            for k, (system, code, value, unit) in enumerate(obs):
                resources.append({"resourceType": "Observation", "id": f"{pid}-o{j}{k}", "status": "final", "subject": ref,
                                  "code": {"coding": [{"system": system, "code": code}]},
                                  "effectiveDateTime": f"{year}-06-01",
                                  "valueQuantity": {"value": value, "system": "http://unitsofmeasure.org", "code": unit}})
        yield pid, resources


def write_bundles(n: int, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for pid, resources in generate(n):
        bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
        sub = directory / pid[-3:]
        sub.mkdir(exist_ok=True)
        (sub / f"{pid}.json").write_text(json.dumps(bundle))


def write_ndjson(n: int, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    handles = {t: open(directory / f"{t}.ndjson", "w") for t in ("Patient", "Condition", "Observation")}
    try:
        for _, resources in generate(n):
            for r in resources:
                handles[r["resourceType"]].write(json.dumps(r) + "\n")
    finally:
        for h in handles.values():
            h.close()


def run_measured(argv: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in MiB) of a child process, from wait4's rusage."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{err[-2000:]}")
    return seconds, usage.ru_maxrss // 1024


def _baseline_child(n: int) -> None:
    """The same linking and quantitative checks as SPARQL over rdflib (no UCUM: values the
    generator wrote in another unit than the criterion's are skipped, which favours the baseline)."""
    from rdflib import Graph, Literal, Namespace, URIRef

    from smr_kg import paths

    smr = Namespace("https://w3id.org/smr-kg/")
    graph = Graph()
    graph.parse(paths.dist_dir() / paths.BUILT_TTL, format="turtle")
    prefixes = {"http://snomed.info/sct": "http://snomed.info/id/", "http://loinc.org": "http://loinc.org/rdf/",
                "http://hl7.org/fhir/sid/icd-10-cm": "http://purl.bioontology.org/ontology/ICD10CM/",
                "https://w3id.org/smr-kg/": "https://w3id.org/smr-kg/"}
    for pid, resources in generate(n):
        p = URIRef(f"urn:p:{pid}")
        for r in resources[1:]:
            coding = r["code"]["coding"][0]
            node = URIRef(f"urn:p:{pid}:{r['id']}")
            graph.add((p, smr.hasFinding, node))
            graph.add((node, smr.recordCode, URIRef(prefixes[coding["system"]] + coding["code"])))
            if r["resourceType"] == "Observation":
                graph.add((node, smr.observedValue, Literal(float(r["valueQuantity"]["value"]))))
                graph.add((node, smr.ucumUnit, Literal(r["valueQuantity"]["code"])))
                graph.add((node, smr.date, Literal(r["effectiveDateTime"])))
    causes = graph.query("""
        PREFIX smr: <https://w3id.org/smr-kg/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?p ?concept WHERE {
          ?p smr:hasFinding/smr:recordCode ?code .
          ?concept skos:exactMatch|skos:closeMatch|skos:narrowMatch ?code .
          ?concept smr:causallyUpstreamOf smr:SecondaryMitralRegurgitation .
        }""")
    criteria = graph.query("""
        PREFIX smr: <https://w3id.org/smr-kg/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?criterion ?code ?cmp ?limit ?unit WHERE {
          ?rec smr:hasCriterion ?criterion .
          ?criterion smr:criterionObservable ?obs ; smr:comparator ?cmp ; smr:value ?limit ; smr:ucumUnit ?unit .
          { ?obs skos:exactMatch|skos:closeMatch ?code } UNION { BIND(?obs AS ?code) }
        }""")
    verdicts = []
    for criterion, code, cmp, limit, unit in criteria:  # one query per criterion: rdflib cannot plan the join
        rows = graph.query("""PREFIX smr: <https://w3id.org/smr-kg/>
            SELECT ?p ?v ?d WHERE { ?f smr:recordCode ?code ; smr:ucumUnit ?unit ; smr:observedValue ?v ; smr:date ?d .
                                    ?p smr:hasFinding ?f }""", initBindings={"code": code, "unit": unit})
        latest: dict = {}
        for p, v, d in rows:
            if p not in latest or str(d) > latest[p][1]:
                latest[p] = (float(v), str(d))
        ops = {">=": float.__ge__, "<=": float.__le__, "<": float.__lt__, ">": float.__gt__}
        verdicts += [(p, criterion, ops[str(cmp)](v, float(limit))) for p, (v, _) in latest.items()]
    print(len(list(causes)), len(list(verdicts)), file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--scale", type=int, default=10, help="the NDJSON growth factor (10: 1x and 10x)")
    parser.add_argument("--baseline-patients", type=int, default=10_000)
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--baseline-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_child is not None:
        _baseline_child(args.baseline_child)
        return 0

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-patients-"))
    cli = [sys.executable, "-m", "smr_kg.cli", "patients"]
    n, big = args.patients, args.patients * args.scale
    rows: list[tuple[str, int, float, int]] = []

    def measure(name: str, patients: int, argv: list[str]) -> None:
        seconds, rss = run_measured(argv)
        rows.append((name, patients, seconds, rss))
        print(f"  {name}: {patients} patients in {seconds:.1f} s ({patients / seconds:,.0f}/s), peak {rss} MiB", flush=True)

    print(f"generating {n} bundles, NDJSON of {n} and {big} patients in {work} ...", flush=True)
    write_bundles(n, work / "bundles")
    write_ndjson(n, work / "ndjson-1x")
    write_ndjson(big, work / "ndjson-10x")
    measure("baseline: rdflib + SPARQL", args.baseline_patients,
            [sys.executable, __file__, "--baseline-child", str(args.baseline_patients)])
    measure("embedded, Bundles", n, cli + [str(work / "bundles"), "--format", "csv", "-o", str(work / "out.csv"), "--quiet"])
    measure("embedded, NDJSON 1x", n, cli + [str(work / "ndjson-1x"), "--format", "csv", "-o", str(work / "out.csv"), "--quiet"])
    measure(f"embedded, NDJSON {args.scale}x", big, cli + [str(work / "ndjson-10x"), "--format", "csv", "-o", str(work / "out.csv"), "--quiet"])
    if not args.no_spark and shutil.which("java"):
        for label, directory, count in (("1x", "ndjson-1x", n), (f"{args.scale}x", "ndjson-10x", big)):
            measure(f"Spark local[*], NDJSON {label}", count, cli + [str(work / directory), "--engine", "spark", "--format",
                                                                     "csv", "-o", str(work / "out.csv"), "--quiet"])
    base_rate = rows[0][1] / rows[0][2]
    print(f"\n{'run':34} {'patients':>9} {'s':>8} {'patients/s':>11} {'x baseline':>11} {'peak MiB':>9}")
    for name, patients, seconds, rss in rows:
        rate = patients / seconds
        print(f"{name:34} {patients:9d} {seconds:8.1f} {rate:11,.0f} {rate / base_rate:10.1f}x {rss:9d}")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
