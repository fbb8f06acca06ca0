"""``smr-kg descendants TERM``: the named classes below a term of the graph, as OAK's ``descendants``
(the command itself is :func:`._hierarchy.register_direction`)."""

from __future__ import annotations

import argparse

from ._hierarchy import run_direction as run


def register(sub: argparse._SubParsersAction) -> None:
    from ._hierarchy import register_direction

    register_direction(sub, "descendants")


__all__ = ["register", "run"]
