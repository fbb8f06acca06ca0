"""Exports other tools read unchanged: Turtle, N-Triples, JSON-LD 1.1 and RDF/XML, all deterministic.

The same graph always gives the same bytes, so a diff between two releases shows only what
changed. Two things make rdflib's own writers unstable: blank-node labels (fresh random ones on
every parse) and the order of subjects. Canonicalising with ``rdflib.compare`` fixes the labels
but is about 30x slower than :class:`Canonical` on the built graph (benchmarks/bench_export.py),
which does it directly for the shapes RDF of OWL has: a blank node used once (restrictions, lists,
axiom annotations) is written inline and named after its content and position; an unreferenced
one (an ``owl:Axiom``) is named after its content; the rare blank node used twice or in a cycle is
named by a few rounds of neighbourhood hashing. Subjects, predicates and objects are sorted.

* Turtle and N-Triples are written here from that canonical form.
* RDF/XML (what Protégé and the OWL API open most reliably) is written flat, one element per
  subject, from the same canonical form.
* JSON-LD is produced by PyLD, the reference implementation, from the canonical N-Triples and
  compacted with ``ontology/context.jsonld``; the context is embedded, so no processor needs the
  network. PyLD rather than rdflib: rdflib's JSON-LD writer silently changes data when a context
  term collides with an ``@vocab`` name.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

from . import paths, prefixes
from .errors import InputError, SmrKgError

FORMATS: dict[str, str] = {
    "ttl": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD 1.1 (compacted, context embedded)",
    "xml": "RDF/XML",
    "obojson": "OBO Graphs JSON (for pronto, OAK and other OBO tools; built graph only)",
}
GRAPHS: dict[str, str] = {
    "ontology": "the asserted ontology (ontology/*.ttl)",
    "full": "the built graph: ontology + materialized edges + vocabulary mappings (dist/smr-kg.ttl)",
}

_PN_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_STRING_UNSAFE = re.compile(r'[\\"\x00-\x1f\x7f]')
_WL_ROUNDS = 3
_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def load_graph(which: str = "full", dist: Path | None = None, ontology_dir: Path | None = None) -> Graph:
    """The graph to export: the asserted ontology, or the built graph from ``dist/``."""
    if which == "ontology":
        from .load import load_ontology

        return load_ontology(ontology_dir)
    if which == "full":
        from .dist import current
        from .load import read_turtle

        return set(read_turtle(current(dist).read_turtle()))
    raise InputError(f"unknown graph {which!r} (choose from {', '.join(GRAPHS)})")


def serialize(graph: Graph | Collection[tuple[Node, URIRef, Node]], fmt: str) -> bytes:
    """``graph`` in format ``fmt`` (a key of :data:`FORMATS`), as deterministic UTF-8 bytes."""
    writers: dict[str, Callable[[Canonical], str | bytes]] = {
        "ttl": to_turtle, "nt": to_ntriples, "jsonld": to_jsonld, "xml": to_rdfxml,
    }
    if fmt == "obojson":
        from .obo import to_obograph_json

        return to_obograph_json(graph).encode("utf-8")
    if fmt not in writers:
        raise InputError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    out = writers[fmt](Canonical(graph))
    return out if isinstance(out, bytes) else out.encode("utf-8")


def export(
    fmt: str, which: str = "full", output: Path | None = None,
    graph: Graph | Collection[tuple[Node, URIRef, Node]] | None = None,
) -> bytes:
    """Serialize ``graph`` (default: the chosen graph, :func:`load_graph`); write it to ``output``
    when given (by the rules of :mod:`smr_kg.outputs`: atomic, never over an input or the build).
    Returns the bytes."""
    from .outputs import Output

    if fmt == "obojson" and which != "full":
        raise InputError("OBO Graphs JSON is written from the built graph: use --graph full (the default)")
    target = Output(output) if output is not None else None
    data = serialize(graph if graph is not None else load_graph(which), fmt)
    if target is not None:
        target.write(data)
    return data


class Canonical:
    """A graph with stable blank-node labels and the structure the writers need (see module doc).

    ``graph`` is an rdflib graph or any collection of distinct triples of rdflib terms (the
    export of a large built graph reads them without building an rdflib graph)."""

    def __init__(self, graph: Graph | Collection[tuple[Node, URIRef, Node]]) -> None:
        self.graph = graph
        self.nt = _Memo(_nt)
        self.out: dict[Node, list[tuple[URIRef, Node]]] = defaultdict(list)
        self.inc: dict[BNode, list[tuple[Node, URIRef]]] = defaultdict(list)
        for s, p, o in graph:
            self.out[s].append((p, o))
            if isinstance(o, BNode):
                self.inc[o].append((s, p))
        bnodes = {n for n in self.out if isinstance(n, BNode)} | set(self.inc)
        self.roots = {b for b in bnodes if not self.inc.get(b)}
        candidates = {b for b in bnodes if len(self.inc.get(b, ())) == 1}
        self.inline = self._reachable_inline(candidates)
        self.shared = bnodes - self.roots - self.inline
        self._key: dict[Node, str] = {}
        self._shared_color = self._color_shared()
        self.labels: dict[BNode, str] = {}
        self._label_all()

    # -- keys: a node's canonical text (inline blank nodes include their whole content) ------------

    def key(self, node: Node) -> str:
        """``node``'s canonical text; computed bottom-up without recursion (long rdf:Lists are deep)."""
        if not isinstance(node, BNode):
            return self.nt(node)
        if node in self.shared:
            return f"_:{self._shared_color[node]}"
        stack = [node]
        while stack:
            current = stack[-1]
            if current in self._key:
                stack.pop()
                continue
            pending = [o for _, o in self.out.get(current, ()) if o in self.inline and o not in self._key]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            parts = sorted(f"{self.nt(p)} {self._known(o)}" for p, o in self.out.get(current, ()))
            self._key[current] = "[" + " ; ".join(parts) + "]"
        return self._key[node]

    def _known(self, node: Node) -> str:
        if isinstance(node, BNode):
            return f"_:{self._shared_color[node]}" if node in self.shared else self._key[node]
        return self.nt(node)

    def _reachable_inline(self, candidates: set[BNode]) -> set[BNode]:
        """Candidates reachable from a non-candidate subject (a cycle of once-used nodes is not)."""
        reached: set[BNode] = set()
        stack = [o for s in self.out if s not in candidates for _, o in self.out[s] if o in candidates]
        while stack:
            node = stack.pop()
            if node in reached:
                continue
            reached.add(node)
            stack.extend(o for _, o in self.out.get(node, ()) if o in candidates)
        return reached

    def _color_shared(self) -> dict[BNode, str]:
        """Neighbourhood hashes (a few Weisfeiler-Lehman rounds) for blank nodes used twice or in cycles."""
        self._shared_color = {b: "" for b in self.shared}
        for _ in range(_WL_ROUNDS if self.shared else 0):
            self._key.clear()  # inline keys embed the colours of the previous round
            self._shared_color = {
                b: _digest(
                    "|".join(sorted(f"{self.nt(p)} {self.key(o)}" for p, o in self.out.get(b, ())))
                    + " <- "
                    + "|".join(sorted(f"{self.key(s)} {self.nt(p)}" for s, p in self.inc.get(b, ())))
                )
                for b in self.shared
            }
        self._key.clear()
        return _dedupe(self._shared_color, prefix="s")

    def _label_all(self) -> None:
        """Label roots by content; every inline node by its parent's label, the predicate and its content."""
        self.labels.update(self._shared_color)
        self.labels.update(_dedupe({b: _digest(self.key(b)) for b in self.roots}, prefix="r"))
        queue = [(str(s), s) for s in self.out if not isinstance(s, BNode)]
        queue += [(self.labels[b], b) for b in self.roots | self.shared]
        while queue:
            parent_label, parent = queue.pop()
            children = {
                o: _digest(f"{parent_label} {self.nt(p)} {self.key(o)}")
                for p, o in self.out.get(parent, ())
                if o in self.inline
            }
            for child, label in _dedupe(children, prefix="b").items():
                self.labels[child] = label
                queue.append((label, child))

    # -- what the writers iterate -----------------------------------------------------------------

    def term(self, node: Node) -> Node:
        """``node`` with its canonical blank-node label."""
        return BNode(self.labels[node]) if isinstance(node, BNode) else node

    def triples(self) -> list[tuple[Node, URIRef, Node]]:
        """All triples with canonical labels, sorted by their N-Triples text."""
        triples = [(self.term(s), p, self.term(o)) for s, p, o in self.graph]
        return sorted(triples, key=lambda t: (self.nt(t[0]), self.nt(t[1]), self.nt(t[2])))

    def named_subjects(self) -> list[URIRef]:
        """IRI subjects, ontology headers first, then by IRI."""
        subjects = [s for s in self.out if not isinstance(s, BNode)]
        return sorted(subjects, key=lambda s: ((RDF.type, OWL.Ontology) not in self.out[s], str(s)))

    def predicate_objects(self, subject: Node) -> list[tuple[URIRef, list[Node]]]:
        """(predicate, sorted objects) pairs of ``subject``: rdf:type first, then by IRI."""
        grouped: dict[URIRef, list[Node]] = defaultdict(list)
        for p, o in self.out.get(subject, ()):
            grouped[p].append(o)
        order = sorted(grouped, key=lambda p: (p != RDF.type, str(p)))
        return [(p, sorted(grouped[p], key=self._object_order)) for p in order]

    def _object_order(self, node: Node) -> tuple[int, str]:
        kind = 0 if isinstance(node, URIRef) else 1 if isinstance(node, BNode) else 2
        return kind, self.key(node)

    def lists_well_formed(self) -> bool:
        """Whether every node with an rdf:first is a once-used list node with just rdf:first and rdf:rest."""
        return all(
            n in self.inline and sorted(p for p, _ in edges) == [RDF.first, RDF.rest]
            for n, edges in self.out.items()
            if any(p == RDF.first for p, _ in edges)
        )

    def list_items(self, node: Node) -> list[Node] | None:
        """The members of a well-formed inline rdf:List starting at ``node``, else None."""
        items: list[Node] = []
        seen: set[Node] = set()
        while node != RDF.nil:
            if node not in self.inline or node in seen:
                return None
            seen.add(node)
            edges = self.out.get(node, ())
            firsts = [o for p, o in edges if p == RDF.first]
            rests = [o for p, o in edges if p == RDF.rest]
            if len(edges) != 2 or len(firsts) != 1 or len(rests) != 1:
                return None
            items.append(firsts[0])
            node = rests[0]
        return items


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


