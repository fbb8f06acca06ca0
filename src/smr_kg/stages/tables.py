"""Every kind of curated table, recognised by its header and compiled in a fixed order.

A curator adds a claim, a seed excerpt, a guideline recommendation (and, as the kinds grow, a
criterion or a trial result) as one row of a ``.tsv`` file in ``ontology/`` or given with
``--input``. Which kind a table is follows from its header, not its name, so users may name their
files as they like.
Kinds are compiled in the order of :data:`KINDS`: a later kind may refer to what an earlier one
declared (a claim to a seed excerpt's key, a trial result to a claim), and every kind sees all
the RDF read with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ..errors import InputError
from ..rdf.triples import TripleSet
from . import claims, recommendations, trials
from .rows import Row, is_table, read_table


@dataclass(frozen=True)
class Kind:
    """One kind of table: the columns that identify it, all it may have, and its compiler."""

    name: str
    required: tuple[str, ...]
    columns: tuple[str, ...]
    compile: Callable[["Tables", list[Row]], TripleSet]


@dataclass
class Tables:
    """What the compilers of one build share: the RDF read so far and the seed excerpts' keys."""

    graph: Graph | TripleSet
    excerpts: dict[str, str]


def _excerpts(tables: Tables, rows: list[Row]) -> TripleSet:
    claims.read_excerpts(rows, tables.excerpts)
    return TripleSet()


KINDS: tuple[Kind, ...] = (
    Kind("seed-excerpt", claims.EXCERPT_COLUMNS, claims.EXCERPT_COLUMNS + ("section", "seed_ref"), _excerpts),
    Kind("claims", claims.REQUIRED, claims.COLUMNS,
         lambda tables, rows: claims.compile_claims(tables.graph, rows, tables.excerpts)),
    Kind("recommendations", recommendations.REQUIRED, recommendations.COLUMNS,
         lambda tables, rows: recommendations.compile_recommendations(tables.graph, rows)),
    Kind("trial-results", trials.REQUIRED, trials.COLUMNS,
         lambda tables, rows: trials.compile_results(tables.graph, rows)),
)
"""The kinds in compile order; a header is of the first kind whose required columns it has."""


def compile_tables(graph: Graph | TripleSet, paths: Iterable[Path]) -> TripleSet:
    """The records of the tables in ``paths`` as RDF, checked against ``graph`` (the RDF they
    refer to: classes, relations, sources); nothing is returned unless every row is good."""
    rows: dict[str, list[Row]] = {kind.name: [] for kind in KINDS}
    for path in paths:
        header, table = read_table(Path(path))
        kind = next((k for k in KINDS if set(k.required) <= set(header)), None)
        if kind is None:
            expected = "; ".join(f"{k.name}: {', '.join(k.required)}" for k in KINDS)
            raise InputError(f"{path}:1: not a claims table nor any other table smr-kg knows "
                             f"(the columns each kind needs: {expected})")
        unknown = [c for c in header if c not in kind.columns]
        if unknown:
            raise InputError(f"{path}:1: unknown column {unknown[0]!r} for a {kind.name} table "
                             f"(columns: {', '.join(kind.columns)})")
        rows[kind.name].extend(table)
    tables = Tables(graph, {})
    out = TripleSet()
    for index, kind in enumerate(KINDS):
        if rows[kind.name]:
            compiled = kind.compile(tables, rows[kind.name])
            out += compiled
            # Copy the graph only for a later kind that will read it (a 50,000-row claims table
            # with no trial results after it costs nothing more).
            if len(compiled) and any(rows[later.name] for later in KINDS[index + 1:]):
                tables.graph = TripleSet([*tables.graph, *compiled])
    return out


__all__ = ["KINDS", "Kind", "Tables", "compile_tables", "is_table"]
