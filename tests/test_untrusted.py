"""Input from anyone: queries that would reach the network, XML entity bombs, huge files and terms
(issue 12, items 5-9 and 13)."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ENGINES = ("oxigraph", "rdflib")
LOL = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
<rdf:Description rdf:about="http://example.org/x"><rdfs:label>&i;</rdfs:label></rdf:Description>
</rdf:RDF>
"""


@pytest.fixture
def listener() -> Iterator[tuple[str, socket.socket]]:
    """A loopback port that records whether anything connected to it (it never answers)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql", server
    server.close()


def _connected(server: socket.socket) -> bool:
    return bool(select.select([server], [], [], 0.2)[0])


def _query_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("engine", ENGINES)
def test_service_is_refused_and_nothing_connects(run_cli, tmp_path: Path, listener, engine) -> None:
    """Issue: a user .rq with SERVICE <http://...> made a TCP connection (both engines), then exit 70."""
    url, server = listener
    rq = _query_file(tmp_path, f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    code, out, err = run_cli("query", rq, "--engine", engine, "--timeout", "3")
    assert code == 2 and "SERVICE" in err and "--allow-network" in err and len(err.splitlines()) == 1
    assert not _connected(server), "the engine connected to the SERVICE endpoint"


@pytest.mark.parametrize("engine", ENGINES)
def test_from_a_graph_not_in_the_store_is_refused(run_cli, tmp_path: Path, listener, engine) -> None:
    url, server = listener
    for clause in ("FROM", "FROM NAMED"):
        rq = _query_file(tmp_path, f"SELECT * {clause} <{url}> WHERE {{ ?s ?p ?o }} LIMIT 1")
        code, _, err = run_cli("query", rq, "--engine", engine, "--timeout", "3")
        assert code == 2 and "FROM" in err and len(err.splitlines()) == 1, err
    assert not _connected(server)


@pytest.mark.parametrize("engine", ENGINES)
def test_load_is_refused_as_an_update(run_cli, tmp_path: Path, listener, engine) -> None:
    url, server = listener
    code, _, err = run_cli("query", _query_file(tmp_path, f"LOAD <{url}>"), "--engine", engine)
    assert code == 2 and "update" in err and len(err.splitlines()) == 1
    assert not _connected(server)


def test_allow_network_is_the_opt_in(run_cli, tmp_path: Path, listener) -> None:
    url, server = listener
    rq = _query_file(tmp_path, f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    code, _, err = run_cli("query", rq, "--allow-network", "--timeout", "1")
    assert code == 2 and len(err.splitlines()) == 1  # the silent endpoint times out
    assert _connected(server)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_words_service_and_from_in_strings_iris_and_comments_are_fine(run_cli, tmp_path: Path, engine) -> None:
    rq = _query_file(tmp_path, (
        "# from the service, load nothing\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?s WHERE { ?s rdfs:label ?l FILTER(?l != \"service from load\" && ?s != <http://x/SERVICE>) } LIMIT 1"
    ))
    code, out, err = run_cli("query", rq, "--engine", engine, "--format", "csv")
    assert code == 0, err
    assert len(out.splitlines()) == 2


def test_an_xml_entity_bomb_is_refused_at_once(run_cli, tmp_path: Path) -> None:
    """Issue: nine nested 10x entities pinned a CPU for more than 120 s in rdflib's XML handler."""
    bomb = tmp_path / "lol.rdf"
    bomb.write_text(LOL)
    started = time.perf_counter()
    code, _, err = run_cli("validate", str(bomb))
    assert code == 2 and "entity" in err and len(err.splitlines()) == 1
    assert time.perf_counter() - started < 30


def test_external_entities_are_refused(run_cli, tmp_path: Path) -> None:
    doc = tmp_path / "xxe.rdf"
    doc.write_text(LOL.split("<!DOCTYPE")[0] + '<!DOCTYPE rdf:RDF [ <!ENTITY x SYSTEM "file:///etc/hostname"> ]>'
                   + LOL.split("]>", 1)[1].replace("&i;", "&x;"))
    code, _, err = run_cli("validate", str(doc))
    assert code == 2 and "external entity" in err


def test_protege_style_namespace_entities_still_parse(run_cli, tmp_path: Path) -> None:
    doc = tmp_path / "protege.owl"
    doc.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY smr "https://w3id.org/smr-kg/" >\n]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        '<rdf:Description rdf:about="&smr;AtrialFibrillation"><rdfs:comment xml:lang="en">note</rdfs:comment>'
        "</rdf:Description>\n</rdf:RDF>\n"
    )
    code, _, err = run_cli("validate", str(doc))
    assert code in (0, 1) and "error" not in err, err


def test_inputs_over_the_size_limit_are_refused_with_the_way_out(run_cli, tmp_path: Path) -> None:
    """Issue: validate on a 200 MB file took 10 GB of memory (and aborted under ulimit -v)."""
    big = tmp_path / "big.nt"
    line = '<http://example.org/s> <http://example.org/p> "%s" .\n'
    big.write_text("".join(line % i for i in range(40_000)))
    assert big.stat().st_size > 2**20
    code, _, err = run_cli("validate", str(big), "--max-size", "1")
    assert code == 2 and "limit" in err and "--max-size" in err and len(err.splitlines()) == 1


def test_a_huge_term_is_refused_at_once_and_not_echoed(run_cli) -> None:
    """Issue: a 100 KB term took 24-34 s to be rejected and was echoed in full."""
    for command in (("lookup",), ("path",), ("query", "causes-through", "--param")):
        value = "a" * 100_000
        started = time.perf_counter()
        arg = f"mechanism={value}" if command[-1] == "--param" else value
        code, _, err = run_cli(*command, arg)
        assert code == 2 and "too long" in err and len(err) < 400
        assert time.perf_counter() - started < 5


def test_control_characters_in_terms_are_not_echoed_raw(run_cli) -> None:
    code, _, err = run_cli("path", "atrial\x1b[31m fibrillation\x07\nsecond line")
    assert code == 1
    assert "\x1b" not in err and "\x07" not in err and len(err.splitlines()) == 1
    assert "\\x1b" in err


def test_a_100_kb_query_name_is_a_clean_error(run_cli) -> None:
    """Issue: `query` with a 100 KB name exited 70 (File name too long)."""
    for name in ("q" * 100_000, "q" * 300, "x/" + "q" * 300 + ".rq"):
        code, _, err = run_cli("query", name)
        assert code in (1, 2) and "internal error" not in err and len(err) < 400


@pytest.mark.parametrize("name,text", [("empty.ttl", ""), ("empty.nt", ""),
                                       ("plain.json", json.dumps({"name": "x", "value": 1}))])
def test_files_that_contribute_no_triples_are_warned_about(run_cli, tmp_path: Path, name, text) -> None:
    path = tmp_path / name
    path.write_text(text)
    code, _, err = run_cli("validate", str(path))
    assert "warning" in err and name in err and "no triples" in err


def test_json_ld_export_keeps_a_nul_character(tmp_path: Path) -> None:
    """Issue: JSON-LD export turned U+0000 in a label into the six characters \\u0000."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS

    from smr_kg.exports.export import serialize
    from smr_kg.stages.load import parse_into

    graph = Graph()
    graph.add((URIRef("http://example.org/a"), RDFS.label, Literal("before\x00after")))
    path = tmp_path / "nul.jsonld"
    path.write_bytes(serialize(graph, "jsonld"))
    back = parse_into(Graph(), path)
    assert [str(o) for o in back.objects(None, RDFS.label)] == ["before\x00after"]
