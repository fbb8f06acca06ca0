"""The SSSOM mapping set: read it, check it, and turn it into the SKOS triples the build merges.

``ontology/mappings/*.sssom.tsv`` is the source of truth for every link to a clinical vocabulary:
each row says which code, which SKOS predicate (chosen honestly: exact, close, broad, narrow or
related), how confident the curators are and, in its comment, which public sources
confirm it. The build reads the TSV with :mod:`csv` (the ``sssom`` package pulls in pandas and
LinkML and takes 1.6 s to import, so it is only used on request: :mod:`smr_kg.exports.sssom_io`).

Rows whose object is ``sssom:NoTermFound`` record a search that found no code, or a candidate
code that was left out on purpose (disputed, single-sourced, a different concept); they add no
triple, but ``smr-kg mappings --unmapped`` shows their reasons.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from .. import paths
from ..rdf import prefixmap
from ..errors import InputError
from ..record import Record

TYPE_CHECKING = False  # typing's constant without importing typing (2 ms of a lookup)
if TYPE_CHECKING:  # rdflib only builds the mapping graph; reading the table must not import it
    from rdflib import Graph, URIRef

MAPPING_PREDICATES = ("skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch", "skos:relatedMatch")
"""The SKOS mapping relations a row may use, strongest first."""

EQUIVALENT_PREDICATES = frozenset({"skos:exactMatch", "skos:closeMatch"})
"""A concept with one of these has a code of its own; broader/narrower/related links do not count."""

NO_TERM_FOUND = "sssom:NoTermFound"

REQUIRED_COLUMNS = (
    "subject_id", "subject_label", "predicate_id", "object_id", "object_label",
    "mapping_justification", "confidence", "comment",
)

CODE_PATTERNS: dict[str, re.Pattern[str]] = {
    # ICD-10-CM: a category (I34), a code (I34.0, I50.22) or a block (I20-I25); bioregistry's pattern.
    "ICD10CM": re.compile(
        r"[A-Z][0-9][0-9AB]((-[A-Z][0-9][0-9AB])|(\.[0-9A-KXZ]([0-9A-EXYZ]([0-9A-HX][0-59A-HJKMNP-S]?)?)?)?)"
    ),
    "MESH": re.compile(r"D[0-9]{6}"),
    "UMLS": re.compile(r"C[0-9]{7}"),
    "MONDO": re.compile(r"[0-9]{7}"),
    "DOID": re.compile(r"[0-9]{1,7}"),
    "LOINC": re.compile(r"[1-9][0-9]{0,5}-[0-9]"),
}
"""Syntax of each vocabulary's codes (SNOMED CT is checked by :mod:`smr_kg.rdf.sctid`)."""


class Mapping(Record):
    """One row of the mapping set."""

    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    mapping_justification: str
    confidence: float
    comment: str
    author_label: str = ""
    line: int = 0

    @property
    def no_term_found(self) -> bool:
        return self.object_id == NO_TERM_FOUND

    @property
    def vocabulary(self) -> str:
        return self.object_id.partition(":")[0]

    @property
    def subject_iri(self) -> URIRef:
        """The subject's IRI as the build writes it (by the pinned curies converter)."""
        from ..rdf.prefixes import expand

        return expand(self.subject_id)

    @property
    def predicate_iri(self) -> URIRef:
        from ..rdf.prefixes import expand

        return expand(self.predicate_id)

    @property
    def object_iri(self) -> URIRef:
        from ..rdf.prefixes import expand

        return expand(self.object_id)

    def as_dict(self) -> dict:
        row = self.as_fields()
        row.pop("line")
        return row


def mapping_files(ontology_dir: Path | None = None) -> list[Path]:
    """The SSSOM files of an ontology directory (``<dir>/mappings/*.sssom.tsv``), sorted."""
    directory = Path(ontology_dir) if ontology_dir else paths.ontology_dir()
    return sorted((directory / "mappings").glob("*.sssom.tsv"))


def default_mapping_file() -> Path:
    return paths.ontology_dir() / "mappings" / "smr.sssom.tsv"


