"""The RDF namespaces smr-kg writes, as rdflib Namespace objects (one definition for all modules)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

SMR = Namespace("https://w3id.org/smr-kg/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")

ONTOLOGY_IRI = SMR["smr.owl"]
DEFINITION = OBO.IAO_0000115
EXACT_SYNONYM = OBOINOWL.hasExactSynonym

ECO_TRACEABLE = OBO.ECO_0000304
ECO_NO_TRACEABLE_SUPPORT = OBO.ECO_0000303
ECO_CURATOR_INFERENCE = OBO.ECO_0000305

__all__ = [
    "SMR", "OBO", "OBOINOWL", "ONTOLOGY_IRI", "DEFINITION", "EXACT_SYNONYM",
    "ECO_TRACEABLE", "ECO_NO_TRACEABLE_SUPPORT", "ECO_CURATOR_INFERENCE",
    "DCTERMS", "OWL", "RDF", "RDFS", "SKOS", "XSD",
]
