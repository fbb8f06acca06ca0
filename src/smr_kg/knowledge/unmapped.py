"""Clinical concepts of the built graph that carry no code of their own (``mappings --unmapped``).

A reader of the built graph (through the store interface, so it answers from an endpoint too),
joined with the ``sssom:NoTermFound`` rows of the mapping set, whose comments say why a search
found no code; the mapping set itself is compiled by :mod:`smr_kg.stages.mappings`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import InputError
from ..rdf import prefixmap
from ..rdf.terms import IRI
from ..record import Record
from ..stages.mappings import EQUIVALENT_PREDICATES, Mapping, read_mappings


class Unmapped(Record):
    """A concept without a code of its own, its nearest links and the curators' notes."""

    iri: IRI
    label: str
    kind: str
    partial: tuple[tuple[str, str], ...]
    """(predicate CURIE, object CURIE) of its broader / narrower / related links."""
    notes: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "iri": str(self.iri),
            "curie": prefixmap.compress(self.iri),
            "label": self.label,
            "kind": self.kind,
            "partial_links": [{"predicate": p, "object": o} for p, o in self.partial],
            "notes": list(self.notes),
        }


CONCEPT_KINDS: tuple[tuple[str, str], ...] = (
    ("condition", "Condition"),
    ("mechanism", "PathophysiologicalMechanism"),
    ("anatomy", "AnatomicalStructure"),
    ("therapy", "Therapy"),
    ("diagnostic procedure", "DiagnosticProcedure"),
    ("observable", "Observable"),
    ("outcome", "Outcome"),
)
"""The upper classes whose subclasses are clinical concepts that may carry a vocabulary code."""

_CONCEPTS_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
# Named classes below the upper class ?root (asserted or inferred by the build), with their label.
SELECT DISTINCT ?c ?label ?root WHERE {
  ?c rdfs:subClassOf+ ?root .
  FILTER(isIRI(?c) && ?c != ?root)
  OPTIONAL { ?c rdfs:label ?label FILTER(lang(?label) = "" || langMatches(lang(?label), "en")) }
}
"""

_LINKS_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?c ?p ?o WHERE {
  VALUES ?p { skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch skos:relatedMatch }
  ?c ?p ?o .
  FILTER(isIRI(?c) && isIRI(?o))
}
"""


def unmapped(store, vocabulary: str | None = None, mappings: Iterable[Mapping] | None = None) -> list[Unmapped]:
    """Clinical concepts of the built graph with no exact or close match (in ``vocabulary``, or any).

    Grouping classes (e.g. "surgical intervention") are listed too: the list reports what has no
    code; it does not decide which classes deserve one.
    """
    from ..rdf.vocab import SMR

    if vocabulary is not None and vocabulary not in prefixmap.VOCABULARIES:
        raise InputError(f"unknown vocabulary {vocabulary!r} (choose from {', '.join(prefixmap.VOCABULARIES)})")
    notes: dict[str, list[str]] = {}
    for m in mappings if mappings is not None else read_mappings():
        if m.no_term_found:
            notes.setdefault(m.subject_id, []).append(m.comment)
    links: dict[IRI, list[tuple[str, str]]] = {}
    for row in store.select(_LINKS_QUERY).rows:
        links.setdefault(row[0], []).append((prefixmap.compress(row[1]), prefixmap.compress(row[2])))
    found: list[Unmapped] = []
    seen: set[IRI] = set()
    for kind, root in CONCEPT_KINDS:
        result = store.select(_CONCEPTS_QUERY, {"root": SMR[root]})
        for iri, label, _ in sorted(result.rows, key=lambda r: str(r[0])):
            if iri in seen or any(iri == SMR[r] for _, r in CONCEPT_KINDS):
                continue
            seen.add(iri)
            own = links.get(iri, [])
            equivalent = [
                o for p, o in own
                if p in EQUIVALENT_PREDICATES and (vocabulary is None or o.startswith(vocabulary + ":"))
            ]
            if equivalent:
                continue
            partial = tuple(sorted((p, o) for p, o in own if p not in EQUIVALENT_PREDICATES))
            curie = prefixmap.compress(iri)
            found.append(Unmapped(iri, str(label) if label else curie, kind, partial, tuple(notes.get(curie, ()))))
    return found
