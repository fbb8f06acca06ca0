"""Claims tables: rows compile into claim records (and definitional axioms); bad rows name the cell."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from smr_kg.stages.claims import COLUMNS
from smr_kg.stages.tables import compile_tables
from smr_kg.errors import InputError
from smr_kg.stages.load import load_ontology
from conftest import write_table
from smr_kg.rdf.namespaces import SMR

ONTOLOGY = Path(__file__).parents[1] / "ontology"
ADR = Path(__file__).parents[1] / "docs" / "adr" / "0001-claims-not-axioms.md"
HEADER = "\t".join(COLUMNS) + "\n"


def _table(tmp_path: Path, *rows: str, name: str = "mine.tsv") -> Path:
    return write_table(tmp_path / name, HEADER, rows)


def _row(**cells: str) -> str:
    base = {"id": "claim-x1", "subject": "smr:AtrialFibrillation", "predicate": "smr:actsThrough",
            "object": "smr:LeftAtrialDilation", "status": "established", "source": "smr:SeedPage",
            "evidence": "ECO:0000304"}
    base.update(cells)
    return "\t".join(base.get(c, "") for c in COLUMNS)


def test_a_row_becomes_a_claim_record_with_its_evidence(turtle: Graph, tmp_path: Path) -> None:
    out = compile_tables(turtle, [_table(tmp_path, _row(population="adults", see_also="smr:Rossi2011",
                                                        seed_ref="1|2", note="a note"))])
    claim = SMR["claim-x1"]
    assert (claim, RDF.type, SMR.Claim) in out
    assert (claim, SMR.subject, SMR.AtrialFibrillation) in out and (claim, SMR.status, SMR.Established) in out
    assert set(out.objects(claim, SMR.seedCitation)) == {SMR.SeedReference1, SMR.SeedReference2}
    assert (claim, SMR.population, Literal("adults")) in out and (claim, RDFS.seeAlso, SMR.Rossi2011) in out
    assert (claim, DCTERMS.source, SMR.SeedPage) in out
    assert str(out.value(claim, RDFS.label)) == "atrial fibrillation acts through left atrial dilation"
    assert not list(out.subjects(RDF.type, OWL.Axiom))  # an association: a record, no axiom


def test_a_definitional_row_also_becomes_an_annotated_axiom(turtle: Graph, tmp_path: Path) -> None:
    row = _row(subject="smr:LeftAtrialDilation", predicate="smr:actsOn", object="smr:LeftAtrium",
               source="smr:SmrKgCuration", evidence="ECO:0000305")
    out = compile_tables(turtle, [_table(tmp_path, row)])
    [restriction] = [o for o in out.objects(SMR.LeftAtrialDilation, RDFS.subClassOf)]
    assert (restriction, OWL.onProperty, SMR.actsOn) in out and (restriction, OWL.someValuesFrom, SMR.LeftAtrium) in out
    [axiom] = out.subjects(RDF.type, OWL.Axiom)
    assert (axiom, OWL.annotatedTarget, restriction) in out and (axiom, SMR.claim, SMR["claim-x1"]) in out


def test_excerpt_keys_resolve_across_tables_whatever_their_order(turtle: Graph, tmp_path: Path) -> None:
    claims = _table(tmp_path, _row(excerpt="mine"))
    excerpts = tmp_path / "excerpts.tsv"
    excerpts.write_text("key\texcerpt\nmine\tSome words of the seed.\n", encoding="utf-8")
    out = compile_tables(turtle, [claims, excerpts])
    assert (SMR["claim-x1"], SMR.seedExcerpt, Literal("Some words of the seed.")) in out


@pytest.mark.parametrize("cells, column, complaint", [
    ({"subject": "smr:AtrialFibrilation"}, "subject", "is not a known class (did you mean smr:AtrialFibrillation,"),
    ({"predicate": "smr:causes"}, "predicate", "is not a known claim predicate"),
    ({"predicate": "smr:causallyUpstreamOf"}, "predicate", "is not a known claim predicate"),  # derived, never stated
    ({"object": "smr:TranscatheterEdgeToEdgeRepair"}, "object", "is not a kind of pathophysiological mechanism"),
    ({"subject": "smr:LeftAtrium"}, "subject", "is not a kind of condition"),
    ({"status": "probable"}, "status", "unknown status 'probable'"),
    ({"source": "smr:Smith2020"}, "source", "smr:Smith2020 is not a known evidence source"),
    ({"source": ""}, "source", "every claim needs a source"),
    ({"source": "smr:AtrialFibrillation"}, "source", "is not a known evidence source"),
    ({"evidence": "ECO:0000000"}, "evidence", "is not a known evidence type"),
    ({"seed_ref": "9"}, "seed_ref", "the seed page has no reference '9'"),
    ({"excerpt": "nowhere"}, "excerpt", "no seed excerpt with key 'nowhere'"),
    ({"id": "has space"}, "id", "is not a CURIE"),
    ({"predicate": "smr:partOf", "subject": "smr:MitralLeaflet", "object": "smr:MitralValve", "status": "contested"},
     "status", "definitional relation"),
])
def test_a_bad_row_is_reported_with_file_row_and_column(turtle: Graph, tmp_path: Path, cells: dict, column: str, complaint: str) -> None:
    table = _table(tmp_path, _row(id="claim-ok"), _row(**cells))
    with pytest.raises(InputError) as error:
        compile_tables(turtle, [table])
    assert error.value.message.startswith(f"{table}:3: column {column!r}: ")
    assert complaint in error.value.message
    assert error.value.exit_code == 2


def test_duplicate_ids_and_unknown_columns_are_bad_input(turtle: Graph, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r":3: column 'id': duplicate id \(first used in row 2\)"):
        compile_tables(turtle, [_table(tmp_path, _row(), _row())])
    odd = tmp_path / "odd.tsv"
    odd.write_text(HEADER.rstrip("\n") + "\tcolour\n" + _row() + "\tred\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown column 'colour'"):
        compile_tables(turtle, [odd])
    not_a_table = tmp_path / "other.tsv"
    not_a_table.write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a claims table"):
        compile_tables(turtle, [not_a_table])


def test_the_shipped_tables_compile_and_every_row_is_sourced() -> None:
    graph = load_ontology()
    claims = list(graph.subjects(RDF.type, SMR.Claim))
    assert len(claims) > 70
    for claim in claims:
        assert list(graph.objects(claim, DCTERMS.source)) and graph.value(claim, SMR.status) is not None, claim


def test_the_worked_example_of_the_decision_record_is_the_shipped_table() -> None:
    """docs/adr/0001 quotes rows of ontology/claims.tsv by id; keep them in step."""
    graph = load_ontology()
    text = ADR.read_text(encoding="utf-8")
    quoted = set(re.findall(r"^(claim-\d{4})\s+(smr:\w+)\s+(smr:\w+)\s+(smr:\w+)\s+(\w+)", text, flags=re.M))
    assert len(quoted) == 3
    for claim, subject, predicate, obj, status in quoted:
        iri = SMR[claim]
        triple = tuple(graph.value(iri, p) for p in (SMR.subject, SMR.predicate, SMR.object))
        assert triple == tuple(SMR[x.removeprefix("smr:")] for x in (subject, predicate, obj)), claim
        assert graph.value(iri, SMR.status) == SMR[status.capitalize()], claim
