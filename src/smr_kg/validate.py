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
from .load import PROGRESS_BYTES, check_size, load_files, load_ontology, ontology_files, parse_into, turtle_files
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
    (made from ``data`` when not given), where the compiled shapes run."""
    from .store import store_for_graph

    return validate_store(store if store is not None else store_for_graph(data), shapes, lambda: data)


def validate_store(store, shapes: Graph | None = None, data: Callable[[], Graph] | None = None) -> Report:
    """Validate the triples of ``store`` (any engine of :mod:`smr_kg.store`).

    SHACL Core shapes run as compiled SPARQL (:mod:`smr_kg.shacl_core`) and SHACL-SPARQL
    constraints once over the whole graph, both in the store; only shapes the compiler does not
    support need the graph in rdflib for pyshacl, and ``data()`` is called for it only then.
    """
    from .shacl_core import compile_shapes

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
    from .dist import current
    from .prefixes import bind_prefixes
    from .store import OxigraphStore

    build = current(dist)
    build.verify_store()
    return validate_store(OxigraphStore.open(build.store), shapes,
                          lambda: bind_prefixes(Graph()).parse(data=build.read_turtle(), format="turtle"))


def validate_files(files: Iterable[Path], shapes: Graph | None = None, max_mb: float | None = None) -> Report:
    """Validate users' files merged with the ontology they extend (at most ``max_mb`` MB of them,
    see :func:`smr_kg.load.check_size`)."""
    files = [Path(p) for p in files]
    check_size(files, max_mb)
    data = load_ontology()
    already = {p.resolve() for p in ontology_files()}
    for path in files:
        if path.resolve() not in already:  # an ontology file given again adds nothing
            parse_into(data, path)
    if sum(p.stat().st_size for p in files if p.is_file()) >= PROGRESS_BYTES:
        print(f"smr-kg: validating {len(data):,} triples against the shapes ...", file=sys.stderr)
    return validate_graph(data, shapes)


def require_valid(data: Graph, shapes: Graph | None = None, store=None) -> Report:
    """Validate ``data`` (in ``store`` when given) and raise :class:`SmrKgError` naming shapes
    and nodes if any violation."""
    report = validate_graph(data, shapes, store)
    violations = [r for r in report.results if r.severity == SH.Violation]
    if violations:
        by_shape: dict[Node, list[Node]] = defaultdict(list)
        for r in violations:
            if r.focus not in by_shape[r.shape]:
                by_shape[r.shape].append(r.focus)
        parts = []
        for shape, nodes in by_shape.items():
            shown = ", ".join(_compact(n) for n in nodes[:3]) + (f" and {len(nodes) - 3} more" if len(nodes) > 3 else "")
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


def _compiled_results(store, shapes: Graph, checks) -> list[Result]:
    """SHACL Core constraints as compiled SPARQL, evaluated in the store."""
    from .shacl_core import run_checks

    results = []
    for check, row in run_checks(store, checks):
        shape = _named_shape(shapes, check.shape)
        path = row.get("path", check.path)
        results.append(Result(
            severity=check.severity,
            shape=shape,
            focus=row["this"],
            path=None if isinstance(path, BNode) else path,  # a complex path: as _actual_path does
            value=row.get("value"),
            message=check.message or _message(shapes, shape) or "",
            component=check.component,
        ))
    return results


def _core_results(data: Graph, shapes: Graph, only: list[Node] | None = None) -> list[Result]:
    """SHACL Core (and every non-SPARQL) constraint by pyshacl: the shapes the compiler does not
    support (``only``), or all of them (the reference the compiled shapes are tested against)."""
    from pyshacl import validate

    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    keep = set(only) if only is not None else None
    core = Graph()
    for triple in shapes:
        if triple[1] == SH.sparql:  # the SPARQL constraints run whole-graph in _sparql_results
            continue
        if keep is not None and triple[1] in targets and triple[0] not in keep:
            continue  # an untargeted shape is only checked where a kept shape refers to it
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
        template = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)
        for row in store.select(query).dicts():
            if not _is_target(store, shapes, shape, row.get("this")):
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


def _python_results(store, shapes: Graph) -> list[Result]:
    """The shapes smr-kg implements in Python (declared deactivated in shapes/)."""
    results = []
    for shape, check in PYTHON_CHECKS.items():
        template = str(shapes.value(shape, SH.message) or "")
        for row in check(store):
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


_SNOMED_CANDIDATES = """
SELECT ?this ?path ?value WHERE {
  { VALUES ?path { %s } ?this ?path ?value . FILTER(STRSTARTS(STR(?value), "%s") && isIRI(?value)) }
  UNION
  { BIND(<%s> AS ?path) ?this ?path ?value . FILTER(isLiteral(?value)) }
}
""" % (" ".join(f"<{p}>" for p in MAPPING_PROPERTIES), SNOMED_NAMESPACE, OBOINOWL.hasDbXref)


def snomed_identifiers(store) -> Iterator[dict[str, Node]]:
    """smrsh:SnomedIdentifier: SNOMED CT mappings and xrefs whose SCTID breaks SNOMED's rules.

    Mapping IRIs outside ``http://snomed.info/id/<digits>`` are smrsh:SnomedMapping's results,
    so only all-digit local parts are checked here (nothing is reported twice). The store
    selects the candidates; Python checks their digits.
    """
    for row in store.select(_SNOMED_CANDIDATES).dicts():
        subject, prop, value = row["this"], row["path"], row["value"]
        if prop == OBOINOWL.hasDbXref:
            match = _SNOMED_XREF.fullmatch(str(value))
            sctid = match.group(1) if match else None
        else:
            sctid = value[len(SNOMED_NAMESPACE):]
            sctid = sctid if sctid.isascii() and sctid.isdigit() else None
        if sctid is not None and (problem := check_sctid(sctid)):
            yield {"this": subject, "path": prop, "value": value, "detail": Literal(problem)}


PYTHON_CHECKS: dict[URIRef, Callable[[object], Iterable[dict[str, Node]]]] = {
    SMRSH.SnomedIdentifier: snomed_identifiers,
}
"""Shapes of shapes/ implemented in Python: shape IRI -> rows of bindings (this, path, value, ...)
computed from a :mod:`smr_kg.store` engine."""


# ---------------------------------------------------------------------------------------------
# Helpers over the shapes graph
# ---------------------------------------------------------------------------------------------

def _is_target(store, shapes: Graph, shape: Node, node: Node | None) -> bool:
    """Whether ``node`` is a focus node of ``shape`` (by its SHACL Core targets), asked in the store."""
    from .shacl_core import target_pattern

    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        raise InputError(f"shapes: {_compact(shape)} is also a class; implicit class targets are not supported")
    pattern = target_pattern(shapes, shape)
    return node is not None and pattern is not None and store.ask(f"ASK {{ {pattern} }}", {"this": node})


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


_LABELS = """
SELECT ?x ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }
"""
_BLANK = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?x ?axiom ?source ?property ?target ?onProperty ?filler WHERE {
  OPTIONAL { ?x a owl:Axiom . BIND(true AS ?axiom)
             OPTIONAL { ?x owl:annotatedSource ?source } OPTIONAL { ?x owl:annotatedProperty ?property }
             OPTIONAL { ?x owl:annotatedTarget ?target } }
  OPTIONAL { ?x owl:onProperty ?onProperty OPTIONAL { ?x owl:someValuesFrom ?filler } }
} LIMIT 1
"""


