"""The one pinned prefix map of smr-kg (a :class:`curies.Converter`), used everywhere.

Parameters are parsed, exports written and the SSSOM set declared with the same map, so a CURIE
means one IRI throughout. SNOMED CT uses SNOMED International's own namespace
(``http://snomed.info/id/``), not bioregistry's default BioPortal IRI.
"""

from __future__ import annotations

from functools import lru_cache

import curies
from rdflib import Graph

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


@lru_cache(maxsize=1)
def converter() -> curies.Converter:
    """The pinned converter (built once; curies resolves the longest matching IRI prefix)."""
    return curies.Converter.from_prefix_map(PREFIX_MAP)


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, iri in PREFIX_MAP.items():
        if prefix in {"RO", "BFO", "IAO", "ECO", "MONDO", "DOID"}:
            continue  # OBO IRIs are written as obo:RO_0002411 in Turtle; the CURIE forms are for users
        graph.bind(prefix, iri, override=True, replace=True)
    return graph
