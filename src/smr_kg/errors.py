"""Errors a user can act on, and the one-line form every message takes on a terminal.

Every failure the CLI reports is a :class:`SmrKgError` carrying the exit code it maps to, so
commands never leak a traceback and scripts can tell a failed check (1) from bad input or an
environment that cannot run the command (2). Exit 70 is reserved for bugs (see :mod:`smr_kg.cli`).

Messages often echo what the user typed (a term, a file name, a query name); :func:`printable`
makes any such text safe to print: one line, no control or ANSI escape characters, bounded length.
"""

from __future__ import annotations

import sys

FAILED = 1
"""Exit code: a check failed, or a term, code or query name is unknown."""
BAD_INPUT = 2
"""Exit code: bad input (syntax, an unusable path or option) or the command cannot run here."""
BUG = 70
"""Exit code (EX_SOFTWARE): an internal error, i.e. a bug to report."""

MAX_ECHO = 120
"""Characters of user-supplied text echoed in a message before it is shortened."""


class SmrKgError(Exception):
    """A failure with a message meant for the user and the exit code the CLI returns."""

    def __init__(self, message: str, exit_code: int = FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class InputError(SmrKgError):
    """Unreadable or malformed input (a file, a parameter, an output path): exit code 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=BAD_INPUT)


class ReasonerError(SmrKgError):
    """The ontology is inconsistent or has unsatisfiable classes, or HermiT cannot run."""


def printable(text: str, limit: int | None = None) -> str:
    """``text`` as one safe terminal line: control characters (ANSI escapes, newlines, NUL, DEL,
    C1) become visible ``\\x..`` escapes, and with ``limit`` the text is cut with an ellipsis.

    Why: an escape sequence in a term would otherwise be interpreted by the user's terminal, and
    a newline would break the one-line contract of error messages."""
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"… ({len(text)} characters)"
    return "".join(ch if ch.isprintable() or ch == " " else _escape(ch) for ch in text)


def quoted(text: str, limit: int = MAX_ECHO) -> str:
    """User text in double quotes for a message: escaped, printable and at most ``limit`` long."""
    inner = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + printable(inner, limit) + '"'


def warn(message: str) -> None:
    """One ``smr-kg: warning: ...`` line on stderr (never fails: a closed stderr is ignored)."""
    try:
        print(f"smr-kg: warning: {printable(message)}", file=sys.stderr)
    except (OSError, ValueError):
        pass


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
