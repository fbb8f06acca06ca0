"""The CLI shell: help, unknown commands, and internal errors without tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from smr_kg import cli


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "COMMAND" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["no-such-command"])
    assert exit_info.value.code == 2


def test_internal_error_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from smr_kg.commands import build as build_command

    def boom(args):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(build_command, "run", boom)
    monkeypatch.delenv("SMR_KG_DEBUG", raising=False)
    parser_args = ["build", "--no-reasoner"]
    # rebuild the parser so set_defaults picks up the patched function
    code = cli.main(parser_args)
    err = capsys.readouterr().err
    assert code == 70
    assert "internal error" in err and "simulated bug" in err and "Traceback" not in err


def test_console_script_runs_as_module() -> None:
    done = subprocess.run([sys.executable, "-m", "smr_kg.cli", "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("smr-kg ")


def test_every_environment_variable_is_in_help_and_readme() -> None:
    """Each variable the code reads is listed in paths.ENVIRONMENT, `smr-kg --help` and the README."""
    import re
    from pathlib import Path

    from smr_kg.paths import ENVIRONMENT

    root = Path(__file__).resolve().parents[1]
    read = set()
    for source in (root / "src" / "smr_kg").rglob("*.py"):
        text = source.read_text()
        read |= set(re.findall(r"""(?:environ(?:\.get)?\s*[\[(]|getenv\()\s*["']([A-Z0-9_]+)["']""", text))
        read |= set(re.findall(r"""["'](SMR_KG_[A-Z0-9_]+)["']""", text))  # names kept in constants
    assert read and read <= set(ENVIRONMENT), read - set(ENVIRONMENT)
    done = subprocess.run([sys.executable, "-m", "smr_kg.cli", "--help"], capture_output=True, text=True)
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in ENVIRONMENT:
        assert name in done.stdout, name
        assert f"`{name}`" in readme, name


@pytest.mark.parametrize("command", [
    ["query", "causes-through", "--param", "mechanism=left ventricular dilation"],
    ["lookup", "SNOMEDCT:49436004"],
])
def test_query_and_lookup_on_the_embedded_store_import_no_rdflib_curies_or_pydantic(command: list[str]) -> None:
    """The fast commands' cost is mostly imports (issue 14): rdflib, curies and pydantic cost
    several times a bare interpreter start, so the pyoxigraph path must not load them."""
    done = _probe(
        "import sys",
        "from smr_kg.cli import main",
        f"code = main({command!r})",
        "heavy = sorted(m for m in ('rdflib', 'curies', 'pydantic') if m in sys.modules)",
        "print('HEAVY', code, heavy, file=sys.stderr)",
    )
    assert done.stdout.strip(), "the command printed nothing"
    assert "HEAVY 0 []" in done.stderr, done.stderr


def test_lookup_imports_neither_dataclasses_nor_inspect() -> None:
    """dataclasses (with inspect) cost ~10 ms of a ~80 ms lookup (issue 14): the card's records
    are smr_kg.record.Record subclasses, and nothing else on the path may bring them back."""
    done = _probe(
        "import sys",
        "from smr_kg.cli import main",
        "code = main(['lookup', 'SNOMEDCT:49436004', '--format', 'json'])",
        "loaded = sorted(m for m in ('dataclasses', 'inspect') if m in sys.modules)",
        "print('LOADED', code, loaded, file=sys.stderr)",
    )
    assert '"SNOMEDCT:49436004"' in done.stdout
    assert "LOADED 0 []" in done.stderr, done.stderr


def test_the_command_process_freezes_its_startup_objects_but_an_in_process_caller_does_not() -> None:
    """A process that is the command (argv from sys.argv) moves its startup objects out of the
    garbage collector's view before the command runs (issue 14: ~4 ms of a lookup); a caller that
    runs main() in its own process, as the tests do, must keep its garbage collectable."""
    done = _probe(
        "import gc, sys",
        "import smr_kg.commands.lookup as command",
        "from smr_kg.cli import main",
        "def run(args):",
        "    print('FROZEN', gc.get_freeze_count() > 0, file=sys.stderr)",
        "    return 0",
        "command.run = run",
        "main(['lookup', 'x'])",
        "sys.argv = ['smr-kg', 'lookup', 'x']",
        "main()",
    )
    assert done.stderr.split() == ["FROZEN", "False", "FROZEN", "True"], done.stderr


def _probe(*lines: str) -> subprocess.CompletedProcess:
    """Run the Python ``lines`` in a fresh interpreter (what a command loads, and its garbage
    collector's state, belong to the process) and require that it succeeds."""
    done = subprocess.run([sys.executable, "-c", "\n".join(lines) + "\n"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done
