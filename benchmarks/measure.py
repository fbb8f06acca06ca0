"""Measure one command as a child process: wall time, CPU time and peak memory, with a time cap.

The scaling benchmark runs every step in a fresh interpreter, as a user does, so imports and
start-up are part of what is measured. ``os.wait4`` gives the rusage of exactly that child
(peak RSS, user + system CPU) rather than the cumulative ``RUSAGE_CHILDREN``. A step that runs
past its cap is killed with its whole process group and reported as such: on a shared 2-core
machine a runaway step must not keep eating a core.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """One measured child process."""

    wall: float
    cpu: float
    peak_mb: float
    code: int | None
    """Exit code; None when the cap stopped it."""
    stdout: str = ""
    stderr: str = ""

    @property
    def capped(self) -> bool:
        return self.code is None

    @property
    def ok(self) -> bool:
        return self.code == 0


def run(command: Sequence[str], env: Mapping[str, str] | None = None, cap: float | None = None) -> Run:
    """Run ``command`` once; stop it (and its children) after ``cap`` seconds."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(list(command), env=dict(env) if env is not None else None,
                                 stdout=out, stderr=err, start_new_session=True)
        stopped = threading.Event()

        def stop() -> None:
            stopped.set()
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(cap, stop) if cap else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(child.pid, 0)  # blocks; exact wall time and this child's rusage
        wall = time.perf_counter() - started
        if timer:
            timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait
        out.seek(0)
        err.seek(0)
        code = None if stopped.is_set() else child.returncode
        return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def median_run(command: Sequence[str], repeat: int, env: Mapping[str, str] | None = None,
               cap: float | None = None) -> Run:
    """The median of ``repeat`` runs (wall and CPU separately); a capped or failed run ends the series."""
    runs = []
    for _ in range(max(1, repeat)):
        one = run(command, env, cap)
        if not one.ok:
            return one
        runs.append(one)
    return Run(
        statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
        max(r.peak_mb for r in runs), 0, runs[-1].stdout, runs[-1].stderr,
    )


__all__ = ["Run", "median_run", "run"]
