"""Loading: the ontology files merge into one graph; bad files give file:line messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rdflib import Graph, Literal

from smr_kg.errors import InputError
from smr_kg.stages.load import load_files, load_ontology, ontology_files, parse_into

FIXTURES = Path(__file__).parent / "fixtures" / "build"


def test_ontology_has_one_header_and_all_modules() -> None:
    from rdflib.namespace import OWL, RDF

    files = [f.name for f in ontology_files()]
    assert "smr-core.ttl" in files
    graph = load_ontology()
    assert len(list(graph.subjects(RDF.type, OWL.Ontology))) == 1


def test_turtle_syntax_error_names_file_and_line() -> None:
    with pytest.raises(InputError) as err:
        load_files([FIXTURES / "syntax-error.ttl"])
    assert "syntax-error.ttl:5" in err.value.message
    assert err.value.exit_code == 2


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_files([tmp_path / "absent.ttl"])
    odd = tmp_path / "data.csv"
    odd.write_text("a,b\n")
    with pytest.raises(InputError, match="unknown RDF file type"):
        load_files([odd])


def test_empty_ontology_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no ontology files"):
        load_ontology(tmp_path)


def test_non_utf8_file(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.ttl"
    bad.write_bytes('<http://ex/a> <http://ex/b> "caf\xe9" .\n'.encode("latin-1"))
    with pytest.raises(InputError):
        load_files([bad])


def test_jsonld_remote_context_is_refused_offline(tmp_path: Path) -> None:
    doc = tmp_path / "remote.jsonld"
    doc.write_text(json.dumps({"@context": "https://example.org/ctx.jsonld", "@id": "http://ex/a", "name": "x"}))
    with pytest.raises(InputError, match="refusing to fetch"):
        load_files([doc])


def test_jsonld_inline_context_is_read(tmp_path: Path) -> None:
    from rdflib import Literal, URIRef

    doc = tmp_path / "inline.jsonld"
    doc.write_text(json.dumps({"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"},
                               "@id": "https://w3id.org/smr-kg/X", "label": "x"}))
    graph = load_files([doc])
    assert (URIRef("https://w3id.org/smr-kg/X"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("x")) in graph


def test_malformed_json_names_line(tmp_path: Path) -> None:
    doc = tmp_path / "broken.jsonld"
    doc.write_text('{\n  "@id": "http://ex/a",\n  oops\n}')
    with pytest.raises(InputError, match="broken.jsonld:3"):
        parse_into(load_files([]), doc)


def test_the_fast_turtle_path_reads_what_rdflib_reads() -> None:
    """Ontology files go through pyoxigraph's parser; the graph must be the one rdflib parses,
    lexical forms and language tags included (compared blank-node-insensitively)."""
    from rdflib.compare import to_isomorphic

    from smr_kg import paths
    from smr_kg.stages.load import turtle_files

    for path in turtle_files(paths.ontology_dir(), "ontology"):
        fast = parse_into(Graph(), path)
        slow = Graph().parse(path, format="turtle")
        assert len(fast) == len(slow) > 0
        assert to_isomorphic(fast) == to_isomorphic(slow)
        assert {(str(o), o.language, o.datatype) for o in fast.objects() if isinstance(o, Literal)} == {
            (str(o), o.language, o.datatype) for o in slow.objects() if isinstance(o, Literal)
        }
