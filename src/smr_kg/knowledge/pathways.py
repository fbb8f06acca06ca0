"""Causal chains between two terms, read from the built graph with the evidence of every step.

Every accepted causal claim is a direct edge (``C smr:actsThrough M``) with a claim record that
carries its sources and ECO evidence type (:mod:`smr_kg.knowledge.evidence`), so a chain is a walk over
direct edges and each step's support is one lookup away. SPARQL property paths answer *whether* a
chain exists but not *which* steps it takes, so the edges are read and walked here, keeping every
simple path (cycles are cut) and preferring asserted evidence over inherited evidence. The walk
reads only what is downstream of its start (the build materializes the causal closure).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from ..errors import InputError
from .evidence import CAUSAL_PROPERTIES, Assertion, read_downstream
from .facts import GraphFacts, References, curie, source_json
from ..record import Record
from ..rdf.terms import IRI

DEFAULT_MAX_PATHS = 500
"""Stop enumerating after this many chains; the causal model is a small DAG, so this only bites
on a graph with a combinatorial number of alternatives, and the output then says it was cut."""


class PathResult(Record, frozen=False):
    """Every simple causal chain from ``start`` to ``end`` (each a tuple of steps)."""

    start: IRI
    end: IRI
    paths: list[tuple[Assertion, ...]]
    truncated: bool = False


def find_paths(
    assertions: Iterable[Assertion], start: IRI, end: IRI, max_paths: int = DEFAULT_MAX_PATHS,
    ends: Iterable[IRI] = (),
) -> PathResult:
    """Every simple path from ``start`` to ``end`` (or to one of ``ends``, e.g. its subclasses).

    Nodes that cannot reach an end are pruned first, so the walk only explores live branches;
    a node already on the current path is never revisited (cycles are cut, not followed), and a
    path stops at the first end it reaches. Paths come shortest first, then those with fewer
    inherited steps, then by IRI.
    """
    terminals = {end, *ends}
    if start in terminals:
        raise InputError(f"FROM is TO or a kind of it ({curie(start)}): there is no chain to find")
    if max_paths < 1:
        raise InputError(f"the path limit must be at least 1 (got {max_paths})")
    assertions = list(assertions)
    outgoing: dict[IRI, list[Assertion]] = defaultdict(list)
    for a in assertions:
        outgoing[a.subject].append(a)
    live = connected(assertions, terminals)
    result = PathResult(start, end, [])
    if start not in live:
        return result

    trail: list[Assertion] = []
    on_trail = {start}

    def walk(node: IRI) -> None:
        for step in sorted(outgoing[node], key=lambda a: (a.inferred, a.object, a.property)):
            if result.truncated:
                return
            if step.object not in live or step.object in on_trail:
                continue
            trail.append(step)
            if step.object in terminals:
                if len(result.paths) == max_paths:
                    result.truncated = True
                else:
                    result.paths.append(tuple(trail))
            else:
                on_trail.add(step.object)
                walk(step.object)
                on_trail.discard(step.object)
            trail.pop()

    walk(start)
    result.paths.sort(key=lambda p: (len(p), sum(a.inferred for a in p), [(a.property, a.object) for a in p]))
    return result


def causal_paths(facts: GraphFacts, start: IRI, end: IRI, max_paths: int = DEFAULT_MAX_PATHS,
                 held_out: bool = False, leaving: Iterable[Assertion] | None = None) -> PathResult:
    """Every causal chain from ``start`` to ``end`` or to a subclass of it: causing atrial SMR
    is causing SMR, so those chains are answers too (the last step says which kind). Only
    accepted claims are steps unless ``held_out`` (then held-out steps are flagged).
    ``leaving``: the accepted edges about ``start`` if the caller has read them
    (:func:`smr_kg.knowledge.evidence.read_downstream`)."""
    if held_out:  # held-out claims have no edge, hence no closure to narrow the walk with
        steps = facts.assertions(CAUSAL_PROPERTIES, held_out=True)
        ends = facts.subclasses(end)
    else:
        steps = read_downstream(facts.store, CAUSAL_PROPERTIES, start, leaving)
        # the walk meets only these nodes: their ancestors say which are kinds of ``end`` (a
        # concept card has read them already, for its causes), no walk down from ``end`` needed
        nodes = {start, *(a.object for a in steps)}
        facts.need_ancestors(nodes)
        ends = {n for n in nodes if facts.is_a(n, end)}
    return find_paths(steps, start, end, max_paths, ends=ends)


def prefetch(facts: GraphFacts, steps: Iterable[Assertion], *others: IRI) -> None:
    """Read the labels and sources that showing ``steps`` (and ``others``) needs, in a few queries."""
    steps = list(steps)
    facts.need_labels({*others, *(t for a in steps for t in (a.subject, a.property, a.object, a.derived_from,
                                                             a.status, *a.evidence_types))})
    facts.need_sources({s for a in steps for s in a.sources})


def render_tree(result: PathResult, facts: GraphFacts) -> str:
    """The chains as a terminal tree (shared prefixes drawn once), then the numbered sources."""
    start = result.start
    prefetch(facts, (a for path in result.paths for a in path), start, result.end)
    if not result.paths:
        return f"no causal chain from {facts.label(start)} to {facts.label(result.end)} in the graph\n"
    refs = References(facts)
    lines = [f"{facts.label(start)} [{curie(start)}]"]
    trie: dict = {}
    for path in result.paths:
        node = trie
        for step in path:
            node = node.setdefault(step, {})

    def draw(node: Mapping, indent: str) -> None:
        items = list(node.items())
        for i, (step, children) in enumerate(items):
            last = i == len(items) - 1
            lines.append(f"{indent}{'└── ' if last else '├── '}{_step_text(step, facts, refs, result.end)}")
            draw(children, indent + ("    " if last else "│   "))

    draw(trie, "")
    count = len(result.paths)
    lines.append("")
    lines.append(
        f"{count} causal chain{'s' if count != 1 else ''} from {facts.label(start)} to {facts.label(result.end)}"
        + (f" (stopped after {count}; more exist)" if result.truncated else "")
    )
    if refs.cited:
        lines.append("")
        lines.extend(refs.text_lines())
    return "\n".join(lines) + "\n"


def paths_json(result: PathResult, facts: GraphFacts) -> dict:
    """The chains as data: every step with its relation, sources and evidence type."""
    prefetch(facts, (a for path in result.paths for a in path), result.start, result.end)

    def node(iri: IRI) -> dict:
        return {"id": curie(iri), "iri": str(iri), "label": facts.label(iri)}

    def step(a: Assertion) -> dict:
        return {
            "subject": node(a.subject),
            "relation": node(a.property),
            "object": node(a.object),
            "sources": [source_json(facts.source(s)) for s in a.sources],
            "evidence_type": [node(e) for e in a.evidence_types],
            "status": node(a.status) if a.status else None,
            "population": list(a.populations),
            "claims": [curie(c) for c in a.claims if isinstance(c, IRI)],
            "inferred": a.inferred,
            "derived_from": node(a.derived_from) if a.derived_from else None,
            "marks": list(facts.claim_marks(a)),
        }

    return {
        "from": node(result.start),
        "to": node(result.end),
        "truncated": result.truncated,
        "paths": [[step(a) for a in path] for path in result.paths],
    }


def _step_text(step: Assertion, facts: GraphFacts, refs: References, end: IRI) -> str:
    notes = [",".join(str(n) for n in refs.cite(step.sources))] if step.sources else []
    notes.extend(facts.claim_marks(step))
    if step.inferred:
        origin = f" from {facts.label(step.derived_from)}" if step.derived_from else ""
        notes.append(f"inherited{origin}")
    target = facts.label(step.object)
    if step.object != end and facts.is_a(step.object, end):
        target += f" (a kind of {facts.label(end)})"
    return f"{facts.phrase(step.property)} → {target}  [{'; '.join(notes)}]"


def connected(assertions: Iterable[Assertion], nodes: Iterable[IRI], downstream: bool = False) -> set[IRI]:
    """``nodes`` and every node with a path to one of them (or, ``downstream``, from one of them)."""
    step: dict[IRI, set[IRI]] = defaultdict(set)
    for a in assertions:
        if downstream:
            step[a.subject].add(a.object)
        else:
            step[a.object].add(a.subject)
    found = set(nodes)
    frontier = list(found)
    while frontier:
        for nxt in step.get(frontier.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                frontier.append(nxt)
    return found


__all__ = [
    "DEFAULT_MAX_PATHS", "PathResult", "causal_paths", "connected", "find_paths", "paths_json", "prefetch",
    "render_tree",
]
