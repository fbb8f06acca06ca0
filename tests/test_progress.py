"""Progress lines: shown on a terminal for steps slower than the delay, never in pipes or tests."""

from __future__ import annotations

import io
import time

from smr_kg.progress import step


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_slow_step_on_a_terminal_shows_a_line_with_its_time() -> None:
    out = Terminal()
    with step("reasoning with HermiT", stream=out, delay=0.01):
        time.sleep(0.1)
    assert out.getvalue().startswith("smr-kg: reasoning with HermiT ...") and out.getvalue().endswith(" s\n")


def test_a_fast_step_or_a_pipe_shows_nothing() -> None:
    out = Terminal()
    with step("quick", stream=out, delay=5):
        pass
    assert out.getvalue() == ""
    piped = io.StringIO()
    with step("slow but piped", stream=piped, delay=0.0):
        time.sleep(0.05)
    assert piped.getvalue() == ""


def test_cli_commands_print_nothing_extra_on_stderr_when_not_a_terminal(run_cli, tmp_path) -> None:
    code, _, err = run_cli("build", "--no-reasoner", "--dist", str(tmp_path))
    assert code == 0 and err == ""
