"""The HTTP side of ``smr-kg serve``: routes, limits and headers, on the standard library's server.

``http.server.ThreadingHTTPServer`` is enough here: the endpoint is meant for one researcher's
browser and scripts on the same machine (it binds 127.0.0.1 unless told otherwise), the work is
done in the query worker processes, and no dependency has to be installed for it. Routes:

* ``/sparql`` -- the SPARQL 1.1 Protocol query operation (GET and POST); updates are refused,
  and so are SERVICE calls and FROM of graphs the store does not hold (the CLI's network guard);
* ``/`` and ``/static/…`` -- the query page (YASGUI, vendored) and its files;
* ``/examples.json`` -- the named queries with their header examples bound, for the page;
* any prefix of :attr:`Site.mounts` -- an application given by the caller (``smr-kg serve``
  mounts the CDS Hooks service of :mod:`smr_kg.patients` at ``/cds-services``): this package
  never imports the applications, so serve and patients stay independent (the layers contract).

Every response carries ``X-Content-Type-Options: nosniff``; the page's Content-Security-Policy
allows only this origin, so the page cannot fetch anything from the network even if a library
in it tried. CORS headers are sent only for the origins given with ``--cors``.
"""

from __future__ import annotations

import json
import mimetypes
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

from .protocol import ProtocolError, QueryRequest, parse_request
from .workers import Busy, Response, WorkerPool

MAX_REQUEST_BYTES = 1_000_000
"""A query is text: a larger request body is refused (413) before it is read."""
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


@dataclass
class Site:
    """What the handler serves besides queries: the static page and the examples."""

    examples: list[dict] = field(default_factory=list)
    cors: tuple[str, ...] = ()
    quiet: bool = False
    graph_names: Callable[[], Iterable[str]] = set
    """The store's named graphs: a FROM naming one of them stays inside the store."""
    mounts: Mapping[str, "Application"] = field(default_factory=dict)
    """Path prefix (``/cds-services``) -> the application that answers every request below it."""


@dataclass(frozen=True)
class AppRequest:
    """What an application sees of a request: method, path below nothing (the full path), the
    URL's query string, the headers it may need and the body (already bounded by
    :data:`MAX_REQUEST_BYTES`)."""

    method: str
    path: str
    query: str
    content_type: str | None
    accept: str | None
    body: bytes


@dataclass(frozen=True)
class AppResponse:
    status: int
    media_type: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


Application = Callable[[AppRequest], AppResponse]
"""A mounted application: a plain function of the request, run in the server's request thread."""


