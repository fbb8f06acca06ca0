"""The one pinned prefix map of smr-kg, and CURIE <-> IRI without the curies library.

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

The build, validation and exports use the map through the curies library's converter
(:func:`smr_kg.rdf.prefixes.converter`, the pinned implementation). The commands that only read
the graph (``query``, ``lookup``, ``path``) use :func:`expand`, :func:`compress` and
:func:`standardize` here instead: importing curies brings pydantic (~70 ms, most of a query's
start-up). ``tests/test_prefixmap.py`` checks that both give the same answers.
"""

from __future__ import annotations

from functools import lru_cache

from .terms import IRI

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



@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """CURIE prefix (and synonym) -> IRI prefix; (IRI prefix or synonym, CURIE prefix), longest first."""
    by_prefix = dict(PREFIX_MAP)
    for prefix, synonyms in PREFIX_SYNONYMS.items():
        for synonym in synonyms:
            by_prefix.setdefault(synonym, PREFIX_MAP[prefix])
    by_iri = [(iri, prefix) for prefix, iri in PREFIX_MAP.items()]
    by_iri += [(iri, prefix) for prefix, iris in URI_PREFIX_SYNONYMS.items() for iri in iris]
    by_iri.sort(key=lambda pair: -len(pair[0]))
    return by_prefix, by_iri


def expand(curie: str) -> IRI | None:
    """The IRI of ``curie`` (a known prefix or synonym, case-sensitive), or None."""
    prefix, sep, local = curie.partition(":")
    base = _tables()[0].get(prefix) if sep else None
    return IRI(base + local) if base is not None else None


def compress(iri: str) -> str:
    """The pinned CURIE of ``iri`` (the longest matching IRI prefix or synonym), or the IRI itself."""
    for base, prefix in _tables()[1]:
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return str(iri)


def standardize(iri: str) -> IRI:
    """``iri`` in the pinned IRI form (e.g. a bioregistry UMLS IRI as the pinned one)."""
    for base, prefix in _tables()[1]:
        if iri.startswith(base):
            return IRI(PREFIX_MAP[prefix] + iri[len(base):])
    return IRI(iri)


__all__ = [
    "PREFIX_MAP", "PREFIX_SYNONYMS", "URI_PREFIX_SYNONYMS", "VOCABULARIES", "compress", "expand", "standardize",
]
