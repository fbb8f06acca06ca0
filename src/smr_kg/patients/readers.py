"""Read patient records from files or directories: FHIR Bundles, FHIR NDJSON, flat CSV.

Memory stays bounded however large the input, and nothing is written to disk on the way:
  * a Bundle file is one patient (as synthetic-EHR generators write them): read, yielded, dropped;
  * NDJSON (FHIR Bulk Data: one file per resource type) and CSV rows are not grouped by patient,
    so they are read in passes: pass k keeps only the patients whose stable hash (CRC-32 of the
    id) falls in partition k, groups them in memory and yields them. The number of passes is the
    input size divided by ``memory_bytes`` (default 256 MiB of input per pass; peak memory is
    about 1.6x that plus ~110 MB for the graph and libraries), so memory does not grow with the
    input; a line of another partition is skipped after a regular-expression look
    at its subject, without parsing it. Spilling to temporary files was rejected: they would hold
    patient data outside the requested output.
A progress bar on stderr (tqdm, shown on a terminal) counts input bytes; it never shows ids.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from . import fhir
from .model import Entry, Issue, PatientRecord, code_iri

ORPHAN = ""
"""The key of an NDJSON resource that names no patient (no patient id is empty)."""

BUNDLE_SUFFIXES = (".json", ".json.gz")
NDJSON_SUFFIXES = (".ndjson", ".ndjson.gz", ".jsonl", ".jsonl.gz")
CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz")
CSV_COLUMNS = ("patient", "system", "code", "value", "unit", "date")
DEFAULT_MEMORY_BYTES = 256 << 20
VALIDATE_MODES = ("first", "all", "none")

_SUBJECT = re.compile(r'"(?:subject|patient)"\s*:\s*\{[^{}]*?"reference"\s*:\s*"([^"]+)"')
_PATIENT_ID = re.compile(r'"resourceType"\s*:\s*"Patient"')


def input_files(inputs: Iterable[str | Path]) -> list[Path]:
    """The readable files named, or found (recursively, sorted) in the directories named."""
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and file_kind(p))
            if not found:
                raise InputError(f"{path}: no .json, .ndjson, .jsonl or .csv files in this directory")
            files.extend(found)
        elif path.is_file():
            if not file_kind(path):
                raise InputError(f"{path}: unknown input type (expected .json Bundle, .ndjson, .jsonl or .csv)")
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    return files


def read_records(files: list[Path], validate: str = "first", memory_bytes: int = DEFAULT_MEMORY_BYTES,
                 progress: Callable[[int], None] | None = None, merge_duplicates: bool = False,
                 merged: list[int] | None = None, unattributed: list[Issue] | None = None) -> Iterator[PatientRecord]:
    """Every patient of ``files``: Bundles one by one, then NDJSON/CSV patients pass by pass.

    A patient's records must come from one input: one Bundle file, one CSV file, or the NDJSON
    files of one directory (a Bulk Data export splits a patient over its resource files). The
    same id in two inputs is refused naming both (two patients may share an id by accident, and
    silently merging them mixes their records), unless ``merge_duplicates``: then they are merged
    - Bundles are then held until the end - and ``merged[0]`` counts the merged patients.
    NDJSON resources that name no patient cannot join a record: they go to ``unattributed``.
    """
    if validate not in VALIDATE_MODES:
        raise InputError(f"unknown --validate mode {validate!r} (choose from {', '.join(VALIDATE_MODES)})")
    tick = progress or (lambda n: None)
    count = merged if merged is not None else [0]
    grouped = [f for f in files if file_kind(f) != "bundle"]
    origin: dict[str, str] = {}
    held: dict[str, PatientRecord] = {}
    for path in (f for f in files if file_kind(f) == "bundle"):
        text = _read_text(path)
        tick(path.stat().st_size)
        for record in bundle_records(load_json(text, str(path)), str(path), validate):
            if record.patient in origin:
                duplicate_input(origin[record.patient], str(path), merge_duplicates)
                count[0] += 1
                _merge(held[record.patient], record)
            elif merge_duplicates:
                origin[record.patient] = str(path)
                held[record.patient] = record
            else:
                origin[record.patient] = str(path)
                yield record
    if grouped:
        passes = max(1, math.ceil(sum(f.stat().st_size for f in grouped) / max(memory_bytes, 1)))
        for part in range(passes):
            records: dict[str, PatientRecord] = {}
            sources: dict[str, str] = {}
            for path in grouped:
                source = str(path.parent) if file_kind(path) == "ndjson" else str(path)
                rows = _ndjson_rows(path, validate, part, passes, tick) if file_kind(path) == "ndjson" \
                    else _csv_rows(path, part, passes, tick)
                for key, entry in rows:
                    if key == ORPHAN:  # a resource of no patient: reported in the summary, not a record
                        if unattributed is not None and isinstance(entry, Issue):
                            unattributed.append(entry)
                        continue
                    if key not in records:
                        record = records[key] = PatientRecord(key)
                        sources[key] = source
                        if key in origin:
                            duplicate_input(origin[key], source, merge_duplicates)
                            count[0] += 1
                    else:
                        record = records[key]
                        if sources[key] != source:
                            duplicate_input(sources[key], source, merge_duplicates)
                            sources[key] = source
                            count[0] += 1
                    if not isinstance(entry, bool):  # True marks a patient seen without an entry
                        _add(record, (entry,))
            for key, record in records.items():
                if key in held:
                    yield _merge(held.pop(key), record)
                else:
                    yield record
    yield from held.values()


def duplicate_input(first: str, second: str, merge: bool) -> None:
    """Refuse a patient id seen in two inputs (the id itself is never printed: stderr gets no ids)."""
    if not merge:
        raise InputError(f"the same patient id is in two inputs, {first} and {second}: a patient's records "
                         "must come from one input (give --merge-duplicates to merge them)")


def _merge(into: PatientRecord, other: PatientRecord) -> PatientRecord:
    into.entries.extend(other.entries)
    into.skipped += other.skipped
    into.issues.extend(other.issues)
    return into


def bundle_records(bundle: dict, where: str, validate: str = "first") -> Iterator[PatientRecord]:
    """The patients of one Bundle (normally one), their entries in the Bundle's order."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise InputError(f"{where}: not a FHIR Bundle (resourceType must be \"Bundle\")")
    records: dict[str, PatientRecord] = {}
    aliases: dict[str, str] = {}
    validated: set[str] = set()
    resources = []
    for index, item in enumerate(bundle.get("entry") or ()):
        resource = item.get("resource") if isinstance(item, dict) else None
        if not isinstance(resource, dict):
            continue
        _maybe_validate(resource, f"{where} entry {index}", validate, validated)
        if resource.get("resourceType") == "Patient" and resource.get("id"):
            pid = str(resource["id"])
            records.setdefault(pid, PatientRecord(pid))
            full_url = item.get("fullUrl")
            if isinstance(full_url, str):
                aliases[fhir.reference_id(full_url) or pid] = pid
        resources.append((index, resource))
    orphans: list[Issue] = []
    for index, resource in resources:
        key = fhir.patient_key(resource)
        if key is None:
            kind = resource.get("resourceType")
            if kind in fhir.READ_TYPES or not fhir.is_fhir_type(kind):
                problem = "no subject: whose record it is cannot be told, not read" if fhir.is_fhir_type(kind) \
                    else "not a FHIR R4 resource type: not read"
                orphans.append(Issue(f"{kind!r}/{resource.get('id', '?')} ({where} entry {index})", problem))
            continue
        key = aliases.get(key, key)
        record = records.setdefault(key, PatientRecord(key))
        _add(record, fhir.entries(resource, f"{where} entry {index}"))
    if orphans and len(records) == 1:  # a Bundle is one patient's: its defects are that record's
        next(iter(records.values())).issues.extend(orphans)
    elif orphans:
        raise InputError(f"{orphans[0].source}: {orphans[0].problem} (in a Bundle of {len(records)} patients)")
    yield from records.values()


