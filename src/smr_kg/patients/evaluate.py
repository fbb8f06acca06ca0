"""One patient's record against the graph: causes, chains, pattern, and per-criterion verdicts.

Nothing here knows a particular criterion, cause or code: causes and chains, recommendations and
their criteria (observable, comparator, value, UCUM unit), the codes and the data-entry guards all
come from :class:`~smr_kg.patients.knowledge.Knowledge`. Adding a criterion to the graph adds a
verdict; a qualitative criterion (NYHA class on optimal GDMT, anatomy on TEE) is ``unknown``
because it needs clinical judgement the record does not carry.

Rules a reader must know:
  * a measurement is the latest one (by date, then input order) linked to the criterion's
    observable; if it is unusable the verdict is unknown (an older value is not used instead);
  * a cause is present by a current code (exact or more specific) or by history (a history-of
    situation, or a condition whose clinical status is resolved/inactive); both are reported,
    history ones marked; the most specific present cause is reported (MI, not also IHD);
  * applicability comes first (:mod:`~smr_kg.patients.applicability`): a recommendation whose
    condition is absent or contradicted (no MR, primary MR, the other phenotype, not severe by its
    own guideline's definition) is ``not applicable`` and none of its criteria is evaluated; one
    the record cannot decide is evaluated but never ``met``;
  * an applicable recommendation's verdict is met when every criterion is met, not met when any is
    not met, unknown otherwise; only current recommendations unless superseded ones are asked for;
  * the recommendation's context names the record's causes of secondary MR (history ones marked).
"""

from __future__ import annotations

import math
import operator
from collections import defaultdict
from dataclasses import dataclass, field

from ..knowledge.facts import curie
from ..rdf.vocab import SMR
from .applicability import NOT_APPLICABLE, UNDECIDED, Applicability, Mechanism, applicability, mechanism
from .knowledge import Chain, Criterion, Knowledge, Recommendation
from .link import Linker
from .model import Entry, PatientRecord
from .units import read_value

COMPARE = {">=": operator.ge, ">": operator.gt, "=": operator.eq, "<": operator.lt, "<=": operator.le}
MET, NOT_MET, UNKNOWN = "met", "not met", "unknown"
FIRST = str(SMR.TranscatheterEdgeToEdgeRepair)
"""Recommendations for TEER are listed first (the issue's first question), then by label."""


@dataclass(frozen=True)
class Finding:
    """A record entry linked to a concept: how (exact, descendant, history) and by which code."""

    concept: str
    kind: str
    code: str
    via: str
    entry_kind: str
    date: str
    source: str


@dataclass(frozen=True)
class Cause:
    """A cause of SMR present in the record, on what basis, and the chains it acts through."""

    concept: str
    basis: str
    """current, or history (a past occurrence)."""
    chains: tuple[Chain, ...]
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    criterion: Criterion
    verdict: str
    reason: str
    value: float | None = None
    source: str = ""
    problem: str = ""
    """impossible, implausible or unusable when the data could not be used."""


@dataclass(frozen=True)
class Evaluation:
    recommendation: Recommendation
    verdict: str
    """met, not met, unknown, or not applicable."""
    context: str
    verdicts: tuple[Verdict, ...]
    applicability: Applicability


@dataclass
class PatientResult:
    patient: str
    findings: list[Finding] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)
    pattern: str = "undetermined"
    evaluations: list[Evaluation] = field(default_factory=list)
    mechanism: Mechanism | None = None
    """What the record says of the patient's MR: none, primary, secondary, mixed, undetermined."""
    rejected: list[dict] = field(default_factory=list)
    """Impossible values: the resource and field they came from, and why."""
    unlinked: int = 0
    skipped: int = 0
    proportionality: dict | None = None
    """The EROA/LVEDV ratio when both are measured (Grayburn 2019 framework, a hypothesis)."""
    issues: list[dict] = field(default_factory=list)
    """Defects of the input (source, problem): unknown code systems, bad SCTIDs, values that are
    not numbers, resources without a subject or of no FHIR type."""


