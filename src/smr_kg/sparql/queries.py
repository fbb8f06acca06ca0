"""The named-query library: the ``queries/*.rq`` files and what their header comments declare.

A query file is plain SPARQL 1.1 that runs unchanged on any endpoint holding the built graph;
its header comment tells people (and ``smr-kg query``) what it answers and which variables are
parameters::

    # Question: Which conditions cause SMR through a given mechanism?
    #
    # Any free text explaining the answer.
    #
    # Parameters:
    #   mechanism (term, required): a pathophysiological mechanism, by label, CURIE or IRI
    #   target (term, default smr:SecondaryMitralRegurgitation): the condition chains end in
    #   source (term, optional): one source only (left unbound: every source)
    #
    # Example:
    #   smr-kg query causes-through --param mechanism="left ventricular dilation"

A parameter ``NAME`` is the variable ``?NAME``. Its kind says how a value is read: ``term`` is
resolved against the graph (label, synonym, CURIE, IRI or mapped code; see :mod:`smr_kg.sparql.resolve`),
``iri`` is a CURIE or IRI taken as it is (a code, say). A parameter is ``required``, ``optional``
(left unbound when not given) or has a ``default``. ``Parameters: none`` declares none.
A user's own ``.rq`` file needs no header; its ``--param`` values are then read as terms.
"""

from __future__ import annotations

import re
from collections import namedtuple
from pathlib import Path

from .. import paths
from ..errors import InputError, SmrKgError, quoted

MAX_NAME = 4096
"""Characters of a query name or path (PATH_MAX: a longer one cannot name a file; exit code 2)."""
MAX_FILE = 1 << 20
"""Bytes of a query file: SPARQL this long is not a question but a mistake (exit code 2)."""

KINDS = ("term", "iri")

_PARAMETER = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s+\((?P<kind>\w+),\s*(?:(?P<required>required)|(?P<optional>optional)|default\s+(?P<default>[^)]+?))\)\s*:\s*(?P<accepts>.+)$"
)
_SECTION = re.compile(r"^(?P<title>[A-Z][A-Za-z]*):\s*(?P<rest>.*)$")
_TITLES = ("Question", "Parameters", "Example")


class Parameter(namedtuple("Parameter", "name kind accepts required default", defaults=(None,))):
    """One declared parameter: the variable ``?name``, how values are read (``kind``), what it
    accepts, whether it is required, its default. (Named tuples rather than dataclasses: the CLI
    loads this module for every query, and dataclasses cost ~9 ms of import.)"""

    __slots__ = ()


class NamedQuery(namedtuple("NamedQuery", "name path text question parameters example")):
    """A query file with what its header declares; ``parameters`` is None when the file has no
    ``Parameters:`` section (then any variable may be bound)."""

    __slots__ = ()


class QueryNotFound(SmrKgError):
    """No named query or query file by that name (exit code 1)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=1)


class HeaderError(SmrKgError):
    """A query file's header declares something unreadable (exit code 2: the file is bad input)."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}", exit_code=2)


def find(name: str, directory: Path | None = None) -> NamedQuery:
    """The query ``name``: a file of ``queries/`` without ``.rq``, or a path to a ``.rq`` file."""
    directory = Path(directory) if directory else paths.queries_dir()
    if len(name) > MAX_NAME or "\0" in name:
        raise InputError(f"{quoted(name, 40)} is not a query name or a file path (too long, or a NUL character)")
    if name.endswith(".rq") or "/" in name or "\\" in name:
        path = Path(name)
        if not _is_file(path) and path.name == name and _is_file(directory / name):
            path = directory / name  # "causes.rq" also names the library's file
        if not _is_file(path):
            raise QueryNotFound(f"{quoted(str(path))}: no such query file")
        return load(path)
    path = directory / f"{name}.rq"
    if re.fullmatch(r"[\w.-]+", name) and _is_file(path):
        return load(path)
    import difflib

    known = [p.stem for p in sorted(directory.glob("*.rq"))]
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise QueryNotFound(f"no query named {quoted(name)}{hint} (`smr-kg queries` lists them; a file path needs .rq)")


