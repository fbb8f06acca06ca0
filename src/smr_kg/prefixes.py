"""The one pinned prefix map of smr-kg (a :class:`curies.Converter`), used everywhere.

Parameters are parsed, exports written and the SSSOM set declared with the same map, so a CURIE
means one IRI throughout. Where registries disagree the choice is pinned here, with the reason:

- ``SNOMEDCT``: SNOMED International's own concept IRIs (``http://snomed.info/id/``), as the sssom
  package's bioregistry map also has them; MONDO's SSSOM files write the same IRIs as ``SCTID``.
- ``ICD10CM``: the BioPortal IRIs that MONDO's SSSOM mapping sets declare in their ``curie_map``
  (bioregistry's default is a search URL of icd10data.com, which is not an identifier).
- ``MESH``: ``http://id.nlm.nih.gov/mesh/``, NLM's MeSH RDF (bioregistry, MONDO and sssom agree).
- ``UMLS``: ``http://linkedlifedata.com/resource/umls/id/``, as MONDO's mapping sets declare it
  (bioregistry's ``https://uts.nlm.nih.gov/uts/umls/concept/`` is accepted as a synonym).
- ``LOINC``: ``http://loinc.org/rdf/``, bioregistry's RDF IRI for LOINC and the one the sssom
  package ships (FHIR RDF also writes ``https://loinc.org/rdf/``: accepted as a synonym).

Synonyms are read, never written: ``SCTID:49436004`` and ``snomedct:49436004`` both expand to
``http://snomed.info/id/49436004``, which compresses back to ``SNOMEDCT:49436004``.
"""

from __future__ import annotations

from functools import lru_cache

import curies
from rdflib import Graph, URIRef

from .errors import InputError

PREFIX_MAP: dict[str, str] = {
    "smr": "https://w3id.org/smr-kg/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "sh": "http://www.w3.org/ns/shacl#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "sssom": "https://w3id.org/sssom/",
    "obo": "http://purl.obolibrary.org/obo/",
    "RO": "http://purl.obolibrary.org/obo/RO_",
    "BFO": "http://purl.obolibrary.org/obo/BFO_",
    "IAO": "http://purl.obolibrary.org/obo/IAO_",
    "ECO": "http://purl.obolibrary.org/obo/ECO_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "SNOMEDCT": "http://snomed.info/id/",
    "ICD10CM": "http://purl.bioontology.org/ontology/ICD10CM/",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "UMLS": "http://linkedlifedata.com/resource/umls/id/",
    "LOINC": "http://loinc.org/rdf/",
}
"""CURIE prefix -> IRI prefix. Order matters for rdflib binding only; curies picks the longest match."""

VOCABULARIES: dict[str, str] = {
    "SNOMEDCT": "SNOMED CT",
    "ICD10CM": "ICD-10-CM",
    "MESH": "MeSH",
    "UMLS": "UMLS",
    "MONDO": "MONDO",
    "DOID": "Disease Ontology",
    "LOINC": "LOINC",
}
"""The clinical vocabularies smr-kg links to (CURIE prefix -> name), in the order cards list them."""

PREFIX_SYNONYMS: dict[str, tuple[str, ...]] = {
    "SNOMEDCT": ("SCTID", "SNOMED", "snomedct", "sctid", "snomed"),
    "ICD10CM": ("icd10cm",),
    "MESH": ("mesh", "MSH"),
    "UMLS": ("umls", "CUI"),
    "LOINC": ("loinc", "LNC"),
    "MONDO": ("mondo",),
    "DOID": ("doid",),
}
"""Other spellings users and other mapping sets write for the same prefixes (read, never written)."""

URI_PREFIX_SYNONYMS: dict[str, tuple[str, ...]] = {
    "UMLS": ("https://uts.nlm.nih.gov/uts/umls/concept/",),
    "LOINC": ("https://loinc.org/rdf/",),
    "MESH": ("https://id.nlm.nih.gov/mesh/",),
}
"""Other IRI forms of the same identifiers, accepted on input (e.g. ``smr-kg lookup IRI``)."""

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


def standardize_iri(iri: str) -> URIRef:
    """``iri`` rewritten to the pinned IRI form (e.g. a bioregistry UMLS IRI to the pinned one)."""
    return URIRef(converter().standardize_uri(str(iri)) or str(iri))


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