class Evaluator:
    """Evaluates records with one compiled graph (build once, call :meth:`evaluate` per patient)."""

    def __init__(self, knowledge: Knowledge, linker: Linker, superseded: bool = False, held_out: bool = False,
                 guidelines: tuple[str, ...] = ()) -> None:
        self.k = knowledge
        self.linker = linker
        self.held_out = held_out
        recs = [r for r in knowledge.recommendations if (superseded or r.current)
                and (not guidelines or set(r.sources) & set(guidelines))
                and (r.criteria or (r.condition and knowledge.is_a(r.condition, str(SMR.SecondaryMitralRegurgitation))))]
        # a recommendation for SMR is evaluated even without criteria as data: its applicability (by
        # its own guideline's severity definition) is then the answer, side by side with the others
        self.recommendations = sorted(recs, key=lambda r: (FIRST not in r.interventions, r.label))
        self.observable_codes = {concept for links in knowledge.codes.values() for concept, _ in links}

    def evaluate(self, record: PatientRecord) -> PatientResult:
        result = PatientResult(record.patient, skipped=record.skipped,
                               issues=[{"source": i.source, "problem": i.problem} for i in record.issues])
        measurements: dict[str, list[tuple[str, int, Entry]]] = defaultdict(list)
        for order, entry in enumerate(record.entries):
            pairs = sorted({(link, code) for code in entry.codes for link in self.linker.links(code)},
                           key=lambda p: (p[0].concept, p[0].kind, p[1]))
            if not pairs:
                result.unlinked += 1
            measured: set[str] = set()
            for link, code in pairs:
                if entry.kind == "observation" and self.k.is_a(link.concept, str(SMR.Observable)):
                    if link.concept not in measured:
                        measured.add(link.concept)
                        measurements[link.concept].append((entry.date, order, entry))
                    continue
                kind = "history" if entry.status == "resolved" else link.kind
                result.findings.append(Finding(link.concept, kind, code, link.via, entry.kind, entry.date, entry.source))
        self._causes(result)

        def judge(criterion: Criterion) -> Verdict:
            return self._verdict(criterion, measurements, result)

        mr = result.mechanism = mechanism(self.k, result.findings, result.causes, set(measurements), judge)
        if mr.kind in ("secondary", "mixed", "undetermined"):
            result.proportionality = self._proportionality(measurements)
        context = self._context(result)
        for rec in self.recommendations:
            applies = applicability(self.k, rec, mr, result.pattern, result.findings, result.causes, judge)
            if applies.status == NOT_APPLICABLE:
                result.evaluations.append(Evaluation(rec, NOT_APPLICABLE, context, (), applies))
                continue
            verdicts = tuple(judge(c) for c in rec.criteria)
            overall = NOT_MET if any(v.verdict == NOT_MET for v in verdicts) else \
                MET if verdicts and all(v.verdict == MET for v in verdicts) and applies.status != UNDECIDED else UNKNOWN
            result.evaluations.append(Evaluation(rec, overall, context, verdicts, applies))
        return result

    def _causes(self, result: PatientResult) -> None:
        current = {f.concept for f in result.findings if f.kind != "history"}
        present = current | {f.concept for f in result.findings if f.kind == "history"}
        causes = self.k.most_specific({c for c in present if c in self.k.causes})
        patterns: set[str] = set()
        for concept in sorted(causes):
            chains = tuple(c for c in self.k.causes[concept] if self.held_out or not c.held_out)
            if not chains:
                continue
            codes = tuple(sorted({f.code for f in result.findings if f.concept == concept}))
            result.causes.append(Cause(concept, "current" if concept in current else "history", chains, codes))
            patterns.update(p for c in chains if not c.held_out for p in c.patterns)
        for concept in present:
            patterns.update(self.k.mechanism_patterns.get(concept, ()))
        result.pattern = ("mixed" if len(patterns) > 1 else next(iter(patterns))) if patterns else "undetermined"

    def _verdict(self, criterion: Criterion, measurements: dict, result: PatientResult) -> Verdict:
        if not criterion.quantitative:
            how = f" (assessed by {self.k.label(criterion.assessed_by)})" if criterion.assessed_by else ""
            return Verdict(criterion, UNKNOWN, f"needs clinical assessment{how}: {criterion.statement or criterion.label}")
        if not (criterion.observable and criterion.comparator in COMPARE and criterion.value is not None and criterion.unit):
            return Verdict(criterion, UNKNOWN, "the criterion in the graph lacks an observable, comparator, value or unit")
        name = self.k.label(criterion.observable)
        found = measurements.get(criterion.observable)
        if not found:
            hint = "" if criterion.observable in self.observable_codes else \
                f" (the graph maps no code to it: record it with system smr, code {criterion.observable.rsplit('/', 1)[-1]})"
            return Verdict(criterion, UNKNOWN, f"no {name} in the record{hint}")
        _, _, entry = max(found, key=lambda m: (m[0], m[1]))
        reading = read_value(entry.value, entry.unit, criterion.unit, self.k.guards.get(criterion.observable), entry.raw_value)
        if reading.problem:
            if reading.kind == "impossible" and all(r["source"] != entry.source for r in result.rejected):
                result.rejected.append({"source": entry.source, "field": "Observation.valueQuantity",
                                        "observable": name, "problem": reading.problem})
            return Verdict(criterion, UNKNOWN, f"{name} {reading.problem}", source=entry.source, problem=reading.kind)
        value = reading.value if reading.value is not None else math.nan  # no problem: read_value gave a number
        ok = COMPARE[criterion.comparator](round(value, 9), criterion.value)
        text = f"{name} {reading.value:g} {criterion.unit} {'meets' if ok else 'does not meet'} " \
               f"{criterion.comparator} {criterion.value:g} {criterion.unit}"
        return Verdict(criterion, MET if ok else NOT_MET, text, reading.value, entry.source)

    def _proportionality(self, measurements: dict) -> dict | None:
        """EROA (mm2) / LVEDV (mL) from the latest usable values, with the framework's standing.

        The ratio is reported, not classified: the framework (proportionate vs disproportionate
        SMR) is a hypothesis in this graph, and the sources read give example ranges (EROA
        0.3-0.4 cm2 with LVEDV 160-200 mL), not a validated cut-off."""
        eroa = self._latest(str(SMR.EffectiveRegurgitantOrificeArea), "mm2", measurements)
        lvedv = self._latest(str(SMR.LeftVentricularEndDiastolicVolume), "mL", measurements)
        if eroa is None or lvedv is None or lvedv <= 0:
            return None
        return {"eroa_mm2": round(eroa, 3), "lvedv_ml": round(lvedv, 3), "ratio_mm2_per_ml": round(eroa / lvedv, 4),
                "framework": curie(SMR.Grayburn2019), "status": "hypothesis",
                "note": "EROA out of proportion to LV end-diastolic volume is the framework's disproportionate SMR; "
                        "no validated cut-off is in the graph, so the ratio is not classified"}

    def _latest(self, observable: str, unit: str, measurements: dict) -> float | None:
        found = measurements.get(observable)
        if not found:
            return None
        _, _, entry = max(found, key=lambda m: (m[0], m[1]))
        return read_value(entry.value, entry.unit, unit, self.k.guards.get(observable), entry.raw_value).value

    def _context(self, result: PatientResult) -> str:
        accepted = [c for c in result.causes if any(not ch.held_out for ch in c.chains)]
        if not accepted:
            return "no accepted cause of secondary MR in the record"
        return "cause of secondary MR in the record: " + ", ".join(
            self.k.label(c.concept) + (" (history)" if c.basis == "history" else "") for c in accepted)


__all__ = ["Cause", "Evaluation", "Evaluator", "Finding", "MET", "NOT_MET", "PatientResult", "UNKNOWN", "Verdict"]
