"""What every validation engine produces, and how a result's terms are shown.

Kept apart from :mod:`smr_kg.validate.gate` (which runs the engines and renders the report) and
:mod:`smr_kg.validate.engines` (which produce the results) because both need these names: with
them in either module, the two imported each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ..rdf import prefixes

SMRSH = Namespace("https://w3id.org/smr-kg/shapes/")
"""The namespace of smr-kg's shapes (and of ``smrsh:fix``, the fix hint of a shape)."""

SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
"""SHACL severities, most severe first, with the names reports use."""


@dataclass(frozen=True)
class Result:
    """One validation result, whichever engine found it."""

    severity: URIRef
    shape: Node
    focus: Node
    path: Node | None
    value: Node | None
    message: str
    component: URIRef


def compact(node: Node) -> str:
    text = str(node)
    if isinstance(node, URIRef) and text.startswith(str(SMRSH)):
        return "smrsh:" + text[len(str(SMRSH)):]
    if isinstance(node, URIRef):
        return prefixes.compress(text)
    if isinstance(node, BNode):
        return f"_:{node}"
    return text


def term_text(node: Node) -> str:
    """A term inside a message: a CURIE (or <IRI>) for an IRI, the lexical form of a literal."""
    if isinstance(node, URIRef):
        text = compact(node)
        return f"<{node}>" if text == str(node) else text
    return compact(node) if isinstance(node, BNode) else str(node)
