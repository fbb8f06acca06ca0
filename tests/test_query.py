"""Running queries: parameters, result formats and the `smr-kg query` / `smr-kg queries` commands."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from smr_kg.sparql.queries import find, parse
from smr_kg.sparql.query import (
    ParameterError,
    bind,
    parse_params,
    render,
    to_csv,
    to_json,
    to_table,
    to_tsv,
)
from smr_kg.store import SelectResult, open_store
from smr_kg.rdf.terms import IRI, BNode, Literal
from smr_kg.rdf.vocab import SMR

XSD = "http://www.w3.org/2001/XMLSchema#"
HEADLINE = ("query", "causes-through", "--param", "mechanism=left ventricular dilation")


@pytest.fixture(scope="module")
def store(dist_env):
    return open_store("oxigraph", dist_env)


# --- parameters ----------------------------------------------------------------------------


def test_parse_params() -> None:
    assert parse_params(["mechanism=left ventricular dilation", "?x=a=b"]) == {
        "mechanism": "left ventricular dilation", "x": "a=b",
    }
    for bad in (["mechanism"], ["=x"], ["a b=c"]):
        with pytest.raises(ParameterError):
            parse_params(bad)
    with pytest.raises(ParameterError) as error:
        parse_params(["a=1", "a=2"])
    assert "twice" in error.value.message and error.value.exit_code == 1


def test_bind_resolves_values_and_fills_defaults(store) -> None:
    assert bind(store, find("causes-through"), {"mechanism": "LV dilation"}) == {"mechanism": SMR.LeftVentricularDilation}
    assert bind(store, find("therapies"), {}) == {"condition": SMR.SecondaryMitralRegurgitation, "currency": SMR.Current}
    assert bind(store, find("assertion-evidence"), {}) == {}           # optional, left unbound
    assert bind(store, find("by-code"), {"code": "SNOMEDCT:1"}) == {"code": IRI("http://snomed.info/id/1")}


@pytest.mark.parametrize(
    "name, params, complaint",
    [
        ("causes-through", {}, "needs --param mechanism"),
        ("causes-through", {"mechanism": "LV dilation", "cause": "x"}, "has no parameter 'cause'"),
        ("causes", {"x": "1"}, "it takes: no parameters"),
    ],
)
def test_bad_parameters_are_exit_1(store, name: str, params: dict, complaint: str) -> None:
    with pytest.raises(ParameterError) as error:
        bind(store, find(name), params)
    assert complaint in error.value.message and error.value.exit_code == 1


def test_a_users_file_binds_any_variable_it_has(store, tmp_path: Path) -> None:
    query = parse("SELECT ?x ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }", tmp_path / "mine.rq")
    assert bind(store, query, {"x": "atrial fibrillation"}) == {"x": SMR.AtrialFibrillation}
    with pytest.raises(ParameterError) as error:
        bind(store, query, {"y": "atrial fibrillation"})
    assert "no variable ?y" in error.value.message


# --- formats -------------------------------------------------------------------------------

RESULT = SelectResult(
    ["s", "text", "n", "missing"],
    [
        (SMR.AtrialFibrillation, Literal("a\tb\nc \"d\"", "en"), Literal("5", datatype=IRI(XSD + "integer")), None),
        (BNode("b0"), Literal("plain, with comma"), None, None),
    ],
)


def test_json_is_sparql_results_json() -> None:
    document = json.loads(to_json(RESULT))
    assert document["head"]["vars"] == ["s", "text", "n", "missing"]
    first, second = document["results"]["bindings"]
    assert first["s"] == {"type": "uri", "value": str(SMR.AtrialFibrillation)}
    assert first["text"] == {"type": "literal", "value": 'a\tb\nc "d"', "xml:lang": "en"}
    assert first["n"] == {"type": "literal", "value": "5", "datatype": XSD + "integer"}
    assert "missing" not in first                       # unbound variables are left out
    assert second["s"] == {"type": "bnode", "value": "b0"}
    assert second["text"] == {"type": "literal", "value": "plain, with comma"}
    assert json.loads(to_json(True)) == {"head": {}, "boolean": True}


def test_csv_is_sparql_results_csv() -> None:
    text = to_csv(RESULT)
    assert text.startswith("s,text,n,missing\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == [str(SMR.AtrialFibrillation), 'a\tb\nc "d"', "5", ""]
    assert rows[2] == ["_:b0", "plain, with comma", "", ""]


def test_tsv_is_sparql_results_tsv() -> None:
    lines = to_tsv(RESULT).splitlines()
    assert lines[0] == "?s\t?text\t?n\t?missing"
    assert lines[1].split("\t") == [
        f"<{SMR.AtrialFibrillation}>", '"a\\tb\\nc \\"d\\""@en', f'"5"^^<{XSD}integer>', "",
    ]
    assert lines[2].split("\t")[:2] == ["_:b0", '"plain, with comma"']
    assert len(lines) == 3


def test_table_shows_labels_next_to_curies_and_parameters_once() -> None:
    names = {SMR.AtrialFibrillation: "atrial fibrillation", SMR.LeftAtrialDilation: "left atrial dilation"}
    result = SelectResult(["cause", "mechanism"], [(SMR.AtrialFibrillation, SMR.LeftAtrialDilation)])
    table = to_table(result, names, {"mechanism": SMR.LeftAtrialDilation})
    assert table.startswith("mechanism = left atrial dilation (smr:LeftAtrialDilation)\n")
    header = table.splitlines()[2]
    assert header.split() == ["cause"]
    assert "atrial fibrillation (smr:AtrialFibrillation)" in table
    assert table.rstrip().endswith("(1 row)")


def test_table_shortens_long_labels_but_never_the_curie() -> None:
    names = {SMR.AtrialFibrillation: "a very long label " * 10}
    table = to_table(SelectResult(["x"], [(SMR.AtrialFibrillation,)]), names)
    assert "(smr:AtrialFibrillation)" in table and "…" in table and "shortened" in table


def test_render_rejects_unknown_formats() -> None:
    from smr_kg.errors import SmrKgError

    with pytest.raises(SmrKgError):
        render(RESULT, "xml")
    assert render(False, "table") == "false\n"


# --- the command -------------------------------------------------------------------------


def test_headline_query_lists_causes_with_chains_and_sources(run_cli) -> None:
    code, out, err = run_cli(*HEADLINE)
    assert code == 0, err
    assert out.startswith("mechanism = left ventricular dilation (smr:LeftVentricularDilation)")
    for cause in ("ischemic heart disease", "dilated cardiomyopathy", "hypertensive heart disease"):
        assert f"{cause} -> left ventricular dilation" in out
    assert "(smr:SeedPage)" in out and "traceable author statement" in out
    assert "ACCAHA2020VHDGuideline" not in out   # the seed cites it; it was not read for these claims
    assert "atrial fibrillation" not in out


def test_headline_query_as_json(run_cli) -> None:
    code, out, _ = run_cli(*HEADLINE, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert set(document["head"]["vars"]) >= {"cause", "chain", "source", "evidence", "mechanism"}
    causes = {b["cause"]["value"] for b in document["results"]["bindings"]}
    assert str(SMR.DilatedCardiomyopathy) in causes
    for binding in document["results"]["bindings"]:
        for value in binding.values():
            assert value["type"] in ("uri", "literal") and "value" in value


def test_rdflib_engine_gives_the_same_csv(run_cli) -> None:
    _, oxigraph, _ = run_cli("query", "associated-conditions", "--format", "csv")
    code, rdflib, _ = run_cli("query", "associated-conditions", "--format", "csv", "--engine", "rdflib")
    assert code == 0 and sorted(oxigraph.splitlines()) == sorted(rdflib.splitlines())
    assert "HeartFailure" in rdflib


def test_injection_attempt_is_an_unknown_label(run_cli) -> None:
    code, out, err = run_cli("query", "causes-through", "--param", 'mechanism=x" } ; DROP ALL ; #')
    assert code == 1 and out == ""
    assert err.startswith('smr-kg: error: no term is named "x\\" } ; DROP ALL ; #"')
    assert len(err.strip().splitlines()) == 1
    code, out, _ = run_cli(*HEADLINE)
    assert code == 0 and "dilated cardiomyopathy" in out     # the graph is untouched


def test_unknown_value_lists_candidates(run_cli) -> None:
    code, _, err = run_cli("query", "causes-through", "--param", "mechanism=left ventricular dilatation of doom")
    assert code == 1 and "closest:" in err and "smr:LeftVentricularDilation" in err


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("query", "no-such-query"), 1, "no query named"),
        (("query", "causes-through"), 1, "needs --param mechanism"),
        (("query", "causes-through", "--param", "mechanism"), 1, "expected NAME=VALUE"),
        (("query", "causes", "--param", "x=1"), 1, "no parameter 'x'"),
    ],
)
def test_cli_errors_are_one_line_with_exit_codes(run_cli, args, code: int, message: str) -> None:
    got, out, err = run_cli(*args)
    assert got == code and message in err and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_syntax_error_in_a_users_file_is_exit_2_with_line_and_column(run_cli, tmp_path: Path, engine: str) -> None:
    mine = tmp_path / "broken.rq"
    mine.write_text("PREFIX smr: <https://w3id.org/smr-kg/>\nSELECT ?x WHERE {\n  ?x smr:actsThrough\n}\n", encoding="utf-8")
    code, _, err = run_cli("query", str(mine), "--engine", engine)
    assert code == 2 and "SPARQL syntax error at line" in err and "column" in err


def test_a_users_ask_query_and_parameters(run_cli, tmp_path: Path) -> None:
    mine = tmp_path / "ask.rq"
    mine.write_text("PREFIX smr: <https://w3id.org/smr-kg/>\nASK { ?c smr:actsThrough smr:LeftAtrialDilation }\n", encoding="utf-8")
    code, out, _ = run_cli("query", str(mine), "--param", "c=atrial fibrillation")
    assert code == 0 and out == "true\n"
    code, out, _ = run_cli("query", str(mine), "--param", "c=hypertrophic cardiomyopathy", "--format", "json")
    assert code == 0 and json.loads(out) == {"head": {}, "boolean": False}


def test_queries_command_lists_every_named_query(run_cli) -> None:
    code, out, _ = run_cli("queries")
    assert code == 0
    assert "causes-through" in out and "Which conditions cause secondary mitral regurgitation through a given mechanism?" in out
    assert "parameters: mechanism" in out
    assert "[condition]" in out   # optional parameters in brackets


SLOW = """PREFIX smr: <https://w3id.org/smr-kg/>
SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }
"""


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_query_past_the_timeout_is_stopped_and_the_process_exits(tmp_path: Path, dist_env: Path, engine: str) -> None:
    """A real process: the stuck worker thread must not keep the CLI alive."""
    slow = tmp_path / "slow.rq"
    slow.write_text(SLOW, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "smr_kg.cli", "query", str(slow), "--timeout", "0.5", "--engine", engine],
        capture_output=True, text=True, timeout=120, env={**os.environ, "SMR_KG_DIST": str(dist_env)},
    )
    assert done.returncode == 2, done.stderr
    assert "did not finish within 0.5 s" in done.stderr and "--timeout" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_queries_lists_every_named_query_as_json(run_cli) -> None:
    import json

    from smr_kg.sparql.queries import list_queries

    code, out, _ = run_cli("queries", "--format", "json")
    listed = json.loads(out)
    assert code == 0 and [q["name"] for q in listed] == [q.name for q in list_queries()]
    causes_through = next(q for q in listed if q["name"] == "causes-through")
    assert causes_through["question"] and causes_through["path"].endswith("causes-through.rq")
    assert {"name": "mechanism", "kind": "term", "required": True}.items() <= causes_through["parameters"][0].items()


def test_queries_without_query_files_is_an_error_not_an_empty_list(run_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SMR_KG_ROOT", str(tmp_path))
    code, out, err = run_cli("queries")
    assert code == 2 and out == "" and "no named queries" in err


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_limit_and_offset_pages_concatenate_to_the_whole_csv(run_cli, engine: str) -> None:
    code, whole, _ = run_cli("query", "causes", "--format", "csv", "--engine", engine)
    assert code == 0
    header, *rows = whole.splitlines(keepends=True)
    pages = []
    for start in range(0, len(rows) + 5, 5):
        code, out, err = run_cli("query", "causes", "--format", "csv", "--engine", engine,
                                 "--limit", "5", "--offset", str(start))
        assert code == 0 and err == "" and out.startswith(header)
        pages.append(out.splitlines(keepends=True)[1:])
    assert [row for page in pages for row in page] == rows and pages[-1] == []
    code, out, _ = run_cli("query", "causes", "--format", "csv", "--engine", engine, "--offset", "3")
    assert out.splitlines(keepends=True)[1:] == rows[3:]


def test_a_table_page_says_which_rows_it_shows_and_where_the_next_starts(run_cli) -> None:
    code, whole, _ = run_cli("query", "causes", "--format", "csv")
    total = len(whole.splitlines()) - 1
    assert total > 6
    code, out, _ = run_cli("query", "causes", "--limit", "3", "--offset", "2")
    assert code == 0 and out.splitlines()[-1].startswith("(rows 3–5; more with --offset 5")
    assert len(out.splitlines()) == 2 + 3 + 1
    code, out, _ = run_cli("query", "causes", "--offset", str(total - 2))
    assert out.splitlines()[-1].startswith(f"(rows {total - 1}–{total}, the last")
    code, out, _ = run_cli("query", "causes", "--offset", str(total + 10))
    assert code == 0 and out.splitlines()[-1] == f"(0 rows: the answer has {total + 10} rows or fewer)"
    code, out, _ = run_cli("query", "causes", "--limit", "0", "--format", "json")
    assert code == 0 and json.loads(out)["results"]["bindings"] == [] and "cause" in json.loads(out)["head"]["vars"]


@pytest.mark.parametrize("option, value", [("--limit", "-1"), ("--offset", "-3"), ("--limit", "ten"), ("--offset", "1.5")])
def test_a_negative_or_fractional_page_is_exit_2_in_one_line(run_cli, capsys, option: str, value: str) -> None:
    with pytest.raises(SystemExit) as exited:  # argparse's usage error, reported by cli.main in one line
        run_cli("query", "causes", option, value)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and option in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
