"""The build: load -> reason (HermiT) -> materialize -> validate -> write ``dist/``.

``dist/smr-kg.ttl`` is the built graph every other command reads; ``dist/store/`` holds the same
triples as a pyoxigraph store so the CLI answers without re-parsing. Both are written atomically:
a failed build leaves the previous outputs untouched.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from . import atomic, paths
from .errors import ReasonerError
from .inputs import Extension, attribute, combine, origin
from .load import load_ontology
from .mappings import mapping_graph
from .materialize import materialize
from .progress import step


@dataclass
class BuildReport:
    """What a build produced, for the CLI's summary and for tests."""

    classes: int
    claims: int
    held_out: dict[str, int]
    """Claims that became no edge, by status label (hypothesis, contested, unsupported)."""
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
    inputs: list[str] = field(default_factory=list)
    """The user's files merged with the core ontology (``--input``)."""

    def summary(self) -> str:
        reasoning = (
            f"HermiT: consistent, no unsatisfiable classes ({self.reasoner_seconds:.1f} s)"
            if self.reasoned
            else "HermiT: skipped (--no-reasoner)"
        )
        where = f" -> {self.output}" if self.output else ""
        inputs = f"  inputs: {', '.join(self.inputs)}\n" if self.inputs else ""
        return (
            f"built {self.triples} triples{where}\n{inputs}"
            f"  classes: {self.classes}\n"
            f"  claims: {self.claims} ({self._held_out_text()})\n"
            f"  edges: {self.asserted_edges} asserted, {self.inherited_edges} inherited, "
            f"{self.closure_edges} causal-closure; {self.inferred_subclass_links} inferred subclass links\n"
            f"  evidence sources: {self.evidence_sources}\n"
            f"  {reasoning}\n"
            f"  {self.validation}\n"
            f"  time: {self.seconds:.1f} s"
        )

    def _held_out_text(self) -> str:
        held = sum(self.held_out.values())
        if not held:
            return "all accepted"
        detail = ", ".join(f"{n} {status}" for status, n in sorted(self.held_out.items()))
        return f"{self.claims - held} accepted; {held} held out: {detail}"

    def as_dict(self) -> dict:
        """The report as JSON-ready data (``smr-kg build --format json``)."""
        data = asdict(self)
        data["output"] = str(self.output) if self.output else None
        return data


def build_graph(
    ontology_dir: Path | None = None, reasoner: bool = True, inputs: Sequence[Extension] = (),
) -> tuple[Graph, BuildReport]:
    """The built graph in memory (asserted ontology and the user's ``inputs`` + materialized
    edges) and its report. If an input contradicts the core, the error names it."""
    started = time.perf_counter()
    with step("loading the ontology"):
        core = load_ontology(ontology_dir)
        graph = combine(core, inputs) if inputs else core
    superclasses = None
    inferred_parents: set = set()
    reasoner_seconds = 0.0
    if reasoner:
        from .reason import classify

        try:
            with step("reasoning with HermiT"):
                result = classify(graph)
        except ReasonerError as exc:
            if not inputs or not (exc.unsatisfiable or exc.inconsistent):
                raise
            with step("finding the input that contradicts the ontology"):
                raise attribute(exc, core, list(inputs), classify) from None
        superclasses, inferred_parents, reasoner_seconds = (
            result.superclasses, result.inferred_parents, result.seconds,
        )
    with step("materializing edges"):
        added = materialize(graph, superclasses, inferred_parents)
        graph += added.graph
        graph += mapping_graph(ontology_dir)  # links to clinical vocabularies (ontology/mappings/)
    report = BuildReport(
        classes=len({c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}),
        claims=added.claims,
        held_out={str(graph.value(status, RDFS.label) or status): n for status, n in added.held_out.items()},
        asserted_edges=added.asserted_edges,
        inherited_edges=added.inherited_edges,
        closure_edges=added.closure_edges,
        inferred_subclass_links=added.inferred_subclass_links,
        evidence_sources=len(set(graph.objects(None, DCTERMS.source))),
        triples=len(graph),
        reasoned=reasoner,
        reasoner_seconds=reasoner_seconds,
        seconds=time.perf_counter() - started,
        inputs=[e.name for e in inputs],
    )
    return graph, report


def checked_graph(
    ontology_dir: Path | None = None, reasoner: bool = True, validate: bool = True,
    inputs: Sequence[Extension] = (),
) -> tuple[Graph, BuildReport]:
    """:func:`build_graph`, then the SHACL gate (``validate``): what ``build`` writes, and what
    ``query``/``export --input`` use without writing anything."""
    graph, report = build_graph(ontology_dir, reasoner=reasoner, inputs=inputs)
    if validate:
        from .validate import require_valid

        with step("validating with SHACL"):
            checked = require_valid(graph, origin=lambda node: origin(node, inputs))
        report.validation = f"SHACL: {checked.summary_line()}"
        report.seconds += checked.seconds
    return graph, report


def build(
    ontology_dir: Path | None = None, dist: Path | None = None, reasoner: bool = True, validate: bool = True,
    inputs: Sequence[Extension] = (),
) -> BuildReport:
    """Build and write ``dist/`` atomically; nothing is written if any step fails, including an
    error-level SHACL violation (``validate``; see shapes/ and :mod:`smr_kg.validate`) or an input
    that contradicts the core ontology."""
    from .export import Canonical, to_ntriples, to_turtle
    from .store import OxigraphStore

    dist = Path(dist) if dist else paths.dist_dir()
    graph, report = checked_graph(ontology_dir, reasoner=reasoner, validate=validate, inputs=inputs)
    # The export module's canonical writer: the same ontology gives a byte-identical dist/smr-kg.ttl,
    # so diffs between builds show only what changed.
    canonical = Canonical(graph)
    turtle = to_turtle(canonical).encode("utf-8")
    ntriples = to_ntriples(canonical).encode("utf-8")
    atomic.replace_dir(dist / paths.STORE_DIR, lambda tmp: OxigraphStore.write(ntriples, tmp))
    atomic.write_bytes(dist / paths.BUILT_TTL, turtle)
    report.output = dist / paths.BUILT_TTL
    return report
