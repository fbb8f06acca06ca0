"""Answers to clinical questions, generated from the graph alone, every sentence with its sources.

The seed is an answer page: prose, grouped bullets and numbered references. The graph holds the
same knowledge as sourced assertions, so the answer is generated here from labels, relations and
record fields (never from the seed's wording: ``smr:seedExcerpt`` only appears in JSON, as
provenance). Each bullet is one assertion of the graph and cites the sources of its axiom by
number; support without a traceable reference (ECO:0000303) or by curator inference is flagged.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS
from rdflib.term import Node

from .errors import InputError
from .namespaces import SMR
from .pathways import (
    CAUSAL_PROPERTIES, Assertion, GraphFacts, References, connected, curie, source_json,
)
from .store import Store

FORMATS = ("md", "html", "json")
SMR_CLASS = SMR.SecondaryMitralRegurgitation
TEER = SMR.TranscatheterEdgeToEdgeRepair

THERAPY_KINDS = (SMR.MedicalTherapy, SMR.DeviceTherapy, SMR.TranscatheterIntervention, SMR.SurgicalIntervention)
"""Therapies are grouped by these kinds (the upper model's subclasses of smr:Therapy)."""

PROGNOSIS_PROPERTIES = (SMR.isIndependentPredictorOf, SMR.worsens)
TREATMENT_PROPERTIES = (SMR.treats, SMR.reverses)

COMPARATORS = {">=": "≥", ">": ">", "=": "=", "<": "<", "<=": "≤"}
"""How comparators are printed, in the order criteria are listed (lower bounds first)."""

RECORD_TYPES = (
    SMR.Recommendation, SMR.EligibilityCriterion, SMR.EpidemiologicalStatement,
    SMR.ClassOfRecommendation, SMR.LevelOfEvidence,
)
"""The kinds of records (individuals) answers are made of, read whole in one query."""

RECORDS_QUERY = """
# Every record of the given types (directly or through a subclass), with all its property values.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?type ?record ?key ?value WHERE {
  VALUES ?type { %s }
  ?kind rdfs:subClassOf* ?type .
  ?record rdf:type ?kind ; ?key ?value .
}
""" % " ".join(f"<{t}>" for t in RECORD_TYPES)


@dataclass
class Claim:
    """One bullet: a generated sentence and the assertion or record behind it."""

    statement: str
    subject: URIRef | None
    predicate: URIRef | None
    object: Node | None
    sources: tuple[URIRef, ...]
    evidence_types: tuple[URIRef, ...]
    marks: tuple[str, ...] = ()
    record: Node | None = None
    provenance: dict = field(default_factory=dict)
    numbers: list[int] = field(default_factory=list)


@dataclass
class Group:
    heading: str | None
    claims: list[Claim]


@dataclass
class Section:
    title: str
    groups: list[Group]


@dataclass
class Answer:
    topic: str
    question: str
    summary: list[str]
    sections: list[Section]
    references: References

    def claims(self) -> Iterable[Claim]:
        for section in self.sections:
            for group in section.groups:
                yield from group.claims


@dataclass(frozen=True)
class Topic:
    question: Callable[[GraphFacts], str]
    sections: tuple[Callable[["Context"], Section | None], ...]
    summary: Callable[["Context"], list[str]]


class Context:
    """The graph facts an answer is built from, read once and shared by its sections."""

    def __init__(self, facts: GraphFacts) -> None:
        self.facts = facts
        self.targets = facts.subclasses(SMR_CLASS)
        self.causal = facts.assertions(CAUSAL_PROPERTIES)
        self.upstream = connected(self.causal, self.targets) - self.targets
        self.other = facts.assertions(
            (*TREATMENT_PROPERTIES, *PROGNOSIS_PROPERTIES, SMR.actsOn, SMR.respondsTo,
             SMR.associatedWith, SMR.isMostFrequentCauseOf)
        )
        self._records: dict[URIRef, dict[Node, dict[URIRef, list[Node]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list))
        )
        for rdf_type, record, key, value in facts.store.select(RECORDS_QUERY).rows:
            self._records[rdf_type][record][key].append(value)

    def label(self, node: Node) -> str:
        return self.facts.label(node) if isinstance(node, URIRef) else str(node)

    def is_cause(self, node: URIRef) -> bool:
        return node in self.upstream and self.facts.is_a(node, SMR.Condition)

    def edges(self, prop: URIRef) -> list[Assertion]:
        return [a for a in (*self.causal, *self.other) if a.property == prop]

    def records(self, rdf_type: URIRef) -> dict[Node, dict[URIRef, list[Node]]]:
        """Records of ``rdf_type`` (one of :data:`RECORD_TYPES`): record -> property -> values."""
        return self._records[rdf_type]

    def claim(self, a: Assertion) -> Claim:
        """The bullet for assertion ``a``; inherited edges say where they come from."""
        text = sentence(self.label(a.subject), self.facts.phrase(a.property), self.label(a.object))
        if a.inferred and a.derived_from:
            text = text[:-1] + f" (as a kind of {self.label(a.derived_from)})."
        provenance = {
            "seed_reference": list(a.seed_references),
            "seed_excerpt": list(a.seed_excerpts),
            "curation_note": list(a.curation_notes),
            "inferred": a.inferred,
            "derived_from": curie(a.derived_from) if a.derived_from else None,
        }
        marks = self.facts.marks(a.sources, a.evidence_types)
        return Claim(text, a.subject, a.property, a.object, a.sources, a.evidence_types, marks, provenance=provenance)

    def record_claim(self, record: Node, fields: dict[URIRef, list[Node]], text: str,
                     fallback: dict[URIRef, list[Node]] | None = None) -> Claim:
        """The bullet for a record; a criterion without its own sources takes its recommendation's."""
        sources = _iris(fields.get(DCTERMS.source)) or _iris((fallback or {}).get(DCTERMS.source))
        evidence = _iris(fields.get(SMR.evidenceType)) or _iris((fallback or {}).get(SMR.evidenceType))
        marks = self.facts.marks(sources, evidence)
        subject = _first_iri(fields.get(SMR.recommendedIntervention) or fields.get(SMR.criterionObservable)
                             or fields.get(SMR.forCondition))
        obj = _first_iri(fields.get(SMR.forCondition) or fields.get(SMR.aboutPopulation))
        provenance = {
            "record_label": [str(v) for v in fields.get(RDFS.label, ())],
            "statement_text": [str(v) for v in fields.get(SMR.statementText, ())],
            "seed_reference": [str(v) for v in fields.get(SMR.seedReference, ())],
            "seed_excerpt": [str(v) for v in fields.get(SMR.seedExcerpt, ())],
        }
        return Claim(text, subject, None, obj, sources, evidence, marks, record=record, provenance=provenance)


# ------------------------------------------------------------------------------------------------
# Sections: each reads the context and returns grouped claims, or None when the graph has none.
# ------------------------------------------------------------------------------------------------


def causes_by_mechanism(ctx: Context) -> Section | None:
    """Every condition upstream of SMR, grouped by the mechanism (or condition) it acts through."""
    groups: dict[URIRef, list[Claim]] = defaultdict(list)
    for a in ctx.causal:
        if ctx.is_cause(a.subject) and (a.object in ctx.upstream or a.object in ctx.targets):
            groups[a.object].append(ctx.claim(a))
    ordered = sorted(groups, key=lambda m: (-len(groups[m]), ctx.label(m)))
    return _section("Causes, by the mechanism they act through", [
        Group(f"Through {ctx.label(m)}" if m not in ctx.targets else f"Directly to {ctx.label(m)}",
              _sorted(groups[m]))
        for m in ordered
    ])


def mechanism_chain(ctx: Context) -> Section | None:
    """How each mechanism leads on to SMR, ordered from the first step of the chains to the last.

    Inherited steps are shown only for a mechanism with no asserted step of its own (posteromedial
    papillary muscle displacement continues as papillary muscle displacement does); elsewhere they
    would repeat the parent's step for every subclass.
    """
    steps = [
        a for a in ctx.causal
        if not ctx.is_cause(a.subject) and a.subject in ctx.upstream
        and (a.object in ctx.upstream or a.object in ctx.targets)
    ]
    has_own = {a.subject for a in steps if not a.inferred}
    groups: dict[URIRef, list[Claim]] = defaultdict(list)
    for a in steps:
        if not a.inferred or a.subject not in has_own:
            groups[a.subject].append(ctx.claim(a))
    depth = _depth_to_targets(ctx)
    ordered = sorted(groups, key=lambda m: (-depth.get(m, 0), ctx.label(m)))
    return _section(f"How the mechanisms lead to {ctx.label(SMR_CLASS)}", [
        Group(_capital(ctx.label(m)), _sorted(groups[m])) for m in ordered
    ])


def structures(ctx: Context) -> Section | None:
    """Which anatomical structure each mechanism acts on."""
    claims = [ctx.claim(a) for a in ctx.edges(SMR.actsOn) if a.subject in ctx.upstream and not a.inferred]
    return _section("Structures the mechanisms act on", [Group(None, _sorted(claims))])


def epidemiology(ctx: Context) -> Section | None:
    """The most frequent cause, and prevalence statements with their numbers."""
    claims = [ctx.claim(a) for a in ctx.edges(SMR.isMostFrequentCauseOf) if a.object in ctx.targets and not a.inferred]
    for record, fields in sorted(ctx.records(SMR.EpidemiologicalStatement).items(), key=lambda r: str(r[0])):
        about = _iris(fields.get(SMR.forCondition))
        # about SMR, a kind of it, or MR in general (whose share in a population bounds SMR's)
        relevant = any(c in ctx.targets or ctx.facts.is_a(SMR_CLASS, c) for c in about)
        text = _epidemiology_sentence(ctx, fields)
        if text and relevant:
            claims.append(ctx.record_claim(record, fields, text))
    return _section("How often", [Group(None, claims)])


def associated_conditions(ctx: Context) -> Section | None:
    claims = [
        ctx.claim(a) for a in ctx.edges(SMR.associatedWith)
        if (a.subject in ctx.targets or a.object in ctx.targets) and not a.inferred
    ]
    return _section("Associated conditions", [Group(None, _sorted(claims))])


def therapies_by_kind(ctx: Context) -> Section | None:
    """Therapies grouped by kind: what they treat or reverse, and their guideline grades."""
    claims_by_therapy: dict[URIRef, list[Claim]] = defaultdict(list)
    edges = [
        a for a in ctx.other
        if a.property in TREATMENT_PROPERTIES and (a.object in ctx.targets or a.object in ctx.upstream)
        and not a.inferred
    ]
    for a in sorted(edges, key=lambda a: (ctx.label(a.property), ctx.label(a.object))):
        claims_by_therapy[a.subject].append(ctx.claim(a))
    for record, fields in _recommendations(ctx):  # strongest class first
        therapies = sorted(_iris(fields.get(SMR.recommendedIntervention)), key=lambda t: _kind_order(ctx, t))
        if therapies:
            claims_by_therapy[therapies[0]].append(ctx.record_claim(record, fields, _recommendation_sentence(ctx, fields)))
    groups: dict[URIRef | None, list[Claim]] = defaultdict(list)
    for therapy in sorted(claims_by_therapy, key=ctx.label):
        kind = next((k for k in THERAPY_KINDS if ctx.facts.is_a(therapy, k)), None)
        groups[kind].extend(claims_by_therapy[therapy])
    ordered = [k for k in THERAPY_KINDS if k in groups] + ([None] if None in groups else [])
    return _section("Therapies, by kind", [
        Group(_capital(ctx.label(k)) if k else "Other therapies", groups[k]) for k in ordered
    ])


def response_by_subtype(ctx: Context) -> Section | None:
    """Which subtype of SMR responds to which kind of therapy (proportionate, disproportionate)."""
    claims = [ctx.claim(a) for a in ctx.edges(SMR.respondsTo) if a.subject in ctx.targets and not a.inferred]
    return _section("Which subtype responds to what", [Group(None, _sorted(claims))])


def teer_eligibility(ctx: Context) -> Section | None:
    """The criteria of every recommendation for TEER, with the grade of that recommendation."""
    groups = []
    for record, fields in _recommendations(ctx):
        therapy = _first_iri(fields.get(SMR.recommendedIntervention))
        if therapy is None or not ctx.facts.is_a(therapy, TEER):
            continue
        claims = [ctx.record_claim(record, fields, _recommendation_sentence(ctx, fields))]
        criteria = ctx.records(SMR.EligibilityCriterion)
        for criterion in sorted(fields.get(SMR.hasCriterion, ()), key=lambda c: _criterion_order(ctx, criteria.get(c, {}))):
            text = _criterion_sentence(ctx, criteria.get(criterion, {}))
            claims.append(ctx.record_claim(criterion, criteria.get(criterion, {}), text, fallback=fields))
        groups.append(Group(_grade_heading(ctx, fields), claims))
    return _section(f"Who is eligible for {ctx.label(TEER)}", groups)


def prognosis(ctx: Context) -> Section | None:
    """The outcomes SMR (or a subtype, e.g. mild SMR) predicts or worsens."""
    claims = [
        ctx.claim(a) for a in ctx.other
        if a.property in PROGNOSIS_PROPERTIES and a.subject in ctx.targets and not a.inferred
    ]
    return _section("Prognosis", [Group(None, _sorted(claims))])


# ------------------------------------------------------------------------------------------------
# Summaries: a few generated sentences over the same data (every fact in them is also a bullet).
# ------------------------------------------------------------------------------------------------


def causes_summary(ctx: Context) -> list[str]:
    smr = ctx.label(SMR_CLASS)
    causes = sorted({a.subject for a in ctx.causal if ctx.is_cause(a.subject)}, key=ctx.label)
    if not causes:
        return [f"The graph records no cause of {smr}."]
    first = sorted(
        {a.object for a in ctx.causal if ctx.is_cause(a.subject) and a.object in ctx.upstream and not ctx.is_cause(a.object)},
        key=ctx.label,
    )
    text = [f"The graph records {_count(len(causes), 'condition')} that cause {smr}: {_join(ctx.label(c) for c in causes)}."]
    if first:
        text.append(f"They act through {_join(ctx.label(m) for m in first)}.")
    text += _last_steps(ctx)
    frequent = [a for a in ctx.edges(SMR.isMostFrequentCauseOf) if a.object in ctx.targets and not a.inferred]
    if frequent:
        text.append(f"The most frequent cause is {_join(ctx.label(a.subject) for a in frequent)}.")
    return text


def mechanisms_summary(ctx: Context) -> list[str]:
    mechanisms = [m for m in ctx.upstream if not ctx.is_cause(m)]
    text = [f"The graph records {_count(len(mechanisms), 'mechanism')} on the way to {ctx.label(SMR_CLASS)}."]
    return text + _last_steps(ctx)


def _last_steps(ctx: Context) -> list[str]:
    """The mechanisms with an asserted edge straight to SMR (or a subtype of it)."""
    last = sorted(
        {a.subject for a in ctx.causal if a.object in ctx.targets and not a.inferred and not ctx.is_cause(a.subject)},
        key=ctx.label,
    )
    return [f"The mechanisms that directly bring it about are {_join(ctx.label(m) for m in last)}."] if last else []


def treatment_summary(ctx: Context) -> list[str]:
    recs = _recommendations(ctx)
    strongest = sorted(
        {ctx.label(t) for _, f in recs for t in _iris(f.get(SMR.recommendedIntervention))
         if _rank(ctx, f) == 1}
    )
    text = [f"The graph records {_count(len(recs), 'guideline recommendation')} about therapies for {ctx.label(SMR_CLASS)}."]
    if strongest:
        text.append(f"Class 1 (strongest) recommendations: {_join(strongest)}.")
    return text


def teer_summary(ctx: Context) -> list[str]:
    recs = [f for _, f in _recommendations(ctx) if any(ctx.facts.is_a(t, TEER) for t in _iris(f.get(SMR.recommendedIntervention)))]
    if not recs:
        return [f"The graph records no guideline recommendation for {ctx.label(TEER)}."]
    criteria = ctx.records(SMR.EligibilityCriterion)
    wanted = [criteria.get(c, {}) for f in recs for c in f.get(SMR.hasCriterion, ())]
    measured = sum(1 for c in wanted if c.get(SMR.comparator))
    return [
        f"The graph records {_count(len(recs), 'guideline recommendation')} for {ctx.label(TEER)} "
        f"({'; '.join(_grade(ctx, f) for f in recs)}), with {_count(len(wanted), 'criterion', 'criteria')}: "
        f"{measured} measured thresholds and {len(wanted) - measured} clinical judgements."
    ]


def prognosis_summary(ctx: Context) -> list[str]:
    outcomes = sorted({ctx.label(a.object) for a in ctx.other
                       if a.property in PROGNOSIS_PROPERTIES and a.subject in ctx.targets})
    if not outcomes:
        return [f"The graph records no outcome for {ctx.label(SMR_CLASS)}."]
    return [f"{_capital(ctx.label(SMR_CLASS))} and its subtypes are linked to {_join(outcomes)}."]


TOPICS: dict[str, Topic] = {
    "causes": Topic(
        lambda f: f"What are the causes of {f.label(SMR_CLASS)}?",
        (causes_by_mechanism, mechanism_chain, epidemiology, associated_conditions, therapies_by_kind,
         teer_eligibility, response_by_subtype, prognosis),
        causes_summary,
    ),
    "mechanisms": Topic(
        lambda f: f"Through which mechanisms does {f.label(SMR_CLASS)} arise?",
        (mechanism_chain, structures, causes_by_mechanism),
        mechanisms_summary,
    ),
    "treatment": Topic(
        lambda f: f"How is {f.label(SMR_CLASS)} treated?",
        (therapies_by_kind, response_by_subtype, teer_eligibility),
        treatment_summary,
    ),
    "teer-eligibility": Topic(
        lambda f: f"Who is eligible for {f.label(TEER)}?",
        (teer_eligibility,),
        teer_summary,
    ),
    "prognosis": Topic(
        lambda f: f"What is the prognosis of {f.label(SMR_CLASS)}?",
        (prognosis, epidemiology, associated_conditions),
        prognosis_summary,
    ),
}
"""Each topic answers one question with sections in the order a reader needs them; ``causes``
answers the seed page's question and so covers every claim the seed makes."""


def answer(store: Store, topic: str) -> Answer:
    """The answer to ``topic``, built from the graph behind ``store``."""
    if topic not in TOPICS:
        raise InputError(f"unknown topic {topic!r} (choose from {', '.join(TOPICS)})")
    facts = GraphFacts.read(store)
    ctx = Context(facts)
    spec = TOPICS[topic]
    sections = [s for s in (make(ctx) for make in spec.sections) if s is not None]
    refs = References(facts)
    for section in sections:
        for group in section.groups:
            for claim in group.claims:
                claim.numbers = refs.cite(claim.sources)
    return Answer(topic, spec.question(facts), spec.summary(ctx), sections, refs)


# ------------------------------------------------------------------------------------------------
# Renderers
# ------------------------------------------------------------------------------------------------


def to_markdown(ans: Answer) -> str:
    lines = [f"# {ans.question}", "", " ".join(ans.summary), ""]
    for section in ans.sections:
        lines += [f"## {section.title}", ""]
        for group in section.groups:
            if group.heading:
                lines += [f"**{group.heading}**", ""]
            lines += [f"- {c.statement}{_md_cites(c)}" for c in group.claims]
            lines.append("")
    lines += ["## References", ""]
    for number, source in enumerate(ans.references.cited, 1):
        links = " ".join(f"[{text}]({address})" for text, address in source.links())
        lines.append(f"{number}. {source.citation}" + (f" {links}" if links else ""))
    lines += ["", _generated_note(ans)]
    return "\n".join(lines) + "\n"


def to_html(ans: Answer) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>{e(ans.question)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;line-height:1.5}"
        ".flag{color:#b03030;font-style:italic}sup a{text-decoration:none}</style>",
        "</head>", "<body>", f"<h1>{e(ans.question)}</h1>", f"<p>{e(' '.join(ans.summary))}</p>",
    ]
    for section in ans.sections:
        out.append(f"<h2>{e(section.title)}</h2>")
        for group in section.groups:
            if group.heading:
                out.append(f"<h3>{e(group.heading)}</h3>")
            out.append("<ul>")
            for c in group.claims:
                cites = ", ".join(f'<a href="#ref-{n}">{n}</a>' for n in c.numbers)
                flags = "".join(f' <span class="flag">[{e(m)}]</span>' for m in c.marks)
                out.append(f"<li>{e(c.statement)}" + (f" <sup>[{cites}]</sup>" if cites else "") + f"{flags}</li>")
            out.append("</ul>")
    out.append("<h2>References</h2>")
    out.append("<ol>")
    for number, source in enumerate(ans.references.cited, 1):
        links = " ".join(f'<a href="{e(address)}">{e(text)}</a>' for text, address in source.links())
        citation = e(source.citation)
        if source.url:  # a web page's address inside its citation becomes the link
            citation = citation.replace(e(source.url), f'<a href="{e(source.url)}">{e(source.url)}</a>')
        out.append(f'<li id="ref-{number}">{citation}' + (f" {links}" if links else "") + "</li>")
    out += ["</ol>", f"<p><small>{e(_generated_note(ans))}</small></p>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def to_json(ans: Answer) -> str:
    facts = ans.references.facts

    def node(term: Node | None):
        if term is None:
            return None
        if isinstance(term, URIRef):
            return {"id": curie(term), "iri": str(term), "label": facts.label(term)}
        return {"value": str(term)}

    def claim(c: Claim) -> dict:
        return {
            "statement": c.statement,
            "subject": node(c.subject),
            "predicate": node(c.predicate),
            "object": node(c.object),
            "record": node(c.record) if isinstance(c.record, URIRef) else None,
            "sources": [{"number": n, "id": curie(ans.references.cited[n - 1].iri)} for n in c.numbers],
            "evidence_type": [node(t) for t in c.evidence_types],
            "marks": list(c.marks),
            "provenance": c.provenance,
        }

    data = {
        "topic": ans.topic,
        "question": ans.question,
        "summary": " ".join(ans.summary),
        "sections": [
            {"title": s.title, "groups": [{"heading": g.heading, "claims": [claim(c) for c in g.claims]}
                                          for g in s.groups]}
            for s in ans.sections
        ],
        "references": [dict(number=n, **source_json(src)) for n, src in enumerate(ans.references.cited, 1)],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[Answer], str]] = {"md": to_markdown, "html": to_html, "json": to_json}


