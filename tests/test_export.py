"""Exports: every format round-trips, independent readers agree, and the bytes are deterministic.

Isomorphism is checked with pyoxigraph's RDF canonicalization (a Rust implementation independent
of smr-kg's writer and of rdflib) and, once, with rdflib.compare; the JSON-LD is expanded by PyLD
(the reference algorithms, offline) and read by rdflib's own JSON-LD parser.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib import namespace as ns

from smr_kg.exports import export

from smr_kg import paths
from smr_kg.errors import SmrKgError
from smr_kg.exports.export import serialize
from smr_kg.rdf.serialize import published_context
from smr_kg.rdf.jsonld import to_nquads
from smr_kg.stages.load import load_ontology, read_turtle
from smr_kg.rdf.namespaces import SMR
from smr_kg.rdf.prefixes import PREFIX_MAP, turtle_prefixes

FORMATS = ("ttl", "nt", "xml", "jsonld")
OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML}


@pytest.fixture(scope="module")
def ontology_graph() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def exports(built_graph: Graph, ontology_graph: Graph) -> dict[tuple[str, str], bytes]:
    """Every format of both graphs, serialized once for the module."""
    graphs = {"full": built_graph, "ontology": ontology_graph}
    return {(which, fmt): serialize(graphs[which], fmt) for which in graphs for fmt in FORMATS}


def canonical(data: bytes, fmt: str) -> set:
    """The triples of ``data`` with canonical blank nodes (pyoxigraph's RDF canonicalization)."""
    if fmt == "jsonld":
        data, fmt = to_nquads(json.loads(data)).encode("utf-8"), "nt"
    dataset = ox.Dataset(ox.parse(data, format=OX_FORMATS[fmt]))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def graph_canonical(graph: Graph) -> set:
    return canonical(graph.serialize(format="nt", encoding="utf-8"), "nt")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("which", ("full", "ontology"))
def test_export_round_trips_to_the_same_graph(exports, built_graph, ontology_graph, which, fmt):
    source = built_graph if which == "full" else ontology_graph
    assert canonical(exports[(which, fmt)], fmt) == graph_canonical(source)


def test_turtle_export_is_isomorphic_by_rdflib_compare(exports, built_graph):
    back = Graph().parse(data=exports[("full", "ttl")], format="turtle")
    assert len(back) == len(built_graph)
    assert isomorphic(back, built_graph)


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")
def test_pyld_and_rdflib_read_the_same_triples_from_the_jsonld(exports, built_graph):
    data = exports[("full", "jsonld")]
    by_pyld = Graph().parse(data=to_nquads(json.loads(data)), format="nt")
    by_rdflib = Graph().parse(data=data, format="json-ld")  # context is embedded: no network
    assert graph_canonical(by_pyld) == graph_canonical(by_rdflib) == graph_canonical(built_graph)


def test_jsonld_reads_like_plain_json_and_needs_no_remote_context(exports):
    document = json.loads(exports[("full", "jsonld")])
    assert isinstance(document["@context"], dict), "the context must be embedded, not a URL"
    assert "http" not in json.dumps(document["@context"].get("@import", ""))
    nodes = {n["id"]: n for n in document["@graph"]}
    af = nodes["smr:AtrialFibrillation"]
    assert af["label"] == "atrial fibrillation"
    assert af["type"] == "owl:Class"
    assert af["actsThrough"] == "smr:LeftAtrialDilation"
    assert "SNOMEDCT:49436004" in af["exactMatch"]
    assert "ICD10CM:I48" in json.dumps(af["broadMatch"])


def test_published_context_declares_the_pinned_prefixes():
    context = published_context()["@context"]
    for prefix, iri in PREFIX_MAP.items():
        term = context[prefix]
        assert (term if isinstance(term, str) else term["@id"]) == iri, prefix


def test_jsonld_context_is_served_offline_at_its_published_iri():
    from smr_kg.rdf.jsonld import CONTEXT_URL, offline_loader

    served = offline_loader(CONTEXT_URL)["document"]
    assert served == published_context()


def test_turtle_declares_the_pinned_prefixes_and_is_sorted(exports):
    text = exports[("full", "ttl")].decode("utf-8")
    declared = dict(re.findall(r"^@prefix (\w+): <([^>]+)> \.$", text, flags=re.M))
    assert declared == turtle_prefixes()
    blocks = [b for b in text.split("\n\n")[1:] if b.strip()]
    assert blocks[0].startswith("smr:smr.owl a owl:Ontology")
    heads = [b.split(" ", 1)[0] for b in blocks[1:] if not b.startswith(("[]", "_:"))]

    def expand(name: str) -> str:
        if name.startswith("<"):
            return name[1:-1]
        prefix, _, local = name.partition(":")
        return declared[prefix] + local

    iris = [expand(h) for h in heads]
    assert iris == sorted(iris) and len(iris) == len(set(iris)), "one block per subject, by IRI"


def test_same_graph_parsed_twice_gives_identical_bytes(dist_env):
    """Parsing assigns fresh random blank-node ids: the exports must not depend on them."""
    first = Graph().parse(dist_env / paths.BUILT_TTL, format="turtle")
    second = Graph().parse(dist_env / paths.BUILT_TTL, format="turtle")
    assert set(first.subjects()) != set(second.subjects())  # different blank-node ids
    for fmt in FORMATS:
        assert serialize(first, fmt) == serialize(second, fmt), fmt


def test_exports_are_byte_identical_across_processes(dist_env, tmp_path):
    """Two CLI runs with different hash seeds (set/dict orders differ) write the same bytes."""
    for seed in ("1", "2"):
        for fmt in ("ttl", "xml"):
            env = {**os.environ, "PYTHONHASHSEED": seed, "SMR_KG_DIST": str(dist_env)}
            subprocess.run(
                [sys.executable, "-m", "smr_kg.cli", "export", "-f", fmt, "-o", str(tmp_path / f"{seed}.{fmt}")],
                check=True, env=env, capture_output=True,
            )
    for fmt in ("ttl", "xml"):
        assert (tmp_path / f"1.{fmt}").read_bytes() == (tmp_path / f"2.{fmt}").read_bytes()


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (Debian raptor2-utils) is not installed")
@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("nt", "ntriples"), ("xml", "rdfxml")])
def test_rapper_parses_the_export_strictly(exports, built_graph, tmp_path, fmt, parser):
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(exports[("full", fmt)])
    done = subprocess.run(["rapper", "-i", parser, "-c", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr and "Warning" not in done.stderr, done.stderr
    count = int(re.search(r"returned (\d+) triples", done.stderr).group(1))
    assert count == len(built_graph)


def test_owlready2_loads_the_rdfxml_export(exports, built_graph, tmp_path):
    import owlready2

    path = tmp_path / "smr-kg.owl"
    path.write_bytes(exports[("full", "xml")])
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    named = {str(c) for c in built_graph.subjects(ns.RDF.type, ns.OWL.Class) if isinstance(c, URIRef)}
    assert {c.iri for c in world.classes()} == named
    af = world[str(SMR.AtrialFibrillation)]
    assert "atrial fibrillation" in [str(label) for label in af.label]
    # claims are annotations (no conclusions drawn from them), definitions are restrictions
    acts_through = world[str(SMR.actsThrough)]
    assert isinstance(acts_through, owlready2.AnnotationPropertyClass)
    assert world[str(SMR.LeftAtrialDilation)] in acts_through[af]
    dilation = world[str(SMR.LeftAtrialDilation)]
    restrictions = [r for r in dilation.is_a if isinstance(r, owlready2.Restriction)]
    assert any(r.property.iri == str(SMR.actsOn) and r.value.iri == str(SMR.LeftAtrium) for r in restrictions)


# -- the canonical form on shapes the real graph may not have --------------------------------------

EX = "http://example.org/"


def _tricky_graph() -> Graph:
    g = Graph()
    s = URIRef(EX + "s")
    shared, c1, c2 = BNode(), BNode(), BNode()
    g.add((s, URIRef(EX + "p"), shared))           # a blank node used twice
    g.add((URIRef(EX + "t"), URIRef(EX + "p"), shared))
    g.add((shared, ns.RDFS.label, Literal('quote " backslash \\ newline\n tab\t é ✓', lang="en")))
    g.add((c1, URIRef(EX + "next"), c2))            # a cycle of once-used blank nodes
    g.add((c2, URIRef(EX + "next"), c1))
    for _ in range(2):                              # identical sibling blank nodes
        twin = BNode()
        g.add((s, URIRef(EX + "twin"), twin))
        g.add((twin, ns.RDF.value, Literal("1.50", datatype=ns.XSD.decimal)))
    items = [Literal("a"), URIRef(EX + "b"), Literal(3)]
    head = BNode()
    g.add((s, URIRef(EX + "list"), head))
    for i, item in enumerate(items):
        g.add((head, ns.RDF.first, item))
        nxt = BNode() if i < len(items) - 1 else ns.RDF.nil
        g.add((head, ns.RDF.rest, nxt))
        head = nxt
    g.add((URIRef(EX + "weird/iri#x"), URIRef(EX + "p"), Literal("", datatype=ns.XSD.string)))
    return g


@pytest.mark.parametrize("fmt", FORMATS)
def test_canonical_writer_round_trips_shared_cyclic_and_list_blank_nodes(fmt):
    graph = _tricky_graph()
    data = serialize(graph, fmt)
    assert canonical(data, fmt) == graph_canonical(graph)
    reparsed = Graph()
    if fmt == "jsonld":
        reparsed.parse(data=to_nquads(json.loads(data)), format="nt")
    else:
        reparsed.parse(data=data, format={"ttl": "turtle", "nt": "nt", "xml": "xml"}[fmt])
    assert serialize(reparsed, fmt) == data, "re-exporting a parsed export changes nothing"


def test_turtle_writes_lists_and_once_used_blank_nodes_inline():
    text = serialize(_tricky_graph(), "ttl").decode("utf-8")
    assert '( "a" <http://example.org/b> "3"^^xsd:integer )' in text
    assert text.count("_:s") >= 2, "the shared node is labelled where it is used"


def test_export_command_writes_atomically_and_prints_to_stdout(run_cli, tmp_path):
    code, out, _ = run_cli("export", "--graph", "ontology", "--format", "nt")
    assert code == 0 and out.splitlines()[0].startswith("<")
    target = tmp_path / "out" / "smr-kg.jsonld"
    code, out, err = run_cli("export", "-f", "jsonld", "-o", str(target))
    assert code == 0 and out == "" and "wrote" in err
    assert json.loads(target.read_text(encoding="utf-8"))["@graph"]
    assert [p.name for p in target.parent.iterdir()] == ["smr-kg.jsonld"], "no temporary file left behind"


def test_export_without_a_build_says_to_build(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SMR_KG_DIST", str(tmp_path / "empty"))
    code, _, err = run_cli("export", "-f", "ttl")
    assert code == 2 and "smr-kg build" in err and "Traceback" not in err  # cannot run: exit 2


def test_export_refuses_a_directory_as_output(run_cli, tmp_path):
    for target in (str(tmp_path), str(tmp_path / "new") + "/"):
        code, out, err = run_cli("export", "-f", "ttl", "-o", target)
        assert code == 2 and "directory" in err and out == ""
    assert list(tmp_path.iterdir()) == []


def test_export_rejects_an_unknown_format(run_cli):
    with pytest.raises(SystemExit) as exc:
        run_cli("export", "--format", "yaml")
    assert exc.value.code == 2
    with pytest.raises(export.InputError):
        serialize(Graph(), "yaml")


def test_xml_export_refuses_a_property_it_cannot_name():
    g = Graph()
    g.add((URIRef(EX + "s"), URIRef(EX + "p/123"), Literal("x")))
    with pytest.raises(SmrKgError, match="cannot be written as an RDF/XML property"):
        serialize(g, "xml")
    assert serialize(g, "ttl")  # Turtle can write it


@pytest.mark.parametrize("fmt", FORMATS)
def test_full_export_reads_the_built_turtle_into_the_same_bytes_as_rdflib(built, built_graph, fmt):
    """The full export parses dist/smr-kg.ttl with pyoxigraph (no rdflib graph): same bytes."""
    dist, _ = built
    triples = set(read_turtle(dist / paths.BUILT_TTL))
    assert len(triples) == len(built_graph)
    assert serialize(triples, fmt) == serialize(built_graph, fmt)
