"""SHACL Core constraints compiled to SPARQL and evaluated by the store that holds the data.

Why: pyshacl visits every focus node in Python over an rdflib graph; on a 1M-triple graph that
was half of the build (60 s) and needed the graph in rdflib (2.5 GB). The shapes of ``shapes/``
use a small part of SHACL Core, and each constraint of that part is one SPARQL query returning
exactly the focus nodes (and value nodes) that violate it, so pyoxigraph does the work, in
memory during the build or on the on-disk ``dist/store`` for ``smr-kg validate``.

What is compiled: targets (class, subjects of, objects of, node); paths (predicate, alternative,
sequence, inverse, zero/one-or-more); minCount/maxCount (up to 3), nodeKind, datatype (numeric and
boolean literals must also be well-formed), pattern/flags, min/max length, in, hasValue, class,
min/max inclusive/exclusive, uniqueLang, node, and, or, not, qualifiedValueShape with qualified
min/max counts (up to 3). A node shape using anything else is reported as unsupported and runs
in pyshacl, so a new shape never silently weakens validation. The tests run every fixture through
both engines and require the same results (see ``tests/test_shacl_core.py``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import cast
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

MAX_COUNT = 3
"""Counts are compiled as that many distinct values (SPARQL has no counting inside FILTER EXISTS)."""

_NOT_CONSTRAINTS = frozenset({
    RDF.type, RDFS.comment, RDFS.label, SH.path, SH.property, SH.message, SH.severity, SH.deactivated,
    SH.name, SH.description, SH.order, SH.group, SH.flags, SH.targetClass, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.targetNode, SH.sparql, SH.qualifiedMaxCount, SH.qualifiedMinCount,
    SH.qualifiedValueShapesDisjoint,
})
_NODE_KINDS: dict[Node, str] = {  # keyed by sh:nodeKind values as the shapes graph gives them
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})", SH.BlankNodeOrLiteral: "!isIRI({v})", SH.IRIOrLiteral: "!isBlank({v})",
}
_NUMERIC = frozenset(XSD[n] for n in (
    "decimal", "integer", "double", "float", "long", "int", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte",
))
_COMPARISONS = {
    SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent), SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
    SH.minExclusive: (">", SH.MinExclusiveConstraintComponent), SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent),
}


class Unsupported(Exception):
    """A shape uses SHACL that is not compiled here (it then runs in pyshacl)."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint: ``query`` selects ``?this`` (and ``?value``, ``?path``) of every violation."""

    shape: Node
    """The shape that holds the constraint (SHACL's sh:sourceShape)."""
    component: URIRef
    query: str
    severity: URIRef
    message: str | None
    path: Node | None
    """The shape's sh:path (None for a node shape)."""


@dataclass(frozen=True)
class _Pattern:
    """A violation pattern for a focus variable: the component, SPARQL text, and its variables."""

    component: URIRef
    text: str
    value: str | None
    path: str | None


def compile_shapes(shapes: Graph) -> tuple[list[Check], list[Node]]:
    """Every SHACL Core constraint of the targeted node shapes as a :class:`Check`, and the node
    shapes that could not be compiled (evaluate those with pyshacl)."""
    checks: list[Check] = []
    unsupported: list[Node] = []
    for shape in sorted(_targeted(shapes), key=str):
        try:
            checks.extend(_Compiler(shapes).shape_checks(shape))
        except Unsupported:
            unsupported.append(shape)
    return checks, unsupported


def run_checks(store, checks: list[Check]) -> Iterator[tuple[Check, dict[str, Node]]]:
    """Each violation as (check, row with ``this`` and, where the constraint has them, ``value``/``path``)."""
    for check in checks:
        for row in store.select(check.query).rdflib_dicts():
            yield check, row