def _ndjson_rows(path: Path, validate: str, part: int, passes: int, tick) -> Iterator[tuple[str, Entry | Issue | None | bool]]:
    """(patient, entry) for the lines of this partition; a Bundle line is yielded entry by entry;
    ``True`` marks a patient seen without an entry (a Patient resource)."""
    validated: set[str] = set()
    with open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            tick(len(line))
            if not line.strip():
                continue
            if passes > 1:
                quick = _quick_key(line)
                if quick is not None and _partition(quick, passes) != part:
                    continue
            where = f"{path}:{number}"
            resource = load_json(line, where)
            if isinstance(resource, dict) and resource.get("resourceType") == "Bundle":
                for record in bundle_records(resource, where, validate):
                    if _partition(record.patient, passes) == part:
                        yield record.patient, True
                        yield from ((record.patient, e) for e in record.entries)
                        yield from ((record.patient, None) for _ in range(record.skipped))
                        yield from ((record.patient, i) for i in record.issues)
                continue
            if not isinstance(resource, dict):
                raise InputError(f"{where}: a line must hold one JSON object (a FHIR resource)")
            key = fhir.patient_key(resource)
            if key is None:
                if part == 0 and resource.get("resourceType") in fhir.READ_TYPES:
                    yield ORPHAN, Issue(f"{resource.get('resourceType')}/{resource.get('id', '?')} ({where})",
                                        "no subject: whose record it is cannot be told, not read")
                continue
            if _partition(key, passes) != part:
                continue
            _maybe_validate(resource, where, validate, validated)
            yield key, True
            for entry in fhir.entries(resource, where):
                yield key, entry


