"""Deterministic RDF text: Turtle, RDF/XML and compacted JSON-LD from the canonical form.

Every writer takes :class:`~smr_kg.rdf.canonical.Canonical` (stable blank-node labels, sorted
subjects, predicates and objects), so the same graph always gives the same bytes. They live here,
below the build, because the build writes its Turtle with :func:`to_turtle` and the reasoner
snapshot is written the same way; :mod:`smr_kg.exports.export` only chooses the graph and format.

* Turtle is written with the pinned prefixes, one block per subject, blank nodes inline.
* RDF/XML (what Protégé and the OWL API open most reliably) is written flat, one element per
  subject.
* JSON-LD is produced by PyLD, the reference implementation, from the canonical N-Triples and
  compacted with ``ontology/context.jsonld``; the context is embedded, so no processor needs the
  network. PyLD rather than rdflib: rdflib's JSON-LD writer silently changes data when a context
  term collides with an ``@vocab`` name.
"""

from __future__ import annotations

import json
import re
from functools import partial
from typing import cast

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from .. import paths
from ..errors import SmrKgError
from . import prefixes
from .canonical import Canonical, TermText, iri_text, literal_text

_PN_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
_RDF_TYPE = str(RDF.type)
_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")



def to_turtle(canon: Canonical) -> str:
    """Turtle with the pinned prefixes, one block per subject, blank nodes inline where possible."""
    namespaces = sorted(prefixes.turtle_prefixes().items(), key=lambda kv: kv[0].lower())
    writer = _TurtleWriter(canon, namespaces)
    lines = [f"@prefix {p}: <{iri}> ." for p, iri in namespaces]
    blocks = [writer.block(writer.name(s), s) for s in canon.named_subjects()]
    roots = sorted(canon.roots, key=canon.key)
    blocks += [writer.block("[]", b) for b in roots]
    blocks += [writer.block(f"_:{canon.labels[b]}", b) for b in sorted(canon.shared, key=lambda b: canon.labels[b])]
    return "\n".join(lines) + "\n\n" + "\n\n".join(blocks) + ("\n" if blocks else "")


def to_rdfxml(canon: Canonical) -> str:
    """Flat RDF/XML: one node element per subject (typed when it has a prefixed rdf:type), every
    triple written out, blank nodes by ``rdf:nodeID``. Written here rather than by rdflib, whose
    writers order subjects and namespaces by hash and whose nested form drops statements about
    list nodes; Protégé, the OWL API and owlready2 read this form."""
    from xml.sax.saxutils import escape, quoteattr

    names = _XmlNames(canon)
    body: list[str] = []
    subjects = [*canon.named_subjects(), *sorted((b for b in canon.labels), key=lambda b: canon.labels[b])]
    for subject in subjects:
        pairs = canon.predicate_objects(subject)
        types = [o for p, objects in pairs if p == RDF.type for o in objects if isinstance(o, URIRef)]
        element = next((names.qname(t) for t in types if names.qname(t, strict=False)), None)
        skip = {(RDF.type, t) for t in types if names.qname(t, strict=False) == element} if element else set()
        element = element or "rdf:Description"
        ident = (
            f"rdf:nodeID={quoteattr(canon.labels[subject])}" if isinstance(subject, BNode)
            else f"rdf:about={quoteattr(str(subject))}"
        )
        body.append(f"  <{element} {ident}>")
        for p, objects in pairs:
            tag = names.qname(p)
            for o in objects:
                if (p, o) in skip:
                    continue
                if isinstance(o, URIRef):
                    body.append(f"    <{tag} rdf:resource={quoteattr(str(o))}/>")
                elif isinstance(o, BNode):
                    body.append(f"    <{tag} rdf:nodeID={quoteattr(canon.labels[o])}/>")
                else:
                    lit = cast(Literal, o)  # neither an IRI nor a blank node
                    attrs = f" xml:lang={quoteattr(lit.language)}" if lit.language else ""
                    if lit.datatype is not None:
                        attrs += f" rdf:datatype={quoteattr(str(lit.datatype))}"
                    if _XML_ILLEGAL.search(str(o)):
                        raise SmrKgError(f"a literal of {subject} contains a character XML 1.0 cannot carry; export as ttl or nt")
                    body.append(f"    <{tag}{attrs}>{escape(str(o))}</{tag}>")
        body.append(f"  </{element}>")
    head = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    head += [f"  xmlns:{prefix}={quoteattr(iri)}" for prefix, iri in names.declarations()]
    head[-1] += ">"
    return "\n".join(head + body + ["</rdf:RDF>"]) + "\n"


