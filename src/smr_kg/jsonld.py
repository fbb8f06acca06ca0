"""JSON-LD without the network: PyLD with a document loader that only knows local contexts.

rdflib's JSON-LD support can fetch remote contexts and silently changes data when a context
term collides with an ``@vocab`` name, so JSON-LD is read (and exports are proven) with PyLD, the
reference implementation, through a loader that serves smr-kg's published context from disk and
refuses every other remote document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import Graph

from . import paths
from .errors import InputError

CONTEXT_URL = "https://w3id.org/smr-kg/context.jsonld"
"""The published IRI of smr-kg's JSON-LD context; served from ``ontology/context.jsonld``."""


def local_documents() -> dict[str, Path]:
    """Remote document IRIs that resolve to files of this checkout."""
    return {CONTEXT_URL: paths.ontology_dir() / "context.jsonld"}


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A PyLD document loader that never touches the network."""
    from pyld.jsonld import JsonLdError

    local = local_documents().get(url)
    if local is None or not local.is_file():
        raise JsonLdError(
            f"refusing to fetch {url}: smr-kg works offline; inline the context or use {CONTEXT_URL}",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(local.read_text(encoding="utf-8")),
    }


def to_nquads(document: Any) -> str:
    """Expand a JSON-LD document to N-Quads with PyLD (offline)."""
    from pyld import jsonld

    return jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": offline_loader})


def _root_cause(exc: BaseException) -> str:
    """The innermost message of PyLD's chain of wrapped errors (the one that says what failed)."""
    while True:
        inner = getattr(exc, "cause", None) or exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
    message = exc.args[0] if getattr(exc, "args", None) else str(exc)
    return str(message).splitlines()[0][:300]


def parse_jsonld_text(text: str, name: str) -> Graph:
    """Parse a JSON-LD document into an rdflib graph through PyLD; ``name`` is used in errors."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}: JSON syntax error: {exc.msg}") from None
    try:
        nquads = to_nquads(document)
    except Exception as exc:  # PyLD wraps loader and syntax failures in nested JsonLdErrors
        raise InputError(f"{name}: invalid JSON-LD: {_root_cause(exc)}") from None
    graph = Graph()
    graph.parse(data=nquads, format="nt")
    return graph
