"""Does a recommendation apply to this patient at all? Decided before any of its criteria.

A recommendation is for a condition ("chronic severe secondary MR", "atrial secondary MR"). A
verdict that counts LVEF or LVESD as "met" for a patient without that condition is worse than no
verdict: a reader takes "4 of 6 criteria met" as nearly eligible. So each recommendation is first
judged *applicable*, *not applicable* (the condition is absent or contradicted by the record -
then none of its criteria is evaluated) or *unknown* (the record cannot tell - then it can never
be met), in this order:

1. mitral regurgitation in the record at all: a coded MR (of any kind) or a measured EROA,
   regurgitant volume or regurgitant fraction;
2. its mechanism: a primary lesion (prolapse, rheumatic disease, chordal or papillary-muscle
   rupture, coded primary MR) makes a secondary-MR recommendation not applicable; a primary lesion
   beside coded SMR or a cause of SMR is *mixed* and left to the clinician; MR with neither a
   primary lesion nor a cause of SMR has an undetermined mechanism;
3. its kind, where the recommendation names one (atrial, ventricular, ischaemic): the phenotype
   measured against the guideline's definition (atrial SMR, 2025 ESC/EACTS) when the record has
   the measurements, else the pattern of the record's causes;
4. its severity, where the recommendation requires severe SMR: a coded severity, else the
   measurements against *the recommendation's own guideline's* definition (ACC/AHA 2020 for an
   ACC/AHA 2020 recommendation, ESC/EACTS 2021 for an ESC/EACTS 2021 one). A definition's
   conditional threshold ("may be >= 30 mm2 if the orifice is elliptical") leaves severity
   unknown, never met.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..rdf.vocab import SMR
from .knowledge import CHAMBERS, Criterion, Definition, Knowledge, Recommendation

APPLICABLE, NOT_APPLICABLE, UNDECIDED = "applicable", "not applicable", "unknown"
MR, SMR_CLASS, PRIMARY = str(SMR.MitralRegurgitation), str(SMR.SecondaryMitralRegurgitation), str(SMR.PrimaryMitralRegurgitation)
LESION, SEVERE, MILD = str(SMR.PrimaryMitralValveLesion), str(SMR.SevereSecondaryMitralRegurgitation), str(SMR.MildSecondaryMitralRegurgitation)
ATRIAL = str(SMR.AtrialSecondaryMitralRegurgitation)
QUANTIFIERS = (str(SMR.EffectiveRegurgitantOrificeArea), str(SMR.RegurgitantVolume), str(SMR.RegurgitantFraction))
"""Observables whose measurement shows that the record's patient has mitral regurgitation."""


@dataclass(frozen=True)
class Applicability:
    """Whether a recommendation applies, why, and the definition checks it was decided with."""

    status: str
    reasons: tuple[str, ...]
    checks: tuple[Checked, ...] = ()
    """Verdicts on the criteria of the definitions used (severity), for the output."""


@dataclass(frozen=True)
class Mechanism:
    """What the record says of its patient's mitral regurgitation, once per patient."""

    kind: str
    """none, primary, secondary, mixed or undetermined."""
    reason: str
    phenotype: str = "undetermined"
    """atrial, ventricular or undetermined, from the measurements (2025 ESC/EACTS definition)."""
    phenotype_reason: str = ""
    phenotype_checks: tuple[Checked, ...] = ()


