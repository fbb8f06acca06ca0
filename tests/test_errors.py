"""The README's error contract, clause by clause (issue 12, items 10 and 11):

1. exit codes: 0 ok, 1 a failed check or an unknown term/query, 2 bad input or cannot run, 70 a bug;
2. one line: an error is exactly one ``smr-kg: error: ...`` line on stderr, no traceback, no
   library warning lines;
3. nothing half-written: a failed command leaves an existing output as it was and no temporary file;
4. no network unless asked.
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def _cli(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smr_kg.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120, **kwargs)


def _one_error_line(err: str) -> bool:
    lines = err.splitlines()
    return len(lines) == 1 and lines[0].startswith("smr-kg: error: ") and "Traceback" not in err


@pytest.fixture
def bad_iri(tmp_path: Path) -> Path:
    path = tmp_path / "bad-iri.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b <a b> .\n")
    return path


# -- clause 1: exit codes ------------------------------------------------------------------------

def test_exit_1_for_a_failed_check_and_for_unknown_terms_and_queries(run_cli) -> None:
    assert run_cli("validate", str(FIXTURES / "validate" / "MissingLabel.ttl"))[0] == 1
    assert run_cli("lookup", "no such thing at all")[0] == 1
    assert run_cli("query", "no-such-query")[0] == 1


def test_exit_2_for_bad_input_and_for_what_cannot_run(run_cli, tmp_path: Path, monkeypatch) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix : <http://x/> .\n:a :b\n")
    assert run_cli("validate", str(bad))[0] == 2
    assert run_cli("answer", "causes", "-o", str(tmp_path))[0] == 2
    monkeypatch.setenv("SMR_KG_DIST", str(tmp_path / "nothing-built"))
    assert run_cli("lookup", "atrial fibrillation")[0] == 2


def test_an_invalid_iri_in_turtle_is_exit_2_with_file_and_line(run_cli, bad_iri: Path) -> None:
    """Issue: `<a b>` in Turtle gave exit 70 and no file:line, after an rdflib warning line."""
    code, _, err = run_cli("validate", str(bad_iri))
    assert code == 2 and f"{bad_iri}:3" in err and _one_error_line(err)


def test_stdout_on_a_full_disk_is_exit_2() -> None:
    with open("/dev/full", "w") as full:  # opened for writing only; the device is not touched
        done = subprocess.run([sys.executable, "-m", "smr_kg.cli", "path", "atrial fibrillation"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2 and "No space left on device" in done.stderr and _one_error_line(done.stderr)


def test_an_ascii_only_stdout_is_exit_2_with_the_fix() -> None:
    done = _cli("path", "atrial fibrillation", env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 2 and "PYTHONIOENCODING" in done.stderr and _one_error_line(done.stderr)


def test_a_closed_stdout_pipe_is_quiet() -> None:
    reader = subprocess.Popen([sys.executable, "-m", "smr_kg.cli", "export", "-f", "nt"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader.stdout.read(10)
    reader.stdout.close()
    assert reader.wait(120) == 0
    assert reader.stderr.read() == b""


def test_a_bug_is_exit_70_in_one_line(run_cli, monkeypatch) -> None:
    from smr_kg.sparql import resolve

    monkeypatch.delenv("SMR_KG_DEBUG", raising=False)
    monkeypatch.setattr(resolve, "resolve_term", lambda store, text: 1 / 0)
    code, _, err = run_cli("path", "atrial fibrillation")
    assert code == 70 and "internal error" in err and len(err.splitlines()) == 1


# -- clause 2: one line --------------------------------------------------------------------------

def test_library_warnings_do_not_leak_as_extra_lines(bad_iri: Path) -> None:
    """Issue: rdflib's "does not look like a valid URI" printed an extra stderr line."""
    done = _cli("validate", str(bad_iri))
    assert "does not look like a valid URI" not in done.stderr and _one_error_line(done.stderr)


def test_an_engine_error_from_the_worker_thread_is_one_line(tmp_path: Path) -> None:
    """Issue: pyo3's "PyQuerySolutions is unsendable" line followed the error when a query failed."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens: the connection is refused at once
    rq = tmp_path / "svc.rq"
    rq.write_text(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
    for extra in ((), ("--allow-network",)):
        done = _cli("query", str(rq), *extra)
        assert done.returncode == 2 and "unsendable" not in done.stderr and _one_error_line(done.stderr), done.stderr


def test_usage_errors_are_one_line(run_cli) -> None:
    with pytest.raises(SystemExit) as exited:
        run_cli("export", "--format", "yaml")
    assert exited.value.code == 2
    done = _cli("export", "--format", "yaml")
    assert _one_error_line(done.stderr) and "--help" in done.stderr


# -- clause 3: nothing half-written --------------------------------------------------------------

def test_a_failed_write_leaves_the_old_file_and_no_temporary(run_cli, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "answer.md"
    target.write_text("old answer")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    code, _, err = run_cli("answer", "causes", "-o", str(target))
    assert code == 2 and "No space left" in err and _one_error_line(err)
    assert target.read_text() == "old answer"
    assert [p.name for p in tmp_path.iterdir()] == ["answer.md"]


def test_a_failed_command_writes_no_output_file(run_cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SMR_KG_DIST", str(tmp_path / "nothing-built"))
    code, _, _ = run_cli("answer", "causes", "-o", str(tmp_path / "answer.md"))
    assert code == 2 and not (tmp_path / "answer.md").exists()


# -- clause 4: no network ------------------------------------------------------------------------

def test_the_documented_commands_open_no_connection(run_cli, monkeypatch, tmp_path: Path) -> None:
    """Every socket connection from Python code fails the test (the oxigraph engine's own HTTP
    client is covered by test_untrusted.py's listener tests)."""
    attempts: list[object] = []

    def refuse(self, address):
        attempts.append(address)
        raise OSError(errno.ENETUNREACH, "network disabled by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    jsonld = tmp_path / "remote-context.jsonld"
    jsonld.write_text('{"@context": "https://example.org/context.jsonld", "@id": "http://x/a", "name": "x"}')
    for command in (("query", "causes-through", "--param", "mechanism=left ventricular dilation"),
                    ("lookup", "SNOMEDCT:49436004"), ("path", "atrial fibrillation"), ("answer", "causes"),
                    ("export", "-f", "jsonld"), ("validate", str(jsonld)), ("query", "causes", "--engine", "rdflib")):
        run_cli(*command)
    assert attempts == []
