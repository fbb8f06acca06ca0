"""Read RDF files into one rdflib graph, turning every parse failure into a clear message.

rdflib is the bridge to pyshacl, owlready2 and JSON-LD, so the build works on an rdflib graph;
a syntax error must name the file and the line, never surface as a parser traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from . import paths
from .errors import InputError

FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}


def rdf_format(path: Path) -> str:
    """The rdflib format name for ``path`` by its suffix; unknown suffixes are bad input."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"{path}: unknown RDF file type (expected one of {known})")
    return fmt


def parse_into(graph: Graph, path: Path, fmt: str | None = None) -> Graph:
    """Parse one file into ``graph`` (format by suffix unless ``fmt``); raise :class:`InputError`
    naming file and line on failure."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    return parse_data(graph, path.read_bytes(), fmt or rdf_format(path), str(path), path.resolve().as_uri())


def parse_data(graph: Graph, data: bytes, fmt: str, name: str, base: str | None = None) -> Graph:
    """Parse ``data`` (rdflib format ``fmt``, relative IRIs against ``base``) into ``graph``;
    ``name`` (a file, or ``<stdin>``) is what error messages call it."""
    try:
        text = data.decode("utf-8")
        if fmt == "json-ld":
            from .jsonld import parse_jsonld_text  # PyLD is only needed for JSON-LD input

            graph += parse_jsonld_text(text, name)
        else:
            graph.parse(data=text, format=fmt, publicID=base)
    except BadSyntax as exc:
        line = getattr(exc, "lines", 0) + 1
        raise InputError(f"{name}:{line}: Turtle syntax error: {exc._why}") from None
    except InputError:
        raise
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text ({exc.reason})") from None
    except Exception as exc:  # rdflib raises many parser-specific types; all mean bad input
        raise InputError(f"{name}: cannot parse as {fmt}: {_first_line(exc)}") from None
    return graph


def load_files(files: Iterable[Path]) -> Graph:
    """Parse several files into one graph with the project's prefixes bound.

    RDF files are read first; claims tables (``*.tsv``, see :mod:`smr_kg.claims`) are then
    compiled against everything the RDF declares, so a table may use any file's classes and
    sources, whatever the order of ``files``.
    """
    from .claims import compile_tables, is_table, reject_claim_axioms
    from .prefixes import bind_prefixes

    files = [Path(f) for f in files]
    graph = bind_prefixes(Graph())
    for path in files:
        if not is_table(path):
            parse_into(graph, path)
    tables = [path for path in files if is_table(path)]
    if tables:
        missing = next((path for path in tables if not path.is_file()), None)
        if missing is not None:
            raise InputError(f"{missing}: no such file")
        graph += compile_tables(graph, tables)
    reject_claim_axioms(graph)
    return graph


def turtle_files(directory: Path, kind: str) -> list[Path]:
    """The ``*.ttl`` files of ``directory`` in a stable order; none at all is bad input."""
    files = sorted(Path(directory).glob("*.ttl"))
    if not files:
        raise InputError(f"{directory}: no {kind} files (*.ttl) found")
    return files


def ontology_files(directory: Path | None = None) -> list[Path]:
    """The files that together form the ontology: the Turtle, then the claims tables."""
    directory = Path(directory) if directory else paths.ontology_dir()
    return turtle_files(directory, "ontology") + sorted(directory.glob("*.tsv"))


def load_ontology(directory: Path | None = None) -> Graph:
    """The asserted ontology: every ``ontology/*.ttl`` file merged, with the claims tables
    (``ontology/*.tsv``) compiled into claim records and definitional axioms."""
    return load_files(ontology_files(directory))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
