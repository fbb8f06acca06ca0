r"""JSON-LD without the network: PyLD with a document loader that only knows local contexts.

rdflib's JSON-LD support can fetch remote contexts and silently changes data when a context
term collides with an ``@vocab`` name, so JSON-LD is read (and exports are written) with PyLD, the
reference implementation, through a loader that serves smr-kg's published context from disk and
refuses every other remote document.

Triples pass between rdflib and PyLD as PyLD's structures, not as N-Quads text: PyLD's N-Quads
reader does not undo ``\uXXXX`` escapes (a label holding U+0000 came back as the six characters
``\u0000``), and it de-duplicates each triple against every earlier one (50 M comparisons for
10k triples). Exports build fromRdf's expanded output directly (:func:`expanded_nodes`) and
compact it in one pass (:mod:`smr_kg.rdf.jsonld_compact`, term selection asked of PyLD once per kind
of value); for a context that compactor does not implement, PyLD's compaction runs with its IRI
compaction memoized per (IRI, shape of the value) and its CURIE search narrowed to the terms that
can match. Both are PyLD's answers in time linear in the graph (tests compare the output with
PyLD's plain path).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .. import paths
from ..errors import InputError

if TYPE_CHECKING:
    from .jsonld_compact import Compactor

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
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE, _RDF_FIRST, _RDF_REST, _RDF_NIL, _RDF_LIST = (_RDF + n for n in ("type", "first", "rest", "nil", "List"))


def expanded_nodes(triples: Iterable[tuple[Node, Node, Node]]) -> list[dict]:
    """The expanded JSON-LD that PyLD's fromRdf makes of ``triples`` (useRdfType and
    useNativeTypes off), built in one pass over the triples.

    Why not ``jsonld.from_rdf``: it wants an N-Quads string, whose parser compares each triple
    with every earlier one, or a dataset of per-term dicts, which costs as much again to build.
    This follows PyLD's algorithm step by step (node map, @type, value objects, well-formed
    rdf:Lists turned into @list) and a test requires the same output as PyLD's on the built
    graph and on graphs of the awkward cases.
    """
    nodes: dict[str, dict] = {}
    referenced_once: dict[str, dict | bool] = {}
    nil_usages: list[dict] = []
    seen: set[tuple] = set()
    text: dict[Node, str] = {}

    def ident(node: Node) -> str:
        found = text.get(node)
        if found is None:
            found = text[node] = f"_:{node}" if isinstance(node, BNode) else str(node)
        return found

    for s, p, o in triples:
        subject, prop = ident(s), str(p)
        node = nodes.get(subject)
        if node is None:
            node = nodes[subject] = {"@id": subject}
        if isinstance(o, Literal):
            value = {"@value": str(o), "@language": o.language} if o.language else {"@value": str(o)}
            datatype = None if o.datatype is None or str(o.datatype) == _XSD_STRING else str(o.datatype)
            key = (subject, prop, str(o), o.language, datatype)
            if key in seen:  # "x" and "x"^^xsd:string are one RDF literal
                continue
            seen.add(key)
            if datatype is not None and not o.language:
                value["@type"] = datatype
            node.setdefault(prop, []).append(value)
            continue
        target = ident(o)
        if target not in nodes:
            nodes[target] = {"@id": target}
        if prop == _RDF_TYPE:
            node.setdefault("@type", []).append(target)
            continue
        value = {"@id": target}
        node.setdefault(prop, []).append(value)
        if target == _RDF_NIL:
            nil_usages.append({"node": node, "property": prop, "value": value})
        elif target in referenced_once:
            referenced_once[target] = False
        else:
            referenced_once[target] = {"node": node, "property": prop, "value": value}

    for usage in nil_usages:  # PyLD's list conversion, walking back from rdf:nil
        node, prop, head = usage["node"], usage["property"], usage["value"]
        items, list_nodes = [], []
        while (prop == _RDF_REST and isinstance(referenced_once.get(node["@id"]), dict)
               and len(node.get(_RDF_FIRST, ())) == 1 and len(node.get(_RDF_REST, ())) == 1
               and (len(node) == 3 or (len(node) == 4 and node.get("@type") == [_RDF_LIST]))):
            items.append(node[_RDF_FIRST][0])
            list_nodes.append(node["@id"])
            usage = cast(dict, referenced_once[node["@id"]])  # a dict: the loop condition checked it
            node, prop, head = usage["node"], usage["property"], usage["value"]
            if not node["@id"].startswith("_:"):
                break
        del head["@id"]
        items.reverse()
        head["@list"] = items
        for listed in list_nodes:
            del nodes[listed]
    return [node for _, node in sorted(nodes.items()) if not (len(node) == 1 and "@id" in node)]


def compact_triples(triples: Iterable[tuple[Node, Node, Node]], context: dict) -> Any:
    """PyLD's compaction of ``triples`` (as fromRdf expands them) with ``context``, linear in the
    triples: the one-pass :func:`compactor` when it implements every feature of ``context`` and
    of the nodes, else PyLD's own compaction with IRI compaction memoized."""
    from pyld.jsonld import JsonLdError

    from .jsonld_compact import Unsupported

    nodes = expanded_nodes(triples)
    try:
        return compactor(context).document(nodes, context)
    except (Unsupported, JsonLdError):  # PyLD compacts, or raises its own error
        options = {"documentLoader": offline_loader, "skipExpansion": True}
        return _memoized_processor_class()().compact(nodes, context, options)