def render_answer(store: Store, topic: str, fmt: str = "md") -> str:
    if fmt not in RENDERERS:
        raise InputError(f"unknown answer format {fmt!r} (choose from {', '.join(FORMATS)})")
    return RENDERERS[fmt](answer(store, topic))


# ------------------------------------------------------------------------------------------------
# Sentence helpers
# ------------------------------------------------------------------------------------------------


def sentence(subject: str, phrase: str, obj: str) -> str:
    return f"{_capital(subject)} {phrase} {obj}."


def _recommendations(ctx: Context) -> list[tuple[Node, dict[URIRef, list[Node]]]]:
    """Recommendations for SMR or one of its subtypes, strongest class first."""
    recs = [
        (r, f) for r, f in ctx.records(SMR.Recommendation).items()
        if not f.get(SMR.forCondition) or set(_iris(f.get(SMR.forCondition))) & ctx.targets
    ]
    return sorted(recs, key=lambda rf: (_rank(ctx, rf[1]), ctx.label(_first_iri(rf[1].get(SMR.recommendedIntervention)) or rf[0])))


def _kind_order(ctx: Context, therapy: URIRef) -> int:
    return next((i for i, k in enumerate(THERAPY_KINDS) if ctx.facts.is_a(therapy, k)), len(THERAPY_KINDS))


