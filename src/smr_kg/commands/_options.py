"""Options shared by several commands: ``-o/--output`` and a ``--format`` inferred from its suffix.

One definition, so every command with ``-o`` accepts ``-`` for stdout, writes through
:class:`smr_kg.outputs.Output` (atomic, never onto its inputs or the build) and treats a file
name's suffix the same way: ``-o causes.html`` means HTML unless ``--format`` says otherwise, and a
``--format`` that contradicts a known suffix is refused rather than writing Markdown into .html.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping
from pathlib import Path

TYPE_CHECKING = False  # typing's constant without importing typing (4 ms of a fast query)
if TYPE_CHECKING:  # the CLI imports every command on start; outputs loads only when used
    from ..outputs import Output

OUTPUT_HELP = (
    "write to FILE instead of standard output ('-': standard output). A file is replaced "
    "atomically, keeping its mode and owner; devices and FIFOs are written through; missing "
    "directories are created; the command's inputs and the build are never overwritten"
)


def add_output(parser: argparse.ArgumentParser) -> None:
    """Add ``-o/--output FILE`` (default: standard output)."""
    parser.add_argument("-o", "--output", metavar="FILE", default=None, help=OUTPUT_HELP)


def add_format(parser: argparse.ArgumentParser, choices: Iterable[str], default: str, help: str) -> None:
    """Add ``--format/-f`` whose default is decided later (from the ``-o`` suffix, else ``default``)."""
    parser.add_argument("--format", "-f", choices=tuple(choices), default=None,
                        help=f"{help} (default: from the -o FILE suffix, else {default})")
    parser.set_defaults(default_format=default)


def open_output(args: argparse.Namespace, inputs: Iterable[Path] = ()) -> Output:
    """The checked destination of ``args.output`` (call before the work, so a bad -o fails fast)."""
    from ..outputs import Output

    return Output(args.output, inputs)


def output_format(args: argparse.Namespace, output: Output, suffixes: Mapping[str, str]) -> str:
    """The format to write: ``--format`` if given, else the one the -o suffix names, else the
    default; a ``--format`` contradicting a known suffix is an error (exit code 2)."""
    from ..errors import InputError

    implied = suffixes.get(output.suffix)
    if args.format is None:
        return implied or args.default_format
    if implied is not None and implied != args.format:
        raise InputError(
            f"-o {output.name} names a {implied} file but --format {args.format} was given: "
            f"drop --format, or give the file a suffix that matches {args.format}"
        )
    return args.format
