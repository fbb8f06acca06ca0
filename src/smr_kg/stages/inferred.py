"""HermiT's class hierarchy, shipped beside the ontology so builds without Java answer the same.

``smr-kg build --no-reasoner`` cannot run HermiT, and without the classes HermiT infers (TEER is
a *mitral valve intervention* only by its definition) some queries silently lost rows. So the
classified taxonomy -- each named class with its direct named superclasses after reasoning -- is
kept in ``ontology/reasoner/inferred.ttl`` (a subdirectory: it is not part of ``ontology/*.ttl``
and is never reasoned over). The file records the SHA-256 of the logical axioms it was computed
from (:func:`logical_digest`); a build without the reasoner uses it only when that digest matches
the ontology being built. When it does not (the ontology changed, or other files were added) the
build has no inferences, its manifest says so, and every command reading it warns.

Regenerate it with one command, ``smr-kg build --update-inferences`` (needs Java); a test
checks, wherever Java is present, that the shipped file equals HermiT's current result.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from .. import paths
from ..errors import InputError
from .materialize import asserted_superclasses
from .reason import ReasonerResult, logical_triples
from ..rdf.triples import TripleSet

SNAPSHOT = Path("reasoner") / "inferred.ttl"
"""Where the snapshot lives, relative to the ontology directory it was computed from."""
SHOWN = "ontology/reasoner/inferred.ttl"
"""How messages name the snapshot."""
UPDATE_COMMAND = "smr-kg build --update-inferences"
_DIGEST = re.compile(r"^# logical-axioms-sha256: ([0-9a-f]{64})$", re.M)
_FORMAT = "smr-kg logical digest 1: canonical N-Triples of reason.logical_triples"
"""Part of what :class:`Digests` keys on: change it when the digest is computed differently."""


def snapshot_path(ontology_dir: Path | None = None) -> Path:
    return Path(ontology_dir or paths.ontology_dir()) / SNAPSHOT


def logical_digest(graph: Graph | TripleSet) -> str:
    """SHA-256 of the logical axioms of ``graph`` in canonical N-Triples: what HermiT sees, so
    edits to labels, definitions or evidence do not make the snapshot stale."""
    from ..rdf.canonical import Canonical, to_ntriples

    return hashlib.sha256(to_ntriples(Canonical(logical_triples(graph))).encode("utf-8")).hexdigest()


class Digests:
    """Logical digests remembered by the SHA-256 of the files the ontology was read from.

    Why: the logical digest is a canonical serialization of every logical axiom (a tenth of a
    1M-triple build), while the files hash in milliseconds. The build keeps :attr:`used` in its
    manifest and starts the next build with it, so rebuilding an unchanged ontology skips it."""

    def __init__(self, known: dict[str, str] | None = None) -> None:
        self.known = {k: v for k, v in (known or {}).items() if isinstance(k, str) and isinstance(v, str)}
        self.used: dict[str, str] = {}

    def of(self, graph: Graph | TripleSet, ontology_dir: Path | None) -> str:
        """The logical digest of ``graph``, read from the ontology files of ``ontology_dir``."""
        from .load import ontology_files

        files = hashlib.sha256(f"{_FORMAT}\n".encode())
        for path in ontology_files(ontology_dir):
            files.update(f"{path.name}\n{path.stat().st_size}\n".encode("utf-8"))
            files.update(path.read_bytes())
        key = files.hexdigest()
        self.used = {key: self.known.get(key) or self.used.get(key) or logical_digest(graph)}
        return self.used[key]


def render(result: ReasonerResult, digest: str) -> bytes:
    """The snapshot file: a header with the digest, then ``class rdfs:subClassOf parent`` triples."""
    from ..rdf.canonical import Canonical
    from ..rdf.serialize import to_turtle
    from ..rdf.prefixes import bind_prefixes

    taxonomy = bind_prefixes(Graph())
    for cls, parents in result.parents.items():
        for parent in parents:
            taxonomy.add((cls, RDFS.subClassOf, parent))
    header = (
        "# HermiT's classified class hierarchy of the ontology in ../*.ttl: every named class with\n"
        "# its direct named superclasses after reasoning. Generated, do not edit; regenerate with\n"
        f"#   {UPDATE_COMMAND}\n"
        "# `smr-kg build --no-reasoner` uses it when the digest below equals the SHA-256 of the\n"
        "# ontology's logical axioms (see smr_kg/stages/inferred.py).\n"
        f"# logical-axioms-sha256: {digest}\n\n"
    )
    return (header + to_turtle(Canonical(taxonomy))).encode("utf-8")


def write(result: ReasonerResult, graph: Graph | TripleSet, ontology_dir: Path | None = None,
          digests: Digests | None = None) -> Path:
    """Write the snapshot of ``result`` (HermiT's result for ``graph``) beside the ontology
    (``digests``, as for :func:`status`, which then reuses the digest)."""
    from ..outputs import Output

    path = snapshot_path(ontology_dir)
    digest = digests.of(graph, ontology_dir) if digests else logical_digest(graph)
    Output(path, protect=False).write(render(result, digest))
    return path


def load(graph: Graph | TripleSet, ontology_dir: Path | None = None,
         digests: Digests | None = None) -> tuple[ReasonerResult | None, str]:
    """The shipped hierarchy as a :class:`ReasonerResult` if it was computed from ``graph``'s
    logical axioms, else None; and the snapshot's :func:`status`."""
    found = status(graph, ontology_dir, digests)
    if found != "current":
        return None, found
    path = snapshot_path(ontology_dir)
    taxonomy = Graph()
    try:
        taxonomy.parse(path, format="turtle")
    except Exception as exc:  # a hand-edited or truncated file: bad input, with the fix
        raise InputError(f"{path}: cannot read the shipped inferences ({exc}); regenerate with `{UPDATE_COMMAND}`") from None
    parents: dict[URIRef, set[URIRef]] = {}
    links = cast("Iterator[tuple[URIRef, URIRef]]", taxonomy.subject_objects(RDFS.subClassOf))  # named classes only
    for cls, parent in links:
        parents.setdefault(cls, set()).add(parent)
    asserted = set(graph.subject_objects(RDFS.subClassOf))
    return ReasonerResult(
        superclasses=asserted_superclasses(taxonomy),  # the closure of the shipped direct links
        inferred_parents={(c, p) for c, ps in parents.items() for p in ps if (c, p) not in asserted},
        parents=parents,
    ), found


def status(graph: Graph | TripleSet, ontology_dir: Path | None = None, digests: Digests | None = None) -> str:
    """``current``, ``stale`` or ``missing``: was the shipped snapshot computed from ``graph``
    (read from ``ontology_dir``; ``digests`` may know its logical digest already)?"""
    path = snapshot_path(ontology_dir)
    if not path.is_file():
        return "missing"
    with open(path, encoding="utf-8") as fh:
        header = "".join(line for line, _ in zip(fh, range(20)))
    found = _DIGEST.search(header)
    digest = None if not found else digests.of(graph, ontology_dir) if digests else logical_digest(graph)
    return "current" if found and found.group(1) == digest else "stale"
