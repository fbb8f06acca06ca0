"""Put a build's triples into pyoxigraph: in memory for the SHACL gate, on disk for ``dist/store``.

Both stores load the same N-Triples (with the canonical blank-node labels of
:class:`smr_kg.rdf.canonical.Canonical`, so the store and ``dist/smr-kg.ttl`` name them alike).
Why text: pyoxigraph parses it in Rust, where making a Python ``Quad`` from rdflib terms cost
more than writing the line. Why in pieces of :data:`CHUNK` triples: pyoxigraph's bulk loader sorts a whole
batch in memory (one 1M-triple batch took 850 MB above the data), and the lines of a piece are
joined and dropped one piece at a time. Why a second store in memory: the shapes' queries run
~2.5x faster there than in a freshly written on-disk store, more than the load costs; the build
drops it before it writes the disk one, so the two never coexist.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from pathlib import Path

from . import OxigraphStore

CHUNK = 200_000
"""Triples per piece of N-Triples (and per batch of the bulk loader)."""


def ntriples_pieces(lines: Iterable[str]) -> list[bytes]:
    """``lines`` (of N-Triples) as UTF-8 pieces of :data:`CHUNK` lines each."""
    lines = iter(lines)
    pieces = []
    while batch := list(islice(lines, CHUNK)):
        pieces.append("".join(batch).encode("utf-8"))
    return pieces


def memory_store(pieces: Iterable[bytes]) -> OxigraphStore:
    """An in-memory store holding the triples of the N-Triples ``pieces``."""
    import pyoxigraph as ox

    store = ox.Store()
    _load(store, pieces)
    return OxigraphStore(store)


def write_store(pieces: Iterable[bytes], directory: Path) -> None:
    """Create the on-disk store at ``directory`` holding the triples of the N-Triples ``pieces``."""
    import pyoxigraph as ox

    store = ox.Store(str(directory))
    _load(store, pieces)
    store.flush()
    del store


def _load(store, pieces: Iterable[bytes]) -> None:
    """Parsed apart from the store (N-Triples lines are N-Quads lines): a store's own loader gives
    every load fresh blank nodes, which would split a blank node used in two pieces, and would
    lose the canonical labels."""
    import pyoxigraph as ox

    for piece in pieces:
        store.bulk_extend(ox.parse(piece, format=ox.RdfFormat.N_QUADS))


__all__ = ["CHUNK", "memory_store", "ntriples_pieces", "write_store"]