def compactor(context: dict) -> Compactor:
    """The one-pass compactor for ``context`` as PyLD processes it (offline); raises
    :class:`~smr_kg.rdf.jsonld_compact.Unsupported` for a context it does not implement."""
    from pyld.jsonld import ContextResolver, JsonLdProcessor, _resolved_context_cache

    from .jsonld_compact import Compactor

    processor = JsonLdProcessor()
    options = {"documentLoader": offline_loader, "base": "", "processingMode": "json-ld-1.1",
               "contextResolver": ContextResolver(_resolved_context_cache, offline_loader)}
    return Compactor(processor, processor.process_context(processor._get_initial_context(options), context, options))


@lru_cache(maxsize=1)
def _memoized_processor_class() -> type:
    from pyld.jsonld import JsonLdProcessor

    class MemoizedProcessor(JsonLdProcessor):
        """PyLD's processor with IRI compaction (term selection, CURIE search) memoized.

        ``_compact_iri`` is a pure function of the active context, the IRI, the flags and the
        *shape* of the value: which keywords it has and their ``@type``/``@language``/
        ``@direction``/``@index`` values (never its ``@value`` text). Of a node reference's
        ``@id`` it only asks (in ``_select_term``) whether the IRI compacts to a term that maps
        back to it; the key holds that answer instead of the IRI, so one (property, kind of
        value) is compacted once, not once per object. A cached answer is PyLD's own.
        """

        def __init__(self) -> None:
            super().__init__()
            self._iris: dict[tuple, tuple[Any, Any]] = {}
            self._indexes: dict[int, tuple] = {}

        def _is_own_term(self, active_ctx, iri: str) -> bool:
            """What ``_select_term`` tests of a node reference ``{"@id": iri}``."""
            term = self._compact_iri(active_ctx, iri, None, vocab=True)
            mapping = active_ctx["mappings"].get(term)
            return bool(term is not None and mapping and mapping["@id"] == iri)

        def _compact_iri(self, active_ctx, iri, value=None, vocab=False, base=None, reverse=False):
            shape = _shape(value)
            if isinstance(value, dict) and isinstance(value.get("@id"), str):
                shape = (shape, self._is_own_term(active_ctx, value["@id"]))
            key = (id(active_ctx), iri, shape, vocab, base, reverse)
            hit = self._iris.get(key)
            if hit is None:
                narrow = value is None and not reverse and isinstance(iri, str) and not iri.startswith("@")
                context = self._narrowed(active_ctx, iri) if narrow else active_ctx
                # keep the context alive with its answer, so its id() cannot be reused
                hit = (active_ctx, super()._compact_iri(context, iri, value, vocab, base, reverse))
                self._iris[key] = hit
            return hit[1]

        def _narrowed(self, active_ctx, iri: str) -> dict:
            """``active_ctx`` with only the terms PyLD's CURIE search can pick or trip over for
            ``iri``: terms whose IRI is a prefix of it, the CURIEs they would make, prefixes it
            could be confused with, and the @vocab suffix. With a node reference gone (value
            None), nothing else of the mappings is read, and the answer is the same; PyLD
            otherwise scans all ~120 terms of the context for every new IRI."""
            index = self._indexes.get(id(active_ctx))
            if index is None:
                self._get_inverse_context(active_ctx)  # cached by the context's id, from all its terms
                mappings = active_ctx["mappings"]
                ids = [(d["@id"], t) for t, d in mappings.items() if ":" not in t and d and isinstance(d.get("@id"), str)]
                prefixes = [(t + ":", t) for t, d in mappings.items() if d and d.get("_prefix")]
                index = self._indexes[id(active_ctx)] = (active_ctx, ids, prefixes)
            _, ids, prefixes = index
            mappings = active_ctx["mappings"]
            kept = {}
            for prefix_iri, term in ids:
                if iri.startswith(prefix_iri):
                    kept[term] = mappings[term]
                    curie = term + ":" + iri[len(prefix_iri):]
                    if curie in mappings:
                        kept[curie] = mappings[curie]
            for prefix, term in prefixes:
                if iri.startswith(prefix):
                    kept[term] = mappings[term]
            vocabulary = active_ctx.get("@vocab")
            if isinstance(vocabulary, str) and iri.startswith(vocabulary) and iri[len(vocabulary):] in mappings:
                kept[iri[len(vocabulary):]] = mappings[iri[len(vocabulary):]]
            return {**active_ctx, "mappings": kept}

    return MemoizedProcessor


_SHAPE_KEYS = frozenset({"@type", "@language", "@direction", "@index"})
_NESTED = frozenset({"@list", "@preserve", "@graph"})


def _shape(value: Any, nested: bool = False) -> Any:
    """What ``_compact_iri`` may read of ``value``, as a hashable key (a top-level ``@id`` is
    handled by the caller; a nested one, rare, is kept whole)."""
    if isinstance(value, dict):
        return tuple(sorted(
            (k, _shape(v, True) if k in _NESTED else _frozen(v) if k in _SHAPE_KEYS or (nested and k == "@id") else None)
            for k, v in value.items()
        ))
    if isinstance(value, list):
        return ("[]", tuple(_shape(v, True) for v in value))
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


def from_dataset(dataset: dict[str, list[dict[str, Any]]]) -> Graph:
    """The default graph of a PyLD dataset as an rdflib graph."""
    graph = Graph()
    for quad in dataset.get("@default", []):
        graph.add((_rdflib_term(quad["subject"]), _rdflib_term(quad["predicate"]), _rdflib_term(quad["object"])))
    return graph


def _rdflib_term(term: dict[str, Any]) -> Node:
    if term["type"] == "IRI":
        return URIRef(term["value"])
    if term["type"] == "blank node":
        return BNode(term["value"].removeprefix("_:"))
    if term.get("language"):
        return Literal(term["value"], lang=term["language"])
    datatype: str | None = term.get("datatype")
    if datatype is None or datatype == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term["value"], datatype=None)
    return Literal(term["value"], datatype=URIRef(datatype))


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
