"""The sections and summaries of each answer topic, built from the graph's claims and records.

Each section reads the :class:`~smr_kg.answer.model.Context` and returns grouped bullets, or None
when the graph has nothing for it. Only accepted claims (established, tentative) are causes,
mechanisms, therapies or outcomes; held-out claims (hypothesis, contested, unsupported) appear
only in their own labelled section, so no list of causes, summary or count includes them. Only
current guideline recommendations are shown unless superseded ones are asked for, labelled.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from ..knowledge.evidence import CAUSAL_PROPERTIES
from ..rdf.terms import IRI, Term
from ..rdf.vocab import DCTERMS, RDFS, SKOS, SMR
from .model import (
    PROGNOSIS_PROPERTIES, SMR_CLASS, TEER, THERAPY_KINDS, TREATMENT_PROPERTIES, Claim,
    Context, Fields, Group, Section, capital, count, first, first_iri, first_text, iris, join, number,
)

HELD_OUT_STATUSES = (SMR.Contested, SMR.Hypothesis, SMR.Unsupported)  # kept out of the lists; shown in this order

COMPARATORS = {">=": "≥", ">": ">", "=": "=", "<": "<", "<=": "≤"}
"""How comparators are printed, in the order criteria are listed (lower bounds first)."""


# ------------------------------------------------------------------------------------------------
# Sections: each reads the context and returns grouped claims, or None when the graph has none.


def causes_by_mechanism(ctx: Context) -> Section | None:
    """Every condition upstream of SMR, grouped by the mechanism (or condition) it acts through."""
    groups: dict[IRI, list[Claim]] = defaultdict(list)
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
    groups: dict[IRI, list[Claim]] = defaultdict(list)
    for a in steps:
        if not a.inferred or a.subject not in has_own:
            groups[a.subject].append(ctx.claim(a))
    depth = _depth_to_targets(ctx)
    ordered = sorted(groups, key=lambda m: (-depth.get(m, 0), ctx.label(m)))
    return _section(f"How the mechanisms lead to {ctx.label(SMR_CLASS)}", [
        Group(capital(ctx.label(m)), _sorted(groups[m])) for m in ordered
    ])


def structures(ctx: Context) -> Section | None:
    """Which anatomical structure each mechanism acts on."""
    claims = [ctx.claim(a) for a in ctx.edges(SMR.actsOn) if a.subject in ctx.upstream and not a.inferred]
    return _section("Structures the mechanisms act on", [Group(None, _sorted(claims))])


def epidemiology(ctx: Context) -> Section | None:
    """The most frequent cause, and prevalence statements with their numbers (not held-out ones)."""
    claims = [ctx.claim(a) for a in ctx.edges(SMR.isMostFrequentCauseOf) if a.object in ctx.targets and not a.inferred]
    claims += [claim for claim in _epidemiological_statements(ctx) if claim.status is None]
    return _section("How often", [Group(None, claims)])


def _epidemiological_statements(ctx: Context) -> list[Claim]:
    """Statements about SMR, a kind of it, or MR in general (whose share bounds SMR's); one held
    out (smr:status, e.g. a figure whose source was never found) is shown only as held out."""
    claims = []
    for record, fields in sorted(ctx.records(SMR.EpidemiologicalStatement).items(), key=lambda r: str(r[0])):
        about = iris(fields.get(SMR.forCondition))
        relevant = any(c in ctx.targets or ctx.facts.is_a(SMR_CLASS, c) for c in about)
        text = _epidemiology_sentence(ctx, fields)
        if text and relevant:
            held = [s for s in iris(fields.get(SMR.status)) if s in HELD_OUT_STATUSES]
            claims.append(replace(ctx.record_claim(record, fields, text), status=held[0] if held else None))
    return claims


def associated_conditions(ctx: Context) -> Section | None:
    claims = [
        ctx.claim(a) for a in ctx.edges(SMR.associatedWith)
        if (a.subject in ctx.targets or a.object in ctx.targets) and not a.inferred
    ]
    return _section("Associated conditions", [Group(None, _sorted(claims))])


def therapies_by_kind(ctx: Context) -> Section | None:
    """Therapies grouped by kind: what they treat or reverse, and their guideline grades."""
    claims_by_therapy: dict[IRI, list[Claim]] = defaultdict(list)
    edges = [
        a for a in ctx.other
        if a.property in TREATMENT_PROPERTIES and (a.object in ctx.targets or a.object in ctx.upstream)
        and not a.inferred
    ]
    for a in sorted(edges, key=lambda a: (ctx.label(a.property), ctx.label(a.object))):
        claims_by_therapy[a.subject].append(ctx.claim(a))
    for record, fields in _recommendations(ctx):  # strongest class first
        therapies = sorted(iris(fields.get(SMR.recommendedIntervention)), key=lambda t: _kind_order(ctx, t))
        if therapies:
            claims_by_therapy[therapies[0]].append(ctx.record_claim(record, fields, _recommendation_sentence(ctx, fields)))
    groups: dict[IRI | None, list[Claim]] = defaultdict(list)
    for therapy in sorted(claims_by_therapy, key=ctx.label):
        kind = next((k for k in THERAPY_KINDS if ctx.facts.is_a(therapy, k)), None)
        groups[kind].extend(claims_by_therapy[therapy])
    ordered = [k for k in THERAPY_KINDS if k in groups] + ([None] if None in groups else [])
    return _section("Therapies, by kind", [
        Group(capital(ctx.label(k)) if k else "Other therapies", groups[k]) for k in ordered
    ])


def response_by_subtype(ctx: Context) -> Section | None:
    """Which subtype of SMR responds to which kind of therapy (proportionate, disproportionate)."""
    claims = [ctx.claim(a) for a in ctx.edges(SMR.respondsTo) if a.subject in ctx.targets and not a.inferred]
    return _section("Which subtype responds to what", [Group(None, _sorted(claims))])


def teer_eligibility(ctx: Context) -> Section | None:
    """The criteria of every recommendation for TEER, with the grade of that recommendation."""
    groups = []
    for record, fields in _recommendations(ctx):
        therapy = first_iri(fields.get(SMR.recommendedIntervention))
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


def causes_summary(ctx: Context) -> list[str]:
    smr = ctx.label(SMR_CLASS)
    causes = sorted({a.subject for a in ctx.causal if ctx.is_cause(a.subject)}, key=ctx.label)
    if not causes:
        return [f"The graph records no cause of {smr}."]
    first = sorted(
        {a.object for a in ctx.causal if ctx.is_cause(a.subject) and a.object in ctx.upstream and not ctx.is_cause(a.object)},
        key=ctx.label,
    )
    text = [f"The graph records {count(len(causes), 'condition')} that cause {smr}: {join(ctx.label(c) for c in causes)}."]
    if first:
        text.append(f"They act through {join(ctx.label(m) for m in first)}.")
    text += _last_steps(ctx)
    frequent = [a for a in ctx.edges(SMR.isMostFrequentCauseOf) if a.object in ctx.targets and not a.inferred]
    if frequent:
        text.append(f"The most frequent cause is {join(ctx.label(a.subject) for a in frequent)}.")
    return text


def mechanisms_summary(ctx: Context) -> list[str]:
    mechanisms = [m for m in ctx.upstream if not ctx.is_cause(m)]
    text = [f"The graph records {count(len(mechanisms), 'mechanism')} on the way to {ctx.label(SMR_CLASS)}."]
    return text + _last_steps(ctx)


def _last_steps(ctx: Context) -> list[str]:
    """The mechanisms with an asserted edge straight to SMR (or a subtype of it)."""
    last = sorted(
        {a.subject for a in ctx.causal if a.object in ctx.targets and not a.inferred and not ctx.is_cause(a.subject)},
        key=ctx.label,
    )
    return [f"The mechanisms that directly bring it about are {join(ctx.label(m) for m in last)}."] if last else []


def treatment_summary(ctx: Context) -> list[str]:
    recs = _recommendations(ctx)
    strongest = sorted(
        {ctx.label(t) for _, f in recs for t in iris(f.get(SMR.recommendedIntervention))
         if _rank(ctx, f) == 1}
    )
    text = [f"The graph records {count(len(recs), 'guideline recommendation')} about therapies for {ctx.label(SMR_CLASS)}."]
    if strongest:
        text.append(f"Class 1 (strongest) recommendations: {join(strongest)}.")
    return text


def teer_summary(ctx: Context) -> list[str]:
    recs = [f for _, f in _recommendations(ctx) if any(ctx.facts.is_a(t, TEER) for t in iris(f.get(SMR.recommendedIntervention)))]
    if not recs:
        return [f"The graph records no guideline recommendation for {ctx.label(TEER)}."]
    criteria = ctx.records(SMR.EligibilityCriterion)
    wanted = [criteria.get(c, {}) for f in recs for c in f.get(SMR.hasCriterion, ())]
    measured = sum(1 for c in wanted if c.get(SMR.comparator))
    return [
        f"The graph records {count(len(recs), 'guideline recommendation')} for {ctx.label(TEER)} "
        f"({'; '.join(grade_text(ctx, f) for f in recs)}), with {count(len(wanted), 'criterion', 'criteria')}: "
        f"{measured} measured thresholds and {len(wanted) - measured} clinical judgements."
    ]


def prognosis_summary(ctx: Context) -> list[str]:
    outcomes = sorted({ctx.label(a.object) for a in ctx.other
                       if a.property in PROGNOSIS_PROPERTIES and a.subject in ctx.targets})
    if not outcomes:
        return [f"The graph records no outcome for {ctx.label(SMR_CLASS)}."]
    return [f"{capital(ctx.label(SMR_CLASS))} and its subtypes are linked to {join(outcomes)}."]


def held_out(ctx: Context, predicates: tuple[IRI, ...] | None = None, statements: bool = True) -> Section | None:
    """The claims kept out of the answer: contested, hypothetical and unsupported ones, labelled,
    each with its sources, so that every statement of the seed stays visible with its status;
    with ``statements``, the held-out epidemiological statements too."""
    groups: dict[IRI | None, list[Claim]] = defaultdict(list)
    for a in ctx.held_out:
        if predicates is None or a.property in predicates:
            groups[a.status].append(ctx.claim(a))
    if statements:
        for claim in _epidemiological_statements(ctx):
            if claim.status is not None:
                groups[claim.status].append(claim)
    return _section("Held out: claims that are contested, hypothetical or unsupported", [
        Group(capital(ctx.label(status)), _sorted(groups[status]))
        for status in HELD_OUT_STATUSES if status in groups
    ])


def held_out_causes(ctx: Context) -> Section | None:
    return held_out(ctx, CAUSAL_PROPERTIES, statements=False)


def held_out_treatment(ctx: Context) -> Section | None:
    return held_out(ctx, (*TREATMENT_PROPERTIES, SMR.respondsTo), statements=False)


def held_out_prognosis(ctx: Context) -> Section | None:
    return held_out(ctx, PROGNOSIS_PROPERTIES)


def _recommendations(ctx: Context) -> list[tuple[Term, Fields]]:
    """Current recommendations (and, when asked, superseded ones) for SMR or a subtype of it,
    strongest class first, current before superseded."""
    recs = [
        (r, f) for r, f in ctx.records(SMR.Recommendation).items()
        if (not f.get(SMR.forCondition) or set(iris(f.get(SMR.forCondition))) & ctx.targets)
        and (ctx.superseded or SMR.Superseded not in iris(f.get(SMR.recommendationStatus)))
    ]
    # The record's IRI breaks ties: the order must not depend on the order a store returns rows in.
    return sorted(recs, key=lambda rf: (SMR.Superseded in iris(rf[1].get(SMR.recommendationStatus)), _rank(ctx, rf[1]),
                                        ctx.label(first_iri(rf[1].get(SMR.recommendedIntervention)) or rf[0]), str(rf[0])))


def _kind_order(ctx: Context, therapy: IRI) -> int:
    return next((i for i, k in enumerate(THERAPY_KINDS) if ctx.facts.is_a(therapy, k)), len(THERAPY_KINDS))


def _rank(ctx: Context, fields: Fields) -> int:
    cor = first_iri(fields.get(SMR.classOfRecommendation))
    ranks = ctx.records(SMR.ClassOfRecommendation).get(cor, {}).get(SMR.rank, []) if cor else []
    return int(ranks[0]) if ranks else 99


def grade_text(ctx: Context, fields: Fields) -> str:
    """"class of recommendation I, level of evidence A": each grade by its notation on its own scale."""
    parts = []
    for prop, name in ((SMR.classOfRecommendation, "class of recommendation"), (SMR.levelOfEvidence, "level of evidence")):
        value = first_iri(fields.get(prop))
        if value is not None:
            notation = ctx.records(SMR.ClassOfRecommendation if prop == SMR.classOfRecommendation else SMR.LevelOfEvidence)
            code = notation.get(value, {}).get(SKOS.notation)
            parts.append(f"{name} {code[0] if code else ctx.label(value)}")
    return ", ".join(parts)


def _grade_heading(ctx: Context, fields: Fields) -> str:
    sources = ", ".join(ctx.facts.source(s).label for s in iris(fields.get(DCTERMS.source)))
    grade = grade_text(ctx, fields) or "ungraded"
    return f"{capital(grade)}" + (f" ({sources})" if sources else "")


def _recommendation_sentence(ctx: Context, fields: Fields) -> str:
    """The record's label (which names the guideline and the clinical setting, e.g. "when CABG is
    undertaken") or, without one, "<therapy> for <condition>"; then the grade from its fields."""
    text = first_text(fields.get(RDFS.label))
    if not text:
        therapies = join(ctx.label(t) for t in iris(fields.get(SMR.recommendedIntervention)))
        conditions = iris(fields.get(SMR.forCondition))
        text = therapies + (f" for {join(ctx.label(c) for c in conditions)}" if conditions else "")
    grade = grade_text(ctx, fields)
    replaced_by = first_iri(fields.get(SMR.supersededBy))
    if SMR.Superseded in iris(fields.get(SMR.recommendationStatus)):
        grade += f"; superseded by the {ctx.facts.source(replaced_by).label}" if replaced_by else "; superseded"
    return f"{capital(text)}: {grade or 'no grade recorded'}."


def _criterion_order(ctx: Context, fields: Fields) -> tuple:
    """Quantitative criteria first, by observable, lower bounds before upper bounds."""
    comparator = str(first(fields.get(SMR.comparator)) or "")
    observable = first_iri(fields.get(SMR.criterionObservable))
    bound = list(COMPARATORS).index(comparator) if comparator in COMPARATORS else len(COMPARATORS)
    return (0 if comparator else 1, ctx.label(observable) if observable else "", bound,
            first_text(fields.get(RDFS.label)))


def _criterion_sentence(ctx: Context, fields: Fields, short: bool = False) -> str:
    """``LVEF ≥ 20 %`` from observable, comparator, value and unit; a qualitative one by its label."""
    observable = first_iri(fields.get(SMR.criterionObservable))
    comparator, value = first(fields.get(SMR.comparator)), first(fields.get(SMR.value))
    if observable is not None and comparator is not None and value is not None:
        unit = _unit(str(first(fields.get(SMR.ucumUnit)) or ""))
        text = f"{ctx.label(observable)} {COMPARATORS.get(str(comparator), str(comparator))} {number(value)}{unit}"
    else:
        text = first_text(fields.get(RDFS.label)) or first_text(fields.get(SMR.statementText))
        if not text:
            return ""
    assessed = iris(fields.get(SMR.assessedBy))
    if assessed and not short:
        text += f" (assessed by {join(ctx.label(a) for a in assessed)})"
    return text if short else capital(text) + "."


def _epidemiology_sentence(ctx: Context, fields: Fields) -> str:
    """A prevalence record in words: its label (which keeps qualifiers such as "up to" that the
    numbers alone lose), else "<condition>: <percent> % of patients with <population> (n = N)"."""
    percent = first(fields.get(SMR.percent))
    if percent is None:
        return ""
    text = first_text(fields.get(RDFS.label))
    if not text:
        about = join(ctx.label(c) for c in iris(fields.get(SMR.forCondition))) or "the condition"
        text = f"{about}: {number(percent)} %"
        population = iris(fields.get(SMR.aboutPopulation))
        if population:
            text += f" of patients with {join(ctx.label(p) for p in population)}"
        size = first(fields.get(SMR.sampleSize))
        if size is not None:
            text += f" (n = {size})"
    return capital(text) + "."


def _unit(ucum: str) -> str:
    """UCUM code -> display: ``%`` stays glued to the number's space, ``mm[Hg]`` becomes mmHg."""
    if not ucum:
        return ""
    return " " + ucum.replace("[", "").replace("]", "")


def _depth_to_targets(ctx: Context) -> dict[IRI, int]:
    """Longest number of steps from each upstream node to SMR (for ordering; cycles are cut)."""
    out: dict[IRI, list[IRI]] = defaultdict(list)
    for a in ctx.causal:
        out[a.subject].append(a.object)
    depth: dict[IRI, int] = {}

    def visit(node: IRI, seen: frozenset) -> int:
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