def _rank(ctx: Context, fields: dict[URIRef, list[Node]]) -> int:
    cor = _first_iri(fields.get(SMR.classOfRecommendation))
    ranks = ctx.records(SMR.ClassOfRecommendation).get(cor, {}).get(SMR.rank, []) if cor else []
    return int(ranks[0]) if ranks else 99


def _grade(ctx: Context, fields: dict[URIRef, list[Node]]) -> str:
    parts = []
    for prop, name in ((SMR.classOfRecommendation, "class of recommendation"), (SMR.levelOfEvidence, "level of evidence")):
        value = _first_iri(fields.get(prop))
        if value is not None:
            notation = ctx.records(SMR.ClassOfRecommendation if prop == SMR.classOfRecommendation else SMR.LevelOfEvidence)
            code = notation.get(value, {}).get(SKOS.notation)
            parts.append(f"{name} {code[0] if code else ctx.label(value)}")
    return ", ".join(parts)


def _grade_heading(ctx: Context, fields: dict[URIRef, list[Node]]) -> str:
    sources = ", ".join(ctx.facts.source(s).label for s in _iris(fields.get(DCTERMS.source)))
    grade = _grade(ctx, fields) or "ungraded"
    return f"{_capital(grade)}" + (f" ({sources})" if sources else "")


