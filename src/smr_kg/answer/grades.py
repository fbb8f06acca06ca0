"""The societies' grades side by side: what each guideline says of the same intervention.

ACC/AHA and ESC grade on separate scales (``smr:ACCAHAGradingScheme``, ``smr:ESCGradingScheme``)
that are never mapped onto each other, so the answer does not merge or translate grades: for
every intervention that two or more guidelines grade for SMR (or a kind of it), it lists each
guideline's recommendations with the grade as printed on that guideline's own scale, named, so a
reader compares "ESC I, A" with "ACC/AHA not verified" knowing which scale each is on. A grade not
verified says so. Only current recommendations are shown unless superseded ones are asked for.
"""

from __future__ import annotations

from collections import defaultdict

from ..rdf.terms import IRI, Term
from ..rdf.vocab import DCTERMS, RDFS, SKOS, SMR
from .model import Claim, Context, Fields, Group, Section, capital, first_iri, first_text, iris
from .sections import grade_text


def grades_by_society(ctx: Context) -> Section | None:
    """One group per intervention graded by at least two guidelines; one bullet per recommendation,
    ordered by guideline, that names the guideline, its scale, the grade and the setting."""
    by_therapy: dict[IRI, list[tuple[Term, Fields]]] = defaultdict(list)
    for record, fields in ctx.records(SMR.Recommendation).items():
        if not set(iris(fields.get(SMR.forCondition))) & ctx.targets:
            continue
        if not ctx.superseded and SMR.Superseded in iris(fields.get(SMR.recommendationStatus)):
            continue
        for therapy in iris(fields.get(SMR.recommendedIntervention)):
            by_therapy[therapy].append((record, fields))
    groups = []
    for therapy in sorted(by_therapy, key=ctx.label):
        records = by_therapy[therapy]
        if len({first_iri(f.get(DCTERMS.source)) for _, f in records}) < 2:
            continue
        ordered = sorted(records, key=lambda rf: (_guideline(ctx, rf[1]), str(rf[0])))
        groups.append(Group(capital(ctx.label(therapy)), [_bullet(ctx, r, f) for r, f in ordered]))
    return Section("Guideline grades side by side, each on its society's own scale", groups) if groups else None


def _guideline(ctx: Context, fields: Fields) -> str:
    source = first_iri(fields.get(DCTERMS.source))
    return ctx.facts.source(source).label if source else ""


def _scale(ctx: Context, fields: Fields) -> str:
    grade = first_iri(fields.get(SMR.classOfRecommendation))
    schemes = iris(ctx.records(SMR.ClassOfRecommendation).get(grade, {}).get(SKOS.inScheme)) if grade else ()
    return ctx.label(schemes[0]) if schemes else "scale not recorded"


def _bullet(ctx: Context, record: Term, fields: Fields) -> Claim:
    setting = first_text(fields.get(RDFS.label)) or ctx.label(record)
    conditions = ", ".join(ctx.label(c) for c in iris(fields.get(SMR.forCondition)))
    grade = grade_text(ctx, fields) or "ungraded"
    if SMR.Superseded in iris(fields.get(SMR.recommendationStatus)):
        replaced_by = first_iri(fields.get(SMR.supersededBy))
        grade += f"; superseded by the {ctx.facts.source(replaced_by).label}" if replaced_by else "; superseded"
    text = f"{capital(_guideline(ctx, fields))} ({_scale(ctx, fields)}): {grade} — for {conditions}: {setting}."
    return ctx.record_claim(record, fields, text)


__all__ = ["grades_by_society"]
