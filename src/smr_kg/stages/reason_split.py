"""Give HermiT only what needs a DL reasoner: the ontology's core plus one probe per kind of
simple class.

Why: HermiT's time grows faster than the number of classes (13 s for 3,500 classes that are
only a taxonomy, 281 s for a 1M-triple graph), yet most classes of a large extension are
*simple*: a named class whose only logical axioms are ``C SubClassOf A`` (A named) and
``C SubClassOf P some M`` (M named), that nothing else mentions except other simple classes
(as a parent or a filler), and whose properties P (with their super-properties) are only
declared, given named domains and ranges, made transitive, and used in such restrictions.

For such a class, everything HermiT would conclude follows from a conjunction: its core
ancestors and its (inherited) existential restrictions. Classes with the same conjunction get
one *probe* class stating it; HermiT classifies the core with the probes, and each simple class
then has its probe's named superclasses plus its simple ancestors, and is unsatisfiable exactly
when its probe is. Nothing else can subsume it: a simple class appears in no definition, so a
named class subsumes it only if it is a told ancestor. Tests compare the result with HermiT on
the whole ontology (tests/test_reason.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

PROBE = "https://w3id.org/smr-kg/reasoner-probe/"
"""Namespace of the probe classes (they never leave the reasoner step)."""

_PROPERTY_FACTS = frozenset({RDFS.subPropertyOf, RDFS.domain, RDFS.range})
_PROPERTY_TYPES = frozenset({OWL.ObjectProperty, OWL.TransitiveProperty})


@dataclass
class Split:
    """The core (with probes) for HermiT, and how each simple class maps onto a probe."""

    core: Graph
    probe_of: dict[URIRef, URIRef] = field(default_factory=dict)
    """Simple class -> the probe that states its conjunction."""
    simple_parents: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    """Simple class -> its told parents that are simple classes too."""
    asserted: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    """Simple class -> all its told named parents."""


class _Cycle(Exception):
    """Simple classes refer to each other in a cycle: leave them all to HermiT."""


def split(logical: Graph | list[tuple]) -> Split:
    """Separate the simple classes of ``logical`` (see the module doc) and add their probes."""
    index = _Index(list(logical))
    parents, existentials, restriction_nodes = _candidates(index)
    safe = _safe_properties(index)
    simple = {c for c in parents if all(p in safe for p, _ in existentials[c])}
    simple = _closed(index, simple, restriction_nodes)
    result = Split(Graph())
    try:
        probes = _Probes(simple, parents, existentials)
        for cls in sorted(simple):
            result.probe_of[cls] = probes.probe(cls)
    except _Cycle:
        result = Split(Graph())
        simple, probes = set(), _Probes(set(), parents, existentials)
    dropped = simple | {r for c in simple for r in restriction_nodes[c]}
    for triple in index.triples:
        if triple[0] not in dropped:
            result.core.add(triple)
    for triple in probes.triples:
        result.core.add(triple)
    result.simple_parents = {c: parents[c] & simple for c in simple}
    result.asserted = {c: set(parents[c]) for c in simple}
    return result


class _Index:
    """The logical triples in plain dicts (rdflib's graph costs ~10 us a triple to walk)."""

    def __init__(self, triples: list[tuple]) -> None:
        self.triples = triples
        self.out: dict = defaultdict(list)
        self.holders: dict = defaultdict(list)
        for s, p, o in triples:
            self.out[s].append((p, o))
            if isinstance(o, BNode):
                self.holders[o].append((s, p))

    def value(self, subject, predicate):
        return next((o for p, o in self.out.get(subject, ()) if p == predicate), None)


def expand(split_: Split, superclasses: dict[URIRef, set[URIRef]],
           parents: dict[URIRef, set[URIRef]]) -> tuple[dict, dict, set[tuple[URIRef, URIRef]]]:
    """Superclasses and direct parents of every class (probes removed), and the inferred
    direct parents of the simple ones."""
    result = {c: {s for s in supers if not str(s).startswith(PROBE)}
              for c, supers in superclasses.items() if not str(c).startswith(PROBE)}
    done: dict[URIRef, set[URIRef]] = {}

    def supers(cls: URIRef) -> set[URIRef]:
        if cls not in done:
            found = {s for s in superclasses.get(split_.probe_of[cls], set()) if not str(s).startswith(PROBE)}
            for parent in split_.simple_parents[cls]:
                found |= {parent} | supers(parent)
            done[cls] = found
        return done[cls]

    inferred: set[tuple[URIRef, URIRef]] = set()
    direct_parents = {c: set(p) for c, p in parents.items() if not str(c).startswith(PROBE)}
    for cls in split_.probe_of:
        result[cls] = supers(cls)
    for cls in split_.probe_of:
        above = result[cls]
        direct = {d for d in above if not any(d in result.get(e, ()) and e not in result.get(d, ()) for e in above if e != d)}
        direct_parents[cls] = direct
        inferred |= {(cls, d) for d in direct - split_.asserted[cls]}
    return result, direct_parents, inferred


def _candidates(index: _Index) -> tuple[dict[URIRef, set[URIRef]], dict[URIRef, set[tuple[URIRef, URIRef]]], dict[URIRef, list[BNode]]]:
    """Named classes whose own triples are only a declaration, named parents and plain
    existential restrictions (each restriction used once): their parents, existentials, restrictions."""
    parents: dict[URIRef, set[URIRef]] = {}
    existentials: dict[URIRef, set[tuple[URIRef, URIRef]]] = defaultdict(set)
    restrictions: dict[URIRef, list[BNode]] = defaultdict(list)
    for s, facts in index.out.items():
        if not isinstance(s, URIRef):
            continue
        found, some, nodes = set(), set(), []
        for p, o in facts:
            if p == RDF.type and o == OWL.Class:
                continue
            if p == RDFS.subClassOf and isinstance(o, URIRef):
                found.add(o)
            elif p == RDFS.subClassOf and isinstance(o, BNode) and len(index.holders[o]) == 1 and (plain := _plain_restriction(index, o)):
                some.add(plain)
                nodes.append(o)
            else:
                break
        else:
            if (RDF.type, OWL.Class) in facts or found or some:
                parents[s], existentials[s], restrictions[s] = found, some, nodes
    return parents, existentials, restrictions


def _plain_restriction(index: _Index, node: BNode) -> tuple[URIRef, URIRef] | None:
    """(P, M) for ``[a owl:Restriction; owl:onProperty P; owl:someValuesFrom M]`` with nothing else."""
    facts = index.out.get(node, ())
    prop, filler = index.value(node, OWL.onProperty), index.value(node, OWL.someValuesFrom)
    if len(facts) == 3 and (RDF.type, OWL.Restriction) in facts and isinstance(prop, URIRef) and isinstance(filler, URIRef):
        return prop, filler
    return None


def _safe_properties(index: _Index) -> set[URIRef]:
    """Properties that, with every super-property, occur only in declarations, named
    domains/ranges, sub-property links and plain existential restrictions on a class's right-hand side."""
    plain: dict[URIRef, bool] = defaultdict(lambda: True)
    supers: dict[URIRef, set[URIRef]] = defaultdict(set)
    declared = set()
    for s, p, o in index.triples:
        if p == RDF.type and o == OWL.ObjectProperty:
            declared.add(s)
        for term, position in ((s, "s"), (o, "o")):
            if not isinstance(term, URIRef) or term in (OWL.Class, OWL.Restriction, OWL.Thing):
                continue
            if position == "s" and ((p == RDF.type and o in _PROPERTY_TYPES) or (p in _PROPERTY_FACTS and isinstance(o, URIRef))):
                if p == RDFS.subPropertyOf:
                    supers[s].add(o)
                continue
            if position == "o" and p == RDFS.subPropertyOf:
                continue
            if position == "o" and p == OWL.onProperty and isinstance(s, BNode) and _used_plainly(index, s):
                continue
            plain[term] = False

    def ok(prop: URIRef, seen: frozenset = frozenset()) -> bool:
        if prop in seen:
            return True
        return prop in declared and plain[prop] and all(ok(q, seen | {prop}) for q in supers[prop])

    return {p for p in declared if isinstance(p, URIRef) and ok(p)}


def _used_plainly(index: _Index, restriction: BNode) -> bool:
    """The restriction is plain and is only the right-hand side of ``NamedClass SubClassOf``."""
    holders = index.holders.get(restriction, ())
    return (_plain_restriction(index, restriction) is not None and len(holders) == 1
            and holders[0][1] == RDFS.subClassOf and isinstance(holders[0][0], URIRef))


def _closed(index: _Index, simple: set[URIRef], restrictions: dict[URIRef, list[BNode]]) -> set[URIRef]:
    """Drop candidates that anything outside the simple classes mentions, until none does."""
    while True:
        own = {r for c in simple for r in restrictions[c]}
        mentioned = set()
        for s, p, o in index.triples:
            if not isinstance(o, URIRef) or o not in simple:
                continue
            if (s in simple and p == RDFS.subClassOf) or (s in own and p == OWL.someValuesFrom):
                continue
            mentioned.add(o)
        if not mentioned:
            return simple
        simple = simple - mentioned


class _Probes:
    """One probe class per distinct conjunction (core parents, existentials) of simple classes."""

    def __init__(self, simple: set[URIRef], parents: dict, existentials: dict) -> None:
        self.simple, self.parents, self.existentials = simple, parents, existentials
        self.by_key: dict[tuple, URIRef] = {}
        self.of: dict[URIRef, URIRef] = {}
        self.triples: list[tuple] = []
        self._visiting: set[URIRef] = set()
        self._conjunction: dict[URIRef, tuple[frozenset, frozenset]] = {}

    def conjunction(self, cls: URIRef) -> tuple[frozenset, frozenset]:
        """Core parents and existentials of ``cls`` with those of its simple ancestors."""
        if cls not in self._conjunction:
            if cls in self._visiting:
                raise _Cycle(cls)
            self._visiting.add(cls)
            core = {p for p in self.parents[cls] if p not in self.simple}
            some = set(self.existentials[cls])
            for parent in self.parents[cls] & self.simple:
                more_core, more_some = self.conjunction(parent)
                core |= more_core
                some |= more_some
            self._visiting.discard(cls)
            self._conjunction[cls] = (frozenset(core), frozenset(some))
        return self._conjunction[cls]

    def probe(self, cls: URIRef) -> URIRef:
        if cls in self.of:
            return self.of[cls]
        if cls in self._visiting:
            raise _Cycle(cls)
        core, some = self.conjunction(cls)
        self._visiting.add(cls)
        fillers = frozenset((p, self.probe(m) if m in self.simple else m) for p, m in some)
        self._visiting.discard(cls)
        key = (core, fillers)
        if key not in self.by_key:
            probe = URIRef(f"{PROBE}p{len(self.by_key)}")
            self.by_key[key] = probe
            self.triples.append((probe, RDF.type, OWL.Class))
            self.triples += [(probe, RDFS.subClassOf, parent) for parent in sorted(core)]
            for prop, filler in sorted(fillers):
                restriction = BNode()
                self.triples += [(probe, RDFS.subClassOf, restriction), (restriction, RDF.type, OWL.Restriction),
                                 (restriction, OWL.onProperty, prop), (restriction, OWL.someValuesFrom, filler)]
        self.of[cls] = self.by_key[key]
        return self.of[cls]


__all__ = ["PROBE", "Split", "expand", "split"]
