"""Benchmark: how every command scales, from the shipped graph to ~1000x its size.

Run: python benchmarks/bench_scaling.py [--scales 1,10,100,300] [--cap SECONDS] [--out FILE.md]

For each scale k a synthetic extension (benchmarks/synthetic.py) is added to the shipped
ontology so that the built graph has about k times the shipped graph's triples (300x is about
1M triples, 1000x about 3.4M). Then, each in a fresh interpreter as a user runs it:
build (without and with HermiT), validate, every named query with its header's example
parameters, lookup, path, answer, and every export format. Each cell is the wall time and its
ratio to the same step on the shipped graph (1x) in the same run; peak memory (RSS) is that of
the step's process. A second table runs every named query in one process per engine
(``engine_worker.py``): pyoxigraph vs rdflib, and the portable ``VALUES`` form vs the bound form.
A step predicted (linearly from the previous scale) to exceed ``--cap`` is skipped; a step that
reaches the cap is stopped. Small scales are repeated and the median is reported.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from engine_worker import example_params  # noqa: E402
from measure import Run, median_run, run  # noqa: E402
from synthetic import build_input  # noqa: E402

LOOKUP = "SNOMEDCT:49436004"
PATH_FROM = "atrial fibrillation"
EXPORTS = ("ttl", "nt", "jsonld", "xml")


@dataclass
class Cell:
    """One step at one scale."""

    run: Run | None = None
    note: str = ""
    """Why there is no run (skipped), or what went wrong."""


@dataclass
class Scale:
    factor: int
    causes: int
    triples: int = 0
    dist: Path | None = None
    cells: dict[str, Cell] = field(default_factory=dict)
    engines: dict[str, dict[str, dict]] = field(default_factory=dict)
    """engine -> query -> the worker's row (load time under the key "")."""


SCRIPT = Path(sys.executable).with_name("smr-kg")
SMR_KG = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "smr_kg.cli"]
"""The command as users run it: the installed console script (``-m`` adds runpy's imports)."""


def steps(scale: Scale, work: Path) -> list[tuple[str, list[str]]]:
    """(name, smr-kg arguments) of every step, in order; the first build writes the dist."""
    from smr_kg.sparql.queries import list_queries

    ontology = work / f"input-{scale.factor}x"
    out = [
        ("build --no-reasoner", ["build", "--ontology", str(ontology), "--dist", str(scale.dist), "--no-reasoner"]),
        ("build (HermiT)", ["build", "--ontology", str(ontology), "--dist", str(work / "dist-hermit")]),
        ("validate", ["validate"]),
    ]
    for query in list_queries():
        params = [f"--param={k}={v}" for k, v in example_params(query.example).items()]
        out.append((f"query {query.name}", ["query", query.name, *params]))
    out += [
        (f"lookup {LOOKUP}", ["lookup", LOOKUP]),
        (f"path \"{PATH_FROM}\"", ["path", PATH_FROM]),
        ("answer causes", ["answer", "causes"]),
    ]
    out += [(f"export {fmt}", ["export", "--format", fmt, "-o", str(work / f"export.{fmt}")]) for fmt in EXPORTS]
    return out


def causes_for(factor: int, shipped: int, per_cause: float) -> int:
    return 0 if factor <= 1 else round((factor - 1) * shipped / per_cause)


def calibrate(work: Path) -> tuple[int, float]:
    """Triples of the shipped build and triples added per synthetic cause (from a small build)."""
    from smr_kg import paths
    from smr_kg.build.pipeline import build_graph

    sample = 600
    base, _ = build_graph(reasoner=False)
    bigger, _ = build_graph(build_input(sample, work / "calibrate", paths.ontology_dir()), reasoner=False)
    shutil.rmtree(work / "calibrate")
    return len(base), (len(bigger) - len(base)) / sample


