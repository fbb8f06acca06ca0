"""The build: load -> reason (HermiT) -> materialize -> validate -> write ``dist/``.

``dist/smr-kg.ttl`` is the built graph every other command reads; ``dist/store/`` holds the same
triples as a pyoxigraph store so the CLI answers without re-parsing. Both are published together
as one new build directory (:mod:`smr_kg.dist`): a failed or killed build leaves the previous
build untouched and whole.

Without Java (``reasoner=False``) the class hierarchy HermiT computed is taken from the snapshot
shipped beside the ontology (:mod:`smr_kg.inferred`) when it matches, so answers stay the same;
otherwise the build records that it has no inferences and the commands reading it say so.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from . import paths
from .errors import InputError
from .load import load_ontology
from .mappings import mapping_graph
from .materialize import materialize


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
    inferences: str = "reasoner"
    """Where the class hierarchy came from: ``reasoner`` (HermiT ran), ``snapshot`` (the shipped
    HermiT result, which matched) or ``none`` (asserted hierarchy only: answers may shrink)."""
    snapshot: str = "missing"
    """The shipped snapshot's state for this ontology: ``current``, ``stale`` or ``missing``."""

    def summary(self) -> str:
        from .inferred import SHOWN, UPDATE_COMMAND

        if self.reasoned:
            reasoning = f"HermiT: consistent, no unsatisfiable classes ({self.reasoner_seconds:.1f} s)"
            if self.snapshot == "stale":
                reasoning += f"; the shipped {SHOWN} is out of date: `{UPDATE_COMMAND}`"
        elif self.inferences == "snapshot":
            reasoning = f"HermiT: skipped (--no-reasoner); its class hierarchy from the shipped {SHOWN}"
        else:
            why = f"{SHOWN} does not match this ontology" if self.snapshot == "stale" else f"no {SHOWN}"
            reasoning = (
                f"HermiT: skipped (--no-reasoner); WARNING: no inferred classes ({why}), some "
                "answers will be missing: build with Java to include them"
            )
        where = f" -> {self.output}" if self.output else ""
        return (
            f"built {self.triples} triples{where}\n"
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


def build_graph(
    ontology_dir: Path | None = None, reasoner: bool = True, update_inferences: bool = False,
) -> tuple[Graph, BuildReport]:
    """The built graph in memory (asserted ontology + materialized edges) and its report.

    ``update_inferences`` (needs ``reasoner``) rewrites the shipped snapshot from HermiT's result."""
    from . import inferred

    started = time.perf_counter()
    graph = load_ontology(ontology_dir)
    if reasoner:
        from .reason import classify

        result = classify(graph)
        if update_inferences:
            inferred.write(result, graph, ontology_dir)
        snapshot, source = inferred.status(graph, ontology_dir), "reasoner"
    else:
        if update_inferences:
            raise InputError("--update-inferences needs the reasoner: drop --no-reasoner (HermiT needs Java)")
        result, snapshot = inferred.load(graph, ontology_dir)
        source = "snapshot" if result is not None else "none"
    superclasses = result.superclasses if result else None
    added = materialize(graph, superclasses, result.inferred_parents if result else ())
    graph += added.graph
    added.graph = Graph()  # its triples are in the graph now; a second copy would double the memory
    graph += mapping_graph(ontology_dir)  # SKOS links to clinical vocabularies (ontology/mappings/)
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
        reasoner_seconds=result.seconds if reasoner else 0.0,
        seconds=time.perf_counter() - started,
        inferences=source,
        snapshot=snapshot,
    )
    return graph, report


def build(
    ontology_dir: Path | None = None, dist: Path | None = None, reasoner: bool = True, validate: bool = True,
    update_inferences: bool = False, started: float | None = None,
) -> BuildReport:
    """Build and publish a new ``dist/`` build; nothing changes there if any step fails, including
    an error-level SHACL violation (``validate``; see shapes/ and :mod:`smr_kg.validate`).

    The shapes run in the new store, written once to a temporary directory and moved into the
    build when it passes (a rename on the same file system). ``started`` (a ``time.perf_counter()``
    value) is when the caller began, so the reported time is the whole build, imports and writing
    included.
    """
    started = time.perf_counter() if started is None else started
    from . import __version__
    from .dist import publish, refuse_foreign
    from .export import Canonical, to_turtle
    from .store import OxigraphStore

    dist = Path(dist) if dist else paths.dist_dir()
    refuse_foreign(dist)  # before minutes of work, not after
    graph, report = build_graph(ontology_dir, reasoner=reasoner, update_inferences=update_inferences)
    # The export module's canonical writer: the same ontology gives a byte-identical dist/smr-kg.ttl,
    # so diffs between builds show only what changed.
    canonical = Canonical(graph)
    with tempfile.TemporaryDirectory(prefix="smr-kg-store-") as scratch:
        store_dir = Path(scratch) / paths.STORE_DIR
        OxigraphStore.write_triples(((canonical.term(s), p, canonical.term(o)) for s, p, o in graph), store_dir)
        if validate:
            from .validate import require_valid

            checked = require_valid(graph, store=OxigraphStore.open(store_dir))
            report.validation = f"SHACL: {checked.summary_line()}"
        turtle = to_turtle(canonical).encode("utf-8")
        info = {"smr-kg": __version__, "triples": report.triples, "reasoned": reasoner,
                "inferences": report.inferences}
        publish(dist, turtle, lambda directory: shutil.move(store_dir, directory), info)
    report.output = dist / paths.BUILT_TTL
    report.seconds = time.perf_counter() - started
    return report
