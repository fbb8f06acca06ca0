"""Read RDF files into one rdflib graph, turning every parse failure into a clear message.

rdflib is the bridge to pyshacl, owlready2 and JSON-LD, so the build works on an rdflib graph;
a syntax error must name the file and the line, never surface as a parser traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.plugins.parsers.notation3 import BadSyntax

from . import paths
from .errors import InputError

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


def parse_into(graph: Graph, path: Path) -> Graph:
    """Parse one file into ``graph``; raise :class:`InputError` naming file and line on failure."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    fmt = rdf_format(path)
    try:
        if fmt == "json-ld":
            from .jsonld import parse_jsonld  # PyLD is only needed for JSON-LD input

            graph += parse_jsonld(path)
        elif fmt == "turtle" and (triples := _fast_turtle(path)) is not None:
            graph.addN((s, p, o, graph) for s, p, o in triples)
        else:
            graph.parse(path, format=fmt)
    except BadSyntax as exc:
        line = getattr(exc, "lines", 0) + 1
        raise InputError(f"{path}:{line}: Turtle syntax error: {exc._why}") from None
    except InputError:
        raise
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except Exception as exc:  # rdflib raises many parser-specific types; all mean bad input
        raise InputError(f"{path}: cannot parse as {fmt}: {_first_line(exc)}") from None
    return graph


def load_files(files: Iterable[Path]) -> Graph:
    """Parse several files into one graph with the project's prefixes bound."""
    from .prefixes import bind_prefixes

    graph = bind_prefixes(Graph())
    for path in files:
        parse_into(graph, path)
    return graph


def turtle_files(directory: Path, kind: str) -> list[Path]:
    """The ``*.ttl`` files of ``directory`` in a stable order; none at all is bad input."""
    files = sorted(Path(directory).glob("*.ttl"))
    if not files:
        raise InputError(f"{directory}: no {kind} files (*.ttl) found")
    return files


def ontology_files(directory: Path | None = None) -> list[Path]:
    """The Turtle files that together form the ontology."""
    return turtle_files(Path(directory) if directory else paths.ontology_dir(), "ontology")


def load_ontology(directory: Path | None = None) -> Graph:
    """The asserted ontology: every ``ontology/*.ttl`` file merged."""
    return load_files(ontology_files(directory))


def read_turtle(path: Path) -> Iterator[tuple[Node, URIRef, Node]]:
    """The triples of a Turtle file as rdflib terms, parsed by pyoxigraph.

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

    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=Path(path).resolve().as_uri()):
        yield term(triple.subject), term(triple.predicate), term(triple.object)


def _fast_turtle(path: Path) -> list[tuple[Node, URIRef, Node]] | None:
    """The file's triples by :func:`read_turtle`, or None when pyoxigraph refuses it: rdflib then
    parses it, and its error names the line (and what pyoxigraph accepts, rdflib does too)."""
    try:
        return list(read_turtle(path))
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