def measure_scale(scale: Scale, work: Path, cap: float, previous: Scale | None, base: Scale | None) -> None:
    from smr_kg import paths
    from smr_kg.stages.reason import java_available

    build_input(scale.causes, work / f"input-{scale.factor}x", paths.ontology_dir())
    env = {**os.environ, "SMR_KG_DIST": str(scale.dist)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # time the commands as installed: with bytecode
    repeat = 5 if scale.factor == 1 else 3 if scale.factor <= 10 else 1
    for name, args in steps(scale, work):
        if name == "build (HermiT)" and not java_available():
            scale.cells[name] = Cell(note="no Java")
            continue
        predicted = _predicted(name, scale, previous)
        if predicted is not None and predicted > cap:
            scale.cells[name] = Cell(note=f"skipped (~{predicted:.0f} s predicted)")
            continue
        once = name.startswith(("build", "export", "validate"))
        result = median_run([*SMR_KG, *args], 1 if once and scale.factor > 1 else repeat, env, cap)
        scale.cells[name] = Cell(result, "" if result.ok else ("capped" if result.capped else f"exit {result.code}: {result.stderr.strip()[-200:]}"))
        if name == "build --no-reasoner":
            if not result.ok:  # nothing else can run at this scale
                print(f"  {scale.factor}x: the build {scale.cells[name].note}", file=sys.stderr)
                break
            scale.triples = int(result.stdout.split()[1])
        print(f"  {scale.factor}x {name}: {_cell_text(scale.cells[name], base.cells.get(name) if base else None)}",
              file=sys.stderr, flush=True)
    shutil.rmtree(work / "dist-hermit", ignore_errors=True)
    shutil.rmtree(work / f"input-{scale.factor}x", ignore_errors=True)


def measure_engines(scale: Scale, cap: float, rdflib_max: int) -> None:
    from smr_kg.sparql.queries import list_queries

    for engine in ("oxigraph", "rdflib"):
        if engine == "rdflib" and scale.factor > rdflib_max:
            continue
        remaining = [q.name for q in list_queries()]
        rows: dict[str, dict] = {}
        while remaining:
            command = [sys.executable, str(HERE / "engine_worker.py"), engine, str(scale.dist), "--only", ",".join(remaining),
                       "--cap", str(cap), "--repeat", "5" if scale.factor <= 10 else "1"]
            done = run(command, cap=cap * (len(remaining) + 2) + 600)
            for line in done.stdout.splitlines():
                row = json.loads(line)
                if "load" in row:
                    rows.setdefault("", {"load": row["load"], "peak_mb": 0.0})
                else:
                    rows[row["query"]] = row
                    remaining.remove(row["query"])
            rows.setdefault("", {})["peak_mb"] = max(rows.get("", {}).get("peak_mb", 0.0), done.peak_mb)
            if done.code not in (0, 3):
                print(f"  engine_worker.py {engine} failed: {done.stderr.strip()[-300:]}", file=sys.stderr)
                break
        scale.engines[engine] = rows
        print(f"  {scale.factor}x engines {engine}: {len(rows) - 1} queries", file=sys.stderr, flush=True)


def _predicted(name: str, scale: Scale, previous: Scale | None) -> float | None:
    if previous is None or name not in previous.cells or previous.cells[name].run is None:
        if previous is not None and previous.cells.get(name) and previous.cells[name].note:
            return float("inf")  # skipped or capped before: bigger is no better
        return None
    growth = (scale.causes + 1) / (previous.causes + 1) if previous.causes else scale.factor / previous.factor
    return previous.cells[name].run.wall * growth


def _cell_text(cell: Cell, base: Cell | None) -> str:
    if cell.run is None or not cell.run.ok:
        return cell.note or "capped"
    ratio = f" ({cell.run.wall / base.run.wall:.1f}x)" if base and base.run and base.run.ok and base is not cell else ""
    return f"{cell.run.wall:.2f} s{ratio}, {cell.run.cpu:.1f} s CPU"


def report(scales: list[Scale], pass_run: Run, cap: float) -> str:
    base = scales[0]
    head = "| step | " + " | ".join(f"{s.factor}x ({s.triples:,} triples)" for s in scales) + " | peak MB (largest) |"
    lines = [
        f"# smr-kg scaling benchmark ({time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs; cap {cap:.0f} s per step)",
        "",
        "Wall seconds of each step in a fresh interpreter, in brackets its ratio to the same step on the",
        "shipped graph (1x) in the same run, then its CPU seconds (steadier than wall on a shared machine).",
        f"`python -c pass`: {pass_run.wall * 1000:.0f} ms wall, "
        f"{pass_run.cpu * 1000:.0f} ms CPU.",
        "",
        head,
        "|---|" + "---:|" * (len(scales) + 1),
    ]
    for name in base.cells:
        cells = [_cell_text(s.cells.get(name, Cell(note="-")), base.cells.get(name)) for s in scales]
        peaks = [s.cells[name].run.peak_mb for s in scales if name in s.cells and s.cells[name].run]
        lines.append(f"| {name} | " + " | ".join(cells) + (f" | {peaks[-1]:.0f} |" if peaks else " | - |"))
    lines += ["", "CPU of the short commands on the shipped graph, as a multiple of `python -c pass` CPU:", ""]
    for name, cell in base.cells.items():
        if cell.run and cell.run.ok and name.startswith(("query causes-through", "lookup", "path")):
            lines.append(f"- {name}: {cell.run.cpu * 1000:.0f} ms CPU = {cell.run.cpu / pass_run.cpu:.1f}x")
    lines += ["", "Named queries in one process (ms, median): pyoxigraph bound form, rdflib bound form,",
              "rdflib / pyoxigraph, and the portable VALUES form / the bound form on pyoxigraph.", ""]
    lines.append("| query | " + " | ".join(f"{s.factor}x ox | rdflib | ratio | VALUES/bound" for s in scales) + " |")
    lines.append("|---|" + "---:|---:|---:|---:|" * len(scales))
    for query in [q for q in base.engines.get("oxigraph", {}) if q]:
        cells = []
        for s in scales:
            ox = s.engines.get("oxigraph", {}).get(query, {})
            rd = s.engines.get("rdflib", {}).get(query, {})
            cells += [_ms(ox, "bound"), _ms(rd, "bound"),
                      f"{rd['bound'] / ox['bound']:.0f}x" if "bound" in rd and ox.get("bound") else "-",
                      f"{ox['values'] / ox['bound']:.1f}x" if "values" in ox and ox.get("bound") else "-"]
        lines.append(f"| {query} | " + " | ".join(cells) + " |")
    for engine in ("oxigraph", "rdflib"):
        loads = [f"{s.factor}x {s.engines[engine][''].get('load', 0):.2f} s / {s.engines[engine][''].get('peak_mb', 0):.0f} MB"
                 for s in scales if engine in s.engines and "" in s.engines[engine]]
        lines.append(f"\n{engine}: open or parse, and peak memory of the worker: {', '.join(loads)}")
    return "\n".join(lines) + "\n"


def _ms(row: dict, key: str) -> str:
    if row.get("capped") and key not in row:
        return "capped"
    return f"{row[key] * 1000:.1f}" if key in row else "-"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10,100,300", help="multiples of the shipped graph (default 1,10,100,300)")
    ap.add_argument("--cap", type=float, default=300.0, help="seconds one step may take (default 300)")
    ap.add_argument("--rdflib-max", type=int, default=100, help="largest scale to run rdflib's engine at")
    ap.add_argument("--out", type=Path, default=None, help="also write the report (Markdown) here")
    ap.add_argument("--workdir", type=Path, default=None, help="where inputs and builds go (default: a temp dir)")
    args = ap.parse_args()
    factors = sorted({int(s) for s in args.scales.split(",")} | {1})
    work = args.workdir or Path(tempfile.mkdtemp(prefix="smr-kg-scaling-"))
    work.mkdir(parents=True, exist_ok=True)
    shipped, per_cause = calibrate(work)
    print(f"shipped graph: {shipped} triples; {per_cause:.1f} triples per synthetic cause", file=sys.stderr)
    # An installed package has its bytecode (pip compiles wheels); without it every command would
    # also pay for compiling ~20 modules (~17 ms), e.g. under PYTHONDONTWRITEBYTECODE.
    import smr_kg

    compileall.compile_dir(Path(smr_kg.__file__).parent, quiet=1)
    pass_run = median_run([sys.executable, "-c", "pass"], 9)
    scales: list[Scale] = []
    for factor in factors:
        scale = Scale(factor, causes_for(factor, shipped, per_cause))
        scale.dist = work / f"dist-{factor}x"
        measure_scale(scale, work, args.cap, scales[-1] if scales else None, scales[0] if scales else None)
        scales.append(scale)
        if not scale.triples:
            break
        measure_engines(scale, min(args.cap, 120.0), args.rdflib_max)
        shutil.rmtree(scale.dist, ignore_errors=True)
    text = report(scales, pass_run, args.cap)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