def _display_names(store, nodes: set[Node]) -> dict[Node, str]:
    """The label of each IRI and a description of each blank node (what a report shows)."""
    names: dict[Node, str] = {}
    for node in nodes:
        if isinstance(node, URIRef):
            names[node] = _label(store, node) or ""
        elif isinstance(node, BNode):
            names[node] = _describe_blank(store, node)
    return names


def _label(store, node: Node) -> str | None:
    labels = [row[1] for row in store.select(_LABELS, {"x": node}).rows]
    english = [l for l in labels if isinstance(l, Literal) and l.language in (None, "en")]
    return str(sorted(english or labels)[0]) if labels else None


def _describe_blank(store, node: BNode) -> str:
    """Name an axiom by what it annotates and a restriction by its property and filler."""
    rows = store.select(_BLANK, {"x": node}).dicts()
    row = rows[0] if rows else {}
    if row.get("axiom") is not None:
        parts = (_short(store, row.get(k)) for k in ("source", "property", "target"))
        return "[axiom on " + " ".join(parts) + "]"
    if row.get("onProperty") is not None:
        return f"[{_short(store, row['onProperty'])} some {_short(store, row.get('filler'))}]"
    return "[blank node]"


def _short(store, node: Node | None) -> str:
    if isinstance(node, BNode):
        description = _describe_blank(store, node)
        return description if not description.startswith("[axiom") and description != "[blank node]" else "[...]"
    if node is None:
        return "?"
    return _label(store, node) or _compact(node)


def _count_triples(store) -> int:
    return int(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0])


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
    "validate_built", "validate_files", "validate_graph", "validate_store",
]
