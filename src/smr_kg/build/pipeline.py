"""The build: load -> reason (HermiT) -> materialize -> validate -> write ``dist/``.

``dist/smr-kg.ttl`` is the built graph every other command reads; ``dist/store/`` holds the same
triples as a pyoxigraph store so the CLI answers without re-parsing. Both are published together
as one new build directory (:mod:`smr_kg.store.dist`): a failed or killed build leaves the previous
build untouched and whole.

Without Java (``reasoner=False``) the class hierarchy HermiT computed is taken from the snapshot
shipped beside the ontology (:mod:`smr_kg.stages.inferred`) when it matches, so answers stay the same;
otherwise the build records that it has no inferences and the commands reading it say so.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from .. import paths
from ..errors import InputError, ReasonerError
from ..stages.inferred import Digests
from ..stages.inputs import Extension, attribute, combine, extend_hierarchy, origin
from ..stages.load import read_ontology
from ..stages.mappings import mapping_graph
from ..stages.materialize import materialize
from ..stages.reason import ReasonerResult
from ..progress import step
from ..rdf.triples import TripleSet


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
    inputs: list[str] = field(default_factory=list)
    """The user's files merged with the core ontology (``--input``)."""

    def summary(self) -> str:
        from ..stages.inferred import SHOWN, UPDATE_COMMAND

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
    ontology_dir: Path | None = None, reasoner: bool = True, update_inferences: bool = False,
    inputs: Sequence[Extension] = (),
) -> tuple[Graph, BuildReport]:
    """The built graph in memory, as an rdflib graph (asserted ontology and the user's ``inputs`` +
    materialized edges), and its report: :func:`build_triples` for callers that need rdflib."""
    triples, report = build_triples(ontology_dir, reasoner, update_inferences, inputs)
    return triples.to_graph(), report


def build_triples(
    ontology_dir: Path | None = None, reasoner: bool = True, update_inferences: bool = False,
    inputs: Sequence[Extension] = (), digests: Digests | None = None,
) -> tuple[TripleSet, BuildReport]:
    """The built graph's triples and its report. If an input contradicts the core, the error names it.

    ``update_inferences`` (needs ``reasoner``) rewrites the shipped snapshot from HermiT's result.
    The snapshot is the core's: without the reasoner, its inferences still hold with ``inputs``
    (OWL is monotonic), and the inputs' own classes get their asserted hierarchy on top of it.
    ``digests`` may know the core's logical digest (:class:`smr_kg.stages.inferred.Digests`)."""
    from ..stages import inferred

    started = time.perf_counter()
    if update_inferences and inputs:
        raise InputError("--update-inferences rewrites the shipped snapshot of the core ontology: not with --input")
    with step("loading the ontology"):
        core = read_ontology(ontology_dir)
        graph = combine(core, inputs) if inputs else core
    result: ReasonerResult | None
    if reasoner:
        from ..stages.reason import classify

        try:
            with step("reasoning with HermiT"):
                result = classify(graph)
        except ReasonerError as exc:
            if not inputs or not (exc.unsatisfiable or exc.inconsistent):
                raise
            with step("finding the input that contradicts the ontology"):
                raise attribute(exc, core, list(inputs), classify) from None
        if update_inferences:
            inferred.write(result, graph, ontology_dir, digests)
        snapshot, source = inferred.status(core, ontology_dir, digests), "reasoner"
    else:
        if update_inferences:
            raise InputError("--update-inferences needs the reasoner: drop --no-reasoner (HermiT needs Java)")
        result, snapshot = inferred.load(core, ontology_dir, digests)
        source = "snapshot" if result is not None else "none"
    superclasses = result.superclasses if result else None
    if result is not None and inputs and not reasoner:
        superclasses = extend_hierarchy(result.superclasses, graph)
    with step("materializing edges"):
        added = materialize(graph, superclasses, result.inferred_parents if result else ())
        graph += added.graph
        added.graph = TripleSet()  # its triples are in the graph now
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
        reasoner_seconds=result.seconds if reasoner and result is not None else 0.0,
        seconds=time.perf_counter() - started,
        inferences=source,
        snapshot=snapshot,
        inputs=[e.name for e in inputs],
    )
    return graph, report


