"""A progress line for steps that take more than a second.

Only on a terminal: stderr is where scripts expect the one-line error (``smr-kg: error: ...``),
and a pipe, a log file or a test run gets nothing extra, so outputs stay byte-stable. A step
that finishes within the delay prints nothing at all, so fast commands stay silent; a slow one
shows ``smr-kg: reasoning with HermiT ...`` once the delay has passed and completes the line with
its time.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

DELAY = 1.0
"""Seconds a step runs before its progress line appears."""


def enabled(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal a person is watching."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def step(what: str, stream: TextIO | None = None, delay: float = DELAY) -> Iterator[None]:
    """Show ``what`` on ``stream`` (default: stderr) if the block is still running after ``delay``."""
    stream = stream if stream is not None else sys.stderr
    if not enabled(stream):
        yield
        return
    started = time.perf_counter()
    lock = threading.Lock()
    state = {"shown": False, "done": False}

    def show() -> None:
        with lock:
            if not state["done"]:
                stream.write(f"smr-kg: {what} ...")
                stream.flush()
                state["shown"] = True

    timer = threading.Timer(delay, show)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["shown"]:
                stream.write(f" {time.perf_counter() - started:.1f} s\n")
                stream.flush()