def _is_file(path: Path) -> bool:
    """Like ``Path.is_file`` but False for a path the OS cannot even look up (a name too long)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def load(path: Path) -> NamedQuery:
    """Read and parse one query file."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE:
            raise InputError(f"{path}: {path.stat().st_size} bytes is too large for a query file (at most {MAX_FILE})")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise HeaderError(path, "not UTF-8 text") from None
    except OSError as exc:
        raise QueryNotFound(f"{path}: cannot read ({exc.strerror})") from None
    return parse(text, path)


def parse(text: str, path: Path) -> NamedQuery:
    """Parse the header comment (the leading ``#`` lines) of a query file."""
    sections = _sections(_header_lines(text))
    question = " ".join(sections.get("Question", [])).strip() or None
    declared = sections.get("Parameters")
    parameters = tuple(_parameters(path, declared)) if declared is not None else None
    for p in parameters or ():
        if not re.search(rf"[?$]{p.name}\b", _body(text)):
            raise HeaderError(path, f"parameter {p.name!r} is declared but the query has no ?{p.name}")
    example = "\n".join(sections.get("Example", [])).strip() or None
    return NamedQuery(path.stem, path, text, question, parameters, example)


def list_queries(directory: Path | None = None) -> list[NamedQuery]:
    """Every named query, sorted by name."""
    directory = Path(directory) if directory else paths.queries_dir()
    return [load(p) for p in sorted(directory.glob("*.rq"))]


def _header_lines(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:])
    return lines


def _body(text: str) -> str:
    """The query without comment lines (so a header mentioning ?x does not count as using it)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _sections(lines: list[str]) -> dict[str, list[str]]:
    """Header lines grouped by ``Title:`` lines (Question, Parameters, Example).

    A section is its title line plus the indented lines after it; a blank or unindented line
    ends it, so free text can sit between sections.
    """
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in lines:
        heading = _SECTION.match(raw.strip()) if not raw.startswith("  ") else None
        if heading and heading.group("title") in _TITLES:
            current = sections.setdefault(heading.group("title"), [])
            if heading.group("rest"):
                current.append(heading.group("rest"))
        elif current is not None and raw.startswith("  ") and raw.strip():
            current.append(raw.strip())
        else:
            current = None
    return sections


def _parameters(path: Path, lines: list[str]):
    if lines == ["none"]:
        return
    current: dict | None = None
    for line in lines:
        match = _PARAMETER.match(line)
        if match:
            if current:
                yield _parameter(path, current)
            current = match.groupdict()
        elif current is not None:
            current["accepts"] += " " + line
        else:
            raise HeaderError(path, f"cannot read the parameter line {line!r} (expected 'NAME (KIND, required|optional|default VALUE): TEXT')")
    if current:
        yield _parameter(path, current)


def _parameter(path: Path, fields: dict) -> Parameter:
    if fields["kind"] not in KINDS:
        raise HeaderError(path, f"parameter {fields['name']!r} has unknown kind {fields['kind']!r} (use {' or '.join(KINDS)})")
    return Parameter(
        name=fields["name"],
        kind=fields["kind"],
        accepts=fields["accepts"].strip(),
        required=bool(fields["required"]),
        default=fields["default"].strip() if fields["default"] else None,
    )


def example_params(query: NamedQuery) -> dict[str, str]:
    """The ``--param`` values of the query's first header example, as a user would type them.

    The examples are the queries' documented, tested parameterizations: the compliance suite
    runs them on every engine and ``smr-kg serve`` offers them ready to run.
    """
    import shlex

    first = query.example.splitlines()[0] if query.example else ""
    try:
        words = shlex.split(first)
    except ValueError:
        raise HeaderError(query.path, f"cannot read the example {first!r}") from None
    params: dict[str, str] = {}
    for flag, pair in zip(words, words[1:]):
        if flag in ("--param", "-p"):
            name, _, value = pair.partition("=")
            params[name] = value
    return params