def _recommendation_sentence(ctx: Context, fields: dict[URIRef, list[Node]]) -> str:
    """The record's label (which names the guideline and the clinical setting, e.g. "when CABG is
    undertaken") or, without one, "<therapy> for <condition>"; then the grade from its fields."""
    text = _first_text(fields.get(RDFS.label))
    if not text:
        therapies = _join(ctx.label(t) for t in _iris(fields.get(SMR.recommendedIntervention)))
        conditions = _iris(fields.get(SMR.forCondition))
        text = therapies + (f" for {_join(ctx.label(c) for c in conditions)}" if conditions else "")
    grade = _grade(ctx, fields)
    return f"{_capital(text)}: {grade or 'no grade recorded'}."


def _criterion_order(ctx: Context, fields: dict[URIRef, list[Node]]) -> tuple:
    """Quantitative criteria first, by observable, lower bounds before upper bounds."""
    comparator = str(_first(fields.get(SMR.comparator)) or "")
    observable = _first_iri(fields.get(SMR.criterionObservable))
    bound = list(COMPARATORS).index(comparator) if comparator in COMPARATORS else len(COMPARATORS)
    return (0 if comparator else 1, ctx.label(observable) if observable else "", bound,
            _first_text(fields.get(RDFS.label)))


def _criterion_sentence(ctx: Context, fields: dict[URIRef, list[Node]], short: bool = False) -> str:
    """``LVEF ≥ 20 %`` from observable, comparator, value and unit; a qualitative one by its label."""
    observable = _first_iri(fields.get(SMR.criterionObservable))
    comparator, value = _first(fields.get(SMR.comparator)), _first(fields.get(SMR.value))
    if observable is not None and comparator is not None and value is not None:
        unit = _unit(str(_first(fields.get(SMR.ucumUnit)) or ""))
        text = f"{ctx.label(observable)} {COMPARATORS.get(str(comparator), str(comparator))} {_number(value)}{unit}"
    else:
        text = _first_text(fields.get(RDFS.label)) or _first_text(fields.get(SMR.statementText))
        if not text:
            return ""
    assessed = _iris(fields.get(SMR.assessedBy))
    if assessed and not short:
        text += f" (assessed by {_join(ctx.label(a) for a in assessed)})"
    return text if short else _capital(text) + "."


