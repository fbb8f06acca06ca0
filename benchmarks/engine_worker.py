"""Worker of the scaling benchmark: every named query on one engine, in one process.

Run by ``bench_scaling.py`` as ``python benchmarks/engine_worker.py ENGINE DIST`` in a child process
per engine and graph size, so the graph is loaded once (rdflib parses the Turtle; oxigraph opens
``dist/store``) and each query is timed in the same process as its alternatives:

* ``bound``: the query as ``smr-kg query`` runs it (parameters bound as RDF terms);
* ``values``: the portable form the ``.rq`` headers tell users to paste into other stores, one
  ``VALUES ?name { term }`` line per parameter as the first line inside ``WHERE {``.

Both must give the same number of rows. Prints one JSON object per line; a query that runs past
``--cap`` is reported as capped and the worker exits (its abandoned thread would keep a core
busy), so the caller restarts it with the remaining queries.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path


def example_params(example: str | None) -> dict[str, str]:
    """The ``--param`` values of a query header's first example line."""
    first = example.splitlines()[0] if example else ""
    return {n: q or b for n, q, b in re.findall(r'--param (\w+)=(?:"([^"]*)"|(\S+))', first)}


def values_form(text: str, bindings: dict) -> str:
    """``text`` with one VALUES line per binding inserted as the first line inside ``WHERE {``."""
    if not bindings:
        return text
    # the header comment says "WHERE { }" too: search the text with comment lines blanked out
    body = re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group()), text)
    where = re.search(r"\bWHERE\s*\{", body, re.IGNORECASE)
    if where is None:
        raise ValueError("the query has no WHERE {")
    from smr_kg.rdf.sparqltext import sparql_term  # the stores return light terms, not rdflib's

    lines = "".join(f"\n  VALUES ?{name} {{ {sparql_term(term)} }}" for name, term in bindings.items())
    return text[: where.end()] + lines + text[where.end():]


def timed(work, repeat: int) -> tuple[float, object]:
    """Median seconds of ``repeat`` calls (one call when the first takes over a second)."""
    samples, result = [], None
    for i in range(repeat):
        started = time.perf_counter()
        result = work()
        samples.append(time.perf_counter() - started)
        if samples[0] > 1.0:
            break
    return statistics.median(samples), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("engine", choices=("oxigraph", "rdflib"))
    ap.add_argument("dist", type=Path)
    ap.add_argument("--only", default="", help="comma-separated query names (default: all)")
    ap.add_argument("--cap", type=float, default=60.0, help="seconds one query may take")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from smr_kg.sparql.queries import list_queries
    from smr_kg.sparql.query import bind
    from smr_kg.store import QueryTimeout, open_store

    started = time.perf_counter()
    store = open_store(args.engine, args.dist)
    print(json.dumps({"load": time.perf_counter() - started}), flush=True)
    wanted = set(filter(None, args.only.split(",")))
    for query in list_queries():
        if wanted and query.name not in wanted:
            continue
        started = time.perf_counter()
        bindings = bind(store, query, example_params(query.example))
        resolve = time.perf_counter() - started
        row = {"query": query.name, "resolve": resolve}
        try:
            for form, text, given in (("bound", query.text, bindings),
                                      ("values", values_form(query.text, bindings), None)):
                seconds, result = timed(lambda: store.query(text, given, args.cap), args.repeat)
                row[form] = seconds
                row[f"{form}_rows"] = len(result.rows) if not isinstance(result, bool) else 1
        except QueryTimeout:
            row["capped"] = True
            print(json.dumps(row), flush=True)
            return 3
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
