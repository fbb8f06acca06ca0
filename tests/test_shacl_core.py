"""SHACL Core compiled to SPARQL gives exactly pyshacl's results, and what it cannot compile
still runs (in pyshacl).

Every validation fixture (one broken input per shape) and the shipped ontology are validated by
both engines; shape, focus node, path, value, severity, component and message must agree.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from smr_kg.stages.load import load_ontology, parse_into
from smr_kg.validate.shacl_core import compile_shapes
from smr_kg.store import store_for_graph
from smr_kg.validate.gate import load_shapes, validate_graph
from smr_kg.validate.engines import _compiled_results, _core_results, _plain_strings

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
EX = Namespace("https://example.org/smr-test/")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def results(found) -> set[tuple]:
    return {(r.shape, r.focus, r.path, r.value, r.severity, r.component, r.message) for r in found}


def test_every_shipped_core_shape_compiles(shapes: Graph) -> None:
    checks, unsupported = compile_shapes(shapes)
    assert unsupported == []
    assert len(checks) >= 50


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir()) + [None])
def test_compiled_shapes_give_pyshacls_results(shapes: Graph, ontology: Graph, fixture: str | None) -> None:
    data = Graph()
    data += ontology
    if fixture:
        parse_into(data, FIXTURES / fixture)
    data = _plain_strings(data)
    checks, _ = compile_shapes(shapes)
    ours = results(_compiled_results(store_for_graph(data), shapes, checks))
    assert ours == results(_core_results(data, shapes))


def test_a_shape_the_compiler_does_not_support_runs_in_pyshacl(ontology: Graph) -> None:
    shapes = Graph()
    shape = EX.ShortLabels
    shapes.add((shape, RDF.type, SH.NodeShape))
    shapes.add((shape, SH.targetNode, EX.Thing))
    prop = EX["ShortLabels-label"]
    shapes.add((shape, SH.property, prop))
    shapes.add((prop, SH.path, EX.label))
    languages = BNode()
    Collection(shapes, languages, [Literal("de")])
    shapes.add((prop, SH.languageIn, languages))  # not compiled
    assert compile_shapes(shapes) == ([], [shape])
    data = Graph()
    data.add((EX.Thing, EX.label, Literal("too long", lang="en")))
    report = validate_graph(data, shapes)
    assert [(r.shape, r.focus, r.component) for r in report.results] == [(prop, EX.Thing, SH.LanguageInConstraintComponent)]


def test_string_length_constraints_are_compiled(ontology: Graph) -> None:
    """sh:maxLength / sh:minLength (the 300-character limit of a claim's quote) run as SPARQL and
    give pyshacl's results: a blank node or a string of the wrong length violates them."""
    shapes = Graph()
    shape = EX.ShortLabels
    shapes.add((shape, RDF.type, SH.NodeShape))
    shapes.add((shape, SH.targetNode, EX.Thing))
    prop = EX["ShortLabels-label"]
    shapes.add((shape, SH.property, prop))
    shapes.add((prop, SH.path, EX.label))
    shapes.add((prop, SH.maxLength, Literal(3)))
    shapes.add((prop, SH.minLength, Literal(2)))
    shapes.add((prop, SH.message, Literal("is not 2 to 3 characters long")))
    checks, unsupported = compile_shapes(shapes)
    assert unsupported == [] and len(checks) == 2
    data = Graph()
    for text in ("too long", "ok", "x"):
        data.add((EX.Thing, EX.label, Literal(text)))
    ours = results(_compiled_results(store_for_graph(data), shapes, checks))
    assert {(r[3], r[5]) for r in ours} == {(Literal("too long"), SH.MaxLengthConstraintComponent),
                                            (Literal("x"), SH.MinLengthConstraintComponent)}
    assert ours == results(_core_results(data, shapes))
