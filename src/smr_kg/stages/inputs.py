"""Users' own files (``--input FILE|DIR|-``), read beside the core ontology.

Each input is read into a graph of its own before it is merged, so the build still knows which
file said what: when the merged ontology contradicts the core (HermiT finds an unsatisfiable
class, or no model at all), the error names the file and the class or individual responsible,
and nothing is written. Inputs are RDF (Turtle, JSON-LD, N-Triples, RDF/XML: classes, sources,
``smr:Claim`` records) or claims tables (``*.tsv``, :mod:`smr_kg.stages.claims`), which are compiled
against the core and the RDF inputs together, so a table may cite the user's own classes and
sources. A directory contributes every such file under it; ``-`` reads standard input in
``--input-format``. Files of the core ontology given again are skipped (merging them twice would
duplicate their blank nodes).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from .claims import reject_claim_axioms
from .tables import compile_tables, is_table
from ..errors import InputError, ReasonerError, SmrKgError
from .load import FORMATS, check_size, ontology_files, parse_data, parse_into
from ..rdf.namespaces import SMR
from ..rdf.triples import TripleSet

STDIN = "-"
INPUT_FORMATS: dict[str, str] = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "xml": "xml"}
"""``--input-format`` choices (the format of ``-``) -> rdflib format names."""


@dataclass
class Extension:
    """One user input, parsed on its own."""

    name: str
    """The file as the user named it, or ``<stdin>``."""
    graph: TripleSet
    """Its triples (a claims table's: once :func:`combine` has compiled it)."""
    table: Path | None = None
    """The claims table this input is, or None for RDF."""


def input_files(spec: str | Path) -> list[Path]:
    """The files an ``--input`` names: the file itself, or every RDF file and claims table under a
    directory (SSSOM mapping sets, ``*.sssom.tsv``, are not claims and are left out)."""
    path = Path(spec)
    if path.is_dir():
        found = sorted(
            p for p in path.rglob("*")
            if p.is_file() and (p.suffix.lower() in FORMATS or (is_table(p) and not p.name.endswith(".sssom.tsv")))
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not found:
            raise InputError(f"{path}: no RDF files ({', '.join(sorted(FORMATS))}) or claims tables (.tsv) here")
        return found
    if not path.is_file():
        raise InputError(f"{path}: no such file or directory")
    return [path]


def read_inputs(
    specs: Iterable[str | Path], input_format: str = "ttl", stdin: BinaryIO | None = None,
    max_mb: float | None = None,
) -> list[Extension]:
    """Parse every input (files, directories, ``-``) into its own graph, in the order given;
    with ``max_mb``, refuse more than that many megabytes in all (:func:`smr_kg.stages.load.check_size`)."""
    specs = [str(s) for s in specs]
    if specs.count(STDIN) > 1:
        raise InputError("standard input (-) can be read only once")
    if input_format not in INPUT_FORMATS:
        raise InputError(f"unknown input format {input_format!r} (choose from {', '.join(INPUT_FORMATS)})")
    files = {spec: input_files(spec) for spec in specs if spec != STDIN}
    if max_mb is not None:
        check_size([p for found in files.values() for p in found], max_mb)
    core = {p.resolve() for p in ontology_files()}
    out: list[Extension] = []
    seen: set[Path] = set()
    for spec in specs:
        if spec == STDIN:
            source = stdin or sys.stdin.buffer
            data = source.read() if max_mb is None or max_mb <= 0 else source.read(int(max_mb * 2**20) + 1)
            if max_mb is not None and 0 < max_mb * 2**20 < len(data):
                raise InputError(f"standard input is more than the {max_mb:g} MB limit (raise it with --max-size MB)")
            out.append(Extension("<stdin>", parse_data(TripleSet(), data, INPUT_FORMATS[input_format], "<stdin>")))
            continue
        for path in files[spec]:
            resolved = path.resolve()
            if resolved in core or resolved in seen:
                continue
            seen.add(resolved)
            out.append(Extension(str(path), TripleSet(), path) if is_table(path) else Extension(str(path), parse_into(TripleSet(), path)))
    return out


def combine(core: Graph | TripleSet, extensions: Iterable[Extension]) -> TripleSet:
    """A copy of ``core`` with every input: RDF merged, then each claims table compiled against
    the core and the RDF inputs. An input may not restate a core claim under the same IRI, nor
    write a claim as an OWL axiom; either is named with its file."""
    extensions = list(extensions)
    graph = TripleSet(core)
    for extension in (e for e in extensions if e.table is None):
        _check(core, extension)
        graph += extension.graph
    tables = [(e, e.table) for e in extensions if e.table is not None]
    compiled_against = TripleSet(graph) if len(tables) > 1 else graph  # each table sees the RDF, not the others
    for extension, table in tables:
        extension.graph = compile_tables(compiled_against, [table])
        _check(core, extension)
        graph += extension.graph
    return graph


def _check(core: Graph | TripleSet, extension: Extension) -> None:
    """``extension`` keeps the claim rules: its claims are new, and none is an OWL axiom."""
    for claim in extension.graph.subjects(RDF.type, SMR.Claim):
        if (claim, RDF.type, SMR.Claim) in core:
            raise InputError(f"{extension.name}: {_curie(claim)} is already a claim of the core ontology; give yours its own id")
    if not any(True for _ in extension.graph.triples((None, OWL.onProperty, None))):
        return  # no restriction at all: nothing can be a claim written as an axiom
    probe = TripleSet(extension.graph)
    probe.update((prop, RDF.type, OWL.AnnotationProperty) for prop in core.subjects(RDF.type, OWL.AnnotationProperty))
    try:
        reject_claim_axioms(probe)
    except InputError as exc:
        raise InputError(f"{extension.name}: {exc.message}") from None


def extend_hierarchy(known: dict[URIRef, set[URIRef]], graph: Graph | TripleSet) -> dict[URIRef, set[URIRef]]:
    """The core's ancestors (``known``, from the shipped reasoner snapshot) extended to the classes
    the inputs add: OWL is monotonic, so the core's inferences still hold, and a class gets its
    asserted ancestors and everything known above each of them."""
    from .materialize import asserted_superclasses

    out = {cls: set(ancestors) for cls, ancestors in known.items()}
    for cls, ancestors in asserted_superclasses(graph).items():
        found = out.setdefault(cls, set())
        for ancestor in ancestors:
            found |= {ancestor, *known.get(ancestor, ())}
    return out


def origin(node: object, extensions: Iterable[Extension]) -> str | None:
    """The inputs that describe ``node`` (it is a subject there), or None for the core's own nodes."""
    return _names(_describing(node, extensions)) or None


def attribute(
    error: ReasonerError, core: Graph | TripleSet, extensions: list[Extension],
    classify: Callable[[Graph | TripleSet], object],
) -> SmrKgError:
    """``error`` restated with the input file (and class or individual) that caused it.

    An unsatisfiable class is blamed on the inputs that describe it; otherwise (a core class made
    unsatisfiable, or an inconsistency) each input is reasoned over with the core alone to find
    the ones that break it. In an inconsistent input, individuals typed with disjoint classes
    are named.
    """
    merged = combine(core, extensions)
    if error.unsatisfiable:
        parts = []
        for iri in error.unsatisfiable:
            node = URIRef(iri)
            owners = _describing(node, extensions) or _culprits(core, extensions, classify)
            parts.append(f"{_names(owners)}: {_named(merged, node)} is unsatisfiable")
        return SmrKgError(
            f"{'; '.join(parts)}. Its axioms contradict the core ontology (e.g. a mechanism that "
            "`acts on` a therapy, where the relation needs an anatomical structure and the upper "
            "classes are disjoint). Nothing was written."
        )
    culprits = _culprits(core, extensions, classify)
    details = [f"{e.name}: {clash}" for e in culprits for clash in disjoint_types(merged, e.graph)]
    found = "; ".join(details) or f"{_names(culprits)} makes the ontology inconsistent (HermiT found no model)"
    return SmrKgError(f"{found}. Nothing was written.")


def disjoint_types(merged: Graph | TripleSet, extension: Graph | TripleSet) -> list[str]:
    """Individuals of ``extension`` whose types fall under two disjoint classes of ``merged``."""
    from .materialize import asserted_superclasses

    ancestors = asserted_superclasses(merged)
    pairs = _disjoint_pairs(merged)
    clashes = []
    for individual in sorted({s for s in extension.subjects(RDF.type, None) if isinstance(s, URIRef)}):
        types = [t for t in merged.objects(individual, RDF.type) if isinstance(t, URIRef)]
        covered = {(t, a) for t in types for a in {t, *ancestors.get(t, ())}}
        for a, b in sorted(pairs):
            left = sorted(t for t, up in covered if up == a)
            right = sorted(t for t, up in covered if up == b)
            if left and right:
                kinds = f"a {_named(merged, left[0])} and a {_named(merged, right[0])}"
                if (left[0], right[0]) != (a, b):
                    kinds += f", kinds of the disjoint {_named(merged, a)} and {_named(merged, b)}"
                else:
                    kinds += ", which are disjoint"
                clashes.append(f"{_named(merged, individual)} is {kinds}")
                break
    return clashes


def _disjoint_pairs(graph: Graph | TripleSet) -> set[tuple[URIRef, URIRef]]:
    pairs = {(a, b) for a, b in graph.subject_objects(OWL.disjointWith) if isinstance(a, URIRef) and isinstance(b, URIRef)}
    for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        listed = graph.value(axiom, OWL.members)
        if listed is None:
            continue
        # what rdflib's Collection(graph, listed) iterates, on an rdflib graph or a TripleSet alike
        members = [m for m in graph.items(listed) if isinstance(m, URIRef)]
        pairs |= {(a, b) for i, a in enumerate(members) for b in members[i + 1:]}
    return pairs


def _culprits(core: Graph | TripleSet, extensions: list[Extension],
              classify: Callable[[Graph | TripleSet], object]) -> list[Extension]:
    """The inputs that break the core on their own (all of them if only their combination does)."""
    if len(extensions) == 1:
        return extensions
    found = []
    for extension in extensions:
        try:
            classify(combine(core, [extension]))
        except ReasonerError:
            found.append(extension)
        except InputError:  # a table that cites another input's classes cannot be tried alone
            continue
    return found or extensions


def _describing(node: object, extensions: Iterable[Extension]) -> list[Extension]:
    return [e for e in extensions if (node, None, None) in e.graph]


def _names(extensions: list[Extension]) -> str:
    return ", ".join(e.name for e in extensions)


def _named(graph: Graph | TripleSet, node: Node) -> str:
    label = graph.value(node, RDFS.label)
    return f"{_curie(node)} ({label})" if label else _curie(node)


def _curie(node: Node) -> str:
    from ..rdf.prefixes import compress

    return compress(str(node))