def target_pattern(shapes: Graph, shape: Node, var: str = "?this") -> str | None:
    """A SPARQL pattern binding ``var`` to every focus node of ``shape``; None if it has no targets."""
    parts = [f"{{ {var} a/<{RDFS.subClassOf}>* {_term(c)} }}" for c in shapes.objects(shape, SH.targetClass)]
    parts += [f"{{ {var} {_term(p)} [] }}" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    parts += [f"{{ [] {_term(p)} {var} }}" for p in shapes.objects(shape, SH.targetObjectsOf)]
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append(f"{{ VALUES {var} {{ {' '.join(_term(n) for n in nodes)} }} }}")
    return " UNION ".join(sorted(parts)) if parts else None


def _targeted(shapes: Graph) -> set[Node]:
    found: set[Node] = set()
    for kind in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
        found.update(shapes.subjects(kind, None))
    return {s for s in found if not _deactivated(shapes, s)}


def _deactivated(shapes: Graph, node: Node) -> bool:
    return (node, SH.deactivated, Literal(True)) in shapes


class _Compiler:
    """Compiles one node shape; fresh variable names keep nested patterns apart."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._names = itertools.count()

    def var(self) -> str:
        return f"?v{next(self._names)}"

    def shape_checks(self, shape: Node) -> list[Check]:
        if (shape, RDF.type, RDFS.Class) in self.shapes:
            raise Unsupported("implicit class targets")
        targets = target_pattern(self.shapes, shape)
        checks = []
        for source, pattern in self.patterns(shape, "?this", top=True):
            projected = "".join(f" ({v} AS ?{n})" for v, n in ((pattern.value, "value"), (pattern.path, "path")) if v)
            message = self.shapes.value(source, SH.message)
            checks.append(Check(
                shape=source, component=pattern.component,
                query=f"SELECT DISTINCT ?this{projected} WHERE {{\n  {targets}\n  {pattern.text}\n}}",
                severity=cast(URIRef, self.shapes.value(source, SH.severity) or SH.Violation),  # an IRI (SHACL 2.1.4)
                message=str(message) if message is not None else None,
                path=self.shapes.value(source, SH.path),
            ))
        return checks

    def patterns(self, shape: Node, focus: str, top: bool = False) -> list[tuple[Node, _Pattern]]:
        """(source shape, violation pattern) of ``shape`` and of its property shapes, for ``focus``."""
        if _deactivated(self.shapes, shape):
            return []
        found = [(shape, p) for p in self.own_patterns(shape, focus)]
        for prop in self.shapes.objects(shape, SH.property):
            found += self.patterns(prop, focus)
        if not top and any(True for _ in self.shapes.objects(shape, SH.sparql)):
            raise Unsupported("SHACL-SPARQL inside a logical constraint")
        return found

    def conforms(self, shape: Node, node: str) -> str:
        """A SPARQL expression: ``node`` conforms to ``shape``."""
        inner = [p.text for _, p in self.patterns(shape, node)]
        if not inner:
            return "true"
        return "NOT EXISTS { " + " UNION ".join(f"{{ {t} }}" for t in inner) + " }"

    def own_patterns(self, shape: Node, focus: str) -> list[_Pattern]:
        shapes = self.shapes
        for predicate in set(shapes.predicates(shape, None)):
            if predicate not in _NOT_CONSTRAINTS and predicate not in _COMPILED:
                if str(predicate).startswith(str(SH)):
                    raise Unsupported(str(predicate))
        if (shape, SH.qualifiedValueShapesDisjoint, Literal(True)) in shapes:
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        path_node = shapes.value(shape, SH.path)
        path, path_var, alternatives = (None, None, None)
        if path_node is not None:
            path, alternatives = self.path(path_node)
            path_var = self.var() if alternatives else None
        out: list[_Pattern] = []

        def values(value: str) -> str:
            """Bind ``value`` to each value node (the focus itself for a node shape)."""
            if path is None:
                return f"BIND({focus} AS {value})"
            if alternatives:
                return f"VALUES {path_var} {{ {alternatives} }} {focus} {path_var} {value} ."
            return f"{focus} {path} {value} ."

        def distinct(n: int, each: Callable[[str], str] | None = None) -> str:
            """``n`` pairwise different value nodes (each meeting ``each``)."""
            names = [self.var() for _ in range(n)]
            text = " ".join(values(v) for v in names)
            text += "".join(f" FILTER(!sameTerm({a}, {b}))" for a, b in itertools.combinations(names, 2))
            return text + "".join(f" FILTER({each(v)})" for v in names if each)

        def value_check(component: URIRef, condition: Callable[[str], str], minus: Callable[[str], str] | None = None) -> None:
            """A violation for each value node that does not meet ``condition`` (called here, at once:
            the lambdas below may read their loop's variables). At the top level a
            ``minus`` pattern (the values that meet it) is used instead when given: pyoxigraph
            evaluates it once for all value nodes, where an EXISTS runs once per value node."""
            value = self.var()
            if minus is not None and focus == "?this":
                out.append(_Pattern(component, f"{values(value)} MINUS {{ {minus(value)} }}", value, path_var))
            else:
                out.append(_Pattern(component, f"{values(value)} FILTER(!({condition(value)}))", value, path_var))

        def count(n: int) -> None:
            if n > MAX_COUNT or path is None:
                raise Unsupported("count")

        for kind in shapes.objects(shape, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise Unsupported(str(kind))
            value_check(SH.NodeKindConstraintComponent, lambda v: _NODE_KINDS[kind].format(v=v))
        for datatype in shapes.objects(shape, SH.datatype):
            value_check(SH.DatatypeConstraintComponent, lambda v: _datatype(v, datatype))
        for regex in shapes.objects(shape, SH.pattern):
            flags = shapes.value(shape, SH.flags)
            args = _literal(str(regex)) + (f", {_literal(str(flags))}" if flags is not None else "")
            value_check(SH.PatternConstraintComponent, lambda v: f"!isBlank({v}) && REGEX(STR({v}), {args})")
        for key, operator in ((SH.minLength, ">="), (SH.maxLength, "<=")):
            component = SH.MinLengthConstraintComponent if key == SH.minLength else SH.MaxLengthConstraintComponent
            for n in shapes.objects(shape, key):
                limit = int(str(n))
                value_check(component, lambda v: f"!isBlank({v}) && STRLEN(STR({v})) {operator} {limit}")
        for members in shapes.objects(shape, SH["in"]):
            allowed = [_term(m) for m in Collection(shapes, members)]
            value_check(SH.InConstraintComponent, lambda v: " || ".join(f"sameTerm({v}, {m})" for m in allowed) or "false")
        for cls in shapes.objects(shape, SH["class"]):
            instance = (lambda v: f"{v} a/<{RDFS.subClassOf}>* {_term(cls)}")
            value_check(SH.ClassConstraintComponent, lambda v: f"EXISTS {{ {instance(v)} }}", instance)
        for key, (operator, component) in _COMPARISONS.items():
            for bound in shapes.objects(shape, key):
                value_check(component, lambda v: f"COALESCE({v} {operator} {_term(bound)}, false)")
        for node_shape in shapes.objects(shape, SH.node):
            value_check(SH.NodeConstraintComponent, lambda v: self.conforms(node_shape, v))
        for negated in shapes.objects(shape, SH["not"]):
            value_check(SH.NotConstraintComponent, lambda v: "!" + self.conforms(negated, v))
        for members in shapes.objects(shape, SH["or"]):
            listed = list(Collection(shapes, members))
            value_check(SH.OrConstraintComponent,
                        lambda v: " || ".join(f"({self.conforms(m, v)})" for m in listed) or "false")
        for members in shapes.objects(shape, SH["and"]):
            listed = list(Collection(shapes, members))
            value_check(SH.AndConstraintComponent,
                        lambda v: " && ".join(f"({self.conforms(m, v)})" for m in listed) or "true")
        for value in shapes.objects(shape, SH.hasValue):
            if path is None:
                value_check(SH.HasValueConstraintComponent, lambda v: f"sameTerm({v}, {_term(value)})")
            else:
                probe = self.var()
                out.append(_Pattern(SH.HasValueConstraintComponent,
                                    f"FILTER NOT EXISTS {{ {values(probe)} FILTER(sameTerm({probe}, {_term(value)})) }}", None, None))
        for n in cast("Iterator[Literal]", shapes.objects(shape, SH.minCount)):  # integers (SHACL 4.2)
            count(int(n))
            if int(n) > 0:
                out.append(_Pattern(SH.MinCountConstraintComponent, f"FILTER NOT EXISTS {{ {distinct(int(n))} }}", None, None))
        for n in cast("Iterator[Literal]", shapes.objects(shape, SH.maxCount)):
            count(int(n) + 1)
            out.append(_Pattern(SH.MaxCountConstraintComponent, f"FILTER EXISTS {{ {distinct(int(n) + 1)} }}", None, None))
        if (shape, SH.uniqueLang, Literal(True)) in shapes:
            a, b = self.var(), self.var()
            out.append(_Pattern(
                SH.UniqueLangConstraintComponent,
                f"{focus} {path} {a} . {focus} {path} {b} . FILTER(isLiteral({a}) && isLiteral({b}) && "
                f"LANG({a}) != \"\" && LCASE(LANG({a})) = LCASE(LANG({b})) && !sameTerm({a}, {b}))", None, None))
        for qualified in shapes.objects(shape, SH.qualifiedValueShape):
            condition = (lambda v: self.conforms(qualified, v))
            for n in cast("Iterator[Literal]", shapes.objects(shape, SH.qualifiedMaxCount)):
                count(int(n) + 1)
                out.append(_Pattern(SH.QualifiedMaxCountConstraintComponent,
                                    f"FILTER EXISTS {{ {distinct(int(n) + 1, condition)} }}", None, None))
            for n in cast("Iterator[Literal]", shapes.objects(shape, SH.qualifiedMinCount)):
                count(int(n))
                if int(n) > 0:
                    out.append(_Pattern(SH.QualifiedMinCountConstraintComponent,
                                        f"FILTER NOT EXISTS {{ {distinct(int(n), condition)} }}", None, None))
        return out

    def path(self, node: Node) -> tuple[str, str | None]:
        """(SPARQL property path, the alternatives as a VALUES list when it is a list of IRIs)."""
        shapes = self.shapes
        if isinstance(node, URIRef):
            return _term(node), None
        alternatives = shapes.value(node, SH.alternativePath)
        if alternatives is not None:
            members = list(Collection(shapes, alternatives))
            if all(isinstance(m, URIRef) for m in members):
                return "(" + "|".join(_term(m) for m in members) + ")", " ".join(_term(m) for m in members)
            return "(" + "|".join(self.path(m)[0] for m in members) + ")", None
        for key, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = shapes.value(node, key)
            if inner is not None:
                return f"({self.path(inner)[0]}){suffix}", None
        inverse = shapes.value(node, SH.inversePath)
        if inverse is not None:
            return f"^({self.path(inverse)[0]})", None
        if (node, RDF.first, None) in shapes:
            return "(" + "/".join(self.path(m)[0] for m in Collection(shapes, node)) + ")", None
        raise Unsupported("path")


_COMPILED = frozenset({
    SH.nodeKind, SH.datatype, SH.pattern, SH.minLength, SH.maxLength, SH["in"], SH["class"], SH.node, SH["not"], SH["or"], SH["and"],
    SH.hasValue, SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape, *_COMPARISONS,
})


def _datatype(value: str, datatype: Node) -> str:
    """``value`` is a literal of ``datatype``; numbers and booleans must also be well-formed."""
    test = f"isLiteral({value}) && datatype({value}) = {_term(datatype)}"
    if datatype in _NUMERIC:
        return f"{test} && isNumeric({value})"
    if datatype == XSD.boolean:
        return f'{test} && STR({value}) IN ("true", "false", "1", "0")'
    return test


def _term(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise Unsupported("a blank node as a constraint value")


def _literal(text: str) -> str:
    return Literal(text).n3()


__all__ = ["Check", "MAX_COUNT", "Unsupported", "compile_shapes", "run_checks", "target_pattern"]
