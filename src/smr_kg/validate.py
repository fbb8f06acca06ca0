"""Validate a graph against the SHACL shapes in ``shapes/`` and report what a curator must fix.

One report, three engines, chosen for speed without changing what a shape means:

* SHACL Core shapes run in pyshacl with inference off (the built graph already holds the
  reasoned hierarchy; RDFS inference cost up to 7x and adds nothing).
* SHACL-SPARQL constraints are standard SHACL in the shapes files, but pyshacl runs each query
  once per focus node (about 3 ms a node). Here each runs once over the whole graph in pyoxigraph
  with ``$this`` unbound, and only rows whose ``$this`` is a target of the shape are kept: the
  same results as per-node evaluation (tests compare them with pyshacl's) at a fraction of the cost.
* The SNOMED CT check digit cannot be computed in SHACL or SPARQL. Its shape is declared in
  ``shapes/domain.ttl`` with ``sh:deactivated true`` (other engines skip it) and implemented here
  with :mod:`smr_kg.sctid`.

Every result carries the shape IRI, focus node, path, value, message and severity, and the
shape's fix hint (``smrsh:fix``), whichever engine found it. Violations fail; warnings fail only
when strict.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from . import paths, prefixes
from .errors import InputError, SmrKgError
from .load import DEFAULT_MAX_MB, PROGRESS_BYTES, load_files, load_ontology, turtle_files
from .namespaces import OBOINOWL
from .sctid import SNOMED_NAMESPACE, check_sctid

SMRSH = Namespace("https://w3id.org/smr-kg/shapes/")
"""The namespace of smr-kg's shapes (and of ``smrsh:fix``, the fix hint of a shape)."""

SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
"""SHACL severities, most severe first, with the names reports use."""

MAPPING_PROPERTIES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
_SNOMED_XREF = re.compile(r"(?:SNOMED(?:CT)?(?:_[A-Z0-9_]+)?|SCTID):(.*)", re.IGNORECASE)


@dataclass(frozen=True)
class Result:
    """One validation result, whichever engine found it."""

    severity: URIRef
    shape: Node
    focus: Node
    path: Node | None
    value: Node | None
    message: str
    component: URIRef


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


def validate_graph(data: Graph, shapes: Graph | None = None, store=None) -> Report:
    """Validate ``data``; ``store`` is a :mod:`smr_kg.store` engine over the same triples
    (made from ``data`` when not given) for the SPARQL constraints."""
    from .store import store_for_graph

    started = time.perf_counter()
    shapes = load_shapes() if shapes is None else shapes
    data = _plain_strings(data)
    clock = [time.perf_counter()]

    def lap() -> float:
        clock.append(time.perf_counter())
        return clock[-1] - clock[-2]

    found = _core_results(data, shapes)
    timings = {"core": lap()}
    found += _sparql_results(store if store is not None else store_for_graph(data), shapes)
    timings["sparql"] = lap()
    found += _python_results(data, shapes)
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
        triples=len(data),
        shapes=len(set(shapes.subjects(SMRSH.fix, None))),
        seconds=time.perf_counter() - started,
        timings=timings,
        names={n: _display_name(data, n) for r in results for n in (r.focus, r.value) if n is not None},
        fixes={s: fix for s in named if (fix := _fix(shapes, s))},
    )


def validate_built(dist: Path | None = None, shapes: Graph | None = None) -> Report:
    """Validate the current build (its Turtle and store, checked against its manifest)."""
    from .dist import current
    from .prefixes import bind_prefixes
    from .store import OxigraphStore

    build = current(dist)
    data = bind_prefixes(Graph()).parse(data=build.read_turtle(), format="turtle")
    build.verify_store()
    return validate_graph(data, shapes, OxigraphStore.open(build.store))


