"""Check the ontology with HermiT (through owlready2) and return the inferred class hierarchy.

HermiT proves the ontology consistent and finds unsatisfiable classes (a cause said to act
through a therapy, say, becomes equivalent to owl:Nothing because the upper classes are
disjoint). Only the logical axioms go to the reasoner: axiom annotations (evidence) and other
annotations are dropped first, which keeps the input small and owlready2's RDF reader happy.
owlready2 cannot read Turtle, so the graph is handed over as N-Triples.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ..errors import ReasonerError
from ..rdf.triples import TripleSet

LOGICAL_PREDICATES = frozenset(
    {
        RDF.type, RDF.first, RDF.rest,
        RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
        OWL.equivalentClass, OWL.disjointWith, OWL.members, OWL.onProperty,
        OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.unionOf, OWL.intersectionOf,
        OWL.complementOf, OWL.oneOf, OWL.inverseOf, OWL.equivalentProperty,
        OWL.propertyDisjointWith, OWL.disjointUnionOf, OWL.propertyChainAxiom,
        OWL.sameAs, OWL.differentFrom, OWL.distinctMembers,
    }
)


@dataclass
class ReasonerResult:
    """What HermiT concluded about the named classes."""

    superclasses: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    """Every named class -> all its named superclasses (asserted and inferred, not itself)."""
    inferred_parents: set[tuple[URIRef, URIRef]] = field(default_factory=set)
    """Direct subclass links found by the reasoner that were not asserted."""
    parents: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    """Every named class -> its direct named superclasses after reasoning (the classified
    taxonomy; :mod:`smr_kg.stages.inferred` ships it so builds without Java get the same hierarchy)."""
    seconds: float = 0.0


def java_available() -> bool:
    """HermiT is a Java program: is a ``java`` executable on PATH?"""
    return shutil.which("java") is not None


def logical_graph(graph: Graph | TripleSet) -> Graph:
    """The logical axioms of ``graph``: no owl:Axiom annotations, no annotation assertions."""
    logical = Graph()
    for triple in logical_triples(graph):
        logical.add(triple)
    return logical


def logical_triples(graph: Graph | TripleSet) -> list[tuple]:
    """The triples of :func:`logical_graph`, as a list (cheaper to walk than an rdflib graph)."""
    axiom_nodes = set(graph.subjects(RDF.type, OWL.Axiom))
    axiom_type = (RDF.type, OWL.Axiom)
    logical = {
        (s, p, o) for s, p, o in graph
        if p in LOGICAL_PREDICATES and s not in axiom_nodes and (p, o) != axiom_type
    }
    # Declarations of annotation properties keep owlready2 from guessing their kind.
    logical.update((prop, RDF.type, OWL.AnnotationProperty) for prop in graph.subjects(RDF.type, OWL.AnnotationProperty))
    return list(logical)


def classify(graph: Graph | TripleSet, modular: bool = True) -> ReasonerResult:
    """Run HermiT on ``graph``; raise :class:`ReasonerError` if it is inconsistent or incoherent.

    ``modular``: HermiT sees only the core of the ontology plus one probe per kind of simple
    class (:mod:`smr_kg.stages.reason_split`), with the same conclusions; False gives it everything.
    """
    if not java_available():
        raise ReasonerError(
            "Java was not found on PATH: HermiT (the OWL reasoner) needs Java 11 or newer. "
            "Install a JRE (e.g. `apt-get install default-jre-headless`), or build without "
            "reasoning: `smr-kg build --no-reasoner`."
        )
    import owlready2

    from .reason_split import PROBE, Split, expand, split

    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="smr-kg-reason-"))
    try:
        nt = workdir / "ontology.nt"
        logical = logical_triples(graph)
        parts = split(logical) if modular else Split(logical_graph(graph))
        parts.core.serialize(nt, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(nt.as_uri()).load(format="ntriples")
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            raise ReasonerError(
                "the ontology is inconsistent: HermiT found no model for it. Typical causes: an "
                "individual typed with two disjoint classes (e.g. a source that is also a therapy), "
                "or a record whose property values contradict their ranges. Run `smr-kg build "
                "--no-reasoner` and `smr-kg validate` to narrow it down.",
                inconsistent=True,
            ) from None
        except owlready2.OwlReadyJavaError as exc:
            raise ReasonerError(f"HermiT failed to run: {str(exc).strip()[:500]}") from None
        failed = {str(c.iri) for c in world.inconsistent_classes() if c is not owlready2.Nothing}
        unsatisfiable = sorted(
            {c for c in failed if not c.startswith(PROBE)}
            | {str(c) for c, probe in parts.probe_of.items() if str(probe) in failed}
        )
        if unsatisfiable:
            labels = ", ".join(_named(graph, iri) for iri in unsatisfiable)
            raise ReasonerError(
                f"unsatisfiable class(es): {labels}. A class is unsatisfiable when its axioms "
                "contradict the disjoint upper classes, e.g. a cause that `acts through` a therapy "
                "instead of a mechanism.",
                unsatisfiable=tuple(unsatisfiable),
            )
        result = _hierarchy(graph, world, time.perf_counter() - started)
        result.superclasses, result.parents, simple_inferred = expand(parts, result.superclasses, result.parents)
        result.inferred_parents = {
            (c, p) for c, p in result.inferred_parents if not str(c).startswith(PROBE) and not str(p).startswith(PROBE)
        } | simple_inferred
        result.seconds = time.perf_counter() - started
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _hierarchy(graph: Graph | TripleSet, world, seconds: float) -> ReasonerResult:
    import owlready2

    result = ReasonerResult(seconds=seconds)
    asserted = set(graph.subject_objects(RDFS.subClassOf))
    for cls in world.classes():
        iri = URIRef(cls.iri)
        result.superclasses[iri] = {
            URIRef(a.iri)
            for a in cls.ancestors(include_self=False)
            if a is not owlready2.Thing and isinstance(a, owlready2.ThingClass)
        }
        result.parents[iri] = set()
        for parent in cls.is_a:
            if isinstance(parent, owlready2.ThingClass) and parent is not owlready2.Thing:
                result.parents[iri].add(URIRef(parent.iri))
                pair = (iri, URIRef(parent.iri))
                if pair not in asserted:
                    result.inferred_parents.add(pair)
    return result


def _named(graph: Graph | TripleSet, iri: str) -> str:
    label = graph.value(URIRef(iri), RDFS.label)
    return f"{label} <{iri}>" if label else f"<{iri}>"


__all__ = ["ReasonerResult", "classify", "java_available", "logical_graph"]
