"""A SPARQL 1.1 Protocol endpoint behind the one :class:`~smr_kg.store.Store` interface.

``smr-kg query/lookup/path/answer --endpoint URL`` ask a triple store the same questions they ask
the embedded engine, so a graph loaded into an institution's Virtuoso or Oxigraph server (see
``smr-kg publish``) answers exactly as ``dist/`` does. Why each choice:

* the request is an HTTP POST of ``query=…`` (SPARQL 1.1 Protocol, "query via URL-encoded
  POST"): no URL length limit for the long named queries, and every server accepts it;
* parameters travel as a ``VALUES`` block (:func:`smr_kg.rdf.sparqltext.inject_values`), never as
  pasted text; ``default-graph-uri`` names the graph the queries read (Virtuoso's default graph
  is the union of all its graphs, its system graphs included);
* results are SPARQL 1.1 Query Results JSON, parsed into the same canonical rdflib terms as the
  embedded engines give, so the compliance suite compares rows directly;
* the standard library's urllib is enough for one POST; a total deadline comes from
  :func:`~smr_kg.store.run_with_timeout`, the per-socket timeout from urllib.

Errors are one line: the endpoint cannot be reached, is not a SPARQL endpoint (HTML, 404,
unparsable results), refused access, rejected the query (with line and column when the query
is not SPARQL 1.1), failed, or ran past the time limit.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request

from ..errors import InputError, SmrKgError
from ..rdf.sparqltext import inject_values, is_iri, query_form
from .base import (
    Bindings,
    QueryForms,
    QueryResult,
    QueryTimeout,
    SelectResult,
    UnsupportedQuery,
    check_projected,
    rdflib_syntax_error,
    run_with_timeout,
)
from ..rdf.terms import IRI, BNode, Term, literal

TYPE_CHECKING = False  # typing's constant without importing typing
if TYPE_CHECKING:
    from .ordering import Page

DEFAULT_TIMEOUT = 60.0
"""Seconds for one request when the caller sets no limit: a remote call never waits forever."""
RESULTS_JSON = "application/sparql-results+json"
USER_AGENT = "smr-kg (SPARQL 1.1 Protocol client)"


class EndpointError(SmrKgError):
    """The endpoint could not answer: unreachable, not SPARQL, refused, failed (exit code 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)


class AccessRefused(EndpointError):
    """The endpoint refused access (HTTP 401/403): credentials are missing or wrong."""


class RemoteStore(QueryForms):
    """SELECT and ASK over HTTP against a SPARQL 1.1 query endpoint (``url``).

    ``graph`` is sent as ``default-graph-uri``: the queries then read that graph only.
    """

    engine = "endpoint"

    def __init__(self, url: str, graph: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = check_url(url)
        if graph is not None and not is_iri(graph):
            raise EndpointError(f"--graph {graph!r} is not an absolute IRI")
        self.graph = graph
        self.timeout = timeout

    def query(self, query: str, bindings: Bindings | None = None, timeout: float | None = None,
              page: Page | None = None) -> QueryResult:
        """``page`` is cut here from the whole answer, not sent as LIMIT/OFFSET: Virtuoso 7.2.5
        refuses an ORDER BY with OFFSET + LIMIT past 10,000 rows (SR353, MaxSortedTopRows), and
        one cut of one ordered answer gives the same pages on every engine."""
        try:
            form = query_form(query)
        except InputError:
            raise _rejected(query, "not a SPARQL query") from None
        if form not in ("SELECT", "ASK"):
            raise UnsupportedQuery(f"only SELECT and ASK queries are supported, not {form}")
        self._guard(query)  # no SERVICE / FROM beyond the endpoint's own graph unless allowed
        text = inject_values(query, bindings or {})
        limit = timeout if timeout and timeout > 0 else self.timeout
        result = run_with_timeout(lambda: self._post(query, text, limit), limit)
        if isinstance(result, SelectResult):
            check_projected(bindings, result.variables)
            if page:
                result.rows = list(page.rows(result.rows))
        return result

    def graph_names(self) -> set[str]:
        """The graph read by ``--graph`` (a FROM naming it stays inside the endpoint)."""
        return {self.graph} if self.graph else set()

    def _post(self, original: str, text: str, timeout: float) -> QueryResult:
        fields = [("query", text)] + ([("default-graph-uri", self.graph)] if self.graph else [])
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode(fields).encode("utf-8"),
            headers={
                "Accept": f"{RESULTS_JSON}, application/json;q=0.5",
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "User-Agent": USER_AGENT,
            },
            method="POST",
        )
        _, body, content_type = http_call(request, timeout, what="SPARQL endpoint", on_400=lambda m: _rejected(original, m))
        return parse_results(body, content_type, self.url)


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host; the user's typo is caught before any request."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{url!r} is not an http:// or https:// URL of a SPARQL endpoint")
    return url


