"""What ``ancestors``, ``descendants`` and ``search`` share: their options and their output."""

from __future__ import annotations

import argparse

from ._store import add_endpoint_options


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
