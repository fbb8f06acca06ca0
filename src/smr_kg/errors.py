"""Errors a user can act on.

Every failure the CLI reports is a :class:`SmrKgError` carrying the exit code it maps to, so
commands never leak a traceback and scripts can tell bad input (2) from a failed check (1).
"""

from __future__ import annotations


class SmrKgError(Exception):
    """A failure with a message meant for the user and the exit code the CLI returns."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class InputError(SmrKgError):
    """Unreadable or malformed input (a file, a parameter): exit code 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)


class ReasonerError(SmrKgError):
    """The ontology is inconsistent or has unsatisfiable classes, or HermiT cannot run.

    ``unsatisfiable`` (class IRIs) and ``inconsistent`` say which, so the build can name the
    user's file that caused it.
    """

    def __init__(self, message: str, unsatisfiable: tuple[str, ...] = (), inconsistent: bool = False) -> None:
        super().__init__(message)
        self.unsatisfiable = unsatisfiable
        self.inconsistent = inconsistent
