"""OBO Graphs JSON: pronto and OAK see the causal relations and the codes, each edge once.

pronto and oaklib are test extras (pyproject's ``test``): they read the export as OBO users will.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from smr_kg.exports.export import serialize
from smr_kg.rdf.namespaces import SMR
from smr_kg.knowledge.evidence import read_assertions, read_held_out
from smr_kg.store import store_for_graph
from smr_kg.rdf.terms import IRI

AF = str(SMR.AtrialFibrillation)
AF_CODES = {"SNOMEDCT:49436004", "MESH:D001281", "UMLS:C0004238", "MONDO:0004981", "DOID:0060224"}
"""Atrial fibrillation's exact matches in ontology/mappings/smr.sssom.tsv (ICD-10-CM I48 is broader)."""


@pytest.fixture(scope="module")
def obo_file(built_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("obo") / "smr-kg.json"
    path.write_bytes(serialize(built_graph, "obojson"))
    return path


@pytest.fixture(scope="module")
def document(obo_file: Path) -> dict:
    return json.loads(obo_file.read_text(encoding="utf-8"))["graphs"][0]


def test_each_asserted_relation_is_one_edge_and_entailed_ones_are_left_to_the_tools(document, built_graph) -> None:
    edges = [(e["sub"], e["pred"], e["obj"]) for e in document["edges"]]
    assert len(edges) == len(set(edges))
    assert not any(p == str(SMR.causallyUpstreamOf) for _, p, _ in edges)
    relations = Counter(p for _, p, _ in edges if p != "is_a")
    asserted = [a for a in read_assertions(store_for_graph(built_graph), [SMR.actsThrough]) if not a.inferred]
    assert relations[str(SMR.actsThrough)] == len(asserted) > 10
    assert (AF, str(SMR.actsThrough), str(SMR.LeftAtrialDilation)) in edges
    edge = next(e for e in document["edges"] if e["sub"] == AF and e["pred"] == str(SMR.actsThrough))
    sources = {v["val"] for v in edge["meta"]["basicPropertyValues"] if v["pred"].endswith("/source")}
    assert str(SMR.SeedPage) in sources and len(sources) >= 2
    assert {"pred": str(SMR.status), "val": str(SMR.Established)} in edge["meta"]["basicPropertyValues"]
    held_out = read_held_out(store_for_graph(built_graph), [SMR.actsThrough])
    assert held_out and not {(h.subject, h.object) for h in held_out} & {(IRI(s), IRI(o)) for s, _, o in edges}


def test_the_export_is_deterministic(built_graph, obo_file: Path) -> None:
    assert serialize(built_graph, "obojson") == obo_file.read_bytes()


def test_pronto_sees_atrial_fibrillations_relations_and_codes(obo_file: Path) -> None:
    import warnings

    import pronto

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ontology = pronto.Ontology(str(obo_file))
    af = ontology[AF]
    related = {rel.name: {t.name for t in targets} for rel, targets in af.relationships.items()}
    assert related == {"acts through": {"left atrial dilation"}}
    assert {x.id for x in af.xrefs} == AF_CODES
    assert "condition" in {t.name for t in af.superclasses(distance=1, with_self=False)}


def test_oak_lists_atrial_fibrillations_relation_once_and_its_codes(obo_file: Path) -> None:
    runoak = Path(sys.executable).with_name("runoak")
    done = subprocess.run([str(runoak), "-i", f"pronto:{obo_file}", "relationships", AF],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line.split("\t") for line in done.stdout.splitlines()[1:] if line.strip()]
    acts = [r for r in rows if r[1] == str(SMR.actsThrough)]
    assert len(acts) == 1 and acts[0][4:6] == ["acts through", "left atrial dilation"], rows
    assert len(rows) == len({tuple(r[:3]) for r in rows}), "OAK reports an edge twice"

    from oaklib import get_adapter

    mapped = {m.object_id for m in get_adapter(f"pronto:{obo_file}").sssom_mappings([AF]) if m.subject_id == AF}
    assert mapped == AF_CODES
    outgoing = list(get_adapter(f"obograph:{obo_file}").relationships([AF]))
    assert (AF, str(SMR.actsThrough), str(SMR.LeftAtrialDilation)) in outgoing and len(outgoing) == len(set(outgoing))


def test_obo_graphs_need_the_built_graph(run_cli) -> None:
    code, _, err = run_cli("export", "--format", "obojson", "--graph", "ontology")
    assert code == 2 and "--graph full" in err
