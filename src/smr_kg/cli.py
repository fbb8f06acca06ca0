"""The ``smr-kg`` command line: a thin layer that parses arguments and calls library functions.

Each command lives in :mod:`smr_kg.commands` and registers its own sub-parser; heavy libraries
are imported inside the handlers, so ``smr-kg --help`` and simple queries start fast.

The error contract (README, "Errors and exit codes") is enforced here, once for every command:
an error is exactly one line on stderr (``smr-kg: error: ...``, control characters escaped);
:class:`~smr_kg.errors.SmrKgError` carries its code (1 failed check or unknown term, 2 bad input
or cannot run); an environment failure (a full disk, a closed or unencodable stdout, out of
memory) is 2; only a bug is 70. Libraries' log records and warnings are not the user's errors and
are silenced (``SMR_KG_DEBUG=1`` shows them and the traceback of a bug).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

from . import __version__, commands
from .errors import BAD_INPUT, BUG, SmrKgError, printable
from .paths import ENVIRONMENT

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import NoReturn


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


MAX_MESSAGE = 2000
"""Characters of an error message printed before it is shortened."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (argparse's own print the whole usage block first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"smr-kg: error: {printable(message, 300)} (see `{self.prog} --help`)\n")

    _checking = False

    def add_argument(self, *args, **kwargs) -> argparse.Action:
        """argparse checks each argument's metavar with a help formatter, and a formatter reads
        the terminal's width through shutil (2 ms of a fast query); the check needs no width."""
        self._checking = True
        try:
            return super().add_argument(*args, **kwargs)
        finally:
            self._checking = False

    def _get_formatter(self) -> argparse.HelpFormatter:
        if self._checking:
            make: Callable[..., argparse.HelpFormatter] = self.formatter_class  # HelpFormatter takes width
            return make(prog=self.prog, width=80)
        return super()._get_formatter()


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or only ``command``'s part of it (what parsing its arguments needs)."""
    top = _Parser(
        prog="smr-kg",
        description="An evidence-linked knowledge graph of secondary (functional) mitral regurgitation.",
        epilog=epilog() if command is None else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"smr-kg {__version__}")
    # prog given: argparse would format it from the usage line (a formatter, so shutil), as "smr-kg"
    sub = top.add_subparsers(dest="command", metavar="COMMAND", prog=top.prog)
    for module in [commands.load(command)] if command else commands.load_all():
        module.register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    process = argv is None  # this process is the command (console script, python -m)
    argv = list(sys.argv[1:] if argv is None else argv)
    named = argv[0] if argv and argv[0] in commands.names() else None
    args = parser(named).parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help(sys.stderr)
        return BAD_INPUT
    debug = bool(os.environ.get("SMR_KG_DEBUG"))
    with warnings.catch_warnings():
        if not debug:
            _quiet_libraries()
        try:
            if process:
                _freeze_startup()
            code = int(args.func(args) or 0)
            sys.stdout.flush()  # a full disk or closed pipe on stdout is reported here, not at exit
            return code
        except SmrKgError as exc:
            return _fail(exc.message, exc.exit_code)
        except KeyboardInterrupt:
            return _fail("interrupted", 130, prefix="smr-kg: ")
        except BrokenPipeError:
            _detach_stdout()
            return 0  # the reader (e.g. `head`) has what it wanted
        except UnicodeEncodeError as exc:
            _detach_stdout()
            encoding = getattr(sys.stdout, "encoding", None) or "unknown"
            return _fail(
                f"standard output cannot show {exc.object[exc.start:exc.end]!r} in its encoding "
                f"({encoding}): set PYTHONIOENCODING=utf-8 or write to a file with -o FILE",
                BAD_INPUT,
            )
        except OSError as exc:  # the environment, not a bug: disk full, permissions, I/O errors
            if exc.filename is None:
                _detach_stdout()
                return _fail(f"cannot write to standard output: {exc.strerror or exc}", BAD_INPUT)
            return _fail(f"{exc.filename}: {exc.strerror or exc}", BAD_INPUT)
        except MemoryError:
            return _fail("out of memory (the input is too large for this machine)", BAD_INPUT)
        except Exception as exc:  # a bug, not bad input: say so in one line unless debugging
            if debug:
                raise
            return _fail(
                f"internal error: {type(exc).__name__}: {exc} "
                "(set SMR_KG_DEBUG=1 for the traceback and please report it)",
                BUG,
                prefix="smr-kg: ",
            )


def _freeze_startup() -> None:
    """Keep what startup made (modules, classes, the parser: objects that live as long as the
    process) out of the garbage collector's view: every later collection, and the last one at
    exit, would traverse them again (~4 ms CPU of a ~55 ms lookup, measured in the note of issue
    14). The command's own objects stay collectable. Only in a process that is the command: a
    caller that runs :func:`main` in its own process (the tests) keeps its garbage collectable."""
    import gc

    gc.freeze()


def _fail(message: str, code: int, prefix: str = "smr-kg: error: ") -> int:
    """Print the one line of an error (a failing stderr is ignored) and return its exit code."""
    try:
        print(prefix + printable(message, MAX_MESSAGE), file=sys.stderr)
    except (OSError, ValueError):
        pass
    return code


def _quiet_libraries() -> None:
    """Keep rdflib's, pyshacl's and owlready2's log lines and warnings off the user's stderr: the
    failures that matter reach the user as one SmrKgError line (e.g. rdflib logs "does not look
    like a valid URI" and then raises). The commands that use no such library never import
    logging (6 ms, an eighth of a fast query), so the root logger is quieted when it is loaded."""
    warnings.simplefilter("ignore")
    if "logging" in sys.modules:
        _null_root_handler(sys.modules["logging"])
    elif _QuietLogging not in sys.meta_path:
        sys.meta_path.insert(0, _QuietLogging)


def _null_root_handler(logging) -> None:
    root = logging.getLogger()
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())  # no "last resort" printing to stderr


class _QuietLogging:
    """An import hook that quiets the root logger as the logging module is first executed."""

    @staticmethod
    def find_spec(name: str, path=None, target=None):
        if name != "logging":
            return None
        import importlib.util

        sys.meta_path.remove(_QuietLogging)
        spec = importlib.util.find_spec("logging")
        if spec is None or spec.loader is None:  # never: logging is in the standard library
            return spec
        loader = spec.loader
        load = loader.exec_module

        def exec_module(module) -> None:
            load(module)
            _null_root_handler(module)

        setattr(loader, "exec_module", exec_module)  # on this loader only, not its class
        return spec


def _detach_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush of the unwritable stream cannot print
    a second error (the Python docs' recipe for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (tests capture it): nothing is flushed at exit


if __name__ == "__main__":
    sys.exit(main())
