"""The Spark engine: the same linking and evaluation, distributed with Apache Spark (pyspark).

Spark does what one process cannot for a health system's extract (10M patients of FHIR NDJSON):
it reads the files in parallel, shuffles resources to their patient (``groupByKey``), and runs
the embedded engine's own per-patient code on its workers, with the compiled graph broadcast
once. So the verdicts are the embedded engine's by construction; only the order differs (Spark
writes patients sorted by id, the embedded engine in input order), and the test suite checks
that both agree on every test bundle.

Where it runs: ``local[*]`` by default (Java 17 and the pyspark package: no cluster needed), or
any master given by ``--spark-master`` / ``$SPARK_MASTER`` (``spark://host:7077``, ``yarn``,
``k8s://...``); then inputs must be paths every executor can read (HDFS, S3, a shared mount) and
the workers need smr-kg installed (README, "link your patients").

Privacy: Spark writes shuffle and spill files; here they go to a private directory (mode 0700)
removed after the run, and are encrypted with a per-run key (``spark.io.encryption.enabled``),
so no readable patient data is left outside the requested output. The Spark UI is off.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from ..errors import InputError, SmrKgError
from . import fhir
from .model import Entry, Issue, PatientRecord
from .output import Writer, explain, render
from .pipeline import Options, Summary, evaluator, prepare
from .readers import bundle_records, csv_delimiter, duplicate_input, csv_entry, csv_header, file_kind, load_json, open_text


def run_spark(files: list[Path], store, options: Options, out: TextIO, master: str | None = None) -> Summary:
    """Evaluate every patient of ``files`` on Spark and write them to ``out``, sorted by patient."""
    knowledge, hierarchy = prepare(store, options)
    local_dir = tempfile.mkdtemp(prefix="smr-kg-spark-")
    os.chmod(local_dir, 0o700)
    spark = _session(master or os.environ.get("SPARK_MASTER") or "local[*]", local_dir)
    try:
        sc = spark.sparkContext
        shared = sc.broadcast((knowledge, hierarchy, options))
        records = _records(sc, files, options.validate, options.merge_duplicates)
        results = records.mapPartitions(lambda part: _evaluate(part, shared.value)).sortByKey()
        return _write(results.toLocalIterator(), knowledge, options, out)
    except SmrKgError:
        raise
    except Exception as exc:  # Py4J / Spark errors: report the cause in one line
        raise SmrKgError(f"Spark failed: {_root_cause(exc)}", exit_code=2) from None
    finally:
        spark.stop()
        shutil.rmtree(local_dir, ignore_errors=True)


def _session(master: str, local_dir: str):
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pyspark warns about the pandas version it does not use here
            from pyspark.sql import SparkSession
    except ImportError:
        raise SmrKgError("--engine spark needs pyspark: pip install 'smr-kg[spark]' (and Java 17)", exit_code=2) from None
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName("smr-kg patients")
    if master.startswith("local"):  # in local mode nothing listens beyond the loopback interface
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    try:
        spark = (builder
                 .config("spark.ui.enabled", "false")
                 .config("spark.ui.showConsoleProgress", "false")
                 .config("spark.local.dir", local_dir)
                 .config("spark.io.encryption.enabled", "true")
                 .config("spark.driver.memory", os.environ.get("SMR_KG_SPARK_DRIVER_MEMORY", "2g"))
                 .config("spark.python.worker.reuse", "true")
                 .getOrCreate())
    except Exception as exc:
        raise SmrKgError(f"cannot start Spark ({master}): {_root_cause(exc)}", exit_code=2) from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _records(sc, files: list[Path], validate: str, merge: bool = False):
    """An RDD of PatientRecord: Bundles as they are; NDJSON lines and CSV rows grouped by patient,
    each entry keeping its input position so the grouped entries are in input order. As on the
    embedded engine, a patient id found in two inputs (CSV files, NDJSON directories) is refused
    naming both, unless ``merge``."""
    bundles = [str(f) for f in files if file_kind(f) == "bundle"]
    parts = []
    if bundles:
        names = {Path(b).resolve().as_uri(): b for b in bundles}  # report paths as the user gave them
        parts.append(sc.wholeTextFiles(",".join(bundles))
                     .flatMap(lambda item: _bundle(item, validate, names)))
    pairs = []
    for index, path in enumerate(files):
        kind = file_kind(path)
        if kind == "ndjson":
            pairs.append(sc.textFile(str(path)).zipWithIndex()
                         .flatMap(lambda item, i=index, p=str(path): _ndjson_line(item, i, p, validate)))
        elif kind == "csv":
            header = csv_header(next(csv.reader([_first_line(path)], delimiter=csv_delimiter(path)), []), path)
            pairs.append(sc.textFile(str(path)).zipWithIndex()
                         .flatMap(lambda item, i=index, p=str(path), h=header: _csv_line(item, i, p, h)))
    if pairs:
        inputs = [str(f.parent) if file_kind(f) == "ndjson" else str(f) for f in files]
        grouped = sc.union(pairs).groupByKey().map(lambda group: _record(group, inputs, merge))
        parts.append(grouped)
    if not parts:
        raise InputError("no input files")
    return parts[0] if len(parts) == 1 else sc.union(parts)


def _bundle(item: tuple[str, str], validate: str, names: dict[str, str]) -> Iterator[PatientRecord]:
    uri, text = item
    path = names.get(uri) or names.get(uri.replace("file:/", "file:///", 1)) or uri
    yield from bundle_records(load_json(text, path), path, validate)


def _ndjson_line(item: tuple[str, int], index: int, path: str, validate: str):
    line, number = item
    if not line.strip():
        return
    where = f"{path}:{number + 1}"
    try:
        resource = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not JSON ({exc.msg})") from None
    if isinstance(resource, dict) and resource.get("resourceType") == "Bundle":
        for record in bundle_records(resource, where, validate):
            yield record.patient, ((index, number, -1), True)
            items: list[Entry | Issue | None] = [*record.entries, *[None] * record.skipped, *record.issues]
            for sub, entry in enumerate(items):
                yield record.patient, ((index, number, sub), entry)
        return
    key = fhir.patient_key(resource) if isinstance(resource, dict) else None
    if key is None:
        return
    if validate == "all" or (validate == "first" and number < 1):
        fhir.validate(resource, where)
    yield key, ((index, number, -1), True)
    for sub, entry in enumerate(fhir.entries(resource, where)):
        yield key, ((index, number, sub), entry)


def _csv_line(item: tuple[str, int], index: int, path: str, header: list[str]):
    """One CSV row (line-based: a quoted field must not span lines on this engine)."""
    line, number = item
    if number == 0 or not line.strip():
        return
    row = next(csv.reader([line], delimiter=csv_delimiter(path)))
    if len(row) != len(header):
        raise InputError(f"{path}:{number + 1}: expected {len(header)} fields, got {len(row)}")
    field = dict(zip(header, (c.strip() for c in row)))
    problem = fhir.coding_problem(field["system"], field["code"]) if field["code"] else None
    if problem:
        yield field["patient"], ((index, number, 1), Issue(f"{path}:{number + 1}", problem))
    yield field["patient"], ((index, number, 0), csv_entry(field, f"{path}:{number + 1}"))


def _first_line(path: Path) -> str:
    with open_text(path) as handle:
        return handle.readline()


def _record(group: tuple[str, Iterable[tuple[tuple[int, int, int], object]]], inputs: list[str] | None = None,
            merge: bool = True) -> PatientRecord:
    patient, items = group
    if inputs is not None and not merge:
        items = list(items)
        seen = sorted({inputs[position[0]] for position, _ in items})
        if len(seen) > 1:
            duplicate_input(seen[0], seen[1], merge)  # the embedded engine's refusal, word for word
    record = PatientRecord(patient)
    for _, entry in sorted(items, key=lambda item: item[0]):
        if entry is None:
            record.skipped += 1
        elif isinstance(entry, Entry):
            record.entries.append(entry)
        elif isinstance(entry, Issue):
            record.issues.append(entry)
    return record


def _evaluate(records: Iterator[PatientRecord], shared) -> Iterator[tuple[str, tuple]]:
    """On a worker: the embedded engine's evaluation and rendering, one partition at a time."""
    knowledge, hierarchy, options = shared
    ev = evaluator(knowledge, hierarchy, options)
    for record in records:
        if options.explain is not None and record.patient != options.explain:
            continue
        result = ev.evaluate(record)
        text = explain(result, knowledge) if options.explain is not None else render(options.fmt, result, knowledge)
        problem = None
        if result.rejected:
            r = result.rejected[0]
            problem = f"patient {result.patient}: {r['source']} {r['field']} ({r['observable']}): {r['problem']}"
        yield record.patient, (text, bool(result.causes), len(result.rejected), result.unlinked, problem)


def _write(results, knowledge, options: Options, out: TextIO) -> Summary:
    summary = Summary()
    writer = Writer(options.fmt, out, knowledge)
    if options.explain is None:
        writer.begin()
    for _, (text, with_cause, rejected, unlinked, problem) in results:
        if options.strict and problem:
            raise InputError(problem)
        summary.patients += 1
        summary.with_cause += with_cause
        summary.rejected += rejected
        summary.unlinked += unlinked
        if options.explain is None:
            writer.write_rendered(text)
        else:
            out.write(text)
    if options.explain is not None and summary.patients == 0:
        raise SmrKgError(f"no patient {options.explain!r} in the input", exit_code=1)
    if options.explain is None:
        writer.end()
    return summary


def _root_cause(exc: BaseException) -> str:
    """The first useful line of a Spark/Py4J error (a Python error raised on a worker included)."""
    text = str(exc)
    for marker in ("smr_kg.errors.InputError: ", "InputError: ", "Exception: "):
        if marker in text:
            return text.split(marker, 1)[1].splitlines()[0][:300]
    return (text.strip().splitlines() or [type(exc).__name__])[0][:300]


__all__ = ["run_spark"]
