"""Read RDF files into one set of triples, turning every parse failure into a clear message.

The build holds its graph as a :class:`smr_kg.rdf.triples.TripleSet` of rdflib terms (rdflib is the
bridge to pyshacl, owlready2 and JSON-LD; its own store costs ~5x the memory and time, see
:mod:`smr_kg.rdf.triples`); :func:`load_files` gives an rdflib graph where one is wanted. A syntax
error must name the file and the line, never surface as a parser traceback.

Files may come from anyone, so: RDF/XML passes :func:`smr_kg.rdf.xmlguard.check` first (no entity
expansion bombs, no external entities); :func:`check_size` refuses inputs too large to hold in
memory (an rdflib graph takes about 40-50x its Turtle's size) with a message instead of an
out-of-memory crash; a file that contributes no triples at all is warned about, since an empty
file or JSON without an ``@context`` otherwise "passes" silently.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.plugins.parsers.notation3 import BadSyntax

from .. import paths
from ..errors import InputError, warn
from ..rdf.triples import TripleSet

G = TypeVar("G", Graph, TripleSet)
"""The graph a parse adds to (and returns): an rdflib graph or a :class:`TripleSet`."""

DEFAULT_MAX_MB = 64.0
"""Default limit (megabytes, all files together) for user files given to ``smr-kg validate``."""
PROGRESS_BYTES = 8 * 2**20
"""Inputs at least this large get a progress line on stderr while they are read."""

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

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


def parse_into(graph: G, path: Path, fmt: str | None = None, name: str | None = None) -> G:
    """Parse one file into ``graph`` (format by suffix unless ``fmt``); raise :class:`InputError`
    naming file and line on failure. ``name`` is what messages call the file (``<stdin>`` for
    standard input spooled to a temporary file by :func:`parse_data`)."""
    path = Path(path)
    if name is None:
        return _parse_file(graph, path, fmt, str(path))
    try:
        return _parse_file(graph, path, fmt, name)
    except InputError as exc:  # the guards name the file they read
        raise InputError(exc.message.replace(str(path), name)) from None


def parse_data(graph: G, data: bytes, fmt: str, name: str) -> G:
    """Parse ``data`` (rdflib format ``fmt``, e.g. standard input) into ``graph`` through a
    temporary file, so it passes the same guards and checks as a file; messages call it ``name``."""
    import tempfile

    suffix = next(s for s, f in FORMATS.items() if f == fmt)
    with tempfile.TemporaryDirectory(prefix="smr-kg-input-") as tmp:
        spooled = Path(tmp) / f"input{suffix}"
        spooled.write_bytes(data)
        return parse_into(graph, spooled, fmt, name)


def _parse_file(graph: G, path: Path, fmt: str | None, label: str) -> G:
    if not path.is_file():
        raise InputError(f"{label}: no such file")
    fmt = fmt or rdf_format(path)
    if path.stat().st_size >= PROGRESS_BYTES:
        print(f"smr-kg: reading {label} ({path.stat().st_size / 2**20:.0f} MB) ...", file=sys.stderr)
    part: Graph | list[tuple[Node, Node, Node]]
    try:
        if fmt == "json-ld":
            from ..rdf.jsonld import parse_jsonld_text  # PyLD is only needed for JSON-LD input

            part = parse_jsonld_text(path.read_text(encoding="utf-8"), label)
        elif fmt == "turtle" and (triples := _fast_turtle(path)) is not None:
            part = triples  # added below once, not parsed into a graph and then copied
        else:
            if fmt == "xml":
                from ..rdf.xmlguard import check

                check(path)
            part = Graph().parse(path, format=fmt)
    except BadSyntax as exc:
        line = getattr(exc, "lines", 0) + 1
        raise InputError(f"{label}:{line}: Turtle syntax error: {exc._why}") from None
    except InputError:
        raise
    except UnicodeDecodeError as exc:
        raise InputError(f"{label}: not UTF-8 text ({exc.reason})") from None
    except Exception as exc:  # rdflib raises many parser-specific types; all mean bad input
        raise InputError(f"{label}: cannot parse as {fmt}: {_first_line(exc)}") from None
    _check_iris(path, part)
    if len(part) == 0:
        warn(f"{label} contributes no triples (an empty file, or JSON without an @context mapping its keys?)")
    if isinstance(graph, TripleSet):
        graph.update(part)
    elif isinstance(part, Graph):
        graph += part
    else:
        graph.addN((s, p, o, graph) for s, p, o in part)
    return graph


_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _check_iris(path: Path, graph: Graph | Collection[tuple[Node, Node, Node]]) -> None:
    """Refuse IRIs with characters RDF forbids (``<a b>``): rdflib only logs a warning when it
    reads one and fails much later, when the graph is written. Names the line when it can."""
    iris = {term for triple in graph for term in triple if isinstance(term, URIRef)}
    bad = next((iri for iri in sorted(iris) if _BAD_IRI.search(iri)), None)
    if bad is None:
        return
    where = str(path)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    tail = bad.rsplit("/", 1)[-1]
    for number, line in enumerate(lines, start=1):
        if f"<{bad}>" in line or f"{tail}>" in line:
            where = f"{path}:{number}"
            break
    raise InputError(f"{where}: invalid IRI <{bad}>: IRIs cannot contain spaces or any of <>\"{{}}|^`\\")


def check_size(files: Iterable[Path], max_mb: float | None = None) -> None:
    """Refuse inputs larger than ``max_mb`` megabytes together (default :data:`DEFAULT_MAX_MB`)."""
    limit = DEFAULT_MAX_MB if max_mb is None else max_mb
    sizes = {Path(p): Path(p).stat().st_size for p in files if Path(p).is_file()}
    total = sum(sizes.values())
    if limit > 0 and total > limit * 2**20:
        biggest = max(sizes, key=sizes.__getitem__)
        raise InputError(
            f"the input is {total / 2**20:.0f} MB ({biggest}: {sizes[biggest] / 2**20:.0f} MB), more than the "
            f"{limit:g} MB limit: validation holds the whole graph in memory (about 40x the file size). "
            "Split the file, or raise the limit with --max-size MB if this machine has the memory"
        )


def load_files(files: Iterable[Path]) -> Graph:
    """:func:`read_files` as an rdflib graph with the project's prefixes bound."""
    return read_files(files).to_graph()