def http_call(request: urllib.request.Request, timeout: float, what: str, on_400=None,
              opener: urllib.request.OpenerDirector | None = None, missing_ok: bool = False,
              read: bool = True, auth_hint: str = "") -> tuple[int, bytes, str]:
    """Send ``request``; return (status, body, content type) of a 2xx answer, else one clear error.

    ``missing_ok`` returns a 404 as (404, b"", "") instead; ``read=False`` skips the body;
    ``auth_hint`` ends the message of a 401/403 (how to give credentials).
    """
    url = request.full_url
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=timeout) as response:
            return response.status, response.read() if read else b"", response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        detail = _first_lines(error.read())
        if error.code == 404 and missing_ok:
            return 404, b"", ""
        if error.code == 400 and on_400 is not None:
            raise on_400(detail) from None
        if error.code in (401, 403):
            raise AccessRefused(f"the {what} at {url} refused access (HTTP {error.code}){_colon(detail)}{auth_hint}") from None
        if error.code in (404, 405, 406, 415):
            raise EndpointError(f"no {what} at {url} (HTTP {error.code}: is the URL right?){_colon(detail)}") from None
        raise EndpointError(f"the {what} at {url} failed (HTTP {error.code}){_colon(detail)}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise QueryTimeout(timeout) from None
        raise EndpointError(f"cannot reach the {what} at {url}: {_reason(reason)}") from None
    except (TimeoutError, socket.timeout):
        raise QueryTimeout(timeout) from None
    except (ConnectionError, OSError) as error:
        raise EndpointError(f"the {what} at {url} broke off the connection: {_reason(error)}") from None


def parse_results(body: bytes, content_type: str, url: str) -> QueryResult:
    """SPARQL 1.1 Query Results JSON (and the older ``typed-literal`` form) as rows of terms."""
    kind = content_type.split(";")[0].strip().lower()
    if kind not in (RESULTS_JSON, "application/json", "text/json", "application/javascript"):
        raise EndpointError(f"{url} did not answer as a SPARQL endpoint (it sent {kind or 'no content type'}, not SPARQL JSON results)")
    try:
        document = json.loads(body)
        if "boolean" in document:
            return bool(document["boolean"])
        variables = list(document["head"]["vars"])
        rows = [tuple(_term(b[v]) if v in b else None for v in variables) for b in document["results"]["bindings"]]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise EndpointError(f"{url} sent results that are not SPARQL JSON ({type(error).__name__}: {error})") from None
    return SelectResult(variables, rows)


def _term(value: dict) -> Term:
    """One JSON result term as the embedded engines give it (canonical literal forms)."""
    kind = value["type"]
    if kind == "uri":
        return IRI(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        return literal(value["value"], value.get("xml:lang"), value.get("datatype"))
    raise ValueError(f"unknown term type {kind!r}")


def _rejected(query: str, message: str) -> SmrKgError:
    """A 400 answer: a syntax error with its position in the user's text if rdflib's parser finds
    one (the endpoint saw the text with VALUES added), else the endpoint's own words."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(query)
    except Exception as exc:  # noqa: BLE001 - rdflib's errors are only read for a syntax error
        syntax = rdflib_syntax_error(query, exc)
        if syntax is not None:
            return syntax
    return EndpointError(f"the endpoint rejected the query (HTTP 400){_colon(message)}")


def _first_lines(body: bytes, limit: int = 300) -> str:
    """The start of an error body on one line (servers send text, HTML or JSON)."""
    import re

    text = body.decode("utf-8", "replace")
    text = re.sub(r"<[^>]+>", " ", text) if "<html" in text[:500].lower() else text
    text = text.split("SPARQL query:")[0]  # Virtuoso repeats the whole query after its message
    return " ".join(text.split())[:limit]


def _colon(detail: str) -> str:
    return f": {detail}" if detail else ""


def _reason(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the server running, and on that port?)"
    if isinstance(reason, socket.gaierror):
        return "unknown host"
    return str(getattr(reason, "strerror", None) or reason)