def _csv_rows(path: Path, part: int, passes: int, tick) -> Iterator[tuple[str, Entry | Issue | None]]:
    """(patient, entry) for the rows of this partition; a row with a value is a measurement."""
    with open_text(path) as handle:
        reader = csv.reader(handle, delimiter=csv_delimiter(path))
        header = csv_header(next(reader, []), path)
        index = {name: header.index(name) for name in header}
        for number, row in enumerate(reader, start=2):
            tick(sum(len(cell) + 1 for cell in row))
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise InputError(f"{path}:{number}: expected {len(header)} fields, got {len(row)}")
            field = {name: row[i].strip() for name, i in index.items()}
            key = field["patient"]
            if not key:
                raise InputError(f"{path}:{number}: empty patient")
            if _partition(key, passes) != part:
                continue
            problem = fhir.coding_problem(field["system"], field["code"]) if field["code"] else None
            if problem:
                yield key, Issue(f"{path}:{number}", problem)
            yield key, csv_entry(field, f"{path}:{number}")


def csv_delimiter(path: Path | str) -> str:
    return "\t" if ".tsv" in Path(path).suffixes else ","


def csv_header(cells: list[str], path: Path | str) -> list[str]:
    """The CSV's column names, lower-cased; InputError naming the file if a required one is missing."""
    header = [h.strip().lower() for h in cells]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise InputError(f"{path}:1: missing column(s) {', '.join(missing)} "
                         f"(expected {', '.join(CSV_COLUMNS)}[, kind, status])")
    return header


def csv_entry(field: dict[str, str], where: str) -> Entry | None:
    iri = code_iri(field["system"], field["code"])
    if iri is None:
        return None
    raw = field["value"]
    kind = field.get("kind") or ("observation" if raw or field["unit"] else "condition")
    value = None
    if raw:
        try:
            value = float(raw)
        except ValueError:
            pass
    status = field.get("status", "").lower()
    if status in fhir.DROPPED_STATUSES:
        return None
    return Entry(kind, (iri,), where, field["date"], value, field["unit"] or None,
                 "resolved" if status in fhir.PAST_STATUSES else status, raw if raw and value is None else None)


def _add(record: PatientRecord, entries: Iterable[Entry | Issue | None]) -> None:
    for entry in entries:
        if entry is None:
            record.skipped += 1
        elif isinstance(entry, Issue):
            record.issues.append(entry)
        else:
            record.entries.append(entry)


def _maybe_validate(resource: dict, where: str, mode: str, validated: set[str]) -> None:
    kind = resource.get("resourceType", "")
    if mode == "all" or (mode == "first" and kind not in validated):
        validated.add(kind)
        fhir.validate(resource, where)


def _quick_key(line: str) -> str | None:
    """The patient of an NDJSON line without parsing it (None when the regex is not sure)."""
    if _PATIENT_ID.search(line):
        return None
    match = _SUBJECT.search(line)
    return fhir.reference_id(match.group(1)) if match else None


def _partition(key: str, passes: int) -> int:
    return zlib.crc32(key.encode("utf-8")) % passes if passes > 1 else 0


def file_kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(NDJSON_SUFFIXES):
        return "ndjson"
    if name.endswith(BUNDLE_SUFFIXES):
        return "bundle"
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    return None


def open_text(path: Path) -> io.TextIOBase:
    try:
        if path.name.lower().endswith(".gz"):
            return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
        return open(path, encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def _read_text(path: Path) -> str:
    try:
        with open_text(path) as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None


def load_json(text: str, where: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None


__all__ = ["CSV_COLUMNS", "duplicate_input", "DEFAULT_MEMORY_BYTES", "VALIDATE_MODES", "bundle_records", "csv_delimiter", "csv_entry",
           "csv_header", "file_kind", "input_files", "load_json", "open_text", "read_records"]