def _epidemiology_sentence(ctx: Context, fields: dict[URIRef, list[Node]]) -> str:
    """A prevalence record in words: its label (which keeps qualifiers such as "up to" that the
    numbers alone lose), else "<condition>: <percent> % of patients with <population> (n = N)"."""
    percent = _first(fields.get(SMR.percent))
    if percent is None:
        return ""
    text = _first_text(fields.get(RDFS.label))
    if not text:
        about = _join(ctx.label(c) for c in _iris(fields.get(SMR.forCondition))) or "the condition"
        text = f"{about}: {_number(percent)} %"
        population = _iris(fields.get(SMR.aboutPopulation))
        if population:
            text += f" of patients with {_join(ctx.label(p) for p in population)}"
        size = _first(fields.get(SMR.sampleSize))
        if size is not None:
            text += f" (n = {size})"
    return _capital(text) + "."


def _unit(ucum: str) -> str:
    """UCUM code -> display: ``%`` stays glued to the number's space, ``mm[Hg]`` becomes mmHg."""
    if not ucum:
        return ""
    return " " + ucum.replace("[", "").replace("]", "")


def _number(value: Node) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), "f")
    return text


def _depth_to_targets(ctx: Context) -> dict[URIRef, int]:
    """Longest number of steps from each upstream node to SMR (for ordering; cycles are cut)."""
    out: dict[URIRef, list[URIRef]] = defaultdict(list)
    for a in ctx.causal:
        out[a.subject].append(a.object)
    depth: dict[URIRef, int] = {}

    def visit(node: URIRef, seen: frozenset) -> int:
        if node in ctx.targets:
            return 0
        if node in depth:
            return depth[node]
        best = max((1 + visit(n, seen | {node}) for n in out[node] if n not in seen and
                    (n in ctx.upstream or n in ctx.targets)), default=0)
        depth[node] = best
        return best

    for node in ctx.upstream:
        visit(node, frozenset())
    return depth