def checked_graph(
    ontology_dir: Path | None = None, reasoner: bool = True, validate: bool = True,
    inputs: Sequence[Extension] = (), update_inferences: bool = False,
) -> tuple[Graph, BuildReport]:
    """:func:`build_graph`, then the SHACL gate (``validate``): what ``query``/``export --input``
    use without writing anything."""
    graph, report = build_graph(ontology_dir, reasoner=reasoner, update_inferences=update_inferences, inputs=inputs)
    if validate:
        report.seconds += _gate(graph, report, inputs)
    return graph, report


def _gate(graph: Graph | None, report: BuildReport, inputs: Sequence[Extension], store=None,
          data: Callable[[], Graph] | None = None) -> float:
    """The SHACL gate (in ``store`` when given; ``data()`` gives the graph if a shape needs pyshacl):
    raise naming the shapes, nodes and the input files they come from, or record the summary in
    ``report``; returns its seconds."""
    from ..validate.gate import require_valid

    with step("validating with SHACL"):
        checked = require_valid(graph, store=store, origin=lambda node: origin(node, inputs), graph=data)
    report.validation = f"SHACL: {checked.summary_line()}"
    return checked.seconds


def build(
    ontology_dir: Path | None = None, dist: Path | None = None, reasoner: bool = True, validate: bool = True,
    update_inferences: bool = False, started: float | None = None, inputs: Sequence[Extension] = (),
) -> BuildReport:
    """Build and publish a new ``dist/`` build; nothing changes there if any step fails, including
    an error-level SHACL violation (``validate``; see shapes/ and :mod:`smr_kg.validate.gate`) or an
    input that contradicts the core ontology.

    The triples are written out once, as canonical Turtle and as N-Triples, and then freed: the
    shapes run in an in-memory store loaded from the N-Triples (:mod:`smr_kg.store.write`), and
    the on-disk store is loaded from the same text into the new build directory when it passes.
    ``started`` (a ``time.perf_counter()`` value) is when the caller began, so the reported time
    is the whole build, imports and writing included.
    """
    started = time.perf_counter() if started is None else started
    from .. import __version__
    from ..store.dist import last_manifest, publish, refuse_foreign
    from ..rdf.canonical import Canonical, ntriples_lines
    from ..rdf.serialize import to_turtle
    from ..store.write import memory_store, ntriples_pieces, write_store

    dist = Path(dist) if dist else paths.dist_dir()
    refuse_foreign(dist)  # before minutes of work, not after
    digests = Digests(last_manifest(dist).get(_DIGESTS))
    triples, report = build_triples(ontology_dir, reasoner, update_inferences, inputs, digests)
    # The export module's canonical writer: the same ontology gives a byte-identical dist/smr-kg.ttl,
    # so diffs between builds show only what changed.
    with step("writing the built graph"):
        canonical = Canonical(triples)
        turtle = to_turtle(canonical).encode("utf-8")
        ntriples = ntriples_pieces(ntriples_lines(canonical))
        del canonical, triples  # from here on the graph is its two texts
    if validate:
        _gate(None, report, inputs, memory_store(ntriples), lambda: _parse_turtle(turtle))
    info = {"smr-kg": __version__, "triples": report.triples, "reasoned": reasoner,
            "inferences": report.inferences, _DIGESTS: digests.used}
    with step("writing the store"):
        publish(dist, turtle, lambda directory: write_store(ntriples, directory), info)
    report.output = dist / paths.BUILT_TTL
    report.seconds = time.perf_counter() - started
    return report


_DIGESTS = "logical-axioms-sha256"
"""The manifest entry remembering the ontology's logical digest by its files' digest."""


def _parse_turtle(turtle: bytes) -> Graph:
    from ..rdf.prefixes import bind_prefixes

    return bind_prefixes(Graph()).parse(data=turtle, format="turtle")
