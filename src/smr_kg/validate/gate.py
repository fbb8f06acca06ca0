"""Validate a graph against the SHACL shapes in ``shapes/`` and report what a curator must fix.

One report, three engines (:mod:`smr_kg.validate.engines`), chosen for speed without changing
what a shape means: SHACL Core compiled to SPARQL and SHACL-SPARQL constraints run whole-graph in
the store (pyshacl only for shapes the compiler does not support), and the SNOMED CT check digit,
which SHACL cannot express, in Python behind a deactivated shape. This module holds the results,
the orchestration and the report formats.

Every result carries the shape IRI, focus node, path, value, message and severity, and the
shape's fix hint (``smrsh:fix``), whichever engine found it. Violations fail; warnings fail only
when strict.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .. import paths
from ..rdf import prefixes
from ..errors import InputError, SmrKgError
from ..stages.load import DEFAULT_MAX_MB, PROGRESS_BYTES, load_files, read_ontology, turtle_files
from ..rdf.triples import TripleSet
from .results import SEVERITIES, SMRSH, Result, compact as _compact


@dataclass
class Report:
    """The results of validating one graph, with what is needed to render them readably."""

    results: list[Result]
    triples: int
    shapes: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per engine: ``core`` (pyshacl), ``sparql`` (pyoxigraph, with loading the store), ``python``."""
    names: dict[Node, str] = field(default_factory=dict)
    """Display names: the label of a focus node or value, a description of a blank node."""
    fixes: dict[Node, str] = field(default_factory=dict)
    """Shape -> its fix hint (``smrsh:fix``)."""

    def count(self, severity: URIRef) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def failed(self, strict: bool = False) -> bool:
        """Whether the graph fails: any violation, or (strict) any warning."""
        failing = {SH.Violation, SH.Warning} if strict else {SH.Violation}
        return any(r.severity in failing for r in self.results)

    def summary_line(self) -> str:
        """``2 violations, 0 warnings (4242 triples, 34 shapes, 0.50 s)``; infos only if any."""
        counts = ", ".join(
            f"{self.count(severity)} {name}{'' if self.count(severity) == 1 else 's'}"
            for severity, name in SEVERITIES.items()
            if severity != SH.Info or self.count(severity)
        )
        return f"{counts} ({self.triples} triples, {self.shapes} shapes, {self.seconds:.2f} s)"


# ---------------------------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------------------------


def shape_files(directory: Path | None = None) -> list[Path]:
    return turtle_files(Path(directory) if directory else paths.shapes_dir(), "shapes")


def load_shapes(directory: Path | None = None) -> Graph:
    """Every ``shapes/*.ttl`` file in one graph; a file that does not parse is bad input."""
    from .engines import PYTHON_CHECKS

    shapes = load_files(shape_files(directory))
    for shape in PYTHON_CHECKS:
        if (shape, SH.deactivated, Literal(True)) not in shapes:
            raise InputError(
                f"shapes: {_compact(shape)} must be declared with sh:deactivated true "
                "(smr-kg implements it in Python; other SHACL engines must skip it)"
            )
    return shapes


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def validate_graph(data: Graph | TripleSet, shapes: Graph | None = None, store=None) -> Report:
    """Validate ``data``; ``store`` is a :mod:`smr_kg.store` engine over the same triples
    (made from ``data`` when not given), where the compiled shapes run."""
    if store is None:
        if isinstance(data, TripleSet):
            from ..rdf.canonical import Canonical, ntriples_lines
            from ..store.write import memory_store, ntriples_pieces

            store = memory_store(ntriples_pieces(ntriples_lines(Canonical(data))))
        else:
            from ..store import store_for_graph

            store = store_for_graph(data)
    return validate_store(store, shapes, lambda: data.to_graph() if isinstance(data, TripleSet) else data)