def _section(title: str, groups: list[Group]) -> Section | None:
    groups = [g for g in groups if g.claims]
    return Section(title, groups) if groups else None


def _sorted(claims: list[Claim]) -> list[Claim]:
    return sorted(claims, key=lambda c: c.statement.lower())


def _md_cites(c: Claim) -> str:
    cites = f" [{', '.join(str(n) for n in c.numbers)}]" if c.numbers else ""
    flags = "".join(f" *[{m}]*" for m in c.marks)
    return cites + flags


def _generated_note(ans: Answer) -> str:
    claims = list(ans.claims())
    flagged = sum(1 for c in claims if c.marks)
    return (
        f"Generated by smr-kg from the knowledge graph: {_count(len(claims), 'statement')}, "
        f"{flagged} flagged (no traceable reference, curator inference or a web page as the only source)."
    )


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _join(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"


def _iris(values: Iterable[Node] | None) -> tuple[URIRef, ...]:
    return tuple(sorted({v for v in values or () if isinstance(v, URIRef)}))


def _first_iri(values: Iterable[Node] | None) -> URIRef | None:
    iris = _iris(values)
    return iris[0] if iris else None


def _first(values: Iterable[Node] | None) -> Node | None:
    values = sorted(values or (), key=str)
    return values[0] if values else None


def _first_text(values: Iterable[Node] | None) -> str:
    literals = sorted(str(v) for v in values or () if isinstance(v, Literal))
    return literals[0] if literals else ""