def split_sssom(path: Path) -> tuple[list[str], list[str]]:
    """The metadata lines (``#`` stripped) and the table lines of an SSSOM/TSV file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None
    lines = text.splitlines()
    header = [line[2:] if line.startswith("# ") else line[1:] for line in lines if line.startswith("#")]
    table = [line for line in lines if not line.startswith("#")]
    return header, table


def curie_map(path: Path) -> dict[str, str]:
    """The ``curie_map`` of an SSSOM file's metadata block (read without a YAML library)."""
    header, _ = split_sssom(path)
    found: dict[str, str] = {}
    inside = False
    for line in header:
        if not line.strip():
            continue
        if not line.startswith(" "):
            inside = line.strip() == "curie_map:"
            continue
        if inside:
            prefix, sep, iri = line.strip().partition(":")
            if not sep:
                raise InputError(f"{path}: malformed curie_map entry {line.strip()!r}")
            found[prefix.strip()] = iri.strip().strip("'\"")
    return found


def metadata(path: Path | None = None) -> dict:
    """The whole metadata block as a dict (PyYAML, which the sssom dependency brings)."""
    import yaml

    path = Path(path) if path else default_mapping_file()
    header, _ = split_sssom(path)
    try:
        data = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: metadata block is not YAML: {str(exc).splitlines()[0]}") from None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def read_mappings(path: Path | None = None) -> list[Mapping]:
    """Every row of an SSSOM/TSV file, checked (see :func:`check_mapping`); bad rows are errors."""
    path = Path(path) if path else default_mapping_file()
    _check_curie_map(path)
    header, table = split_sssom(path)
    if not table or not table[0].strip():
        raise InputError(f"{path}: no table header row after the metadata block")
    reader = csv.DictReader(table, delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{path}: missing column(s): {', '.join(missing)}")
    rows: list[Mapping] = []
    seen: dict[tuple[str, str, str], int] = {}
    for offset, record in enumerate(reader, start=2):
        line = len(header) + offset
        if None in record or any(v is None for v in record.values()):
            raise InputError(f"{path}:{line}: wrong number of tab-separated fields")
        mapping = _row(record, path, line)
        problem = check_mapping(mapping)
        if problem:
            raise InputError(f"{path}:{line}: {problem}")
        key = (mapping.subject_id, mapping.predicate_id, mapping.object_id)
        if key in seen and not mapping.no_term_found:
            raise InputError(f"{path}:{line}: duplicate of the mapping on line {seen[key]}")
        seen[key] = line
        rows.append(mapping)
    return rows


def check_mapping(mapping: Mapping) -> str | None:
    """Why a row is not acceptable, or None: predicates, prefixes, code syntax, confidence."""
    if mapping.predicate_id not in MAPPING_PREDICATES:
        return f"predicate {mapping.predicate_id!r} is not a SKOS mapping relation ({', '.join(MAPPING_PREDICATES)})"
    if not mapping.subject_id.startswith("smr:") or len(mapping.subject_id) <= 4:
        return f"subject {mapping.subject_id!r} is not an smr-kg concept (smr:...)"
    if not mapping.mapping_justification.startswith("semapv:"):
        return f"mapping_justification {mapping.mapping_justification!r} is not a semapv term"
    if not 0.0 <= mapping.confidence <= 1.0:
        return f"confidence {mapping.confidence} is not between 0 and 1"
    if not mapping.comment.strip():
        return "every mapping needs a comment naming the sources it was confirmed in and how well (C2, C1)"
    if mapping.no_term_found:
        return None
    return code_problem(mapping.object_id)


def code_problem(curie: str) -> str | None:
    """Why ``curie`` is not a syntactically valid code of a linked vocabulary, or None."""
    from ..rdf.sctid import check_sctid

    prefix, _, local = curie.partition(":")
    if prefix not in prefixmap.VOCABULARIES:
        return f"{curie!r}: prefix {prefix!r} is not a linked vocabulary ({', '.join(prefixmap.VOCABULARIES)})"
    if prefix == "SNOMEDCT":
        problem = check_sctid(local)
        return f"{curie}: {problem}" if problem else None
    if not CODE_PATTERNS[prefix].fullmatch(local):
        return f"{curie}: not a valid {prefixmap.VOCABULARIES[prefix]} code (expected {CODE_PATTERNS[prefix].pattern})"
    return None


SSSOM_ANNOTATIONS = ("mapping_justification", "confidence", "author_label")
"""The SSSOM slots each mapping carries into the graph as axiom annotations (``sssom:<slot>``)."""


def mapping_graph(ontology_dir: Path | None = None) -> Graph:
    """The mappings of ``ontology_dir`` as the graph carries them (none if it has no mappings/).

    Each row becomes its SKOS triple (what SPARQL and SKOS tools read) and, for an exact or close
    match, also ``oboInOwl:hasDbXref "PREFIX:ID"`` (the OBO convention, which pronto, OAK and the
    OWL API's OBO writer read as xrefs; broader/narrower links are not xrefs). Both triples are
    annotated with the row's SSSOM metadata (justification, confidence, author) by an
    ``owl:Axiom``, as SSSOM's own OWL output does, and the annotation properties are declared so
    the graph stays OWL 2 DL.
    """
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import OWL, RDF, XSD

    from ..rdf import prefixes
    from .materialize import reify
    from ..rdf.namespaces import OBOINOWL

    axiom_slots = (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget)  # what an owl:Axiom annotates
    graph = Graph()
    sssom = {slot: URIRef(prefixes.PREFIX_MAP["sssom"] + slot) for slot in SSSOM_ANNOTATIONS}
    for prop in (*sssom.values(), OBOINOWL.hasDbXref):
        graph.add((prop, RDF.type, OWL.AnnotationProperty))
    for path in mapping_files(ontology_dir):
        for m in read_mappings(path):
            if m.no_term_found:
                continue
            statements: list[tuple[URIRef, URIRef, URIRef | Literal]] = [(m.subject_iri, m.predicate_iri, m.object_iri)]
            if m.predicate_id in EQUIVALENT_PREDICATES:
                statements.append((m.subject_iri, OBOINOWL.hasDbXref, Literal(m.object_id)))
            annotations = [
                (sssom["mapping_justification"], prefixes.expand(m.mapping_justification)),
                # xsd:decimal, not SSSOM's double: JSON-LD processors rewrite a double's lexical
                # form (0.95 -> 9.5E-1), so a double would not round-trip through the JSON-LD export.
                (sssom["confidence"], Literal(str(m.confidence), datatype=XSD.decimal)),
            ]
            if m.author_label:
                annotations.append((sssom["author_label"], Literal(m.author_label)))
            for triple in statements:
                graph.add(triple)
                reify(graph, triple, annotations, OWL.Axiom, axiom_slots, "map")
    return graph


def _row(record: dict[str, str], path: Path, line: int) -> Mapping:
    try:
        confidence = float(record["confidence"])
    except ValueError:
        raise InputError(f"{path}:{line}: confidence {record['confidence']!r} is not a number") from None
    return Mapping(
        subject_id=record["subject_id"].strip(),
        subject_label=record["subject_label"].strip(),
        predicate_id=record["predicate_id"].strip(),
        object_id=record["object_id"].strip(),
        object_label=record["object_label"].strip(),
        mapping_justification=record["mapping_justification"].strip(),
        confidence=confidence,
        comment=record["comment"].strip(),
        author_label=(record.get("author_label") or "").strip(),
        line=line,
    )


def _check_curie_map(path: Path) -> None:
    """A mapping file may only declare the pinned prefixes, with the pinned IRIs."""
    for prefix, iri in curie_map(path).items():
        pinned = prefixmap.PREFIX_MAP.get(prefix)
        if pinned is None:
            raise InputError(f"{path}: curie_map prefix {prefix!r} is not in smr-kg's pinned prefix map")
        if pinned != iri:
            raise InputError(f"{path}: curie_map maps {prefix!r} to {iri}, but the pinned IRI is {pinned}")


__all__ = [
    "Mapping", "Unmapped", "check_mapping", "code_problem", "curie_map", "mapping_files",
    "mapping_graph", "metadata", "read_mappings", "unmapped",
]
