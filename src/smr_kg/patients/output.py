"""Patient results as a table (CSV/TSV), JSON, RDF (Turtle) and a cited explanation.

Every writer streams: a patient is written when it is evaluated, so output size never costs
memory. The table is long: one row per patient, recommendation and criterion (a patient without
evaluated recommendations still gets one row), so it loads into any dataframe unchanged. The
JSON is one object ``{"patients": [...], "sources": {...}}``. The Turtle types each finding with
the graph's own class (a past occurrence gets ``smr:historyOf`` instead: it is not the disorder) and points verdicts at the graph's criteria and recommendations, so
``SELECT ?p WHERE { ?p smr:hasFinding/a smr:MyocardialInfarction }`` joins the built graph.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import TextIO
from urllib.parse import quote

from ..knowledge.facts import curie
from ..rdf.terms import IRI
from .applicability import Checked
from .evaluate import Cause, PatientResult
from .knowledge import Chain, Knowledge

FORMATS = ("csv", "tsv", "json", "ttl")
TABLE_COLUMNS = ("patient", "causes", "history_causes", "pattern", "mitral_regurgitation", "phenotype",
                 "recommendation", "class_of_recommendation", "level_of_evidence", "source", "recommendation_verdict",
                 "applicability", "applicability_reasons", "context", "criterion", "verdict", "value", "unit", "reason")
PATIENT_BASE = "urn:smr-kg:patient:"
LINKS = {"exact": "the concept's own code", "descendant": "a more specific code", "history": "history"}


class Writer:
    """Writes results in one format to ``out`` (begin, one call per patient, end)."""

    def __init__(self, fmt: str, out: TextIO, knowledge: Knowledge) -> None:
        self.fmt, self.out, self.k = fmt, out, knowledge
        self.count = 0

    def begin(self) -> None:
        if self.fmt in ("csv", "tsv"):
            self.out.write(_table_text(self.fmt, [list(TABLE_COLUMNS)]))
        elif self.fmt == "json":
            self.out.write('{"patients": [\n')
        else:
            self.out.write("@prefix smr: <https://w3id.org/smr-kg/> .\n"
                           "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n")

    def write(self, result: PatientResult) -> None:
        self.write_rendered(render(self.fmt, result, self.k))

    def write_rendered(self, text: str) -> None:
        """Write one patient's text from :func:`render` (the Spark engine renders on its workers)."""
        self.out.write((",\n" if self.count and self.fmt == "json" else "") + text)
        self.count += 1

    def end(self) -> None:
        if self.fmt == "json":
            self.out.write('\n], "sources": ' + json.dumps(self.k.citations, ensure_ascii=False, indent=1) + "}\n")


def render(fmt: str, result: PatientResult, k: Knowledge) -> str:
    """One patient's output text in ``fmt`` (without the separators the whole document needs)."""
    if fmt in ("csv", "tsv"):
        return _table_text(fmt, table_rows(result, k))
    if fmt == "json":
        return json.dumps(patient_json(result, k), ensure_ascii=False)
    return patient_turtle(result, k)


