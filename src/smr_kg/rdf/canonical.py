"""The canonical form of a graph: stable blank-node labels, sorted triples, N-Triples text.

The same graph always gives the same bytes, so a diff between two releases (or two builds)
shows only what changed. Two things make rdflib's own writers unstable: blank-node labels (fresh
random ones on every parse) and the order of subjects. Canonicalising with ``rdflib.compare``
fixes the labels but is about 30x slower than :class:`Canonical` on the built graph
(benchmarks/bench_export.py), which does it directly for the shapes RDF of OWL has: a blank node
used once (restrictions, lists, axiom annotations) is written inline and named after its content
and position; an unreferenced one (an ``owl:Axiom``) is named after its content; the rare blank
node used twice or in a cycle is named by a few rounds of neighbourhood hashing.

Every writer of :mod:`smr_kg.exports.export`, the build's stores and the reasoner snapshot's digest read
the graph through it. It runs over a million triples in a build, so the loops over all triples
compare term types with ``type(...) is`` and term text as plain strings: rdflib's ``==`` and
``isinstance`` (an ABC) are Python calls.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import cast

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_STRING_UNSAFE = re.compile(r'[\\"\x00-\x1f\x7f]')
_WL_ROUNDS = 3
_RDF_TYPE, _ONTOLOGY = str(RDF.type), str(OWL.Ontology)
_KINDS = {URIRef: 0, BNode: 1, Literal: 2}
"""Object order within a predicate: IRIs, then blank nodes, then literals."""


class Canonical:
    """A graph with stable blank-node labels and the structure the writers need (see module doc).

    ``graph`` is an rdflib graph or any collection of distinct triples of rdflib terms (``URIRef``,
    ``BNode`` and ``Literal`` themselves, not subclasses); it is iterated twice."""

    def __init__(self, graph: Graph | Iterable[tuple[Node, Node, Node]]) -> None:
        # rdflib types every position as Node; in an RDF graph a predicate is always an IRI
        self.graph = cast("Iterable[tuple[Node, URIRef, Node]]", graph)
        self.nt = TermText(nt_text)
        self.out: dict[Node, list[tuple[URIRef, Node]]] = defaultdict(list)
        self.inc: dict[BNode, list[tuple[Node, URIRef]]] = defaultdict(list)
        self.headers: set[Node] = set()
        """Subjects typed owl:Ontology (written first)."""
        out, inc = self.out, self.inc
        for s, p, o in self.graph:
            out[s].append((p, o))
            if type(o) is BNode:
                inc[o].append((s, p))
            elif type(o) is URIRef and str.__eq__(o, _ONTOLOGY) and str.__eq__(p, _RDF_TYPE):
                self.headers.add(s)
        bnodes = {n for n in out if type(n) is BNode} | set(inc)
        self.roots = {b for b in bnodes if not inc.get(b)}
        candidates = {b for b in bnodes if len(inc.get(b, ())) == 1}
        self.inline = self._reachable_inline(candidates)
        self.shared = bnodes - self.roots - self.inline
        self._key: dict[Node, str] = {}
        self._shared_color = self._color_shared()
        self.labels: dict[BNode, str] = {}
        self._label_all()

    # -- keys: a node's canonical text (inline blank nodes include their whole content) ------------

    def key(self, node: Node) -> str:
        """``node``'s canonical text; computed bottom-up without recursion (long rdf:Lists are deep)."""
        if type(node) is not BNode:
            return self.nt(node)
        if node in self.shared:
            return f"_:{self._shared_color[node]}"
        stack: list[Node] = [node]
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
        if type(node) is BNode:
            return f"_:{self._shared_color[node]}" if node in self.shared else self._key[node]
        return self.nt(node)

    def _reachable_inline(self, candidates: set[BNode]) -> set[BNode]:
        """Candidates reachable from a non-candidate subject (a cycle of once-used nodes is not)."""
        reached: set[BNode] = set()
        stack = [o for o in candidates if self.inc[o][0][0] not in candidates]
        while stack:
            node = stack.pop()
            if node in reached:
                continue
            reached.add(node)
            stack.extend(o for _, o in self.out.get(node, ()) if type(o) is BNode and o in candidates)
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
        parents = {self.inc[b][0][0] for b in self.inline}  # only these have inline children
        queue = [(str(s), s) for s in parents if type(s) is not BNode]
        queue += [(self.labels[b], b) for b in cast("set[BNode]", parents & (self.roots | self.shared))]
        while queue:
            parent_label, parent = queue.pop()
            children = {
                o: _digest(f"{parent_label} {self.nt(p)} {self.key(o)}")
                for p, o in self.out.get(parent, ())
                if o in self.inline
            }
            for child, label in _dedupe(cast("dict[BNode, str]", children), prefix="b").items():  # inline: blank nodes
                self.labels[child] = label
                queue.append((label, child))

    # -- what the writers iterate -----------------------------------------------------------------

    def term(self, node: Node) -> Node:
        """``node`` with its canonical blank-node label."""
        return BNode(self.labels[node]) if type(node) is BNode else node

    def text(self, node: Node) -> str:
        """``node``'s N-Triples text, blank nodes by their canonical label."""
        return f"_:{self.labels[node]}" if type(node) is BNode else self.nt(node)

    def triples(self) -> list[tuple[Node, URIRef, Node]]:
        """All triples with canonical labels, sorted by their N-Triples text."""
        text, term = self.text, self.term
        # One string per triple sorts as the (subject, predicate, object) texts would: a term's
        # text is never a prefix of another's followed by a character below the space.
        ordered = sorted(self.graph, key=lambda t: f"{text(t[0])} {text(t[1])} {text(t[2])}")
        return [(term(s), p, term(o)) for s, p, o in ordered]

    def named_subjects(self) -> list[Node]:
        """IRI subjects, ontology headers first, then by IRI."""
        subjects = [s for s in self.out if type(s) is not BNode]
        return sorted(subjects, key=lambda s: (s not in self.headers, str(s)))

    def predicate_objects(self, subject: Node) -> list[tuple[URIRef, list[Node]]]:
        """(predicate, sorted objects) pairs of ``subject``: rdf:type first, then by IRI."""
        grouped: dict[URIRef, list[Node]] = {}
        for p, o in self.out.get(subject, ()):
            found = grouped.get(p)
            if found is None:
                grouped[p] = [o]
            else:
                found.append(o)
        order = sorted(grouped, key=_predicate_order)
        return [(p, sorted(grouped[p], key=self._object_order) if len(grouped[p]) > 1 else grouped[p]) for p in order]

    def _object_order(self, node: Node) -> tuple[int, str]:
        return _KINDS.get(type(node), 2), self.key(node)

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


