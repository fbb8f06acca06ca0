"""The vocabularies smr-kg reads, as light IRIs (:mod:`smr_kg.rdf.terms`): the query path's constants.

Query results are light terms, so the code that reads them compares against these
(``a.property == SMR.actsThrough``). The build writes with rdflib; :mod:`smr_kg.rdf.namespaces`
makes its rdflib namespaces from the same base IRIs, so the two cannot drift apart.
"""

from __future__ import annotations

from .terms import IRI


class Namespace:
    """A base IRI whose attributes and items are the IRIs under it (``SMR.actsThrough``, ``SMR["x"]``)."""

    __slots__ = ("base",)

    def __init__(self, base: str) -> None:
        self.base = base

    def __getattr__(self, name: str) -> IRI:
        if name.startswith("__"):
            raise AttributeError(name)
        return IRI(self.base + name)

    def __getitem__(self, name: str) -> IRI:
        return IRI(self.base + name)

    def __str__(self) -> str:
        return self.base

    def __repr__(self) -> str:
        return f"Namespace({self.base!r})"


SMR = Namespace("https://w3id.org/smr-kg/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

ONTOLOGY_IRI = SMR["smr.owl"]
DEFINITION = OBO.IAO_0000115
EXACT_SYNONYM = OBOINOWL.hasExactSynonym

ECO_TRACEABLE = OBO.ECO_0000304
ECO_NO_TRACEABLE_SUPPORT = OBO.ECO_0000303
ECO_CURATOR_INFERENCE = OBO.ECO_0000305

ACCEPTED = frozenset({SMR.Established, SMR.Tentative})
"""Claim statuses that make an edge of the graph; the others (hypothesis, contested,
unsupported) are held out: recorded, but not walked (the build's :data:`smr_kg.stages.claims.ACCEPTED`)."""

__all__ = [
    "ACCEPTED", "DCTERMS", "DEFINITION", "ECO_CURATOR_INFERENCE", "ECO_NO_TRACEABLE_SUPPORT",
    "ECO_TRACEABLE", "EXACT_SYNONYM", "Namespace", "OBO", "OBOINOWL", "ONTOLOGY_IRI", "OWL", "RDF",
    "RDFS", "SKOS", "SMR", "XSD",
]