def _table_text(fmt: str, rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def table_rows(result: PatientResult, k: Knowledge) -> list[list[str]]:
    causes = "; ".join(k.label(c.concept) for c in result.causes if c.basis == "current")
    history = "; ".join(k.label(c.concept) for c in result.causes if c.basis == "history")
    mr = result.mechanism
    head = [result.patient, causes, history, result.pattern, mr.kind if mr else "", mr.phenotype if mr else ""]
    rows = []
    for ev in result.evaluations:
        rec = ev.recommendation
        source = "; ".join(k.citations.get(s, {}).get("id", s) for s in rec.sources)
        about = [rec.label, rec.cor, rec.loe, source, ev.verdict, ev.applicability.status,
                 "; ".join(ev.applicability.reasons), ev.context]
        if not ev.verdicts:  # not applicable: no criterion was evaluated
            rows.append(head + about + [""] * 5)
        for v in ev.verdicts:
            rows.append(head + about + [v.criterion.label, v.verdict, "" if v.value is None else f"{v.value:g}",
                                        v.criterion.unit or "", v.reason])
    return rows or [head + [""] * (len(TABLE_COLUMNS) - len(head))]


def patient_json(result: PatientResult, k: Knowledge) -> dict:
    def node(iri: str | None) -> dict | None:
        return {"id": curie(IRI(iri)), "label": k.label(iri)} if iri else None

    def verdict_json(v: Checked) -> dict:
        return {"criterion": node(v.criterion.iri), "verdict": v.verdict, "value": v.value,
                "unit": v.criterion.unit, "reason": v.reason, "problem": v.problem or None,
                "sources": list(v.criterion.sources)}

    mr = result.mechanism
    return {
        "patient": result.patient,
        "pattern": result.pattern,
        "mitral_regurgitation": {"kind": mr.kind, "reason": mr.reason} if mr else None,
        "phenotype": {"phenotype": mr.phenotype, "reason": mr.phenotype_reason,
                      "criteria": [verdict_json(v) for v in mr.phenotype_checks]} if mr else None,
        "causes": [cause_json(c, k) for c in result.causes],
        "findings": [{"concept": node(f.concept), "link": f.kind, "code": f.code, "via": f.via,
                      "entry": f.entry_kind, "date": f.date} for f in result.findings],
        "recommendations": [{
            "recommendation": node(ev.recommendation.iri), "class_of_recommendation": ev.recommendation.cor,
            "level_of_evidence": ev.recommendation.loe, "sources": list(ev.recommendation.sources),
            "verdict": ev.verdict, "context": ev.context,
            "applicability": {"status": ev.applicability.status, "reasons": list(ev.applicability.reasons),
                              "definition_criteria": [verdict_json(v) for v in ev.applicability.checks]},
            "criteria": [verdict_json(v) for v in ev.verdicts],
        } for ev in result.evaluations],
        "rejected": result.rejected,
        "proportionality": result.proportionality,
        "issues": result.issues,
        "unlinked_entries": result.unlinked,
        "skipped_entries": result.skipped,
    }


def cause_json(cause: Cause, k: Knowledge) -> dict:
    return {"cause": {"id": curie(IRI(cause.concept)), "label": k.label(cause.concept)}, "basis": cause.basis,
            "codes": list(cause.codes), "chains": [chain_json(c, k) for c in cause.chains]}


def chain_json(chain: Chain, k: Knowledge) -> dict:
    return {"path": " -> ".join([k.label(chain.steps[0].subject)] + [k.label(s.object) for s in chain.steps]),
            "patterns": sorted(chain.patterns), "held_out": chain.held_out,
            "steps": [{"subject": curie(IRI(s.subject)), "relation": curie(IRI(s.predicate)), "object": curie(IRI(s.object)),
                       "status": s.status, "sources": list(s.sources), "marks": list(s.marks),
                       "inherited": s.inferred} for s in chain.steps]}


def patient_turtle(result: PatientResult, k: Knowledge) -> str:
    """The patient's block of Turtle: IRIs under ``urn:smr-kg:patient:<id>`` (percent-encoded)."""
    me = PATIENT_BASE + quote(result.patient, safe="")
    lines = [f"<{me}> smr:patientIdentifier {_literal(result.patient)} ;",
             f"    smr:smrPattern {_literal(result.pattern)}"]
    if result.mechanism:
        lines[-1] += " ;"
        lines.append(f"    smr:mitralRegurgitationKind {_literal(result.mechanism.kind)} ; "
                     f"smr:smrPhenotype {_literal(result.mechanism.phenotype)}")
    body: list[str] = []
    for c in result.causes:
        lines[-1] += " ;"
        lines.append(f"    smr:hasCause <{c.concept}>")
    for issue in result.issues:
        lines[-1] += " ;"
        lines.append(f"    smr:inputIssue {_literal(issue['source'] + ': ' + issue['problem'])}")
    for n, f in enumerate(result.findings, 1):
        node = f"{me}/finding/{n}"
        lines[-1] += " ;"
        lines.append(f"    smr:hasFinding <{node}>")
        typed = f"smr:historyOf <{f.concept}>" if f.kind == "history" else f"a <{f.concept}>"  # history is not the disorder
        body.append(f"<{node}> {typed} ; smr:recordCode <{f.code}> ; smr:linkKind {_literal(f.kind)} .")
    for ev in result.evaluations:
        node = f"{me}/evaluation/{_local(ev.recommendation.iri)}"
        lines[-1] += " ;"
        lines.append(f"    smr:hasEvaluation <{node}>")
        verdicts = []
        for v in ev.verdicts:
            vnode = f"{node}/{_local(v.criterion.iri)}"
            verdicts.append(f"<{vnode}>")
            value = f" ; smr:observedValue \"{v.value!r}\"^^xsd:decimal ; smr:ucumUnit {_literal(v.criterion.unit or '')}" \
                if v.value is not None else ""
            body.append(f"<{vnode}> smr:criterion <{v.criterion.iri}> ; smr:verdict {_literal(v.verdict)}{value} ; "
                        f"smr:verdictReason {_literal(v.reason)} .")
        crit = f" ; smr:criterionVerdict {', '.join(verdicts)}" if verdicts else ""
        why = "".join(f" ; smr:applicabilityReason {_literal(r)}" for r in ev.applicability.reasons)
        body.append(f"<{node}> smr:recommendation <{ev.recommendation.iri}> ; "
                    f"smr:overallVerdict {_literal(ev.verdict)} ; "
                    f"smr:applicability {_literal(ev.applicability.status)}{why}{crit} .")
    return "\n".join(lines) + " .\n" + "".join(b + "\n" for b in body) + "\n"


def explain(result: PatientResult, k: Knowledge) -> str:
    """A cited, human-readable account of one patient (sources numbered as ``answer`` does)."""
    numbers: dict[str, int] = {}

    def cite(sources: Iterable[str]) -> str:
        found = sorted({numbers.setdefault(s, len(numbers) + 1) for s in sources})
        return f" [{','.join(map(str, found))}]" if found else ""

    out = [f"Patient {result.patient}", ""]
    out.append("Causes of secondary MR in the record:" if result.causes else "No cause of secondary MR in the record.")
    for c in result.causes:
        basis = " (history: a past occurrence, not a current diagnosis)" if c.basis == "history" else ""
        coded = sorted({f"{curie(IRI(f.code))} ({LINKS[f.kind]})" for f in result.findings if f.concept == c.concept})
        out.append(f"  {k.label(c.concept)}{basis} - coded {', '.join(coded)}")
        for chain in c.chains:
            flags = list(dict.fromkeys(m for s in chain.steps for m in s.marks))
            path = " -> ".join([k.label(chain.steps[0].subject)] + [k.label(s.object) for s in chain.steps])
            out.append(f"    {path}{cite(s for st in chain.steps for s in st.sources)}"
                       + (f"  ({'; '.join(flags)})" if flags else ""))
    out += ["", f"Pattern: {result.pattern}"]
    if result.mechanism:
        out.append(f"Mitral regurgitation: {result.mechanism.kind} - {result.mechanism.reason}")
        out.append(f"Phenotype by measurements: {result.mechanism.phenotype} - {result.mechanism.phenotype_reason}")
    if result.proportionality:
        p = result.proportionality
        out.append(f"Proportionality (hypothesis, {p['framework']}): EROA {p['eroa_mm2']:g} mm2 / LVEDV "
                   f"{p['lvedv_ml']:g} mL = {p['ratio_mm2_per_ml']:g} mm2/mL (not classified: no validated cut-off)")
    out.append("")
    for ev in result.evaluations:
        rec = ev.recommendation
        out.append(f"{rec.label} (class {rec.cor}, level {rec.loe}){cite(rec.sources)}: {ev.verdict}")
        out.append(f"  context: {ev.context}")
        out.append(f"  applicability: {ev.applicability.status}")
        for reason in ev.applicability.reasons:
            out.append(f"    {reason}")
        for v in ev.applicability.checks:
            out.append(f"    - {v.criterion.label}: {v.verdict} - {v.reason}{cite(v.criterion.sources)}")
        for v in ev.verdicts:
            out.append(f"  - {v.criterion.label}: {v.verdict} - {v.reason}")
        out.append("")
    out += side_by_side(result, k)
    for r in result.rejected:
        out.append(f"Rejected: {r['source']} {r['field']} ({r['observable']}): {r['problem']}")
    for issue in result.issues:
        out.append(f"Input issue: {issue['source']}: {issue['problem']}")
    if numbers:
        out += ["", "Sources:"]
        for source, n in sorted(numbers.items(), key=lambda item: item[1]):
            cited = k.citations.get(source) or {"citation": k.label(source), "links": []}
            out.append(f"  [{n}] {cited['citation']}" + (f" {' '.join(cited['links'])}" if cited["links"] else ""))
    return "\n".join(out).rstrip() + "\n"


def side_by_side(result: PatientResult, k: Knowledge) -> list[str]:
    """Every intervention that more than one guideline recommends, with each guideline's grade and
    this patient's verdict - where they differ, the applicability reasons above say why (each
    guideline judges severity by its own definition)."""
    by_intervention: dict[str, list] = {}
    for ev in result.evaluations:
        for intervention in ev.recommendation.interventions:
            by_intervention.setdefault(intervention, []).append(ev)
    out: list[str] = []
    for intervention, evs in sorted(by_intervention.items(), key=lambda item: k.label(item[0])):
        guidelines = {s for ev in evs for s in ev.recommendation.sources}
        if len(guidelines) < 2:
            continue
        verdicts = {ev.verdict for ev in evs}
        out.append(f"{k.label(intervention)}: {len(evs)} recommendations from {len(guidelines)} guidelines"
                   + (" - the verdicts differ" if len(verdicts) > 1 else ""))
        for ev in sorted(evs, key=lambda e: e.recommendation.label):
            rec = ev.recommendation
            out.append(f"  {rec.label} (class {rec.cor}, level {rec.loe}): {ev.verdict}")
    return ["Side by side, by intervention:", *out, ""] if out else []


def _local(iri: str) -> str:
    return quote(iri.rsplit("/", 1)[-1], safe="")


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


__all__ = ["FORMATS", "TABLE_COLUMNS", "Writer", "explain", "patient_json", "render", "table_rows"]