def to_jsonld(canon: Canonical) -> str:
    """Compacted JSON-LD 1.1 by PyLD's algorithms from the canonical triples, context embedded."""
    from ..rdf.jsonld import compact_triples

    context = published_context()
    compacted = compact_triples(canon.triples(), context)
    nodes = compacted.get("@graph", [] if set(compacted) == {"@context"} else None)
    if nodes is None:  # a single node compacts to a bare object; keep the document shape stable
        nodes = [{k: v for k, v in compacted.items() if k != "@context"}]
    nodes = sorted(nodes, key=lambda n: (str(n.get("id", n.get("@id", ""))).startswith("_:"), str(n.get("id", n.get("@id", "")))))
    document = {"@context": context["@context"], "@graph": nodes}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def published_context() -> dict:
    """``ontology/context.jsonld``: the context smr-kg publishes at :data:`smr_kg.rdf.jsonld.CONTEXT_URL`."""
    path = paths.ontology_dir() / "context.jsonld"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SmrKgError(f"{path}: the JSON-LD context is missing") from None
    except json.JSONDecodeError as exc:
        raise SmrKgError(f"{path}:{exc.lineno}: the JSON-LD context is not JSON: {exc.msg}") from None


class _TurtleWriter:
    """Writes subject blocks; nested blank nodes and lists are indented by depth."""

    def __init__(self, canon: Canonical, namespaces: list[tuple[str, str]]) -> None:
        self.canon = canon
        # Longest namespace first, so obo:... never shadows a longer, more specific prefix.
        self.name = TermText(partial(_turtle_term, canon.labels, tuple(sorted(namespaces, key=lambda kv: -len(kv[1])))))

    def block(self, head: str, subject: Node) -> str:
        return head + " " + self._properties(subject, 1) + " ."

    def _properties(self, subject: Node, depth: int) -> str:
        pad = "    " * depth
        parts = []
        for p, objects in self.canon.predicate_objects(subject):
            rendered = [self._object(o, depth + 1) for o in objects]
            parts.append(self.name(p) + " " + (",\n" + pad + "    ").join(rendered))
        return (" ;\n" + pad).join(parts)

    def _object(self, node: Node, depth: int) -> str:
        if type(node) is BNode and node in self.canon.inline:
            items = self.canon.list_items(node)
            if items is not None:
                return "( " + " ".join(self._object(i, depth + 1) for i in items) + " )"
            pad = "    " * depth
            return "[\n" + pad + self._properties(node, depth) + "\n" + "    " * (depth - 1) + "]"
        text = self.name(node)
        return iri_text(str(node)) if text == "a" else text  # rdf:type as an object is written in full


def _turtle_term(labels: dict[BNode, str], namespaces: tuple[tuple[str, str], ...], node: Node) -> str:
    """A term as Turtle writes it (a function of its arguments, not a method: the writer's memo
    of it must not refer back to the writer, or the whole canonical graph waits for the cyclic
    garbage collector)."""
    if isinstance(node, URIRef):
        if str.__eq__(node, _RDF_TYPE):
            return "a"
        for prefix, iri in namespaces:
            if node.startswith(iri) and _PN_LOCAL.fullmatch(node[len(iri):]):
                return f"{prefix}:{node[len(iri):]}"
        return iri_text(node)
    if isinstance(node, Literal):
        return literal_text(node, partial(_turtle_term, labels, namespaces))
    return f"_:{labels[cast(BNode, node)]}"


class _XmlNames:
    """QNames for RDF/XML: the pinned prefixes where the local part is an XML name, else ns1, ns2..."""

    def __init__(self, canon: Canonical) -> None:
        self.pinned = sorted(prefixes.turtle_prefixes().items(), key=lambda kv: -len(kv[1]))
        self.used: dict[str, str] = {"rdf": str(RDF)}
        used = {p for edges in canon.out.values() for p, _ in edges}
        extra = sorted({self._split(p)[0] for p in used if self._pinned(p) is None})
        self.extra = {ns: f"ns{i}" for i, ns in enumerate(extra, 1)}

    def _pinned(self, iri: str) -> tuple[str, str] | None:
        for prefix, ns in self.pinned:
            if iri.startswith(ns) and _NCNAME.fullmatch(iri[len(ns):]):
                return prefix, ns
        return None

    @staticmethod
    def _split(iri: str) -> tuple[str, str]:
        match = re.search(r"[A-Za-z_][A-Za-z0-9_.\-]*$", iri)
        if not match or match.start() == 0:
            raise SmrKgError(f"<{iri}> cannot be written as an RDF/XML property name; export as ttl or nt")
        return iri[: match.start()], iri[match.start():]

    def qname(self, iri: str, strict: bool = True) -> str | None:
        pinned = self._pinned(iri)
        if pinned:
            self.used[pinned[0]] = pinned[1]
            return f"{pinned[0]}:{iri[len(pinned[1]):]}"
        if not strict:
            return None
        ns, local = self._split(iri)
        self.used[self.extra[ns]] = ns
        return f"{self.extra[ns]}:{local}"

    def declarations(self) -> list[tuple[str, str]]:
        return sorted(self.used.items())


