"""``smr-kg mappings``: the vocabulary mapping set, the concepts without a code, and SNOMED CT expressions."""

from __future__ import annotations

import argparse
import json
import sys

from ._store import add_endpoint_options

FORMATS = ("sssom-tsv", "sssom-json", "tsv", "json", "sssom")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "mappings",
        help="print the SSSOM mapping set, list unmapped concepts, or SNOMED CT expressions",
        description="Print the links from smr-kg concepts to SNOMED CT, ICD-10-CM, MeSH, UMLS, MONDO, "
        "DOID and LOINC (ontology/mappings/smr.sssom.tsv, the source of truth).",
    )
    p.add_argument("--format", "-f", choices=FORMATS, default="sssom-tsv",
                   help="sssom-tsv (default; `sssom` is an alias): the SSSOM/TSV file with its metadata "
                   "block; sssom-json: SSSOM-JSON, written by the sssom package; tsv: the table only, for "
                   "spreadsheets; json: smr-kg's plain JSON (metadata and rows)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--unmapped", action="store_true",
                      help="list concepts of the built graph with no exact or close match, with their "
                      "broader/narrower links and the curators' notes")
    what.add_argument("--expressions", action="store_true",
                      help="SNOMED CT compositional grammar expressions for each cause -> SMR link")
    what.add_argument("--validate", action="store_true",
                      help="validate the mapping set with the sssom package (slow to import: ~1.6 s)")
    add_endpoint_options(p)
    p.add_argument("--vocabulary", metavar="PREFIX", default=None,
                   help="with --unmapped: only concepts without an exact/close match in this vocabulary "
                   "(SNOMEDCT, ICD10CM, MESH, UMLS, MONDO, DOID, LOINC)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..stages.mappings import default_mapping_file, metadata, read_mappings, split_sssom

    path = default_mapping_file()
    if args.vocabulary and not args.unmapped:
        raise InputError("--vocabulary only applies to --unmapped")
    if (args.endpoint or args.endpoint_graph) and not (args.unmapped or args.expressions):
        raise InputError("--endpoint applies to --unmapped and --expressions (the mapping set itself is a file)")
    if args.validate:
        return _validate(path)
    rows = read_mappings(path)
    if args.unmapped:
        return _unmapped(rows, args)
    if args.expressions:
        return _expressions(rows, args)
    if args.format == "json":
        print(json.dumps({"metadata": metadata(path), "mappings": [m.as_dict() for m in rows]}, indent=2, ensure_ascii=False))
    elif args.format == "sssom-json":
        from ..exports.sssom_io import sssom_json

        sys.stdout.write(sssom_json(path))
    elif args.format in ("sssom-tsv", "sssom"):
        sys.stdout.write(path.read_text(encoding="utf-8"))  # the file as published, metadata block included
    else:
        _, table = split_sssom(path)
        sys.stdout.write("\n".join(t for t in table if t.strip()) + "\n")
    return 0


def _validate(path) -> int:
    from ..exports.sssom_io import validate_with_sssom

    problems = validate_with_sssom(path)
    if problems:
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        print(f"{path}: {len(problems)} problem(s) found by the sssom package", file=sys.stderr)
        return 1
    print(f"{path}: valid SSSOM (sssom package: JSON schema, prefix map, CURIE format)")
    return 0


def _unmapped(rows, args) -> int:
    from ..knowledge.unmapped import unmapped
    from ..rdf.prefixmap import VOCABULARIES, compress
    from ._store import open_from_args

    found = unmapped(open_from_args(args), args.vocabulary, rows)
    if args.format == "json":
        print(json.dumps([u.as_dict() for u in found], indent=2, ensure_ascii=False))
        return 0
    scope = f"in {VOCABULARIES[args.vocabulary]}" if args.vocabulary else "in any linked vocabulary"
    print(f"{len(found)} concepts have no exact or close match {scope}:")
    for u in found:
        partial = ", ".join(f"{p.split(':')[1]} {o}" for p, o in u.partial)
        print(f"  {u.kind:<20} {u.label}  [{compress(u.iri)}]" + (f"  (only: {partial})" if partial else ""))
        for note in u.notes:
            print(f"  {'':<20}   note: {note}")
    return 0


def _expressions(rows, args) -> int:
    from ..knowledge.snomed import cause_expressions
    from ._store import open_from_args

    found = cause_expressions(open_from_args(args), mappings=rows)
    if args.format == "json":
        print(json.dumps([e.as_dict() for e in found], indent=2, ensure_ascii=False))
        return 0
    for e in found:
        print(f"{e.value.subject_label}\t{e.text}" + (f"\t({'; '.join(e.flags)})" if e.flags else ""))
    return 0
