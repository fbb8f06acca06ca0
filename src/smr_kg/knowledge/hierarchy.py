"""The class hierarchy and the names of the built graph, as OAK's ``ancestors``, ``descendants``
and ``search`` give them for an OBO ontology - without a SPARQL query of the user's own.

Ancestors and descendants follow ``rdfs:subClassOf`` of the built graph (the reasoner's inferred
links included), over named classes only. Search ranks labels and exact synonyms by similarity
(a name containing the text ranks high), the ranking the commands' "did you mean" hints use.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..rdf.terms import IRI
from ..sparql.resolve import candidates, resolve_term
from ..store.base import Store
from .facts import GraphFacts, curie


@dataclass(frozen=True)
class Named:
    """A term of the graph: its IRI, CURIE and display label (or the name a search matched)."""

    iri: str
    curie: str
    label: str


def ancestors(store: Store, text: str) -> tuple[Named, list[Named]]:
    """The term ``text`` denotes and its named superclasses, by label."""
    facts = GraphFacts.read(store)
    term = resolve_term(store, text)
    return _named(facts, term), _sorted(facts, facts.ancestors(term) - {term})


def descendants(store: Store, text: str) -> tuple[Named, list[Named]]:
    """The term ``text`` denotes and every class below it, by label."""
    facts = GraphFacts.read(store)
    term = resolve_term(store, text)
    return _named(facts, term), _sorted(facts, facts.subclasses(term) - {term})


def search(store: Store, text: str, limit: int = 20) -> list[Named]:
    """Terms whose label or exact synonym is closest to ``text``, best first."""
    return [Named(str(c.iri), curie(c.iri), c.label) for c in candidates(store, text, limit)]


def _named(facts: GraphFacts, term: IRI) -> Named:
    return Named(str(term), curie(term), facts.label(term))


def _sorted(facts: GraphFacts, terms: set[IRI] | frozenset[IRI]) -> list[Named]:
    return sorted((_named(facts, t) for t in terms), key=lambda n: (n.label.lower(), n.iri))


__all__ = ["Named", "ancestors", "descendants", "search"]