def validate_store(store, shapes: Graph | None = None, data: Callable[[], Graph] | None = None) -> Report:
    """Validate the triples of ``store`` (any engine of :mod:`smr_kg.store`).

    SHACL Core shapes run as compiled SPARQL (:mod:`smr_kg.validate.shacl_core`) and SHACL-SPARQL
    constraints once over the whole graph, both in the store; only shapes the compiler does not
    support need the graph in rdflib for pyshacl, and ``data()`` is called for it only then.
    """
    from .shacl_core import compile_shapes
    from .engines import (
        _compiled_results, _core_results, _count_triples, _display_names, _fix, _plain_strings, _python_results,
        _sparql_results,
    )

    started = time.perf_counter()
    shapes = load_shapes() if shapes is None else shapes
    clock = [time.perf_counter()]

    def lap() -> float:
        clock.append(time.perf_counter())
        return clock[-1] - clock[-2]

    checks, unsupported = compile_shapes(shapes)
    found = _compiled_results(store, shapes, checks)
    if unsupported:
        if data is None:
            raise SmrKgError(f"shapes {', '.join(_compact(s) for s in unsupported)} need pyshacl, which needs the graph")
        found += _core_results(_plain_strings(data()), shapes, unsupported)
    timings = {"core": lap()}
    found += _sparql_results(store, shapes)
    timings["sparql"] = lap()
    found += _python_results(store, shapes)
    timings["python"] = lap()
    # one result per (shape, focus, path, value, message): a value that fails two constraints of
    # one shape (say sh:nodeKind and sh:node) is one problem to fix
    unique = {(r.shape, r.focus, r.path, r.value, r.message): r for r in reversed(found)}
    results = sorted(
        unique.values(),
        key=lambda r: (list(SEVERITIES).index(r.severity), str(r.shape), str(r.focus), str(r.path), str(r.value)),
    )
    named = {r.shape for r in results}
    return Report(
        results=results,
        triples=_count_triples(store),
        shapes=len(set(shapes.subjects(SMRSH.fix, None))),
        seconds=time.perf_counter() - started,
        timings=timings,
        names=_display_names(store, {n for r in results for n in (r.focus, r.value) if n is not None}),
        fixes={s: fix for s in named if (fix := _fix(shapes, s))},
    )


def validate_built(dist: Path | None = None, shapes: Graph | None = None) -> Report:
    """Validate the current build, the default of ``smr-kg validate``: in its on-disk store
    (checked against the build's manifest), so memory stays bounded however large the graph is;
    the Turtle is parsed (and checked) only if a shape needs pyshacl."""
    from ..store.dist import current
    from ..rdf.prefixes import bind_prefixes
    from ..store import OxigraphStore

    build = current(dist)
    build.verify_store()
    return validate_store(OxigraphStore.open(build.store), shapes,
                          lambda: bind_prefixes(Graph()).parse(data=build.read_turtle(), format="turtle"))


def validate_files(
    files: Iterable[Path | str], shapes: Graph | None = None, input_format: str = "ttl", max_mb: float | None = None,
) -> Report:
    """Validate users' files (``-``: standard input) merged with the ontology they extend (at most
    ``max_mb`` MB of them, see :func:`smr_kg.stages.load.check_size`)."""
    from ..stages.inputs import combine, read_inputs

    extensions = read_inputs(files, input_format, max_mb=DEFAULT_MAX_MB if max_mb is None else max_mb)
    data = combine(read_ontology(), extensions)
    if sum(Path(f).stat().st_size for f in files if f != "-" and Path(f).is_file()) >= PROGRESS_BYTES:
        print(f"smr-kg: validating {len(data):,} triples against the shapes ...", file=sys.stderr)
    return validate_graph(data, shapes)


def require_valid(
    data: Graph | TripleSet | None, shapes: Graph | None = None, store=None,
    origin: Callable[[Node], str | None] | None = None, graph: Callable[[], Graph] | None = None,
) -> Report:
    """Validate ``data`` (in ``store`` when given; without ``data``, ``graph()`` gives it to a
    shape that needs pyshacl) and raise :class:`SmrKgError` naming shapes and nodes if any
    violation; ``origin`` names the user's file a node comes from, so the message points at it."""
    report = validate_graph(data, shapes, store) if data is not None else validate_store(store, shapes, graph)
    violations = [r for r in report.results if r.severity == SH.Violation]
    if violations:
        by_shape: dict[Node, list[Node]] = defaultdict(list)
        for r in violations:
            if r.focus not in by_shape[r.shape]:
                by_shape[r.shape].append(r.focus)
        parts = []
        for shape, nodes in by_shape.items():
            names = [_compact(n) + (f" in {where}" if origin and (where := origin(n)) else "") for n in nodes[:3]]
            shown = ", ".join(names) + (f" and {len(nodes) - 3} more" if len(nodes) > 3 else "")
            parts.append(f"{_compact(shape)} ({shown})")
        raise SmrKgError(
            f"the ontology violates {len(by_shape)} shape(s): {'; '.join(parts)}. "
            "Nothing was written. See the full report with `smr-kg build --no-validate && smr-kg validate`."
        )
    return report


