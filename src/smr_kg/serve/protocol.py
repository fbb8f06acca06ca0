"""The SPARQL 1.1 Protocol's request side: where the query is, and which result format to send.

Kept apart from the HTTP server so both the server (reading requests) and the query workers
(choosing a serializer once they know the result's form) use one definition.

* A query arrives as ``GET /sparql?query=…``, as an URL-encoded POST (``query=…``) or as a POST
  of ``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri`` may name the
  dataset (https://www.w3.org/TR/sparql11-protocol/#query-operation).
* An update (``update=…`` or ``application/sparql-update``) is refused: the endpoint is
  read-only, and the store under it is opened read-only as well.
* The result format follows the ``Accept`` header (quality values honoured): SPARQL results in
  JSON, XML, CSV or TSV for SELECT, JSON or XML for ASK, an RDF syntax (Turtle by default) for
  CONSTRUCT and DESCRIBE. No acceptable format is a 406.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field

RESULT_FORMATS: dict[str, str] = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
"""Media types for SELECT results, best first, with pyoxigraph's QueryResultsFormat names."""
BOOLEAN_FORMATS = ("application/sparql-results+json", "application/json", "application/sparql-results+xml", "application/xml")
"""ASK results: SPARQL 1.1 defines no CSV/TSV form of a boolean."""
GRAPH_FORMATS: dict[str, str] = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/n-quads": "N_QUADS",
    "application/trig": "TRIG",
    "application/ld+json": "JSON_LD",
}
"""Media types for CONSTRUCT and DESCRIBE, best first, with pyoxigraph's RdfFormat names
(JSON-LD because SPARQLWrapper's JSON return format asks a CONSTRUCT for it)."""

QUERY_MEDIA_TYPE = "application/sparql-query"
UPDATE_MEDIA_TYPE = "application/sparql-update"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


class ProtocolError(Exception):
    """A request the endpoint answers with an HTTP error status and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class QueryRequest:
    """What one protocol request asks: the query text and its dataset."""

    query: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


def parse_request(method: str, url_query: str, content_type: str | None, body: bytes) -> QueryRequest:
    """The query of a GET or POST request, or :class:`ProtocolError` (400, 403, 415)."""
    params = urllib.parse.parse_qs(url_query, keep_blank_values=True)
    kind = (content_type or "").split(";")[0].strip().lower()
    if method == "POST":
        if kind == FORM_MEDIA_TYPE:
            form = urllib.parse.parse_qs(_text(body), keep_blank_values=True)
            params = {**params, **form}
        elif kind == QUERY_MEDIA_TYPE:
            params = {**params, "query": [_text(body)]}
        elif kind == UPDATE_MEDIA_TYPE:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL updates are refused")
        else:
            raise ProtocolError(415, f"POST a query as {FORM_MEDIA_TYPE} or {QUERY_MEDIA_TYPE}, not {kind or 'no content type'}")
    if "update" in params:
        raise ProtocolError(403, "this endpoint is read-only: SPARQL updates are refused")
    queries = params.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        raise ProtocolError(400, "give exactly one non-empty query parameter (SPARQL 1.1 Protocol)")
    return QueryRequest(queries[0], params.get("default-graph-uri", []), params.get("named-graph-uri", []))


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The media type of ``offered`` the ``Accept`` header prefers (first offered on a tie).

    A missing header accepts anything. ``type/*`` and ``*/*`` ranges count, the most specific
    range matching a type gives its quality, and ``q=0`` excludes.
    """
    if not accept or not accept.strip():
        return offered[0]
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.strip().lower(), quality))
    best, best_quality = None, 0.0
    for media in offered:
        matching = [(_specificity(r, media), q) for r, q in ranges if _specificity(r, media) >= 0]
        quality = max(matching)[1] if matching else 0.0   # the most specific range decides (RFC 9110)
        if quality > best_quality:
            best, best_quality = media, quality
    return best


def _specificity(media_range: str, media: str) -> int:
    """2 for an exact match, 1 for ``type/*``, 0 for ``*/*``, -1 for no match."""
    if media_range == media:
        return 2
    if media_range == "*/*":
        return 0
    kind, _, sub = media_range.partition("/")
    return 1 if sub == "*" and media.startswith(kind + "/") else -1


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not UTF-8") from None