def to_ntriples(canon: Canonical, sort: bool = True) -> str:
    """N-Triples, one line per triple, canonical blank-node labels; sorted unless ``sort`` is
    False (loading a store needs no order, and sorting 1M lines by their text takes seconds)."""
    nt = canon.nt
    triples = canon.triples() if sort else ((canon.term(s), p, canon.term(o)) for s, p, o in canon.graph)
    return "".join(f"{nt(s)} {nt(p)} {nt(o)} .\n" for s, p, o in triples)


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
                    attrs = f" xml:lang={quoteattr(o.language)}" if o.language else ""
                    if o.datatype is not None:
                        attrs += f" rdf:datatype={quoteattr(str(o.datatype))}"
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
    from .jsonld import compact_triples

    context = published_context()
    compacted = compact_triples(canon.triples(), context)
    nodes = compacted.get("@graph", [] if set(compacted) == {"@context"} else None)
    if nodes is None:  # a single node compacts to a bare object; keep the document shape stable
        nodes = [{k: v for k, v in compacted.items() if k != "@context"}]
    nodes = sorted(nodes, key=lambda n: (str(n.get("id", n.get("@id", ""))).startswith("_:"), str(n.get("id", n.get("@id", "")))))
    document = {"@context": context["@context"], "@graph": nodes}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def published_context() -> dict:
    """``ontology/context.jsonld``: the context smr-kg publishes at :data:`smr_kg.jsonld.CONTEXT_URL`."""
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
        self.namespaces = sorted(namespaces, key=lambda kv: -len(kv[1]))
        self._names = _Memo(self._name)

    def name(self, node: Node) -> str:
        return self._names(node)

    def _name(self, node: Node) -> str:
        if isinstance(node, URIRef):
            if node == RDF.type:
                return "a"
            for prefix, iri in self.namespaces:
                if node.startswith(iri) and _PN_LOCAL.fullmatch(node[len(iri):]):
                    return f"{prefix}:{node[len(iri):]}"
            return _iri(node)
        if isinstance(node, Literal):
            return _literal(node, self.name)
        return f"_:{self.canon.labels[node]}"

    def block(self, head: str, subject: Node) -> str:
        return head + " " + self._properties(subject, 1) + " ."

    def _properties(self, subject: Node, depth: int) -> str:
        pad = "    " * depth
        parts = []
        for p, objects in self.canon.predicate_objects(subject):
            pred = "a" if p == RDF.type else self.name(p)
            rendered = [self._object(o, depth + 1) for o in objects]
            parts.append(pred + " " + (",\n" + pad + "    ").join(rendered))
        return (" ;\n" + pad).join(parts)

    def _object(self, node: Node, depth: int) -> str:
        if isinstance(node, BNode) and node in self.canon.inline:
            items = self.canon.list_items(node)
            if items is not None:
                return "( " + " ".join(self._object(i, depth + 1) for i in items) + " )"
            pad = "    " * depth
            return "[\n" + pad + self._properties(node, depth) + "\n" + "    " * (depth - 1) + "]"
        if isinstance(node, URIRef) and node == RDF.type:
            return _iri(node)
        return self.name(node)