class Checked(Protocol):
    """A verdict on one criterion, as :class:`~smr_kg.patients.evaluate.Verdict` gives it."""

    @property
    def criterion(self) -> Criterion: ...
    @property
    def verdict(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def value(self) -> float | None: ...
    @property
    def problem(self) -> str: ...


Judge = Callable[[Criterion], Checked]
"""Evaluates one criterion against the record (the evaluator's own rule: latest usable value)."""


def mechanism(k: Knowledge, findings: list, causes: list, measured: set[str], judge: Judge) -> Mechanism:
    """The record's MR (steps 1 and 2 of the module's order) and its measured phenotype."""
    current = [f for f in findings if f.kind != "history"]
    labels = lambda concepts: ", ".join(sorted({k.label(c) for c in concepts}))  # noqa: E731
    primary = {f.concept for f in findings if k.is_a(f.concept, LESION) or k.is_a(f.concept, PRIMARY)}
    coded_smr = {f.concept for f in current if k.is_a(f.concept, SMR_CLASS)}
    coded_mr = {f.concept for f in current if k.is_a(f.concept, MR)}
    quantified = [q for q in QUANTIFIERS if q in measured]
    accepted = [c.concept for c in causes if any(not ch.held_out for ch in c.chains)]
    secondary = coded_smr | set(accepted)
    phenotype, why, checks = _phenotype(k, judge) if not primary or secondary else \
        ("undetermined", "no secondary MR to classify", ())
    if primary and secondary:
        return Mechanism("mixed", f"primary lesion ({labels(primary)}) and secondary causes ({labels(secondary)}) "
                                  "in the record: mixed mitral regurgitation", phenotype, why, checks)
    if primary:
        return Mechanism("primary", f"primary MR in the record: {labels(primary)}", phenotype, why, checks)
    if not coded_mr and not quantified:
        return Mechanism("none", "no mitral regurgitation in the record (no MR code, no EROA, regurgitant "
                                 "volume or regurgitant fraction)", "undetermined", "no secondary MR to classify")
    if coded_smr:
        return Mechanism("secondary", f"secondary MR coded: {labels(coded_smr)}", phenotype, why, checks)
    evidence = "coded: " + labels(coded_mr) if coded_mr else "measured: " + ", ".join(k.label(q) for q in quantified)
    if accepted:
        return Mechanism("secondary", f"mitral regurgitation ({evidence}) with a cause of secondary MR: "
                                      f"{labels(accepted)}", phenotype, why, checks)
    return Mechanism("undetermined", f"mitral regurgitation ({evidence}) but neither a primary lesion nor a "
                                     "cause of secondary MR in the record: its mechanism is undetermined",
                     phenotype, why, checks)


def _phenotype(k: Knowledge, judge: Judge) -> tuple[str, str, tuple[Checked, ...]]:
    """Atrial when every criterion of the atrial-SMR definition is met; ventricular when its LVEF
    criterion is not met (a reduced LVEF is LV dysfunction); undetermined otherwise."""
    definition = next((d for d in k.definitions if d.condition == ATRIAL), None)
    if definition is None:
        return "undetermined", "the graph holds no definition of atrial SMR", ()
    checks = tuple(judge(c) for c in definition.criteria)
    lvef = [v for v in checks if v.criterion.observable == str(SMR.LeftVentricularEjectionFraction)]
    if checks and all(v.verdict == "met" for v in checks):
        return "atrial", f"meets every criterion of the {definition.label}", checks
    if any(v.verdict == "not met" for v in lvef):
        return "ventricular", f"{lvef[0].reason} ({definition.label}): LV dysfunction", checks
    missing = [v.criterion.label for v in checks if v.verdict != "met"]
    return "undetermined", f"not decided by the {definition.label} (not met or not measured: {'; '.join(missing)})", checks


def applicability(k: Knowledge, rec: Recommendation, mr: Mechanism, pattern: str, findings: list,
                  causes: list, judge: Judge) -> Applicability:
    """Steps 1 to 4 of the module's order for one recommendation."""
    condition = rec.condition
    if not condition or not k.is_a(condition, SMR_CLASS):
        return Applicability(APPLICABLE, ())
    if mr.kind in ("none", "primary"):
        return Applicability(NOT_APPLICABLE, (mr.reason,))
    reasons = [mr.reason]
    status = APPLICABLE if mr.kind == "secondary" else UNDECIDED
    kind_status, kind_reason = _kind(k, condition, mr, pattern, findings, causes)
    if kind_reason:
        reasons.append(kind_reason)
    if kind_status == NOT_APPLICABLE:
        return Applicability(NOT_APPLICABLE, tuple(reasons))
    if kind_status == UNDECIDED:
        status = UNDECIDED
    checks: tuple[Checked, ...] = ()
    if k.is_a(condition, SEVERE) or (rec.severity and k.is_a(rec.severity, SEVERE)):
        severity, reason, checks = _severity(k, rec, findings, judge)
        reasons.append(reason)
        if severity == NOT_APPLICABLE:
            return Applicability(NOT_APPLICABLE, tuple(reasons), checks)
        if severity == UNDECIDED:
            status = UNDECIDED
    return Applicability(status, tuple(reasons), checks)


def _kind(k: Knowledge, condition: str, mr: Mechanism, pattern: str, findings: list, causes: list) -> tuple[str, str]:
    """Step 3: the chamber the recommendation names (atrial, ventricular), then any narrower kind
    (ischaemic MR) that the record must show by a code or by a cause whose chain ends in it."""
    status, reason = APPLICABLE, ""
    wanted = {p for p, (_, subtype) in CHAMBERS.items() if k.is_a(condition, str(subtype))}
    if wanted:
        name = k.label(condition)
        if mr.phenotype in wanted:
            reason = f"{mr.phenotype} SMR by the measurements: {mr.phenotype_reason}"
        elif mr.phenotype in CHAMBERS:
            return NOT_APPLICABLE, f"the measurements make the SMR {mr.phenotype} ({mr.phenotype_reason}); " \
                                   f"the recommendation is for {name}"
        elif pattern in wanted:
            reason = f"{pattern} pattern from the record's causes"
        elif pattern in CHAMBERS:
            return NOT_APPLICABLE, f"the record's causes make the SMR {pattern}; the recommendation is for {name}"
        else:
            status, reason = UNDECIDED, f"whether the SMR is {' or '.join(sorted(wanted))} cannot be decided " \
                                        f"from the record (pattern {pattern}; {mr.phenotype_reason})"
    generic = {SMR_CLASS, SEVERE} | {str(sub) for _, sub in CHAMBERS.values()}
    if condition not in generic and not _has(k, condition, findings, causes):
        return UNDECIDED, "; ".join(filter(None, (reason, f"nothing in the record shows {k.label(condition)}")))
    return status, reason


def _has(k: Knowledge, condition: str, findings: list, causes: list) -> bool:
    """A coded finding of the condition, or an accepted cause whose chain ends in it."""
    if any(k.is_a(f.concept, condition) for f in findings if f.kind != "history"):
        return True
    return any(k.is_a(ch.steps[-1].object, condition) for c in causes for ch in c.chains if not ch.held_out)


def _severity(k: Knowledge, rec: Recommendation, findings: list, judge: Judge) -> tuple[str, str, tuple[Checked, ...]]:
    current = [f for f in findings if f.kind != "history"]
    severe = sorted({k.label(f.concept) for f in current if k.is_a(f.concept, SEVERE)})
    if severe:
        return APPLICABLE, f"severity coded: {', '.join(severe)}", ()
    mild = sorted({k.label(f.concept) for f in current if k.is_a(f.concept, MILD)})
    if mild:
        return NOT_APPLICABLE, f"severity coded as {', '.join(mild)}, not severe", ()
    definition = _definition(k, rec)
    if definition is None:
        guideline = ", ".join(k.label(s) for s in rec.sources)
        return UNDECIDED, f"severity unknown: no severity code, and the graph holds no definition of severe " \
                          f"secondary MR from {guideline}", ()
    checks = tuple(judge(c) for c in definition.criteria)
    definite = [v for v in checks if v.verdict == "met" and not v.criterion.conditional]
    if definite:
        return APPLICABLE, f"severe by the {definition.label}: {definite[0].reason}", checks
    conditional = [v for v in checks if v.verdict == "met"]
    if conditional:
        c = conditional[0]
        return UNDECIDED, f"severity undecided by the {definition.label}: {c.reason}, a threshold that applies " \
                          f"only {c.criterion.conditional}", checks
    if all(v.verdict == "unknown" for v in checks):
        return UNDECIDED, f"severity unknown: no usable EROA, regurgitant volume or fraction for the " \
                          f"{definition.label}, and no severity code", checks
    below = "; ".join(v.reason for v in checks if v.verdict == "not met" and not v.criterion.conditional) or \
        "; ".join(v.reason for v in checks if v.verdict == "not met")
    return NOT_APPLICABLE, f"not severe by the {definition.label}: {below}", checks


def _definition(k: Knowledge, rec: Recommendation) -> Definition | None:
    """The definition of severe SMR of the recommendation's own guideline (by a shared source)."""
    own = [d for d in k.definitions if d.condition == SEVERE and set(d.sources) & set(rec.sources)]
    return own[0] if own else None


__all__ = ["APPLICABLE", "Applicability", "Mechanism", "NOT_APPLICABLE", "UNDECIDED", "applicability", "mechanism"]
