"""The build: load -> reason (HermiT) -> materialize -> validate -> write ``dist/``.

``dist/smr-kg.ttl`` is the built graph every other command reads; ``dist/store/`` holds the same
triples as a pyoxigraph store so the CLI answers without re-parsing. Both are written atomically:
a failed build leaves the previous outputs untouched.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from . import atomic, paths
from .load import load_ontology
from .mappings import mapping_graph
from .materialize import materialize


@dataclass
class BuildReport:
    """What a build produced, for the CLI's summary and for tests."""

    classes: int
    asserted_edges: int
    inherited_edges: int
    closure_edges: int
    inferred_subclass_links: int
    evidence_sources: int
    triples: int
    reasoned: bool
    reasoner_seconds: float
    seconds: float
    output: Path | None = None
    validation: str = "SHACL: skipped (--no-validate)"

    def summary(self) -> str:
        reasoning = (
            f"HermiT: consistent, no unsatisfiable classes ({self.reasoner_seconds:.1f} s)"
            if self.reasoned
            else "HermiT: skipped (--no-reasoner)"
        )
        where = f" -> {self.output}" if self.output else ""
        return (
            f"built {self.triples} triples{where}\n"
            f"  classes: {self.classes}\n"
            f"  edges: {self.asserted_edges} asserted, {self.inherited_edges} inherited, "
            f"{self.closure_edges} causal-closure; {self.inferred_subclass_links} inferred subclass links\n"
            f"  evidence sources: {self.evidence_sources}\n"
            f"  {reasoning}\n"
            f"  {self.validation}\n"
            f"  time: {self.seconds:.1f} s"
        )


def build_graph(ontology_dir: Path | None = None, reasoner: bool = True) -> tuple[Graph, BuildReport]:
    """The built graph in memory (asserted ontology + materialized edges) and its report."""
    started = time.perf_counter()
    graph = load_ontology(ontology_dir)
    superclasses = None
    inferred_parents: set = set()
    reasoner_seconds = 0.0
    if reasoner:
        from .reason import classify

        result = classify(graph)
        superclasses, inferred_parents, reasoner_seconds = (
            result.superclasses, result.inferred_parents, result.seconds,
        )
    added = materialize(graph, superclasses, inferred_parents)
    graph += added.graph
    added.graph = Graph()  # its triples are in the graph now; a second copy would double the memory
    graph += mapping_graph(ontology_dir)  # SKOS links to clinical vocabularies (ontology/mappings/)
    report = BuildReport(
        classes=len({c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}),
        asserted_edges=added.asserted_edges,
        inherited_edges=added.inherited_edges,
        closure_edges=added.closure_edges,
        inferred_subclass_links=added.inferred_subclass_links,
        evidence_sources=len(set(graph.objects(None, DCTERMS.source))),
        triples=len(graph),
        reasoned=reasoner,
        reasoner_seconds=reasoner_seconds,
        seconds=time.perf_counter() - started,
    )
    return graph, report


def build(
    ontology_dir: Path | None = None, dist: Path | None = None, reasoner: bool = True, validate: bool = True,
    started: float | None = None,
) -> BuildReport:
    """Build and write ``dist/`` atomically; nothing is written if any step fails, including an
    error-level SHACL violation (``validate``; see shapes/ and :mod:`smr_kg.validate`).

    The shapes run in the new store before it replaces the old one, so the triples are loaded
    once for both. ``started`` (a ``time.perf_counter()`` value) is when the caller began, so the
    reported time covers imports and writing too, i.e. the whole build.
    """
    started = time.perf_counter() if started is None else started
    from .export import Canonical, to_turtle
    from .store import OxigraphStore

    dist = Path(dist) if dist else paths.dist_dir()
    graph, report = build_graph(ontology_dir, reasoner=reasoner)
    # The export module's canonical writer: the same ontology gives a byte-identical dist/smr-kg.ttl,
    # so diffs between builds show only what changed.
    canonical = Canonical(graph)
    turtle = to_turtle(canonical).encode("utf-8")

    def fill(directory: Path) -> None:
        OxigraphStore.write_triples(((canonical.term(s), p, canonical.term(o)) for s, p, o in graph), directory)
        if validate:
            from .validate import require_valid

            checked = require_valid(graph, store=OxigraphStore.open(directory))
            report.validation = f"SHACL: {checked.summary_line()}"

    created = not dist.exists()
    try:
        atomic.replace_dir(dist / paths.STORE_DIR, fill)
    except BaseException:
        if created:  # a failed first build leaves no empty dist/ behind either
            with contextlib.suppress(OSError):
                dist.rmdir()
        raise
    atomic.write_bytes(dist / paths.BUILT_TTL, turtle)
    report.output = dist / paths.BUILT_TTL
    report.seconds = time.perf_counter() - started
    return report
