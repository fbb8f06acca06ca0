"""The ``smr-kg`` command line: a thin layer that parses arguments and calls library functions.

Each command lives in :mod:`smr_kg.commands` and registers its own sub-parser; heavy libraries
are imported inside the handlers, so ``smr-kg --help`` and simple queries start fast. Every
:class:`~smr_kg.errors.SmrKgError` becomes a one-line message and its exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import __version__
from .commands import COMMAND_MODULES
from .errors import SmrKgError
from .paths import ENVIRONMENT


def epilog() -> str:
    """Where builds go and every environment variable, so `--help` is the whole interface."""
    import textwrap

    width = max(len(name) for name in ENVIRONMENT)
    lines = [f"  {name.ljust(width)}  {what}" for name, what in ENVIRONMENT.items()]
    where = textwrap.fill(
        "Builds go to dist/ of a source checkout, or to the per-user data directory when smr-kg is "
        "installed from a wheel (Linux: ~/.local/share/smr-kg/dist); `smr-kg build --dist DIR` or "
        "SMR_KG_DIST choose another.", width=100,
    )
    return where + "\n\nenvironment variables:\n" + "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="smr-kg",
        description="An evidence-linked knowledge graph of secondary (functional) mitral regurgitation.",
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"smr-kg {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except SmrKgError as exc:
        print(f"smr-kg: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("smr-kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug, not bad input: say so in one line unless debugging
        if os.environ.get("SMR_KG_DEBUG"):
            raise
        print(
            f"smr-kg: internal error: {type(exc).__name__}: {exc} "
            "(set SMR_KG_DEBUG=1 for the traceback and please report it)",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    sys.exit(main())
