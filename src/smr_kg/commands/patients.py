"""``smr-kg patients INPUT...``: link coded patient records to the graph and evaluate the
guideline criteria per patient (embedded, or on Apache Spark with ``--engine spark``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._options import add_format, add_output

FORMATS = ("csv", "tsv", "json", "ttl")
SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".ttl": "ttl"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "patients",
        help="link patient records (FHIR Bundles/NDJSON, CSV) to the graph; causes, chains, criteria per patient",
        description="Read FHIR R4 Bundles (one per patient), FHIR NDJSON (Bulk Data) or a flat CSV "
        "(patient, system, code, value, unit, date); link every code to the graph's concepts, exactly "
        "or through a more specific code; report per patient the causes of secondary MR present, the "
        "mechanism chains they act through, the atrial/ventricular pattern, and for every current "
        "guideline recommendation with criteria each criterion met / not met / unknown, with the "
        "recommendation's class, level and source. Nothing identifying is written except to the output.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or directories (.json, .ndjson, .jsonl, .csv, .tsv; .gz too)")
    add_format(p, FORMATS, "csv", "output format (ttl is RDF that joins the graph)")
    add_output(p)
    p.add_argument("--explain", metavar="PATIENT", default=None, help="explain one patient with numbered sources, as `answer` does")
    p.add_argument("--contested", action="store_true", help="also follow held-out claims (contested, hypothesis, unsupported), flagged")
    p.add_argument("--all-recommendations", action="store_true", help="also evaluate superseded recommendations")
    p.add_argument("--snomed-hierarchy", type=Path, metavar="RF2", default=None,
                   help="your SNOMED CT relationship snapshot (sct2_Relationship_Snapshot_*.txt): any descendant code links")
    p.add_argument("--validate", choices=("first", "all", "none"), default="first",
                   help="FHIR validation with fhir.resources: the first resource of each type per file (default), all, or none")
    p.add_argument("--memory", type=int, default=256, metavar="MB",
                   help="NDJSON/CSV input grouped per pass (default 256 MB; peak memory is about 1.6x that plus 110 MB): more input means more passes, not more memory")
    p.add_argument("--guideline", action="append", default=[], metavar="CURIE",
                   help="only the recommendations of this guideline (repeatable; e.g. smr:ESC2025VHDGuideline; "
                        "`smr-kg query recommendations` lists them); default: every guideline, side by side")
    p.add_argument("--merge-duplicates", action="store_true",
                   help="merge a patient id found in two inputs (by default that is an error, exit 2, naming both inputs); "
                        "Bundles are then held in memory until the end")
    p.add_argument("--report", type=Path, metavar="FILE", default=None,
                   help="write every input issue (unknown code system, bad SCTID check digit, non-numeric value, "
                        "resource without subject or of no FHIR type) as JSON lines with its patient; a new file only")
    p.add_argument("--strict", action="store_true", help="stop at the first impossible value (exit 2), naming patient and field")
    p.add_argument("--engine", choices=("embedded", "spark"), default="embedded", help="embedded (default) or Apache Spark")
    p.add_argument("--spark-master", default=None, metavar="URL",
                   help="Spark master (default: $SPARK_MASTER or local[*]); e.g. spark://host:7077 or yarn")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no closing summary on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..patients.pipeline import Options, report, run_embedded
    from ..patients.readers import input_files
    from ..store import open_store
    from ._options import open_output, output_format

    if args.memory < 1:
        raise InputError(f"--memory must be at least 1 MB (got {args.memory})")
    if args.report is not None and args.report.exists():
        raise InputError(f"{args.report}: already exists; --report writes a new file only")
    files = input_files(args.inputs)
    store = open_store()
    guidelines = tuple(_guideline(store, g) for g in args.guideline)
    output = open_output(args, files)
    options = Options(fmt=output_format(args, output, SUFFIXES), explain=args.explain, held_out=args.contested,
                      superseded=args.all_recommendations, validate=args.validate,
                      memory_bytes=args.memory << 20, snomed_hierarchy=args.snomed_hierarchy, strict=args.strict,
                      merge_duplicates=args.merge_duplicates, report=args.report,
                      guidelines=guidelines)
    with output.stream() as out, _progress(files, args.quiet) as tick:
        if args.engine == "spark":
            from ..patients.spark import run_spark

            summary = run_spark(files, store, options, out, master=args.spark_master)
        else:
            summary = run_embedded(files, store, options, out, tick)
    if not args.quiet:
        report(summary)
    return 0


def _guideline(store, text: str) -> str:
    """The IRI of a guideline of the graph named by CURIE or IRI; an unknown one is bad input."""
    from ..errors import InputError
    from ..rdf.prefixes import expand

    try:
        iri = str(expand(text.strip().strip("<>"))) if not text.startswith(("http://", "https://")) else text
    except Exception:
        raise InputError(f"--guideline {text!r}: not a CURIE or IRI") from None
    known = sorted(str(row[0]) for row in store.select(
        "SELECT ?g WHERE { ?g a <https://w3id.org/smr-kg/Guideline> }").rows)
    if iri not in known:
        names = ", ".join(k.replace("https://w3id.org/smr-kg/", "smr:") for k in known)
        raise InputError(f"--guideline {text}: not a guideline of the graph (known: {names})")
    return iri


def _progress(files: list[Path], quiet: bool):
    """A tqdm bar over input bytes on stderr (only on a terminal); yields its update function."""
    import contextlib

    @contextlib.contextmanager
    def bar():
        if quiet:
            yield None
            return
        from tqdm import tqdm

        with tqdm(total=sum(f.stat().st_size for f in files), unit="B", unit_scale=True,
                  desc="patients", disable=None, leave=False) as progress:
            yield progress.update

    return bar()
