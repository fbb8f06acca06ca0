"""Fuzzing with hypothesis: whatever a user types, smr-kg answers or fails in one line with exit 1
or 2 -- never a traceback, never exit 70, never a hang (issue 12, "Done when").

The budget is fixed and small so CI stays fast and repeatable: derandomized (the same examples
on every run), no example database, a handful of examples per target, each call under an alarm.
"""

from __future__ import annotations

import io
import signal
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smr_kg.cli import main

FUZZ = settings(max_examples=25, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SECONDS = 30
"""A call running longer than this counts as a hang."""

TRICKY = st.sampled_from([
    "", " ", "-", "--", "smr:", "smr:AtrialFibrillation", "SNOMEDCT:49436004", "SNOMEDCT:", "ICD10CM:I34.0",
    "<http://x y>", "<>", "http://", "file:///etc/passwd", "\x1b[31mred\x1b[0m", "a\nb", "\x00", "\u202e",
    "left ventricular dilation", "LEFT-VENTRICULAR  dilation", "a" * 2000, "é" * 300, "?x", "$x", "\"", "'",
    "x\" } ; DROP ALL ; #", "../../etc/passwd.rq", "/dev/zero.rq", "q.rq", "causes.rq", "%s%n",
])
TEXT = st.one_of(TRICKY, st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
                 st.builds(lambda a, b: a + b, TRICKY, st.text(max_size=10)))
RDF_TOKENS = st.sampled_from([
    "@prefix ex: <http://example.org/> .", "@prefix smr: <https://w3id.org/smr-kg/> .", "ex:a", "ex:b",
    "smr:AtrialFibrillation", "rdfs:label", "a", "owl:Class", "<a b>", "<http://example.org/c>", '"lit"',
    '"""long\nliteral"""', "@en", "^^xsd:integer", "1.5e3", "true", "_:x", "[", "]", "(", ")", ".", ";",
    ",", "\n", "{", "}", '"@context"', '"@id"', ":", "\\u0000", "<!ENTITY x \"&x;\">", "<rdf:RDF>",
])
RDF_DOC = st.lists(RDF_TOKENS, max_size=30).map(" ".join)


@contextmanager
def _deadline(seconds: int):
    def hang(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(*args: str) -> tuple[int, str, str]:
    """``smr-kg ARGS`` in-process (hypothesis re-runs a test many times: no function fixtures)."""
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    with _deadline(SECONDS), redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exited:  # argparse usage errors
            code = exited.code
    out.flush()
    return code, out.buffer.getvalue().decode("utf-8", "replace"), err.getvalue()


def _contract(code: int, err: str) -> None:
    assert code in (0, 1, 2), f"exit {code}: {err}"
    assert "Traceback" not in err and "internal error" not in err, err
    if code:
        errors = [line for line in err.splitlines() if line.startswith("smr-kg: error:")]
        assert len(errors) == 1, err


@FUZZ
@given(TEXT)
def test_any_term_for_lookup_and_path(term: str) -> None:
    for command in ("lookup", "path"):
        code, _, err = run(command, "--", term)
        _contract(code, err)


@FUZZ
@given(TEXT)
def test_any_parameter_value(value: str) -> None:
    code, _, err = run("query", "causes-through", "--param", f"mechanism={value}", "--format", "csv")
    _contract(code, err)


@FUZZ
@given(TEXT, TEXT)
def test_any_parameter_name_and_query_name(name: str, value: str) -> None:
    code, _, err = run("query", "--", name)
    _contract(code, err)
    code, _, err = run("query", "causes", "--param", f"{name}={value}")
    _contract(code, err)


@settings(FUZZ, max_examples=60)
@given(RDF_DOC, st.sampled_from([".ttl", ".nt", ".jsonld", ".rdf"]))
def test_any_small_rdf_document_parses_or_is_bad_input(tmp_path_factory, doc: str, suffix: str) -> None:
    """The loader behind `validate` (and the build): a graph, or InputError -- nothing else."""
    from rdflib import Graph

    from smr_kg.errors import InputError
    from smr_kg.stages.load import parse_into

    path = tmp_path_factory.mktemp("doc") / f"doc{suffix}"
    path.write_text(doc, encoding="utf-8")
    try:
        with _deadline(SECONDS), redirect_stderr(io.StringIO()):
            parse_into(Graph(), path)
    except InputError:
        pass  # bad input, said in a message; any other exception fails the test


@settings(FUZZ, max_examples=4)
@given(RDF_DOC)
def test_validate_on_a_small_rdf_document(tmp_path_factory, doc: str) -> None:
    path: Path = tmp_path_factory.mktemp("doc") / "doc.ttl"
    path.write_text(doc, encoding="utf-8")
    code, _, err = run("validate", str(path))
    _contract(code, err)


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_answer_formats_do_not_hang(fmt: str) -> None:
    """A fixed smoke check beside the fuzzing: the slowest renderer finishes within the alarm."""
    code, out, err = run("answer", "causes", "--format", fmt)
    assert code == 0 and out, err
