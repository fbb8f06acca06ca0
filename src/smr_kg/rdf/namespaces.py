"""The RDF namespaces smr-kg writes, as rdflib objects for the modules that build with rdflib.

Made from the base IRIs of :mod:`smr_kg.rdf.vocab` (the light IRIs the query path compares results
with), so both spell every IRI the same way.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from . import vocab

SMR = Namespace(str(vocab.SMR))
OBO = Namespace(str(vocab.OBO))
OBOINOWL = Namespace(str(vocab.OBOINOWL))

ONTOLOGY_IRI = URIRef(vocab.ONTOLOGY_IRI)
DEFINITION = URIRef(vocab.DEFINITION)
EXACT_SYNONYM = URIRef(vocab.EXACT_SYNONYM)

ECO_TRACEABLE = URIRef(vocab.ECO_TRACEABLE)
ECO_NO_TRACEABLE_SUPPORT = URIRef(vocab.ECO_NO_TRACEABLE_SUPPORT)
ECO_CURATOR_INFERENCE = URIRef(vocab.ECO_CURATOR_INFERENCE)

__all__ = [
    "SMR", "OBO", "OBOINOWL", "ONTOLOGY_IRI", "DEFINITION", "EXACT_SYNONYM",
    "ECO_TRACEABLE", "ECO_NO_TRACEABLE_SUPPORT", "ECO_CURATOR_INFERENCE",
    "DCTERMS", "OWL", "RDF", "RDFS", "SKOS", "XSD",
]