def validate_files(
    files: Iterable[Path | str], shapes: Graph | None = None, input_format: str = "ttl", max_mb: float | None = None,
) -> Report:
    """Validate users' files (``-``: standard input) merged with the ontology they extend (at most
    ``max_mb`` MB of them, see :func:`smr_kg.load.check_size`)."""
    from .inputs import combine, read_inputs

    extensions = read_inputs(files, input_format, max_mb=DEFAULT_MAX_MB if max_mb is None else max_mb)
    data = combine(load_ontology(), extensions)
    if sum(Path(f).stat().st_size for f in files if f != "-" and Path(f).is_file()) >= PROGRESS_BYTES:
        print(f"smr-kg: validating {len(data):,} triples against the shapes ...", file=sys.stderr)
    return validate_graph(data, shapes)


def require_valid(
    data: Graph, shapes: Graph | None = None, store=None, origin: Callable[[Node], str | None] | None = None,
) -> Report:
    """Validate ``data`` and raise :class:`SmrKgError` naming shapes and nodes if any violation;
    ``origin`` names the user's file a node comes from, so the message points at it."""
    report = validate_graph(data, shapes, store)
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


def _plain_strings(data: Graph) -> Graph:
    """``data``, or a copy of it in which ``"x"^^xsd:string`` is written ``"x"``.

    In RDF 1.1 the two are one literal, but rdflib keeps them apart, so pyshacl's sh:in and
    sh:hasValue would reject ``">="^^xsd:string`` as a comparator and miss ``"%"^^xsd:string`` as a
    unit. The copy is made only when such a literal exists (never in a graph rdflib parsed from
    plain Turtle strings), so the usual cost is one scan of the triples.
    """
    typed = [(s, p, o) for s, p, o in data if isinstance(o, Literal) and o.datatype == XSD.string]
    if not typed:
        return data
    plain = Graph()
    plain += data
    for s, p, o in typed:
        plain.remove((s, p, o))
        plain.add((s, p, Literal(str(o))))
    return plain


def _core_results(data: Graph, shapes: Graph) -> list[Result]:
    """SHACL Core (and every non-SPARQL) constraint, by pyshacl."""
    from pyshacl import validate

    core = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:  # the SPARQL constraints run whole-graph in _sparql_results
            core.add(triple)
    _, report, _ = validate(
        data, shacl_graph=core, inference="none", advanced=False, meta_shacl=False,
        allow_warnings=True, inplace=True,
    )
    results = []
    # top-level results only: pyshacl also types the nested sh:detail results of sh:node
    for node in report.objects(report.value(predicate=RDF.type, object=SH.ValidationReport), SH.result):
        shape = _named_shape(shapes, report.value(node, SH.sourceShape))
        focus = report.value(node, SH.focusNode)
        value = report.value(node, SH.value)
        results.append(Result(
            severity=report.value(node, SH.resultSeverity),
            shape=shape,
            focus=focus,
            path=_actual_path(data, shapes, report.value(node, SH.resultPath), focus, value),
            value=value,
            message=str(report.value(node, SH.resultMessage) or _message(shapes, shape) or ""),
            component=report.value(node, SH.sourceConstraintComponent),
        ))
    return results


def _sparql_results(store, shapes: Graph) -> list[Result]:
    """Each SHACL-SPARQL constraint, evaluated once over the whole graph, kept for its targets."""
    results = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if _deactivated(shapes, shape) or _deactivated(shapes, constraint):
            continue
        query = _prefix_lines(shapes, constraint) + str(shapes.value(constraint, SH.select))
        if "$PATH" in query:
            raise InputError(f"shapes: {_compact(shape)}: $PATH in SPARQL constraints is not supported")
        targets = _targets(store, shapes, shape)
        template = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)
        for row in store.select(query).dicts():
            if row.get("this") not in targets:
                continue
            results.append(Result(
                severity=_severity(shapes, shape),
                shape=shape,
                focus=row["this"],
                path=row.get("path") or shapes.value(shape, SH.path),
                value=row.get("value"),
                message=_fill(str(template or "SPARQL constraint not met"), row),
                component=SH.SPARQLConstraintComponent,
            ))
    return results


