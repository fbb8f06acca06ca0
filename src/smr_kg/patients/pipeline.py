"""The embedded engine: read -> link -> evaluate -> write, one patient at a time.

Shared setup (:func:`prepare`) compiles the graph once and loads the user's SNOMED CT hierarchy;
the Spark engine (:mod:`smr_kg.patients.spark`) uses the same setup and the same per-patient
functions, so both engines give the same verdicts.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..errors import InputError, SmrKgError
from .evaluate import Evaluator, PatientResult
from .knowledge import Knowledge, read_knowledge
from .link import Linker, SnomedHierarchy
from .model import Issue
from .output import Writer, explain
from .readers import DEFAULT_MEMORY_BYTES, read_records


@dataclass(frozen=True)
class Options:
    """What the command line decides; defaults are what ``smr-kg patients INPUT`` does."""

    fmt: str = "csv"
    explain: str | None = None
    held_out: bool = False
    superseded: bool = False
    validate: str = "first"
    memory_bytes: int = DEFAULT_MEMORY_BYTES
    snomed_hierarchy: Path | None = None
    strict: bool = False
    merge_duplicates: bool = False
    guidelines: tuple[str, ...] = ()
    """Only the recommendations of these guidelines (source IRIs); empty: every guideline."""
    report: Path | None = None
    """Where to write every input issue (JSON lines with the patient); stderr shows the first few."""


SHOWN = 5
"""Input issues shown on stderr; the rest are counted (all are in the JSON output and --report)."""


@dataclass
class Summary:
    """Counts for the closing line on stderr (never identifiers)."""

    patients: int = 0
    with_cause: int = 0
    rejected: int = 0
    unlinked: int = 0
    merged: int = 0
    issues: int = 0
    first_issues: list[str] = field(default_factory=list)


def prepare(store, options: Options) -> tuple[Knowledge, SnomedHierarchy | None]:
    """The compiled graph and the user's hierarchy (read once, whatever the engine)."""
    knowledge = read_knowledge(store, include_held_out=options.held_out)
    hierarchy = SnomedHierarchy.from_rf2(options.snomed_hierarchy) if options.snomed_hierarchy else None
    return knowledge, hierarchy


def evaluator(knowledge: Knowledge, hierarchy: SnomedHierarchy | None, options: Options) -> Evaluator:
    return Evaluator(knowledge, Linker(knowledge, hierarchy), superseded=options.superseded, held_out=options.held_out,
                     guidelines=options.guidelines)


def check_strict(result: PatientResult) -> None:
    """``--strict``: the first impossible value stops the run, naming the patient and the field."""
    if result.rejected:
        r = result.rejected[0]
        raise InputError(f"patient {result.patient}: {r['source']} {r['field']} ({r['observable']}): {r['problem']}")


def run_embedded(files: list[Path], store, options: Options, out: TextIO,
                 progress: Callable[[int], None] | None = None) -> Summary:
    """Evaluate every patient of ``files`` and write them to ``out`` as they come."""
    knowledge, hierarchy = prepare(store, options)
    ev = evaluator(knowledge, hierarchy, options)
    merged: list[int] = [0]
    unattributed: list[Issue] = []
    records = read_records(files, options.validate, options.memory_bytes, progress, options.merge_duplicates, merged,
                           unattributed)
    summary = write_results((ev.evaluate(r) for r in records), knowledge, options, out)
    summary.merged = merged[0]
    summary.issues += len(unattributed)
    summary.first_issues += [f"{i.source}: {i.problem}" for i in unattributed[:max(0, SHOWN - len(summary.first_issues))]]
    return summary


def write_results(results: Iterable[PatientResult], knowledge: Knowledge, options: Options, out: TextIO) -> Summary:
    """Write results in the chosen format (or the one explained patient); count them."""
    summary = Summary()
    writer = Writer(options.fmt, out, knowledge)
    report = open(options.report, "w", encoding="utf-8") if options.report else None
    begun = False  # the document opens with its first patient: an input error before it leaves the output empty
    for result in results:
        if not begun and options.explain is None:
            writer.begin()
            begun = True
        if options.strict:
            check_strict(result)
        summary.patients += 1
        summary.with_cause += bool(result.causes)
        summary.rejected += len(result.rejected)
        summary.unlinked += result.unlinked
        summary.issues += len(result.issues)
        for issue in result.issues[:max(0, SHOWN - len(summary.first_issues))]:
            summary.first_issues.append(f"{issue['source']}: {issue['problem']}")
        if report is not None:
            for issue in result.issues:
                report.write(json.dumps({"patient": result.patient, **issue}, ensure_ascii=False) + "\n")
        if options.explain is None:
            writer.write(result)
        elif result.patient == options.explain:
            out.write(explain(result, knowledge))
            return Summary(1, int(bool(result.causes)), len(result.rejected), result.unlinked)
    if options.explain is not None:
        raise SmrKgError(f"no patient {options.explain!r} in the input", exit_code=1)
    if not begun:
        writer.begin()
    writer.end()
    if report is not None:
        report.close()
    return summary


def report(summary: Summary, stream: TextIO | None = None) -> None:
    """The closing lines on stderr (read when called: a default bound at import would outlive it)."""
    stream = stream or sys.stderr
    print(f"evaluated {summary.patients} patient{'s' if summary.patients != 1 else ''} "
          f"({summary.with_cause} with a cause of secondary MR); {summary.rejected} impossible value"
          f"{'s' if summary.rejected != 1 else ''} rejected (listed per patient in the output); "
          f"{summary.unlinked} entries with no code the graph links"
          + (f"; {summary.merged} patient ids found in two inputs were merged (--merge-duplicates)" if summary.merged else ""),
          file=stream)
    if summary.issues:
        more = f" (first {len(summary.first_issues)}; all of them in the JSON output's issues, or --report FILE)"
        print(f"{summary.issues} input issue{'s' if summary.issues != 1 else ''}{more if summary.issues > len(summary.first_issues) else ''}:",
              file=stream)
        for line in summary.first_issues:
            print(f"  {line}", file=stream)


__all__ = ["Options", "Summary", "check_strict", "evaluator", "prepare", "report", "run_embedded", "write_results"]
