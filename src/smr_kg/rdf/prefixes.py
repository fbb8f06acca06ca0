"""The pinned prefix map (:mod:`smr_kg.rdf.prefixmap`) as a :class:`curies.Converter`, for the modules
that build, validate and export the graph with rdflib (the read-only commands use the light
functions of :mod:`smr_kg.rdf.prefixmap`, tested to agree with this converter).
"""

from __future__ import annotations

from functools import lru_cache

import curies
from rdflib import Graph, URIRef

from ..errors import InputError
from .prefixmap import PREFIX_MAP, PREFIX_SYNONYMS, URI_PREFIX_SYNONYMS, VOCABULARIES

_OBO_CURIE_ONLY = frozenset({"RO", "BFO", "IAO", "ECO", "MONDO", "DOID"})


@lru_cache(maxsize=1)
def converter() -> curies.Converter:
    """The pinned converter (built once; curies resolves the longest matching IRI prefix)."""
    records = [
        curies.Record(
            prefix=prefix,
            uri_prefix=uri,
            prefix_synonyms=list(PREFIX_SYNONYMS.get(prefix, ())),
            uri_prefix_synonyms=list(URI_PREFIX_SYNONYMS.get(prefix, ())),
        )
        for prefix, uri in PREFIX_MAP.items()
    ]
    return curies.Converter(records)


def expand(curie: str) -> URIRef:
    """The IRI of ``curie`` (any known prefix or synonym); :class:`InputError` if the prefix is unknown."""
    prefix, sep, local = curie.partition(":")
    if not sep or not prefix or not local:
        raise InputError(f"{curie!r} is not a CURIE (expected PREFIX:ID, e.g. SNOMEDCT:49436004)")
    iri = converter().expand(curie)
    if iri is None:
        known = ", ".join(sorted(PREFIX_MAP))
        raise InputError(f"unknown prefix {prefix!r} in {curie!r} (known prefixes: {known})")
    return URIRef(iri)


def compress(iri: str) -> str:
    """The pinned CURIE of ``iri`` (its standard prefix), or the IRI itself when no prefix matches."""
    return converter().compress(str(iri)) or str(iri)


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, iri in PREFIX_MAP.items():
        if prefix in _OBO_CURIE_ONLY:
            continue  # OBO IRIs are written as obo:RO_0002411 in Turtle; the CURIE forms are for users
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


def turtle_prefixes() -> dict[str, str]:
    """The prefixes exports declare: the pinned map less the OBO CURIE-only ones (see bind_prefixes)."""
    return {p: iri for p, iri in PREFIX_MAP.items() if p not in _OBO_CURIE_ONLY}
