"""The pathway diagram: causes -> mechanisms -> SMR -> therapies, drawn from the built graph.

A clinician reads a causal picture faster than a table, so the same accepted claims that
``answer`` and ``path`` report are drawn as Graphviz DOT (rendered to SVG/PNG by the ``dot``
binary) or Mermaid text. Nodes are coloured by kind; edges are labelled with the relation (and
"may" for a tentative claim) and styled by evidence type, so a claim without a traceable
reference (ECO:0000303) is visibly dashed. Held-out claims are never drawn.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import textwrap
from collections.abc import Collection
from dataclasses import dataclass, field

from ..errors import InputError, SmrKgError
from ..knowledge.evidence import CAUSAL_PROPERTIES, Assertion
from ..knowledge.facts import GraphFacts, curie
from ..knowledge.pathways import connected
from ..rdf.terms import IRI
from ..rdf.vocab import ECO_CURATOR_INFERENCE, ECO_NO_TRACEABLE_SUPPORT, ECO_TRACEABLE, OWL, SMR

FORMATS = ("svg", "png", "dot", "mermaid")
IS_A_COLOUR = "#9a9a9a"
RENDERED = ("svg", "png")
OVERVIEW_FOCUS = SMR.SecondaryMitralRegurgitation

TREATS = SMR.treats


@dataclass(frozen=True)
class Kind:
    """A node kind: the upper class it falls under, its legend name and its fill colour."""

    upper: IRI
    name: str
    fill: str
    mermaid: str


THERAPY_KIND = Kind(SMR.Therapy, "therapy", "#d9f0d3", "therapy")
MECHANISM_KIND = Kind(SMR.PathophysiologicalMechanism, "mechanism", "#dbe9f6", "mechanism")
CAUSE_KIND = Kind(SMR.Condition, "condition (cause)", "#fde4c8", "cause")
KINDS = (THERAPY_KIND, MECHANISM_KIND, CAUSE_KIND)
"""Checked in this order: a node is coloured by the first upper class it falls under."""
FOCUS_KIND = Kind(OVERVIEW_FOCUS, "secondary mitral regurgitation", "#f4a6a6", "focus")
OTHER_KIND = Kind(OWL.Thing, "other", "#eeeeee", "other")


@dataclass(frozen=True)
class EdgeStyle:
    """How an edge with a given evidence type is drawn, and how the legend explains it."""

    evidence_type: IRI
    line: str
    colour: str
    legend: str


EVIDENCE_STYLES = (
    EdgeStyle(ECO_TRACEABLE, "solid", "#333333", "traceable reference (ECO:0000304)"),
    EdgeStyle(ECO_CURATOR_INFERENCE, "dotted", "#555555", "curator inference (ECO:0000305)"),
    EdgeStyle(ECO_NO_TRACEABLE_SUPPORT, "dashed", "#b03030", "no traceable reference (ECO:0000303)"),
)
"""Edge style per evidence type; an edge with several types takes the weakest (last listed)."""


@dataclass
class Diagram:
    """The nodes and edges to draw, with what the renderers need to know about them."""

    facts: GraphFacts
    focus: IRI
    nodes: list[IRI] = field(default_factory=list)
    edges: list[Assertion] = field(default_factory=list)
    is_a: list[tuple[IRI, IRI]] = field(default_factory=list)

    def kind(self, node: IRI) -> Kind:
        if node == OVERVIEW_FOCUS or self.facts.is_a(node, OVERVIEW_FOCUS):
            return FOCUS_KIND
        return next((k for k in KINDS if self.facts.is_a(node, k.upper)), OTHER_KIND)


def build_diagram(facts: GraphFacts, focus: IRI | None = None) -> Diagram:
    """The neighbourhood of ``focus`` (default: SMR, i.e. the overview).

    Kept: ``focus`` and its subclasses, every node causally upstream or downstream of them,
    and the therapies of SMR (or of the focus). Edges are the accepted claims among kept nodes
    (held-out claims are never drawn); "is a" links join a drawn node to the nearest drawn class
    it is a kind of (inferior or posterior myocardial infarction is a myocardial infarction).
    """
    focus = focus or OVERVIEW_FOCUS
    edges = facts.assertions((*CAUSAL_PROPERTIES, TREATS))
    on_edges = {a.subject for a in edges} | {a.object for a in edges}
    seeds = facts.subclasses(focus) & on_edges
    if not seeds:
        raise InputError(f"{facts.label(focus)} ({curie(focus)}) has no causal or treatment edge to draw")
    seeds.add(focus)
    causal = [a for a in edges if a.property != TREATS]
    kept = connected(causal, seeds, downstream=True) | connected(causal, seeds)
    if facts.is_a(focus, SMR.Therapy):  # what the therapy treats, and what causes that
        kept = connected(causal, connected(edges, seeds, downstream=True))
    # Therapies of SMR (or of the focus) only: a therapy of a cause, drawn back to the causes'
    # column, would cross the whole picture; `--focus` on that cause shows it.
    treats = [
        a for a in edges if a.property == TREATS and a.object in kept
        and (a.object == focus or a.object in facts.subclasses(OVERVIEW_FOCUS))
        and (a.subject == focus or not facts.is_a(focus, SMR.Therapy))
    ]
    kept |= {a.subject for a in treats}
    shown = [a for a in causal if a.subject in kept and a.object in kept] + treats
    nodes = {a.subject for a in shown} | {a.object for a in shown} | {focus}
    links = {(child, parent) for child in nodes for parent in nodes
             if child != parent and facts.is_a(child, parent) and _same_kind(facts, child, parent)}
    is_a = sorted(link for link in links if not _indirect(facts, *link, nodes))
    return Diagram(facts, focus, sorted(nodes, key=facts.label), shown, is_a)


def _same_kind(facts: GraphFacts, child: IRI, parent: IRI) -> bool:
    """Only kinds of the same upper class are linked (a cause to a cause, SMR's subtypes to SMR)."""
    return parent == OVERVIEW_FOCUS or any(facts.is_a(child, k.upper) and facts.is_a(parent, k.upper) for k in KINDS)


def to_dot(diagram: Diagram) -> str:
    """Graphviz DOT text; node names are CURIEs, so SVG ``<title>``s name the graph's nodes."""
    facts = diagram.facts
    title = "Secondary mitral regurgitation: causes, mechanisms and therapies"
    if diagram.focus != OVERVIEW_FOCUS:
        title = f"Causal neighbourhood of {facts.label(diagram.focus)}"
    lines = [
        "digraph smr {",
        "  rankdir=LR; newrank=true; nodesep=0.25; ranksep=0.55; pad=0.3;",
        '  graph [fontname="Helvetica", fontsize=12, labelloc=t, labeljust=l];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=13, margin="0.12,0.06", penwidth=1.2];',
        '  edge [fontname="Helvetica", fontsize=10, fontcolor="#444444", arrowsize=0.7];',
        f"  label=<{_html_legend(title)}>;",
    ]
    for node in diagram.nodes:
        kind = diagram.kind(node)
        extra = ", penwidth=2.6" if node == diagram.focus else ""
        lines.append(
            f"  {_dot_string(curie(node))} [label={_dot_string(_wrap(facts.label(node)))}, "
            f'fillcolor="{kind.fill}", tooltip={_dot_string(curie(node))}{extra}];'
        )
    for a in diagram.edges:
        style = _evidence_style(a)
        label = _edge_label(facts, a)
        tooltip = f"{facts.label(a.subject)} {label} {facts.label(a.object)}; " + _sources_note(facts, a)
        attrs = (
            f'label={_dot_string(label)}, style={style.line}, color="{style.colour}", '
            f"tooltip={_dot_string(tooltip)}"
        )
        s, o = _dot_string(curie(a.subject)), _dot_string(curie(a.object))
        if a.property == TREATS:  # drawn right of SMR: reverse the layout edge, keep the arrow at SMR
            ranked = "" if diagram.kind(a.object) is FOCUS_KIND else ", constraint=false"
            lines.append(f"  {o} -> {s} [{attrs}, dir=back{ranked}];")
        else:
            lines.append(f"  {s} -> {o} [{attrs}];")
    for child, parent in diagram.is_a:
        # a general mechanism lies downstream of its kinds; other hierarchies must not shift columns
        ranked = "true" if diagram.kind(child) is MECHANISM_KIND else "false"
        lines.append(
            f"  {_dot_string(curie(child))} -> {_dot_string(curie(parent))} "
            f'[label="is a", color="{IS_A_COLOUR}", fontcolor="{IS_A_COLOUR}", arrowhead=empty, constraint={ranked}];'
        )
    same = [n for n in diagram.nodes if diagram.kind(n) is FOCUS_KIND]
    if len(same) > 1:  # SMR and its subtypes in one column, their therapies to the right
        lines.append("  { rank=same; " + " ".join(_dot_string(curie(n)) for n in same) + " }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(diagram: Diagram) -> str:
    """Mermaid flowchart text (renders on GitHub and in most Markdown viewers)."""
    facts = diagram.facts
    ids = {node: f"n{i}" for i, node in enumerate(diagram.nodes)}
    lines = ["flowchart LR"]
    for node in diagram.nodes:
        lines.append(f'  {ids[node]}["{_mermaid_text(facts.label(node))}"]:::{diagram.kind(node).mermaid}')
    for a in diagram.edges:
        label = _mermaid_text(_edge_label(facts, a))
        solid = _evidence_style(a).line == "solid"
        arrow = f'-- "{label}" -->' if solid else f'-. "{label}" .->'
        s, o = ids[a.subject], ids[a.object]
        lines.append(f"  {s} {arrow} {o}")
    for child, parent in diagram.is_a:
        lines.append(f'  {ids[child]} -- "is a" --- {ids[parent]}')
    for kind in (*KINDS, FOCUS_KIND, OTHER_KIND):
        lines.append(f"  classDef {kind.mermaid} fill:{kind.fill},stroke:#555555")
    lines.append(f"  style {ids[diagram.focus]} stroke-width:3px")
    return "\n".join(lines) + "\n"


def render(dot_text: str, fmt: str) -> bytes:
    """SVG or PNG bytes from DOT text via the Graphviz ``dot`` binary."""
    if fmt not in RENDERED:
        raise InputError(f"cannot render {fmt!r} with Graphviz (choose from {', '.join(RENDERED)})")
    dot = shutil.which("dot")
    if dot is None:
        raise SmrKgError(
            "the Graphviz `dot` program is not installed (e.g. `apt-get install graphviz`); "
            "`--format dot` or `--format mermaid` need nothing"
        )
    args = [dot, f"-T{fmt}"] + (["-Gdpi=110"] if fmt == "png" else [])
    try:
        done = subprocess.run(args, input=dot_text.encode("utf-8"), capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        raise SmrKgError("Graphviz `dot` did not finish within 300 s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SmrKgError(f"Graphviz `dot` failed: {message[0] if message else f'exit code {done.returncode}'}")
    return done.stdout


def diagram_bytes(facts: GraphFacts, fmt: str, focus: IRI | None = None) -> bytes:
    """The diagram in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown diagram format {fmt!r} (choose from {', '.join(FORMATS)})")
    diagram = build_diagram(facts, focus)
    if fmt == "mermaid":
        return to_mermaid(diagram).encode("utf-8")
    dot_text = to_dot(diagram)
    return dot_text.encode("utf-8") if fmt == "dot" else render(dot_text, fmt)


def _edge_label(facts: GraphFacts, a: Assertion) -> str:
    """The relation's phrase; a tentative claim says so ("may")."""
    return facts.phrase(a.property) + (" (may)" if a.status == SMR.Tentative else "")


def _evidence_style(a: Assertion) -> EdgeStyle:
    """The style of the weakest evidence type of ``a``; no source or type counts as untraceable."""
    if not a.sources:
        return EVIDENCE_STYLES[-1]
    found = [style for style in EVIDENCE_STYLES if style.evidence_type in a.evidence_types]
    return found[-1] if found else EVIDENCE_STYLES[-1]


def _sources_note(facts: GraphFacts, a: Assertion) -> str:
    if not a.sources:
        return "no source recorded"
    evidence = ", ".join(facts.label(e) for e in a.evidence_types) or "evidence type not recorded"
    return "sources: " + ", ".join(facts.source(s).label for s in a.sources) + f" ({evidence})"


def _indirect(facts: GraphFacts, child: IRI, parent: IRI, nodes: Collection[IRI]) -> bool:
    """True when another drawn node lies between ``child`` and ``parent`` (draw direct links only)."""
    return any(
        m not in (child, parent) and facts.is_a(child, m) and facts.is_a(m, parent) for m in nodes
    )


def _wrap(text: str, width: int = 22) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _dot_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _html_legend(title: str) -> str:
    """The graph label: a title over a one-line legend of node colours and edge styles, so the
    legend adds no nodes (every SVG node stays a graph node)."""
    kinds = "".join(
        f'<TD BGCOLOR="{kind.fill}" BORDER="1" COLOR="#777777">{html.escape(kind.name)}</TD>'
        for kind in (CAUSE_KIND, MECHANISM_KIND, FOCUS_KIND, THERAPY_KIND)
    )
    glyphs = {"solid": "────", "dotted": "·······", "dashed": "– – –"}
    styles = "".join(
        f'<TD><FONT COLOR="{style.colour}"><B>{glyphs[style.line]}</B></FONT> {html.escape(style.legend)}</TD>'
        for style in EVIDENCE_STYLES
    )
    styles += f'<TD><FONT COLOR="{IS_A_COLOUR}"><B>────▷</B></FONT> is a (subclass)</TD>'
    return (
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="3">'
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="18"><B>{html.escape(title)}</B></FONT></TD></TR>'
        f'<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="6"><TR>{kinds}{styles}</TR></TABLE></TD></TR>'
        "</TABLE>"
    )


def _mermaid_text(text: str) -> str:
    return html.escape(text, quote=True).replace("&quot;", "#quot;")