class Handler(BaseHTTPRequestHandler):
    """One request. The pool and the site are set on the server object."""

    server: "EndpointServer"
    server_version = "smr-kg"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path, _, query = self.path.partition("?")
        if (app := self._mounted(path)) is not None:
            self._application(app, "GET", path, query, b"")
        elif path == "/sparql":
            self._sparql("GET", query, b"")
        elif path in ("/", "/index.html"):
            self._static("index.html")
        elif path.startswith("/static/"):
            self._static(path[len("/static/"):])
        elif path == "/examples.json":
            self._send(200, "application/json", json.dumps(self.server.site.examples, indent=1).encode("utf-8"))
        else:
            self._send_text(404, f"nothing at {path}: the SPARQL endpoint is /sparql, the query page /")

    do_HEAD = do_GET  # noqa: N815 - same headers, no body (see _send)

    def do_POST(self) -> None:  # noqa: N802
        path, _, query = self.path.partition("?")
        app = self._mounted(path)
        if path != "/sparql" and app is None:
            self._send_text(404, f"nothing to POST to at {path}: the SPARQL endpoint is /sparql")
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._send_text(411, "a POST needs a Content-Length")
            return
        if int(length) > MAX_REQUEST_BYTES:
            self._send_text(413, f"the request is larger than {MAX_REQUEST_BYTES} bytes")
            self.close_connection = True
            return
        body = self.rfile.read(int(length))
        if app is not None:
            self._application(app, "POST", path, query, body)
        else:
            self._sparql("POST", query, body)

    def _mounted(self, path: str) -> Application | None:
        for prefix, app in self.server.site.mounts.items():
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return app
        return None

    def _application(self, app: Application, method: str, path: str, query: str, body: bytes) -> None:
        request = AppRequest(method, path, query, self.headers.get("Content-Type"), self.headers.get("Accept"), body)
        response = app(request)
        self._send(response.status, response.media_type, response.body, dict(response.headers))

    def do_OPTIONS(self) -> None:  # noqa: N802 - CORS preflight, only for allowed origins
        if self._allowed_origin() is None:
            self._send_text(405, "cross-origin requests are not enabled (start the server with --cors ORIGIN)")
            return
        self._send(204, None, b"", {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                    "Access-Control-Allow-Headers": "Content-Type, Accept",
                                    "Access-Control-Max-Age": "600"})

    def _refuse(self) -> None:
        length = self.headers.get("Content-Length", "0")
        if length.isdigit() and int(length) <= MAX_REQUEST_BYTES:
            self.rfile.read(int(length))  # read what the client sends, so it gets to read the answer
        else:
            self.close_connection = True
        self._send_text(405, "this endpoint is read-only: GET or POST a query to /sparql")

    do_PUT = do_DELETE = do_PATCH = _refuse

    def _sparql(self, method: str, url_query: str, body: bytes) -> None:
        if method == "GET" and not url_query:  # SPARQL 1.1 Service Description: GET without a query
            host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
            self._send(200, "text/turtle; charset=utf-8", service_description(f"http://{host}/sparql"))
            return
        try:
            request = parse_request(method, url_query, self.headers.get("Content-Type"), body)
            _stay_offline(request.query, self.server.site.graph_names)
            _known_graphs(request, self.server.site.graph_names)
            response = self.server.pool.run(request, self.headers.get("Accept"))
        except ProtocolError as error:
            response = Response(error.status, "text/plain; charset=utf-8", (error.message + "\n").encode("utf-8"))
            if isinstance(error, Busy):
                self._send(response.status, response.media_type, response.body, {"Vary": "Accept", "Retry-After": "1"})
                return
        self._send(response.status, response.media_type, response.body, {"Vary": "Accept"})

    def _static(self, name: str) -> None:
        root = resources.files("smr_kg.serve") / "static"
        parts = [p for p in name.split("/") if p]
        if not parts or any(p in (".", "..") or "\\" in p for p in parts):
            self._send_text(404, "no such file")
            return
        target = root.joinpath(*parts)
        if not target.is_file():
            self._send_text(404, "no such file")
            return
        media = mimetypes.guess_type(parts[-1])[0] or "application/octet-stream"
        if media.startswith("text/") or media == "application/javascript":
            media += "; charset=utf-8"
        self._send(200, media, target.read_bytes(), {"Content-Security-Policy": PAGE_POLICY, "Cache-Control": "no-cache"})

    def _allowed_origin(self) -> str | None:
        origin = self.headers.get("Origin")
        allowed = self.server.site.cors
        if origin and ("*" in allowed or origin in allowed):
            return origin
        return None

    def _send_text(self, status: int, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def _send(self, status: int, media: str | None, body: bytes, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if media:
            self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        origin = self._allowed_origin()
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        if not self.server.site.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "RDF_XML", "N-Quads", "TriG", "JSON-LD")
"""The W3C format IRIs (http://www.w3.org/ns/formats/) of what the endpoint answers in."""


def service_description(endpoint: str) -> bytes:
    """The endpoint's SPARQL 1.1 Service Description (Turtle): a query-only SPARQL 1.1 service
    over one default graph, with its result formats. The endpoint IRI is taken from the request's
    Host header, so the description names the address the client used."""
    formats = ", ".join(f"<http://www.w3.org/ns/formats/{name}>" for name in RESULT_FORMATS)
    iri = endpoint.replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
    return (f"@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n\n"
            f"<{iri}> a sd:Service ;\n"
            f"    sd:endpoint <{iri}> ;\n"
            f"    sd:supportedLanguage sd:SPARQL11Query ;\n"
            f"    sd:resultFormat {formats} ;\n"
            f"    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .\n").encode("utf-8")


def _known_graphs(request: QueryRequest, graph_names: Callable[[], Iterable[str]]) -> None:
    """``default-graph-uri`` / ``named-graph-uri`` naming a graph the store does not hold is refused
    like a ``FROM`` of it (403), instead of silently answering from an empty dataset."""
    asked = [("default-graph-uri", g) for g in request.default_graphs] + [("named-graph-uri", g) for g in request.named_graphs]
    if asked:
        known = set(graph_names())
        for name, graph in asked:
            if graph not in known:
                raise ProtocolError(403, f"{name} <{graph}> is not a graph of the store (the built graph is the "
                                         "default graph: drop the parameter): this endpoint stays offline")


def _stay_offline(query: str, graph_names: Callable[[], Iterable[str]]) -> None:
    """The CLI's network guard (:mod:`smr_kg.rdf.sparql_guard`) for the endpoint: a SERVICE call or a
    FROM of a graph the store does not hold would make this server fetch from the network (403)."""
    from ..errors import SmrKgError
    from ..rdf.sparql_guard import NetworkRefused, check
    from ..rdf.sparql_limits import check_size

    try:
        check_size(query)  # before a worker parses it: a huge query would crash the worker
        check(query, graph_names, "oxigraph")
    except NetworkRefused as error:
        raise ProtocolError(403, error.message.split("; smr-kg does not use")[0] + ": this endpoint stays offline") from None
    except SmrKgError as error:
        raise ProtocolError(400, error.message) from None


class EndpointServer(ThreadingHTTPServer):
    """A threading HTTP server holding the worker pool and the site."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], pool: WorkerPool, site: Site) -> None:
        super().__init__(address, Handler)
        self.pool = pool
        self.site = site

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        assert isinstance(host, str)  # an IP address: a TCP server (bytes only for other families)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"


def example_queries(store, named) -> list[dict]:
    """Each named query with its header example's parameters bound as a VALUES block.

    The page shows the very text that runs, so a user can read, change and rerun it. Over a
    graph that lacks an example's terms the query is offered unbound.
    """
    from ..sparql.queries import example_params
    from ..sparql.query import bind
    from ..rdf.sparqltext import inject_values

    from ..errors import SmrKgError

    examples = []
    for query in named:
        params = example_params(query)
        try:
            text = inject_values(query.text, bind(store, query, params))
        except SmrKgError:  # a graph without the example's terms: offer the query unbound
            text, params = query.text, {}
        examples.append({"name": query.name, "question": query.question or "", "query": text,
                         "parameters": params})
    return examples
