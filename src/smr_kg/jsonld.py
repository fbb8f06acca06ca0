"""JSON-LD without the network: PyLD with a document loader that only knows local contexts.

rdflib's JSON-LD support can fetch remote contexts and silently changes data when a context
term collides with an ``@vocab`` name, so JSON-LD is read (and exports are written) with PyLD, the
reference implementation, through a loader that serves smr-kg's published context from disk and
refuses every other remote document.

Exports go through PyLD's own RDF-to-JSON-LD and compaction algorithms in time linear in the
graph (:func:`compact_triples`). Two things made them quadratic or slow when PyLD is handed an
N-Quads string: ``parse_nquads`` de-duplicates each triple against every earlier one (50 M
comparisons for 10k triples), and compaction searches the whole context for a CURIE every time
it meets an IRI. Here the dataset is built directly (duplicates dropped with a set) and the term
selection of PyLD's compaction is memoized per (IRI, shape of the value); the algorithms are
PyLD's, and a test checks that the output is byte-identical to PyLD's plain path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, URIRef
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


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def rdf_dataset(triples: Iterable[tuple[Node, Node, Node]]) -> dict[str, list[dict]]:
    """The triples as the RDF dataset PyLD's ``from_rdf`` takes (what its N-Quads parser would
    return), built in one pass: equal terms share one dict, duplicates are dropped by a set.

    A literal typed ``xsd:string`` is the plain literal, as in N-Quads (rdflib keeps them apart).
    """
    terms: dict[Node, dict[str, str]] = {}

    def term(node: Node) -> dict[str, str]:
        found = terms.get(node)
        if found is None:
            if isinstance(node, URIRef):
                found = {"type": "IRI", "value": str(node)}
            elif isinstance(node, BNode):
                found = {"type": "blank node", "value": f"_:{node}"}
            elif node.language:
                found = {"type": "literal", "value": str(node), "datatype": _RDF_LANGSTRING, "language": node.language}
            else:
                found = {"type": "literal", "value": str(node), "datatype": str(node.datatype or _XSD_STRING)}
            terms[node] = found
        return found

    seen: set[tuple] = set()
    triples_out = []
    for s, p, o in triples:
        ts, tp, to = term(s), term(p), term(o)
        # two rdflib literals may be one RDF literal ("x" and "x"^^xsd:string): compare contents
        obj = id(to) if to["type"] != "literal" else (to["value"], to["datatype"], to.get("language"))
        key = (id(ts), id(tp), obj)
        if key in seen:
            continue
        seen.add(key)
        triples_out.append({"subject": ts, "predicate": tp, "object": to})
    return {"@default": triples_out}


def compact_triples(triples: Iterable[tuple[Node, Node, Node]], context: dict) -> Any:
    """PyLD's fromRdf then compaction of ``triples`` with ``context``, linear in the triples."""
    processor = _memoized_processor_class()()
    options = {"documentLoader": offline_loader}
    expanded = processor.from_rdf(rdf_dataset(triples), options)
    return processor.compact(expanded, context, {**options, "skipExpansion": True})


@lru_cache(maxsize=1)
def _memoized_processor_class() -> type:
    from pyld.jsonld import JsonLdProcessor

    class MemoizedProcessor(JsonLdProcessor):
        """PyLD's processor with IRI compaction (term selection, CURIE search) memoized.

        ``_compact_iri`` is a pure function of the active context, the IRI, the flags and the
        *shape* of the value: which keywords it has and their ``@id``/``@type``/``@language``/
        ``@direction``/``@index`` values (never its ``@value`` text). The key holds exactly
        those, so a cached answer is the one PyLD would compute.
        """

        def __init__(self) -> None:
            super().__init__()
            self._iris: dict[tuple, tuple[Any, Any]] = {}

        def _compact_iri(self, active_ctx, iri, value=None, vocab=False, base=None, reverse=False):
            key = (id(active_ctx), iri, _shape(value), vocab, base, reverse)
            hit = self._iris.get(key)
            if hit is None:
                # keep the context alive with its answer, so its id() cannot be reused
                hit = (active_ctx, super()._compact_iri(active_ctx, iri, value, vocab, base, reverse))
                self._iris[key] = hit
            return hit[1]

    return MemoizedProcessor


_SHAPE_KEYS = frozenset({"@id", "@type", "@language", "@direction", "@index"})


def _shape(value: Any) -> Any:
    """What ``_compact_iri`` may read of ``value``, as a hashable key."""
    if isinstance(value, dict):
        return tuple(sorted(
            (k, _shape(v) if k in ("@list", "@preserve", "@graph") else _frozen(v) if k in _SHAPE_KEYS else None)
            for k, v in value.items()
        ))
    if isinstance(value, list):
        return ("[]", tuple(_shape(v) for v in value))
    return value if value is None or isinstance(value, (str, int, float, bool)) else repr(value)


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _root_cause(exc: BaseException) -> str:
    """The innermost message of PyLD's chain of wrapped errors (the one that says what failed)."""
    while True:
        inner = getattr(exc, "cause", None) or exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
    message = exc.args[0] if getattr(exc, "args", None) else str(exc)
    return str(message).splitlines()[0][:300]


def parse_jsonld(path: Path) -> Graph:
    """Parse a JSON-LD file into an rdflib graph through PyLD."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: JSON syntax error: {exc.msg}") from None
    try:
        nquads = to_nquads(document)
    except Exception as exc:  # PyLD wraps loader and syntax failures in nested JsonLdErrors
        raise InputError(f"{path}: invalid JSON-LD: {_root_cause(exc)}") from None
    graph = Graph()
    graph.parse(data=nquads, format="nt")
    return graph
