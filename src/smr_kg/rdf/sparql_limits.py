"""Bound a query's size before any engine sees it: nesting depth, UNION branches, length.

Why: pyoxigraph parses SPARQL recursively and crashes the whole process (a segmentation fault,
no message) on a 10,000-branch ``UNION`` or ``{ }`` nested 5,000 deep, and rdflib's parser hits
Python's recursion limit much earlier. A crash is never an acceptable answer to bad input, so a
query over these limits is refused with exit code 2 (400 on ``serve``) and a reason naming the
limit and the option that raises it. The scan is lexical - strings, IRIs and comments are
blanked first (the network guard's lexer) - so it costs a regular expression, not a parse.

The defaults leave a wide margin below the crash (depth 128 vs the ~5,000 that crashes; 1,000
branches vs ~10,000) and far above what the named queries use (depth <= 12, no UNION over 10).
"""

from __future__ import annotations

import re

from ..errors import BAD_INPUT, SmrKgError
from .sparql_guard import _LEXEMES

_UNION = re.compile(r"(?i)(?<![\w:?$])UNION(?![\w:])")
_BRACKETS = re.compile(r"[{}()\[\]]")
_OPEN = frozenset("{([")


class Limits:
    """The largest query smr-kg hands to an engine: ``depth``, the deepest nesting of ``{ }``,
    ``( )`` and ``[ ]`` together; ``branches``, the most branches joined by ``UNION`` (the keywords
    plus one); ``length``, the most characters. A plain class, not a dataclass: every query
    imports this module, and ``smr-kg lookup`` starts without importing dataclasses."""

    __slots__ = ("depth", "branches", "length")

    def __init__(self, depth: int = 128, branches: int = 1000, length: int = 1_000_000) -> None:
        self.depth, self.branches, self.length = depth, branches, length


DEFAULT_LIMITS = Limits()

CEILINGS = Limits(depth=1000, branches=5000, length=10_000_000)
"""How far a user may raise each limit: measured safe (pyoxigraph parsed 2,000-deep nesting and
5,000 branches, and crashed at 5,000 and 10,000), so no option value lets a query crash it."""

OPTIONS = {"depth": "--max-query-depth", "branches": "--max-query-branches", "length": "--max-query-length"}
"""The command-line option that raises each limit (``smr-kg query`` and ``smr-kg serve``)."""


class QueryTooLarge(SmrKgError):
    """A query over one of the :class:`Limits` (exit code 2)."""

    def __init__(self, what: str, found: int, limit: int, option: str) -> None:
        super().__init__(f"the query is too large to run safely: {what} {found} exceeds the limit of {limit} "
                         f"(raise it with {option} N)", exit_code=BAD_INPUT)


def check_size(query: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise :class:`QueryTooLarge` if ``query`` exceeds ``limits``."""
    if len(query) > limits.length:
        raise QueryTooLarge("its length in characters", len(query), limits.length, OPTIONS["length"])
    text = _LEXEMES.sub(" ", query)
    unions = len(_UNION.findall(text))
    branches = unions + 1 if unions else 0
    if branches > limits.branches:
        raise QueryTooLarge("the number of UNION branches", branches, limits.branches, OPTIONS["branches"])
    depth = deepest = 0
    for bracket in _BRACKETS.findall(text):
        depth = depth + 1 if bracket in _OPEN else max(depth - 1, 0)
        deepest = max(deepest, depth)
    if deepest > limits.depth:
        raise QueryTooLarge("the nesting depth of { }, ( ) and [ ]", deepest, limits.depth, OPTIONS["depth"])


__all__ = ["CEILINGS", "DEFAULT_LIMITS", "Limits", "OPTIONS", "QueryTooLarge", "check_size"]
