"""``smr-kg ancestors TERM``: the named classes above a term of the graph, as OAK's ``ancestors``
(the command itself is :func:`._hierarchy.register_direction`)."""

from __future__ import annotations

import argparse

from ._hierarchy import run_direction as run


def register(sub: argparse._SubParsersAction) -> None:
    from ._hierarchy import register_direction

    register_direction(sub, "ancestors")


__all__ = ["register", "run"]