def to_ntriples(canon: Canonical, sort: bool = True) -> str:
    """N-Triples, one line per triple, canonical blank-node labels; sorted (as :meth:`Canonical.triples`
    is) unless ``sort`` is False: loading a store needs no order."""
    lines = ntriples_lines(canon)
    return "".join(sorted(lines) if sort else lines)


def ntriples_lines(canon: Canonical) -> Iterator[str]:
    """The N-Triples line of every triple, canonical blank-node labels, subject by subject.

    The texts are remembered by the identity of the term objects, a fast lookup that is exact
    here: every term is held by ``canon`` while its lines are written."""
    texts: dict[int, str] = {}

    def text(node: Node) -> str:
        found = texts[id(node)] = canon.text(node)
        return found

    for s, edges in canon.out.items():
        subject = texts.get(id(s)) or text(s)
        for p, o in edges:
            yield f"{subject} {texts.get(id(p)) or text(p)} {texts.get(id(o)) or text(o)} .\n"


class TermText:
    """A term's text, computed once per term: the writers ask for the same IRIs again and again
    (3.4M calls for 340k triples). Literals are keyed by lexical form, language and datatype as
    written, since rdflib calls "1" and "01" (integers) or "en" and "EN" (tags) equal."""

    def __init__(self, render: Callable[[Node], str]) -> None:
        self._render = render
        self._cache: dict[object, str] = {}

    def __call__(self, node: Node) -> str:
        key = (str(node), node.language, node.datatype) if type(node) is Literal else node
        text = self._cache.get(key)
        if text is None:
            text = self._cache[key] = self._render(node)
        return text


def nt_text(node: Node) -> str:
    """N-Triples text of a term (blank nodes as they are labelled in the graph)."""
    if isinstance(node, URIRef):
        return iri_text(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return literal_text(cast(Literal, node), iri_text)  # an RDF term that is neither IRI nor blank node


def iri_text(iri: str) -> str:
    return "<" + _IRI_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04X}", str(iri)) + ">"


def literal_text(lit: Literal, datatype_name: Callable[[URIRef], str]) -> str:
    text = '"' + _STRING_UNSAFE.sub(_escape_char, str(lit)) + '"'
    if lit.language:
        return f"{text}@{lit.language}"
    if lit.datatype is not None:
        return f"{text}^^{datatype_name(lit.datatype)}"
    return text


def _predicate_order(predicate: URIRef) -> tuple[bool, str]:
    text = str(predicate)
    return text != _RDF_TYPE, text


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


__all__ = ["Canonical", "TermText", "iri_text", "literal_text", "nt_text", "ntriples_lines", "to_ntriples"]
