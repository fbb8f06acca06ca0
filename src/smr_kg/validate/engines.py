"""The engines behind :mod:`smr_kg.validate.gate`, each for what it does fastest, one kind of result.

* SHACL Core: compiled to SPARQL (:mod:`smr_kg.validate.shacl_core`) and evaluated in the store;
  pyshacl only for a shape the compiler does not support (and as the reference in tests).
* SHACL-SPARQL constraints: once over the whole graph in the store with ``$this`` unbound, rows
  kept when ``$this`` is a target of the shape (what per-node evaluation gives, much faster).
* The SNOMED CT check digit, which SHACL cannot express: the store selects the candidates,
  Python checks them (:mod:`smr_kg.rdf.sctid`), behind a deactivated shape in ``shapes/``.

Everything here reads the data through a :mod:`smr_kg.store` engine, so the built graph is
validated in ``dist/store`` without an rdflib copy of it; the display names of the nodes a
report mentions are read the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import cast

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from ..errors import InputError
from ..rdf.namespaces import OBOINOWL
from ..rdf.sctid import SNOMED_NAMESPACE, check_sctid
from .results import SMRSH, Result, compact as _compact, term_text as _term_text

MAPPING_PROPERTIES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
_SNOMED_XREF = re.compile(r"(?:SNOMED(?:CT)?(?:_[A-Z0-9_]+)?|SCTID):(.*)", re.IGNORECASE)


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
        for row in store.select(query).rdflib_dicts():
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
    for row in store.select(_SNOMED_CANDIDATES).rdflib_dicts():
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
    return cast(URIRef, shapes.value(shape, SH.severity) or SH.Violation)  # an IRI (SHACL 2.1.4)


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
    labels = [row["label"] for row in store.select(_LABELS, {"x": node}).rdflib_dicts()]
    english = [l for l in labels if isinstance(l, Literal) and l.language in (None, "en")]
    return str(sorted(english or labels)[0]) if labels else None


def _describe_blank(store, node: BNode) -> str:
    """Name an axiom by what it annotates and a restriction by its property and filler."""
    rows = store.select(_BLANK, {"x": node}).rdflib_dicts()
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


__all__ = ["MAPPING_PROPERTIES", "PYTHON_CHECKS", "snomed_identifiers"]
