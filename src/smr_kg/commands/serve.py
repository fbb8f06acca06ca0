"""``smr-kg serve``: a read-only SPARQL 1.1 endpoint over the built graph, and a query page."""

from __future__ import annotations

import argparse
import signal
import sys

from ..serve import DEFAULT_HOST, DEFAULT_MAX_BYTES, DEFAULT_PORT, DEFAULT_TIMEOUT

CDS_PREFIX = "/cds-services"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the built graph as a read-only SPARQL endpoint (/sparql) with a query page (/)",
        description="A SPARQL 1.1 Protocol endpoint at /sparql (GET and POST; JSON, XML, CSV or TSV "
        "results, Turtle for CONSTRUCT) over dist/store, and a query page at / with the named "
        "queries as ready examples. Read-only; each query runs in a worker process that is stopped "
        "at the time limit. Binds 127.0.0.1 unless --host says otherwise.",
        epilog="example: smr-kg serve --port 7070, then open http://127.0.0.1:7070/",
    )
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
    p.add_argument("--expose", action="store_true",
                   help="required to listen on anything but loopback (127.0.0.1, ::1, localhost): the endpoint and "
                        "the CDS Hooks service have no authentication, so binding another address exposes them")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"stop a query after this long (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--max-result-bytes", type=int, default=DEFAULT_MAX_BYTES, metavar="N",
                   help=f"refuse results larger than N bytes (default {DEFAULT_MAX_BYTES})")
    p.add_argument("--workers", type=int, default=0, metavar="N",
                   help="query worker processes (default: one per CPU, at least 2)")
    p.add_argument("--max-waiting", type=int, default=0, metavar="N",
                   help="queries that may wait for a worker at once (default 16 per worker); one more is refused "
                        "at once with 503 and Retry-After. One extra worker is kept for cheap queries (ASK, a "
                        "small LIMIT), so they are answered while slow ones hold the others")
    p.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="allow cross-origin requests from ORIGIN (repeatable; * for any); off by default")
    p.add_argument("--quiet", action="store_true", help="do not log requests")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..serve import ServeOptions, start, stop

    if not 0 <= args.port <= 65535:
        raise InputError(f"--port must be 0-65535, not {args.port}")
    if args.timeout <= 0 or args.max_result_bytes <= 0 or args.workers < 0:
        raise InputError("--timeout and --max-result-bytes must be positive, --workers 0 or more")
    if not _loopback(args.host) and not args.expose:
        raise InputError(f"--host {args.host} listens beyond this machine and the server has no authentication: "
                         "add --expose to do it on purpose (or keep the default 127.0.0.1)")
    if args.max_waiting < 0:
        raise InputError("--max-waiting must be 0 (the default) or more")
    options = ServeOptions(args.host, args.port, args.timeout, args.max_result_bytes, args.workers,
                           tuple(args.cors), args.quiet, args.max_waiting)
    server = start(options, mounts={CDS_PREFIX: cds_application()})
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl-C
    print(f"smr-kg: SPARQL endpoint at {server.url}/sparql, query page at {server.url}/, "
          f"CDS Hooks services at {server.url}{CDS_PREFIX} (Ctrl-C stops)", file=sys.stderr, flush=True)
    if not _loopback(args.host):
        print(f"smr-kg: EXPOSED on {args.host}: anyone who can reach this address can query the graph and call the "
              "CDS Hooks service, without authentication (put it behind a proxy that authenticates)",
              file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop(server)
    return 0


def _loopback(host: str) -> bool:
    import ipaddress

    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def cds_application():
    """The CDS Hooks service (smr_kg.patients.cds) as a mounted application of the server: this
    command is where serve and patients meet, so neither package imports the other."""
    import json

    from ..patients.cds import CdsService
    from ..patients.knowledge import read_knowledge
    from ..patients.pipeline import Options, evaluator
    from ..serve.server import AppRequest, AppResponse
    from ..store import open_store

    def build():
        knowledge = read_knowledge(open_store())
        return knowledge, evaluator(knowledge, None, Options())

    service = CdsService(build)

    def app(request: AppRequest) -> AppResponse:
        status, body = service.handle(request.method, request.path, request.body)
        return AppResponse(status, "application/json", json.dumps(body, ensure_ascii=False).encode("utf-8"))

    return app


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