# Rendering
# ---------------------------------------------------------------------------------------------


def render(report: Report, fmt: str = "human", strict: bool = False) -> str:
    """The report as ``human`` text, ``json`` or ``ttl`` (the SHACL validation report graph)."""
    renderers = {"human": render_human, "json": render_json, "ttl": lambda r, _strict: render_ttl(r)}
    if fmt not in renderers:
        raise InputError(f"unknown report format {fmt!r} (choose from {', '.join(renderers)})")
    return renderers[fmt](report, strict)


def render_human(report: Report, strict: bool = False) -> str:
    """Results grouped by severity, then shape: focus (label and IRI), path, value, message, fix."""
    lines = []
    groups: dict[tuple[URIRef, Node], list[Result]] = defaultdict(list)
    for r in report.results:
        groups[(r.severity, r.shape)].append(r)
    for (severity, shape), results in groups.items():
        lines.append(f"{SEVERITIES[severity].upper()}  {_compact(shape)}  ({len(results)})")
        if shape in report.fixes:
            lines.append(f"  fix: {report.fixes[shape]}")
        for r in results:
            lines.append(f"  - {_named(report, r.focus)}: {r.message}")
            details = []
            if r.path is not None:
                details.append(f"path {_compact(r.path)}")
            if r.value is not None and r.value != r.focus:  # node-shape results repeat the focus as value
                details.append(f"value {_named(report, r.value)}")
            if details:
                lines.append(f"      {', '.join(details)}")
        lines.append("")
    lines.append(_summary(report, strict))
    return "\n".join(lines) + "\n"


def render_json(report: Report, strict: bool = False) -> str:
    """A machine-readable report; ``passed`` follows the exit code (0 = passed)."""
    document = {
        "passed": not report.failed(strict),
        "strict": strict,
        "conforms": not report.results,
        "triples": report.triples,
        "shapes": report.shapes,
        "counts": {name: report.count(severity) for severity, name in SEVERITIES.items()},
        "results": [
            {
                "severity": SEVERITIES[r.severity],
                "shape": str(r.shape),
                "focus": _term_id(r.focus),
                "focusLabel": report.names.get(r.focus, ""),
                "path": str(r.path) if r.path is not None else None,
                "value": _term_id(r.value) if r.value is not None else None,
                "message": r.message,
                "fix": report.fixes.get(r.shape),
            }
            for r in report.results
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def report_graph(report: Report) -> Graph:
    """The W3C SHACL validation report (sh:ValidationReport) of all results, from every engine."""
    graph = prefixes.bind_prefixes(Graph())
    graph.bind("sh", SH)
    graph.bind("smrsh", SMRSH)
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(not report.results)))
    for r in report.results:
        node = BNode()
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, r.severity))
        graph.add((node, SH.sourceShape, r.shape))
        graph.add((node, SH.sourceConstraintComponent, r.component))
        graph.add((node, SH.focusNode, r.focus))
        graph.add((node, SH.resultMessage, Literal(r.message)))
        if r.path is not None:
            graph.add((node, SH.resultPath, r.path))
        if r.value is not None:
            graph.add((node, SH.value, r.value))
    return graph


def render_ttl(report: Report) -> str:
    return report_graph(report).serialize(format="turtle")


def _summary(report: Report, strict: bool) -> str:
    verdict = "FAILED" if report.failed(strict) else "passed"
    rule = "violations and warnings fail (--strict)" if strict else "violations fail; warnings only with --strict"
    return f"{verdict}: {report.summary_line()}; {rule}"


def _named(report: Report, node: Node) -> str:
    """``label <IRI>`` for a named node, a description for a blank node, the text of a literal."""
    if isinstance(node, Literal):
        return json.dumps(str(node), ensure_ascii=False)
    name = report.names.get(node, "")
    if isinstance(node, BNode):
        return name or "[blank node]"
    return f"{name} <{node}>" if name else f"<{node}>"


def _term_id(node: Node) -> str:
    """A term in JSON: the IRI, ``_:id`` for a blank node, the lexical form of a literal."""
    return f"_:{node}" if isinstance(node, BNode) else str(node)


__all__ = [
    "Report", "Result", "SEVERITIES", "SMRSH", "load_shapes", "render",
    "render_human", "render_json", "render_ttl", "report_graph", "require_valid",
    "validate_built", "validate_files", "validate_graph", "validate_store",
]