def _python_results(data: Graph, shapes: Graph) -> list[Result]:
    """The shapes smr-kg implements in Python (declared deactivated in shapes/)."""
    results = []
    for shape, check in PYTHON_CHECKS.items():
        template = str(shapes.value(shape, SH.message) or "")
        for row in check(data):
            results.append(Result(
                severity=_severity(shapes, shape),
                shape=shape,
                focus=row["this"],
                path=row.get("path"),
                value=row.get("value"),
                message=_fill(template, row),
                component=SMRSH.PythonConstraintComponent,
            ))
    return results


def snomed_identifiers(data: Graph) -> Iterator[dict[str, Node]]:
    """smrsh:SnomedIdentifier: SNOMED CT mappings and xrefs whose SCTID breaks SNOMED's rules.

    Mapping IRIs outside ``http://snomed.info/id/<digits>`` are smrsh:SnomedMapping's results,
    so only all-digit local parts are checked here (nothing is reported twice).
    """
    for prop in MAPPING_PROPERTIES:
        for subject, target in data.subject_objects(prop):
            if isinstance(target, URIRef) and target.startswith(SNOMED_NAMESPACE):
                sctid = target[len(SNOMED_NAMESPACE):]
                if sctid.isascii() and sctid.isdigit() and (problem := check_sctid(sctid)):
                    yield {"this": subject, "path": prop, "value": target, "detail": Literal(problem)}
    for subject, xref in data.subject_objects(OBOINOWL.hasDbXref):
        match = _SNOMED_XREF.fullmatch(str(xref)) if isinstance(xref, Literal) else None
        if match and (problem := check_sctid(match.group(1))):
            yield {"this": subject, "path": OBOINOWL.hasDbXref, "value": xref, "detail": Literal(problem)}


PYTHON_CHECKS: dict[URIRef, Callable[[Graph], Iterable[dict[str, Node]]]] = {
    SMRSH.SnomedIdentifier: snomed_identifiers,
}
"""Shapes of shapes/ implemented in Python: shape IRI -> rows of bindings (this, path, value, ...)."""


# ---------------------------------------------------------------------------------------------
# Helpers over the shapes graph
# ---------------------------------------------------------------------------------------------

_TARGET_QUERIES = {
    SH.targetClass: "SELECT DISTINCT ?node ?target WHERE { ?node a/<%s>* ?target }" % RDFS.subClassOf,
    SH.targetSubjectsOf: "SELECT DISTINCT ?node ?target WHERE { ?node ?target [] }",
    SH.targetObjectsOf: "SELECT DISTINCT ?node ?target WHERE { [] ?target ?node }",
}


def _targets(store, shapes: Graph, shape: Node) -> set[Node]:
    """The focus nodes of ``shape`` (SHACL Core targets), computed in the store."""
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        raise InputError(f"shapes: {_compact(shape)} is also a class; implicit class targets are not supported")
    found: set[Node] = set(shapes.objects(shape, SH.targetNode))
    for kind, query in _TARGET_QUERIES.items():
        for target in shapes.objects(shape, kind):
            found.update(row[0] for row in store.select(query, {"target": target}).rows)
    return found


def _prefix_lines(shapes: Graph, constraint: Node) -> str:
    lines = []
    for holder in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(lines)


def _named_shape(shapes: Graph, shape: Node) -> Node:
    """``shape``, or for an anonymous shape the named shape that holds it."""
    seen = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = next(shapes.subjects(SH.property, shape), None) or next(shapes.subjects(SH.node, shape), None)
        if parent is None:
            break
        shape = parent
    return shape


def _deactivated(shapes: Graph, node: Node) -> bool:
    return (node, SH.deactivated, Literal(True)) in shapes


