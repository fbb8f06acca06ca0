"""Query workers: separate processes, so that a query past its time limit can really be stopped.

pyoxigraph cannot cancel a running query, and the CLI's answer to that (stop waiting and let the
thread finish, :func:`smr_kg.store.run_with_timeout`) would let a server accumulate runaway
queries until it stops answering. Here each query runs in one of a few worker processes that
have the prebuilt store open read-only; when a query runs past the limit its worker is killed
and replaced, and the client gets a 503. A worker serializes the result itself with pyoxigraph's
own writers (the formats the protocol asks for) into a buffer capped at ``max_bytes``: writing
more aborts the evaluation, since pyoxigraph produces solutions lazily while it writes them.
"""

from __future__ import annotations

import multiprocessing
import queue
import re
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from .protocol import BOOLEAN_FORMATS, GRAPH_FORMATS, RESULT_FORMATS, ProtocolError, QueryRequest, negotiate


@dataclass
class Response:
    """What a worker sends back: an HTTP status, a media type and the body."""

    status: int
    media_type: str
    body: bytes


class Busy(ProtocolError):
    """No capacity now: 503 with ``Retry-After``, at once rather than after a long wait."""

    def __init__(self, message: str) -> None:
        super().__init__(503, message)


_CHEAP_BLANKS = re.compile(r'"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'" r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*')
_ASK = re.compile(r"(?i)^\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*)*ASK\b")
_SMALL_LIMIT = re.compile(r"(?i)\bLIMIT\s+(\d+)\s*$")
_COSTLY = re.compile(r"(?i)\b(ORDER|GROUP|DISTINCT|REDUCED|SERVICE|UNION|OPTIONAL|MINUS)\b|[*+](?=\s*[?$<\w(])|\)\s*[*+]")


def is_cheap(query: str) -> bool:
    """A query the reserved lane takes: ASK, or a SELECT/CONSTRUCT ending in LIMIT <= 100, with no
    ordering, grouping, union, optional part or property-path repetition. A lexical estimate:
    a cheap-looking query that is slow is still stopped at the time limit."""
    text = _CHEAP_BLANKS.sub(" ", query)
    if _COSTLY.search(text.replace("SELECT *", "SELECT ?_all").replace("select *", "select ?_all")):
        return False
    if _ASK.search(text):
        return True
    limit = _SMALL_LIMIT.search(text.strip())
    return limit is not None and int(limit.group(1)) <= 100


class ResultTooLarge(Exception):
    """Raised by the capped buffer when a result grows past the cap."""


class _CappedBuffer:
    """A write-only file that refuses to hold more than ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge()
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def evaluate(store, request: QueryRequest, accept: str | None, max_bytes: int) -> Response:
    """Run ``request`` on a pyoxigraph store and serialize the result as ``accept`` prefers."""
    import pyoxigraph as ox

    try:
        result = store.query(
            request.query,
            default_graph=[ox.NamedNode(g) for g in request.default_graphs] or None,
            named_graphs=[ox.NamedNode(g) for g in request.named_graphs] or None,
        )
    except SyntaxError as error:
        return _error(400, f"SPARQL syntax error: {error}")
    except (ValueError, RuntimeError, OSError) as error:
        return _error(400, f"the query failed: {error}")
    if isinstance(result, ox.QueryTriples):
        media = negotiate(accept, list(GRAPH_FORMATS))
        format_ = getattr(ox.RdfFormat, GRAPH_FORMATS[media]) if media else None
    elif isinstance(result, ox.QueryBoolean):
        media = negotiate(accept, list(BOOLEAN_FORMATS))
        format_ = getattr(ox.QueryResultsFormat, RESULT_FORMATS[media]) if media else None
    else:
        media = negotiate(accept, list(RESULT_FORMATS))
        format_ = getattr(ox.QueryResultsFormat, RESULT_FORMATS[media]) if media else None
    if media is None:
        return _error(406, f"no result format acceptable to {accept!r} for this query form")
    buffer = _CappedBuffer(max_bytes)
    try:
        result.serialize(buffer, format_)
    except ResultTooLarge:
        return _error(413, f"the result is larger than this endpoint's cap of {max_bytes} bytes: add a LIMIT")
    except (ValueError, RuntimeError, OSError) as error:
        return _error(400, f"the query failed: {error}")
    charset = "; charset=utf-8" if media.startswith(("text/", "application/sparql-results+json", "application/json")) else ""
    return Response(200, media + charset, b"".join(buffer.parts))


def _error(status: int, message: str) -> Response:
    return Response(status, "text/plain; charset=utf-8", (" ".join(message.split())[:1000] + "\n").encode("utf-8"))


def worker_main(connection: Connection, store_dir: str, max_bytes: int) -> None:
    """A worker process: open the store read-only, then answer requests until the pipe closes."""
    import pyoxigraph as ox

    store = ox.Store.read_only(store_dir)
    connection.send("ready")
    while True:
        try:
            request, accept = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(evaluate(store, request, accept, max_bytes))


class _Worker:
    def __init__(self, context, store_dir: str, max_bytes: int, lane: str = "any") -> None:
        self.lane = lane
        """``any`` (takes every query) or ``cheap`` (kept for cheap queries only)."""
        self.connection, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, store_dir, max_bytes), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.connection.poll(timeout) or self.connection.recv() != "ready":
            self.kill()
            raise RuntimeError("a query worker did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class WorkerPool:
    """``size`` worker processes for any query, plus ``cheap`` kept for cheap ones (ASK, a small
    LIMIT without ordering or paths: :func:`is_cheap`), so that a trivial query is answered while
    slow ones hold every other worker. At most ``max_waiting`` requests wait for a worker at once;
    one more is refused at once with 503 and ``Retry-After`` (:class:`Busy`) instead of queueing
    behind them. :meth:`run` answers one request within ``timeout`` seconds."""

    def __init__(self, store_dir: Path, size: int, timeout: float, max_bytes: int,
                 cheap: int = 1, max_waiting: int = 64) -> None:
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._store_dir, self._max_bytes, self.timeout = str(store_dir), max_bytes, timeout
        self._idle: dict[str, queue.Queue[_Worker]] = {"any": queue.Queue(), "cheap": queue.Queue()}
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self._waiting = threading.BoundedSemaphore(max_waiting) if max_waiting > 0 else None
        for lane, count in (("any", size), ("cheap", cheap)):
            for _ in range(count):
                self._idle[lane].put(self._start(lane))

    def _start(self, lane: str = "any") -> _Worker:
        worker = _Worker(self._context, self._store_dir, self._max_bytes, lane)
        try:
            worker.wait_ready(60)
        except (EOFError, OSError):
            worker.kill()
            raise RuntimeError("a query worker did not start") from None
        with self._lock:
            self._all.append(worker)
        return worker

    def run(self, request: QueryRequest, accept: str | None) -> Response:
        """Evaluate ``request``; 503 when too many wait, no worker frees up in time, or the query
        runs too long; 500 when the worker dies."""
        if self._waiting is not None and not self._waiting.acquire(blocking=False):
            raise Busy("the endpoint is busy: too many queries are waiting; try again shortly")
        try:
            started = time.monotonic()
            worker = self._take(is_cheap(request.query))
            remaining = max(self.timeout - (time.monotonic() - started), 0.01)
        finally:
            if self._waiting is not None:
                self._waiting.release()
        try:
            worker.connection.send((request, accept))
            if worker.connection.poll(remaining):
                response = worker.connection.recv()
                self._idle[worker.lane].put(worker)
                return response
        except (EOFError, OSError):  # the pipe closed: the worker died, it did not run out of time
            worker.process.join(1)
            code = worker.process.exitcode
            self._replace(worker)
            how = f" (signal {-code})" if code is not None and code < 0 else f" (exit code {code})" if code else ""
            raise ProtocolError(500, f"the query engine stopped while evaluating the query{how}; "
                                     "a new worker has been started") from None
        self._replace(worker)
        raise ProtocolError(503, f"the query did not finish within {self.timeout:g} s and was stopped")

    def _take(self, cheap: bool) -> _Worker:
        """A free worker: a cheap query takes one of either lane, first come; others wait for the
        general lane only."""
        deadline = time.monotonic() + self.timeout
        while True:
            for lane in (("cheap", "any") if cheap else ("any",)):
                try:
                    return self._idle[lane].get_nowait()
                except queue.Empty:
                    pass
            left = deadline - time.monotonic()
            if left <= 0:
                raise Busy(f"the endpoint is busy: no worker was free within {self.timeout:g} s")
            try:
                return self._idle["cheap" if cheap else "any"].get(timeout=min(left, 0.05 if cheap else left))
            except queue.Empty:
                continue

    def _replace(self, worker: _Worker) -> None:
        """Kill a stuck or dead worker and start a fresh one in the background."""
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

        def restart() -> None:
            if self._closed:
                return
            try:
                fresh = self._start(worker.lane)
            except (RuntimeError, EOFError, OSError):
                return  # the pool runs one worker short rather than failing requests
            if self._closed:  # closed while it started: it is not the pool's any more
                fresh.kill()
            else:
                self._idle[worker.lane].put(fresh)

        threading.Thread(target=restart, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._all = list(self._all), []
        for worker in workers:
            worker.kill()