def read_files(files: Iterable[Path]) -> TripleSet:
    """Parse several files into one set of triples.

    RDF files are read first; claims tables (``*.tsv``, see :mod:`smr_kg.stages.claims`) are then
    compiled against everything the RDF declares, so a table may use any file's classes and
    sources, whatever the order of ``files``.
    """
    from .claims import reject_claim_axioms
    from .tables import compile_tables, is_table

    files = [Path(f) for f in files]
    graph = TripleSet()
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
    """:func:`read_ontology` as an rdflib graph."""
    return read_ontology(directory).to_graph()


def read_ontology(directory: Path | None = None) -> TripleSet:
    """The asserted ontology: every ``ontology/*.ttl`` file merged, with the claims tables
    (``ontology/*.tsv``) compiled into claim records and definitional axioms."""
    return read_files(ontology_files(directory))


def read_turtle(source: Path | bytes) -> Iterator[tuple[Node, Node, Node]]:
    """The triples of a Turtle file (or its bytes) as rdflib terms, parsed by pyoxigraph.

    Why: rdflib's Turtle parser spends ~100 us a triple (a third of a 1M-triple build); the
    Rust parser does not. It keeps every literal's lexical form (a pyoxigraph *store* would not:
    it stores numbers by value), equal terms share one rdflib object, and each blank node of the
    file becomes a fresh rdflib blank node, as rdflib's parser does. Raises SyntaxError.
    """
    import pyoxigraph as ox

    terms: dict[object, Node] = {}

    def term(node) -> Node:
        found = terms.get(node)
        if found is None:
            if isinstance(node, ox.NamedNode):
                found = URIRef(node.value)
            elif isinstance(node, ox.BlankNode):
                found = BNode()
            elif node.language:
                found = Literal(node.value, lang=node.language)
            else:
                datatype = node.datatype.value
                found = Literal(node.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
            terms[node] = found
        return found

    if isinstance(source, bytes):
        parsed = ox.parse(source, format=ox.RdfFormat.TURTLE)
    else:
        parsed = ox.parse(path=str(source), format=ox.RdfFormat.TURTLE, base_iri=Path(source).resolve().as_uri())
    for triple in parsed:
        yield term(triple.subject), term(triple.predicate), term(triple.object)


def _fast_turtle(path: Path) -> list[tuple[Node, Node, Node]] | None:
    """The file's triples by :func:`read_turtle`, or None when pyoxigraph refuses it: rdflib then
    parses it, and its error names the line (and what pyoxigraph accepts, rdflib does too)."""
    try:
        return list(read_turtle(path))
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
