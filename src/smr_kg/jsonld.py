r"""JSON-LD without the network: PyLD with a document loader that only knows local contexts.

rdflib's JSON-LD support can fetch remote contexts and silently changes data when a context
term collides with an ``@vocab`` name, so JSON-LD is read (and exports are proven) with PyLD, the
reference implementation, through a loader that serves smr-kg's published context from disk and
refuses every other remote document.

Triples pass between rdflib and PyLD as PyLD's dataset structure (:func:`to_dataset`,
:func:`from_dataset`), not as N-Quads text: PyLD's N-Quads reader does not undo ``\uXXXX``
escapes, so a label holding U+0000 came back as the six characters ``\u0000``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

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


def to_dataset(triples: Any) -> dict[str, list[dict[str, Any]]]:
    """PyLD's RDF dataset (default graph only) holding ``triples`` (rdflib terms)."""
    return {"@default": [
        {"subject": _pyld_term(s), "predicate": _pyld_term(p), "object": _pyld_term(o)} for s, p, o in triples
    ]}


def from_dataset(dataset: dict[str, list[dict[str, Any]]]) -> Graph:
    """The default graph of a PyLD dataset as an rdflib graph."""
    graph = Graph()
    for quad in dataset.get("@default", []):
        graph.add((_rdflib_term(quad["subject"]), _rdflib_term(quad["predicate"]), _rdflib_term(quad["object"])))
    return graph


def _pyld_term(node: Node) -> dict[str, Any]:
    if isinstance(node, URIRef):
        return {"type": "IRI", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "blank node", "value": f"_:{node}"}
    term = {"type": "literal", "value": str(node)}
    if node.language:
        term.update(language=node.language, datatype="http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
    else:
        term["datatype"] = str(node.datatype or "http://www.w3.org/2001/XMLSchema#string")
    return term


def _rdflib_term(term: dict[str, Any]) -> Node:
    if term["type"] == "IRI":
        return URIRef(term["value"])
    if term["type"] == "blank node":
        return BNode(term["value"].removeprefix("_:"))
    if term.get("language"):
        return Literal(term["value"], lang=term["language"])
    datatype = term.get("datatype")
    plain = datatype in (None, "http://www.w3.org/2001/XMLSchema#string")
    return Literal(term["value"], datatype=None if plain else URIRef(datatype))


def parse_jsonld_text(text: str, name: str) -> Graph:
    """Parse a JSON-LD document into an rdflib graph through PyLD; ``name`` is used in errors."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}: JSON syntax error: {exc.msg}") from None
    from pyld import jsonld

    try:
        dataset = jsonld.to_rdf(document, {"documentLoader": offline_loader})
    except Exception as exc:  # PyLD wraps loader and syntax failures in nested JsonLdErrors
        raise InputError(f"{name}: invalid JSON-LD: {_root_cause(exc)}") from None
    return from_dataset(dataset)