class _XmlNames:
    """QNames for RDF/XML: the pinned prefixes where the local part is an XML name, else ns1, ns2..."""

    def __init__(self, canon: Canonical) -> None:
        self.pinned = sorted(prefixes.turtle_prefixes().items(), key=lambda kv: -len(kv[1]))
        self.used: dict[str, str] = {"rdf": str(RDF)}
        extra = sorted({self._split(p)[0] for s in canon.out for p, _ in canon.out[s] if self._pinned(p) is None})
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


class _Memo:
    """A term's text, computed once per term: the writers ask for the same IRIs again and again
    (3.4M calls for 340k triples). Literals are keyed by lexical form, language and datatype as
    written, since rdflib calls "1" and "01" (integers) or "en" and "EN" (tags) equal."""

    def __init__(self, render: Callable[[Node], str]) -> None:
        self._render = render
        self._cache: dict[object, str] = {}

    def __call__(self, node: Node) -> str:
        key = (str(node), node.language, node.datatype) if isinstance(node, Literal) else node
        text = self._cache.get(key)
        if text is None:
            text = self._cache[key] = self._render(node)
        return text


def _nt(node: Node) -> str:
    """N-Triples text of a term (blank nodes as they are labelled in the graph)."""
    if isinstance(node, URIRef):
        return _iri(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return _literal(node, _iri)


def _iri(iri: str) -> str:
    return "<" + _IRI_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04X}", str(iri)) + ">"


def _literal(lit: Literal, datatype_name: Callable[[URIRef], str]) -> str:
    text = '"' + _STRING_UNSAFE.sub(_escape_char, str(lit)) + '"'
    if lit.language:
        return f"{text}@{lit.language}"
    if lit.datatype is not None:
        return f"{text}^^{datatype_name(lit.datatype)}"
    return text


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _STRING_ESCAPES.get(char) or f"\\u{ord(char):04X}"


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _dedupe(labels: dict[BNode, str], prefix: str) -> dict[BNode, str]:
    """Prefix the labels and number duplicates (same content: interchangeable, so any order is stable)."""
    counts = Counter(labels.values())
    seen: Counter[str] = Counter()
    out = {}
    for node, label in sorted(labels.items(), key=lambda kv: kv[1]):
        if counts[label] > 1:
            seen[label] += 1
            out[node] = f"{prefix}{label}x{seen[label]}"
        else:
            out[node] = f"{prefix}{label}"
    return out
