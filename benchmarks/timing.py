"""Shared timing helpers for the benchmark scripts (run them as `python benchmarks/bench_X.py`)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls: the median resists one slow run on a shared machine."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def print_ratios(rows: list[tuple[str, float]], width: int = 52) -> None:
    """A table of median seconds and ratios to the first row (the baseline of the same run)."""
    base = rows[0][1]
    print(f"{'step':{width}} {'median s':>9} {'x baseline':>11}")
    for name, seconds in rows:
        print(f"{name:{width}} {seconds:9.3f} {seconds / base:10.2f}x")