def _severity(shapes: Graph, shape: Node) -> URIRef:
    return shapes.value(shape, SH.severity) or SH.Violation


def _message(shapes: Graph, shape: Node) -> str | None:
    message = shapes.value(shape, SH.message)
    return str(message) if message is not None else None


def _fix(shapes: Graph, shape: Node) -> str | None:
    """The fix hint of ``shape``, or of the node shape that holds it."""
    for candidate in (shape, *shapes.subjects(SH.property, shape)):
        fix = shapes.value(candidate, SMRSH.fix)
        if fix is not None:
            return str(fix)
    return None


def _actual_path(data: Graph, shapes: Graph, path: Node | None, focus: Node, value: Node | None) -> Node | None:
    """The predicate that links focus and value when the shape's path is a list of alternatives."""
    if not isinstance(path, BNode):
        return path
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is None:
        return None
    for predicate in Collection(shapes, alternatives):
        if value is not None and (focus, predicate, value) in data:
            return predicate
    return None


def _fill(template: str, row: dict[str, Node]) -> str:
    """Substitute ``{?name}`` / ``{$name}`` in a SHACL message template."""
    return re.sub(
        r"\{[?$](\w+)\}",
        lambda m: _term_text(row[m.group(1)]) if m.group(1) in row else m.group(0),
        template,
    )


# ---------------------------------------------------------------------------------------------
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


def _display_name(data: Graph, node: Node) -> str:
    if isinstance(node, URIRef):
        return _label(data, node) or ""
    if isinstance(node, BNode):
        return _describe_blank(data, node)
    return ""


def _label(data: Graph, node: Node) -> str | None:
    labels = list(data.objects(node, RDFS.label))
    english = [l for l in labels if isinstance(l, Literal) and l.language in (None, "en")]
    return str((english or labels)[0]) if labels else None


def _describe_blank(data: Graph, node: BNode) -> str:
    """Name an axiom by what it annotates and a restriction by its property and filler."""
    if (node, RDF.type, OWL.Axiom) in data:
        source = data.value(node, OWL.annotatedSource)
        prop = data.value(node, OWL.annotatedProperty)
        target = data.value(node, OWL.annotatedTarget)
        return f"[axiom on {_short(data, source)} {_short(data, prop)} {_short(data, target)}]"
    if (node, OWL.onProperty, None) in data:
        return f"[{_short(data, data.value(node, OWL.onProperty))} some {_short(data, data.value(node, OWL.someValuesFrom))}]"
    return "[blank node]"


def _short(data: Graph, node: Node | None) -> str:
    if isinstance(node, BNode):
        return _describe_blank(data, node) if (node, OWL.onProperty, None) in data else "[...]"
    if node is None:
        return "?"
    return _label(data, node) or _compact(node)


def _compact(node: Node) -> str:
    text = str(node)
    if isinstance(node, URIRef) and text.startswith(str(SMRSH)):
        return "smrsh:" + text[len(str(SMRSH)):]
    if isinstance(node, URIRef):
        return prefixes.compress(text)
    if isinstance(node, BNode):
        return f"_:{node}"
    return text


def _term_text(node: Node) -> str:
    """A term inside a message: a CURIE (or <IRI>) for an IRI, the lexical form of a literal."""
    if isinstance(node, URIRef):
        text = _compact(node)
        return f"<{node}>" if text == str(node) else text
    return _compact(node) if isinstance(node, BNode) else str(node)


def _term_id(node: Node) -> str:
    """A term in JSON: the IRI, ``_:id`` for a blank node, the lexical form of a literal."""
    return f"_:{node}" if isinstance(node, BNode) else str(node)


__all__ = [
    "PYTHON_CHECKS", "Report", "Result", "SEVERITIES", "SMRSH", "load_shapes", "render",
    "render_human", "render_json", "render_ttl", "report_graph", "require_valid", "snomed_identifiers",
    "validate_built", "validate_files", "validate_graph",
]
