"""A set of RDF triples with the lookups the build makes: what the build holds instead of an rdflib graph.

Why: rdflib's default store keeps three indexes plus a context map for every triple (~770 bytes
and ~16 us an add); at 1M triples it was a third of the build's time and most of its memory. The
build only ever adds triples, iterates them and looks them up by predicate, so a dict of term
tuples (insertion-ordered, so every run iterates the same way) with an index per predicate,
made the first time that predicate is looked up, does the same for a fraction of the cost.

:class:`TripleSet` offers the reading methods of ``rdflib.Graph`` the build's modules use
(``triples``, ``subjects``, ``objects``, ``subject_objects``, ``predicate_objects``, ``value``,
``in`` with ``None`` as a wildcard), so the same functions take either. The terms are rdflib's
(``URIRef``, ``BNode``, ``Literal``); :meth:`TripleSet.to_graph` makes an rdflib graph where one
is needed (pyshacl, a query engine over it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import Graph
from rdflib.namespace import RDF
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


class TripleSet:
    """Distinct triples in the order they were first added; lookups by predicate are indexed."""

    __slots__ = ("_triples", "_by_predicate", "_by_subject", "_objects", "_subjects")

    def __init__(self, triples: Iterable[Triple] = ()) -> None:
        # from another TripleSet by dict copy, which reuses the stored hashes (a Literal's hash is a
        # Python call, and a tuple's hash is not cached)
        self._triples: dict[Triple, None] = (
            triples._triples.copy() if isinstance(triples, TripleSet) else dict.fromkeys(triples)
        )
        self._forget()

    def _forget(self) -> None:
        self._by_predicate: dict[Node, list[Triple]] | None = None
        self._by_subject: dict[Node, list[Triple]] | None = None
        self._objects: dict[Node, dict[Node, list[Node]]] = {}
        self._subjects: dict[Node, dict[Node, list[Node]]] = {}

    # -- a set of triples -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._triples)

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def __contains__(self, pattern: tuple) -> bool:
        if None not in pattern:
            return pattern in self._triples
        return next(self.triples(pattern), None) is not None

    def add(self, triple: Triple) -> TripleSet:
        if triple not in self._triples:
            self._triples[triple] = None
            self._forget()
        return self

    def update(self, triples: Iterable[Triple]) -> TripleSet:
        before = len(self._triples)
        self._triples.update(triples._triples if isinstance(triples, TripleSet) else dict.fromkeys(triples))
        if len(self._triples) != before:
            self._forget()
        return self

    def __iadd__(self, triples: Iterable[Triple]) -> TripleSet:
        return self.update(triples)

    def to_graph(self) -> Graph:
        """An rdflib graph of the same triples, with the project's prefixes bound."""
        from .prefixes import bind_prefixes

        graph = bind_prefixes(Graph())
        graph.addN((s, p, o, graph) for s, p, o in self._triples)
        return graph

    # -- rdflib.Graph's reading methods ------------------------------------------------------------

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[Triple]:
        s, p, o = pattern
        if p is None and s is not None:
            yield from (t for t in self._with_subject(s) if o is None or t[2] == o)
        elif p is None:
            yield from (t for t in self._triples if o is None or t[2] == o)
        elif s is not None:
            yield from ((s, p, x) for x in self._index(self._objects, p, 0).get(s, ()) if o is None or x == o)
        elif o is not None:
            yield from ((x, p, o) for x in self._index(self._subjects, p, 2).get(o, ()))
        else:
            yield from self._with_predicate(p)

    def subjects(self, predicate: Node | None = None, object: Node | None = None) -> Iterator[Node]:
        return (s for s, _, _ in self.triples((None, predicate, object)))

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        return (o for _, _, o in self.triples((subject, predicate, None)))

    def subject_objects(self, predicate: Node | None = None) -> Iterator[tuple[Node, Node]]:
        return ((s, o) for s, _, o in self.triples((None, predicate, None)))

    def predicate_objects(self, subject: Node | None = None) -> Iterator[tuple[Node, Node]]:
        return ((p, o) for _, p, o in self.triples((subject, None, None)))

    def value(self, subject: Node | None = None, predicate: Node = RDF.value, object: Node | None = None,
              default: Node | None = None, any: bool = True) -> Node | None:
        """One term completing the pattern (rdflib's ``Graph.value``; ``any`` is accepted and
        ignored: the first match is returned)."""
        if predicate is not None and object is None and subject is not None:  # the usual case, directly
            found = self._index(self._objects, predicate, 0).get(subject)
            return found[0] if found else default
        if (subject is None) + (predicate is None) + (object is None) != 1:
            return None
        match = next((t[0] if subject is None else t[1] if predicate is None else t[2]
                      for t in self.triples((subject, predicate, object))), None)
        return default if match is None else match

    def items(self, list_node: Node | None) -> Iterator[Node]:
        """The members of the rdf:List starting at ``list_node`` (what rdflib's ``Collection`` reads)."""
        seen = set()
        while list_node is not None and list_node not in seen:
            seen.add(list_node)
            item = self.value(list_node, RDF.first)
            if item is not None:
                yield item
            list_node = self.value(list_node, RDF.rest)

    # -- indexes ---------------------------------------------------------------------------------

    def _with_predicate(self, predicate: Node) -> list[Triple]:
        if self._by_predicate is None:
            self._by_predicate = self._grouped(1)
        return self._by_predicate.get(predicate, [])

    def _with_subject(self, subject: Node) -> list[Triple]:
        if self._by_subject is None:
            self._by_subject = self._grouped(0)
        return self._by_subject.get(subject, [])

    def _grouped(self, position: int) -> dict[Node, list[Triple]]:
        grouped: dict[Node, list[Triple]] = {}
        for triple in self._triples:
            found = grouped.get(triple[position])
            if found is None:
                grouped[triple[position]] = [triple]
            else:
                found.append(triple)
        return grouped

    def _index(self, cache: dict[Node, dict[Node, list[Node]]], predicate: Node, key: int) -> dict[Node, list[Node]]:
        """``predicate``'s triples by subject (``key`` 0, giving objects) or by object (2)."""
        index = cache.get(predicate)
        if index is None:
            index = cache[predicate] = {}
            other = 2 - key
            for triple in self._with_predicate(predicate):
                index.setdefault(triple[key], []).append(triple[other])
        return index


__all__ = ["Triple", "TripleSet"]
