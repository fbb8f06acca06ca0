"""What ``ancestors``, ``descendants`` and ``search`` share: their options, their output, and
(for the two directions of the hierarchy) the whole command."""

from __future__ import annotations

import argparse

from ._store import add_endpoint_options

DIRECTIONS = {"ancestors": ("above", "superclasses"), "descendants": ("below", "subclasses")}


def add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "tsv", "json"), default="text",
                   help="text (CURIE and label, default), tsv (with a header) or json")
    add_endpoint_options(p)


def write(rows: list, fmt: str) -> None:
    """One term per line: CURIE and label (the same columns in TSV and JSON)."""
    import json

    if fmt == "json":
        print(json.dumps([{"id": r.curie, "iri": r.iri, "label": r.label} for r in rows], indent=2, ensure_ascii=False))
        return
    if fmt == "tsv":
        print("id\tlabel")
    for r in rows:
        print(f"{r.curie}\t{r.label}" if fmt == "tsv" else f"{r.curie:45} {r.label}")


def register_direction(sub: argparse._SubParsersAction, name: str) -> None:
    """The ``ancestors`` or ``descendants`` command: the same arguments, one direction each."""
    where, kind = DIRECTIONS[name]
    p = sub.add_parser(
        name,
        help=f"the named classes {where} a term (rdfs:subClassOf of the built graph)",
        description=f"The named {kind} of TERM in the built graph (the reasoner's inferred links "
        "included), by label. TERM is a label, synonym, CURIE or IRI.",
    )
    p.add_argument("term", metavar="TERM", help='e.g. "secondary mitral regurgitation" or smr:SecondaryMitralRegurgitation')
    add_options(p)
    p.set_defaults(func=run_direction, direction=name)


def run_direction(args: argparse.Namespace) -> int:
    from ..knowledge import hierarchy
    from ._store import open_from_args

    _, rows = getattr(hierarchy, args.direction)(open_from_args(args), args.term)
    write(rows, args.format)
    return 0
