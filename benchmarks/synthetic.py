"""A synthetic extension of the shipped graph, for measuring how smr-kg scales.

The extension follows the pattern of ``ontology/smr-clinical.ttl`` so that the build, the shapes,
the queries and the cards meet the same shapes of data as in the real graph, only more of it:

* ``causes`` conditions, each with a label, a definition and a synonym; every tenth is a
  subclass of an earlier one (so the build inherits edges), the rest sit under smr:Condition;
* ``causes / 8`` mechanisms in chains of three (``m1 leadsTo m2 leadsTo m3``) whose last link
  leads to the shipped smr:FailureOfLeafletCoaptation, so every chain ends in SMR;
* every cause acts through the head of one chain; every hundredth also acts through the shipped
  smr:LeftVentricularDilation, so the shipped answers grow a little (1 %) and stay small;
* ``causes / 100`` observational studies as sources, with DOIs under 10.5555, the prefix
  Crossref reserves for tests (they identify nothing; the data never leaves the benchmark);
* every claim is established and cites one or two sources with ECO:0000304, with a (made-up)
  quote of them.

The content is produced once as data (:class:`Extension`: terms, claims, sources) and then
written in the input form the build reads: the classes and sources as Turtle
(:func:`write_turtle`), the claims as a claims table (:func:`write_claims`, the columns of
``smr_kg.stages.claims``). A change of input form changes only these writers.

Everything is deterministic: the same ``causes`` gives the same bytes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

SMR = "https://w3id.org/smr-kg/"
ECO_TRACEABLE = "http://purl.obolibrary.org/obo/ECO_0000304"
CHAIN_END = SMR + "FailureOfLeafletCoaptation"
"""Shipped mechanism every synthetic chain leads to (it causes or contributes to SMR)."""
SHARED_MECHANISM = SMR + "LeftVentricularDilation"
"""Shipped mechanism every hundredth synthetic cause also acts through."""


@dataclass(frozen=True)
class Term:
    """A class of the extension: its IRI, parent, label, definition and one exact synonym."""

    iri: str
    parent: str
    label: str
    definition: str
    synonym: str


@dataclass(frozen=True)
class Source:
    """An evidence source with a (test-prefix) DOI."""

    iri: str
    label: str
    title: str
    doi: str


@dataclass(frozen=True)
class Claim:
    """``subject predicate object``, with the sources that support it and its ECO type."""

    subject: str
    predicate: str
    object: str
    sources: tuple[str, ...]
    evidence: str = ECO_TRACEABLE


@dataclass
class Extension:
    """The synthetic content, independent of how the build wants it written."""

    terms: list[Term] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


def generate(causes: int) -> Extension:
    """The extension with ``causes`` synthetic causes (and mechanisms and sources in proportion)."""
    ext = Extension()
    ext.sources = [
        Source(
            iri=f"{SMR}SyntheticStudy{i:06d}",
            label=f"synthetic study {i}",
            title=f"Synthetic observational study {i} (benchmark data)",
            doi=f"10.5555/smr-kg.synthetic.{i}",
        )
        for i in range(max(1, causes // 100))
    ]

    def cited(n: int) -> tuple[str, ...]:
        first = ext.sources[n % len(ext.sources)].iri
        second = ext.sources[(n * 7 + 3) % len(ext.sources)].iri
        return (first,) if n % 3 or second == first else (first, second)

    chains = max(1, causes // 24)  # three mechanisms per chain: causes / 8 mechanisms
    heads = []
    for c in range(chains):
        links = [f"{SMR}SyntheticMechanism{c:06d}{step}" for step in "abc"]
        for step, iri in enumerate(links):
            ext.terms.append(Term(
                iri=iri, parent=SMR + "PathophysiologicalMechanism",
                label=f"synthetic mechanism {c}{'abc'[step]}",
                definition=f"Synthetic mechanism {c}, step {step + 1} of its chain (benchmark data).",
                synonym=f"mechanism {c}{'abc'[step]} of the benchmark",
            ))
        for n, (here, there) in enumerate(zip(links, links[1:] + [CHAIN_END])):
            ext.claims.append(Claim(here, SMR + "leadsTo", there, cited(c * 3 + n)))
        heads.append(links[0])

    for i in range(causes):
        iri = f"{SMR}SyntheticCause{i:06d}"
        parent = f"{SMR}SyntheticCause{i // 2:06d}" if i % 10 == 9 else SMR + "Condition"
        ext.terms.append(Term(
            iri=iri, parent=parent, label=f"synthetic cause {i}",
            definition=f"Synthetic condition {i} that acts through a mechanism chain (benchmark data).",
            synonym=f"cause {i} of the benchmark",
        ))
        ext.claims.append(Claim(iri, SMR + "actsThrough", heads[i % chains], cited(i)))
        if i % 100 == 50:
            ext.claims.append(Claim(iri, SMR + "actsThrough", SHARED_MECHANISM, cited(i + 1)))
    return ext


PREFIXES = """\
@prefix smr:      <https://w3id.org/smr-kg/> .
@prefix owl:      <http://www.w3.org/2002/07/owl#> .
@prefix rdfs:     <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:      <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms:  <http://purl.org/dc/terms/> .
@prefix obo:      <http://purl.obolibrary.org/obo/> .
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
"""


def write_turtle(ext: Extension, path: Path) -> None:
    """The classes and sources of the extension, as smr-clinical.ttl and smr-evidence.ttl state them."""
    with open(path, "w", encoding="utf-8") as out:
        out.write("# Synthetic benchmark extension (benchmarks/synthetic.py); not clinical content.\n")
        out.write(PREFIXES + "\n")
        for t in ext.terms:
            out.write(
                f"<{t.iri}> a owl:Class ; rdfs:subClassOf <{t.parent}> ;\n"
                f"    rdfs:label {_text(t.label)}@en ;\n"
                f"    obo:IAO_0000115 {_text(t.definition)}@en ;\n"
                f"    oboInOwl:hasExactSynonym {_text(t.synonym)}@en .\n"
            )
        for s in ext.sources:
            out.write(
                f"<{s.iri}> a owl:NamedIndividual , smr:ObservationalStudy ;\n"
                f"    rdfs:label {_text(s.label)}@en ;\n"
                f"    dcterms:title {_text(s.title)}@en ;\n"
                f"    smr:doi {_text(s.doi)} .\n"
            )


CLAIM_COLUMNS = ("id", "subject", "predicate", "object", "status", "source", "evidence", "quote", "quote_location")
SYNTHETIC_QUOTE = "A synthetic sentence standing for the words of the source that state the claim."
"""Every claim cites publications, so it carries their words (smrsh:ClaimQuote); one made-up
sentence for all, so the quotes add as little as they can to the measured work."""


def write_claims(ext: Extension, path: Path) -> None:
    """The claims of the extension as a claims table (one established claim per row)."""
    with open(path, "w", encoding="utf-8") as out:
        out.write("# Synthetic benchmark claims (benchmarks/synthetic.py); not clinical content.\n")
        out.write("\t".join(CLAIM_COLUMNS) + "\n")
        for n, c in enumerate(ext.claims):
            cells = (f"synthetic-claim-{n:07d}", _curie(c.subject), _curie(c.predicate), _curie(c.object),
                     "established", "|".join(_curie(s) for s in c.sources), "ECO:" + c.evidence.rsplit("_", 1)[1],
                     SYNTHETIC_QUOTE, "abstract")
            out.write("\t".join(cells) + "\n")


def build_input(causes: int, directory: Path, ontology: Path) -> Path:
    """A directory the build accepts (``smr-kg build --ontology DIR``): the shipped ontology
    files, tables and sub-directories (mappings, reasoner snapshot) of ``ontology`` plus the
    extension, written as ``synthetic.ttl`` and ``synthetic-claims.tsv``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for item in _shipped(ontology):
        target = directory / item.name
        if item.is_dir():
            shutil.copytree(item, target, dirs_exist_ok=True)
        else:
            shutil.copy2(item, target)
    if causes:
        ext = generate(causes)
        write_turtle(ext, directory / "synthetic.ttl")
        write_claims(ext, directory / "synthetic-claims.tsv")
    return directory


def _shipped(ontology: Path) -> Iterable[Path]:
    return sorted(p for p in Path(ontology).iterdir() if p.suffix in (".ttl", ".tsv", ".jsonld") or p.is_dir())


def _curie(iri: str) -> str:
    return "smr:" + iri[len(SMR):] if iri.startswith(SMR) else iri


def _text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


__all__ = ["Claim", "Extension", "Source", "Term", "build_input", "generate", "write_claims", "write_turtle"]
