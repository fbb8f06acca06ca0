"""``smr-kg lookup TERM``: the concept card of a code (SNOMED CT, ICD-10-CM, MeSH, ...), IRI or label."""

from __future__ import annotations

import argparse
import json

from ._store import add_endpoint_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "lookup",
        help="show what the graph says about a concept, found by code, IRI or label",
        description="TERM is a CURIE of a linked vocabulary (SNOMEDCT:49436004, ICD10CM:I34.0, "
        "MESH:D008944, UMLS:..., MONDO:..., DOID:..., LOINC:...), an IRI, an smr CURIE or a label. "
        "A code that no mapping mentions is reported as not linked (exit 1).",
    )
    p.add_argument("term", metavar="TERM", help="a code, IRI or label, e.g. SNOMEDCT:49436004 or \"atrial fibrillation\"")
    p.add_argument("--include-contested", action="store_true",
                   help="also list held-out claims (contested, hypothesis, unsupported), flagged as such")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text", help="output format (default: text)")
    add_endpoint_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..knowledge.lookup import card_json, find, lookup, render_text
    from ..knowledge.facts import GraphFacts
    from ..sparql.resolve import check_length
    from ._store import open_from_args

    check_length(args.term)
    store = open_from_args(args)
    found = find(store, args.term)  # an unknown term fails here, before the graph's facts are read
    facts = GraphFacts.read(store)  # once, for the cards and their rendering
    cards = lookup(store, args.term, held_out=args.include_contested, facts=facts, found=found)
    if args.format == "json":
        print(json.dumps([card_json(c, facts) for c in cards], indent=2, ensure_ascii=False))
    else:
        print(render_text(cards, facts), end="")
    return 0
