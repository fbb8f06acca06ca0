"""Post-coordinated SNOMED CT expressions for each cause -> SMR link."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import namespace as ns

from smr_kg.stages.mappings import read_mappings
from smr_kg.rdf import namespaces as rdf_ns
from smr_kg.rdf.vocab import SMR
from smr_kg.rdf.sctid import is_valid_sctid
from smr_kg.knowledge.snomed import DUE_TO, cause_expressions, compose
from smr_kg.store import store_for_graph

# <focus> |term| : 42752001 |Due to| = <value> |term|  (SNOMED CT compositional grammar, one refinement)
GRAMMAR = re.compile(r"(\d{6,18}) \|([^|]+)\| : (\d{6,18}) \|Due to\| = (\d{6,18}) \|([^|]+)\|")


@pytest.fixture(scope="module")
def expressions(built_graph):
    return cause_expressions(store_for_graph(built_graph))


def test_due_to_is_the_confirmed_attribute():
    assert DUE_TO == ("42752001", "Due to") and is_valid_sctid(DUE_TO[0])


def test_compose_writes_compositional_grammar():
    assert compose("SNOMEDCT:48724000", "Mitral valve regurgitation", "SNOMEDCT:49436004", "Atrial fibrillation") == (
        "48724000 |Mitral valve regurgitation| : 42752001 |Due to| = 49436004 |Atrial fibrillation|"
    )


@pytest.mark.parametrize("focus,term,value,message", [
    ("SNOMEDCT:48724001", "x", "SNOMEDCT:49436004", "check digit"),
    ("SNOMEDCT:48724000", "x", "ICD10CM:I48", "not a SNOMED CT code"),
    ("SNOMEDCT:48724000", "a|b", "SNOMEDCT:49436004", "cannot contain"),
])
def test_compose_refuses_invalid_codes_and_terms(focus, term, value, message):
    with pytest.raises(ValueError, match=message):
        compose(focus, term, value, "y")


def test_atrial_fibrillation_gets_the_expression_of_the_issue(expressions):
    af = [e for e in expressions if e.cause == SMR.AtrialFibrillation]
    assert [e.text for e in af] == [
        "48724000 |Mitral valve regurgitation| : 42752001 |Due to| = 49436004 |Atrial fibrillation|"
    ]
    assert af[0].focus_is_broader  # SMR has no SNOMED CT concept; MR is its broader match


def test_every_expression_is_grammatical_with_valid_confirmed_codes(expressions, built_graph):
    mapped = {(m.subject_id, m.object_id) for m in read_mappings()}
    assert len(expressions) >= 5
    for e in expressions:
        match = GRAMMAR.fullmatch(e.text)
        assert match, e.text
        assert all(is_valid_sctid(match.group(i)) for i in (1, 3, 4))
        assert ("smr:SecondaryMitralRegurgitation", f"SNOMEDCT:{match.group(1)}") in mapped
        assert (e.value.subject_id, f"SNOMEDCT:{match.group(4)}") in mapped
        # the cause really is upstream of SMR in the built graph, and is a condition
        cause = rdf_ns.SMR[e.cause.removeprefix(str(SMR))]
        assert (cause, rdf_ns.SMR.causallyUpstreamOf, rdf_ns.SMR.SecondaryMitralRegurgitation) in built_graph
        assert rdf_ns.SMR.Condition in set(built_graph.transitive_objects(cause, ns.RDFS.subClassOf))


def test_causes_without_a_confirmed_code_get_no_expression(expressions):
    causes = {e.cause for e in expressions}
    assert SMR.ConditionDepressingLeftVentricularFunction not in causes
    assert SMR.RightVentricularDysfunctionWithTricuspidRegurgitation not in causes
    # mechanisms are upstream too, but only conditions are causes
    assert SMR.LeftAtrialDilation not in causes


def test_less_specific_expressions_are_flagged(expressions):
    by_cause = {e.cause: e for e in expressions}
    assert by_cause[SMR.CoronaryArteryDisease].flags[-1] == "the cause's code is a close, not an exact, match"
    assert by_cause[SMR.DilatedCardiomyopathy].flags[-1] == "the cause's code is a close, not an exact, match"  # 399020009 (issue 20)
    assert by_cause[SMR.AtrialFibrillation].flags == ["the focus concept is broader than the condition"]


def test_no_expression_without_a_focus_code(built_graph):
    rows = [m for m in read_mappings() if m.subject_id != "smr:SecondaryMitralRegurgitation"]
    assert cause_expressions(store_for_graph(built_graph), mappings=rows) == []


def test_expressions_command(run_cli):
    code, out, _ = run_cli("mappings", "--expressions")
    assert code == 0
    assert "atrial fibrillation\t48724000 |Mitral valve regurgitation| : 42752001 |Due to| = 49436004" in out
    code, out, _ = run_cli("mappings", "--expressions", "--format", "json")
    data = json.loads(out)
    assert {"SNOMEDCT:49436004", "SNOMEDCT:22298006"} <= {d["value"]["code"] for d in data}
    assert all(d["attribute"]["code"] == "SNOMEDCT:42752001" for d in data)
