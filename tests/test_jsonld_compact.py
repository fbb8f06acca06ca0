"""The one-pass compactor writes exactly what PyLD's ``jsonld.compact`` writes, or leaves the work to PyLD.

Equality is of the serialized JSON (key order included, so the exported bytes are the same), on
the built graph, on the graph of awkward cases and on generated graphs over the terms of the
shipped context and of a variant that uses every context feature the compactor implements.
PyLD's toRdf of the compactor's output gives back the source graph. Contexts and inputs with
features it does not implement fall back to PyLD's own compaction.
"""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from test_jsonld import awkward_graph, memoized_pyld

from smr_kg.errors import InputError
from smr_kg.rdf.canonical import Canonical, to_ntriples
from smr_kg.rdf.serialize import published_context
from smr_kg.rdf.jsonld import compact_triples, compactor, expanded_nodes, offline_loader, parse_jsonld_text
from smr_kg.rdf.jsonld_compact import Unsupported
from smr_kg.rdf.namespaces import SMR

EX = "http://example.org/"


def pyld_compact(graph: Graph, context: dict) -> str:
    """PyLD the documented way (fromRdf of an N-Quads string, then compact), serialized."""
    options = {"format": "application/n-quads", "documentLoader": offline_loader}
    expanded = jsonld.from_rdf(to_ntriples(Canonical(graph)), options)
    return json.dumps(jsonld.compact(expanded, context, {"documentLoader": offline_loader}), indent=1)


def one_pass(graph: Graph, context: dict) -> str:
    """The compactor itself (no fallback), serialized."""
    return json.dumps(compactor(context).document(expanded_nodes(Canonical(graph).triples()), context), indent=1)


def without_xsd_string(graph: Graph) -> Graph:
    """``graph`` as RDF sees it: ``"x"^^xsd:string`` is ``"x"`` (rdflib keeps them apart)."""
    plain = Graph()
    for s, p, o in graph:
        plain.add((s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD.string else o))
    return plain


def variant_context() -> dict:
    """The shipped context plus every other feature the compactor implements: @set containers,
    aliases of @value/@language/@list/@graph, a null @language, a term named by a CURIE, a term
    (not a prefix) whose IRI begins other IRIs, nested prefixes where the shorter CURIE is not the
    least, a second term for one IRI, an xsd:string coercion."""
    context = copy.deepcopy(published_context())
    context["@context"].update({
        "val": "@value", "lang": "@language", "items": "@list", "nodes": "@graph",
        "xref": {"@id": "oboInOwl:hasDbXref", "@container": "@set"},
        "related": {"@id": "skos:related", "@type": "@id", "@container": "@set"},
        "nolang": {"@id": "smr:nolang", "@language": None},
        "smr:special": {"@id": "smr:special", "@type": "@id"},
        "ex": EX + "x", "aaaa": {"@id": EX, "@prefix": True}, "zz": {"@id": EX + "x", "@prefix": True},
        "labelFr": {"@id": "rdfs:label", "@language": "fr"},
        "text": {"@id": "smr:text", "@type": "xsd:string"},
        "someList": {"@id": "smr:someList", "@container": "@list", "@type": "@id"},
    })
    return context


def property_iris(context: dict) -> list[str]:
    """Every IRI a term of ``context`` names (as PyLD expands the terms), sorted."""
    body = context["@context"]
    terms = [t for t, d in body.items() if not t.startswith("@")
             and not (d if isinstance(d, str) else d["@id"]).startswith("@")]
    expanded = jsonld.expand({"@context": body, "@id": EX + "s", **{t: {"@id": EX + "o"} for t in terms}},
                             {"documentLoader": offline_loader})
    return sorted(k for k in expanded[0] if not k.startswith("@"))


CONTEXTS = {"shipped": published_context(), "variant": variant_context()}
NODES = [SMR.a, SMR.b, SMR["claim-0001"], URIRef("http://purl.obolibrary.org/obo/MONDO_0005311"),
         URIRef("http://purl.obolibrary.org/obo/RO_0002411"), URIRef("http://snomed.info/id/48724000"),
         URIRef(EX + "x"), URIRef(EX + "xy"), URIRef(EX + "z"), SMR.Claim, SMR.special, OWL.Class,
         RDFS.label, SKOS.related, URIRef("https://w3id.org/smr-kg/"), BNode("b1"), BNode("b2")]
DATATYPES = [XSD.string, XSD.decimal, XSD.integer, XSD.boolean, XSD.date, XSD.token, URIRef(EX + "dt"), SMR.unit, SMR.Claim]
LITERALS = st.one_of(
    st.builds(Literal, st.sampled_from(["x", "7", "true", "", "é"])),
    st.builds(lambda t, lang: Literal(t, lang=lang), st.sampled_from(["x", "y"]), st.sampled_from(["en", "fr", "en-gb"])),
    st.builds(lambda t, dt: Literal(t, datatype=dt), st.sampled_from(["x", "7", "1.5", "true", "2024-01-02"]),
              st.sampled_from(DATATYPES)),
)
TERMS = st.one_of(st.sampled_from(NODES), LITERALS)


@st.composite
def graphs(draw: st.DrawFn, context: dict) -> Graph:
    """A small graph: triples over the context's IRIs, rdf:type, unmapped IRIs and rdf:Lists."""
    predicates = st.one_of(st.sampled_from([URIRef(i) for i in property_iris(context)]),
                           st.sampled_from([RDF.type, URIRef(EX + "p"), SMR.unmapped]))
    list_predicates = st.sampled_from([OWL.unionOf, OWL.members, SMR.someList, RDFS.seeAlso, SKOS.related, RDFS.label])
    graph = Graph()
    subjects = st.sampled_from(NODES[:2] + NODES[-3:])  # few, so nodes get several values and types
    for s, p, o in draw(st.lists(st.tuples(subjects, predicates, TERMS), max_size=12)):
        graph.add((s, p, o))
    lists = st.tuples(st.sampled_from(NODES[:3]), list_predicates, st.lists(TERMS, max_size=3))
    for s, p, items in draw(st.lists(lists, max_size=2, unique_by=lambda t: t[:2])):  # see test_a_second_list_...
        head = BNode() if items else RDF.nil
        if items:
            Collection(graph, head, items)
        graph.add((s, p, head))
    return graph


SETTINGS = settings(max_examples=120, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_generated_graphs_compact_as_pyld_compacts_them(name: str) -> None:
    context = CONTEXTS[name]

    @SETTINGS
    @given(graphs(context))
    def check(graph: Graph) -> None:
        ours = one_pass(graph, context)
        assert ours == pyld_compact(graph, context)
        assert isomorphic(parse_jsonld_text(ours, "ours"), without_xsd_string(graph))

    check()


def test_a_second_list_under_a_list_term_is_refused_not_lost() -> None:
    """PyLD (as the JSON-LD 1.1 Compaction algorithm says: "set the value") keeps only the last
    of two lists a node has under one ``@container: @list`` term, silently dropping the first.
    The export refuses such a graph, naming the node and the term, instead of losing a list."""
    graph, first, second = Graph(), BNode(), BNode()
    Collection(graph, first, [SMR.a])
    Collection(graph, second, [SMR.b, Literal("x")])
    graph.add((SMR.Defined, OWL.unionOf, first))
    graph.add((SMR.Defined, OWL.unionOf, second))
    assert json.loads(pyld_compact(graph, published_context()))["unionOf"] == [{"id": "smr:b"}, "x"]  # (smr:a) is lost
    with pytest.raises(InputError, match=r"smr:Defined has two lists under <http://www.w3.org/2002/07/owl#unionOf>, and the context's @list term 'unionOf'"):
        one_pass(graph, published_context())


def test_two_lists_are_refused_even_where_another_node_sends_the_export_to_pyld() -> None:
    """A nested list elsewhere in the graph makes the compactor hand the document to PyLD,
    which would drop the first list silently: the refusal is checked before either runs."""
    graph, first, second, outer, inner = Graph(), BNode(), BNode(), BNode(), BNode()
    Collection(graph, first, [SMR.a])
    Collection(graph, second, [SMR.b])
    graph.add((SMR.Defined, OWL.unionOf, first))
    graph.add((SMR.Defined, OWL.unionOf, second))
    Collection(graph, inner, [SMR.c])
    Collection(graph, outer, [inner])
    graph.add((SMR.Another, OWL.unionOf, outer))  # compacted before smr:Defined
    with pytest.raises(Unsupported):  # the nested list is what sends it to PyLD
        one_pass(graph_without(graph, SMR.Defined), published_context())
    with pytest.raises(InputError, match=r"smr:Defined has two lists under <http://www.w3.org/2002/07/owl#unionOf>"):
        compact_triples(Canonical(graph).triples(), published_context())


def graph_without(graph: Graph, subject: URIRef) -> Graph:
    """``graph`` without the triples of ``subject``."""
    rest = Graph()
    for triple in graph:
        if triple[0] != subject:
            rest.add(triple)
    return rest


def awkward_variant_graph() -> Graph:
    """The awkward cases plus a value for each term :func:`variant_context` adds."""
    graph, members = awkward_graph(), BNode()
    oboinowl = "http://www.geneontology.org/formats/oboInOwl#"
    for p, o in [(URIRef(oboinowl + "hasDbXref"), Literal("MESH:D008944")), (SKOS.related, SMR.b),
                 (SMR.nolang, Literal("no language")), (SMR.nolang, Literal("en", lang="en")),
                 (SMR.special, URIRef(EX + "xy")), (RDFS.label, Literal("étiquette", lang="fr")),
                 (SMR.text, Literal("s", datatype=XSD.string)), (SMR.someList, members), (RDFS.seeAlso, URIRef(EX + "z"))]:
        graph.add((SMR.a, p, o))
    Collection(graph, members, [SMR.b, URIRef(EX + "xy")])
    return graph


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_the_awkward_cases_compact_as_pyld_compacts_them(name: str) -> None:
    graph = awkward_variant_graph()
    ours = one_pass(graph, CONTEXTS[name])
    assert ours == pyld_compact(graph, CONTEXTS[name])
    assert isomorphic(parse_jsonld_text(ours, "ours"), without_xsd_string(graph))


def test_the_built_graph_compacts_as_pyld_compacts_it_and_reads_back_as_itself(built_graph: Graph) -> None:
    context = published_context()
    ours, expected = one_pass(built_graph, context), pyld_compact(built_graph, context)
    assert ours == expected
    assert json.dumps(memoized_pyld(built_graph, context), indent=1) == expected  # the fallback, too
    back = parse_jsonld_text(ours, "ours")
    assert to_ntriples(Canonical(back)) == to_ntriples(Canonical(without_xsd_string(built_graph)))


def with_term(definition: dict) -> dict:
    context = copy.deepcopy(published_context())
    context["@context"].update(definition)
    return context


UNSUPPORTED = {
    "@vocab": with_term({"@vocab": "https://w3id.org/smr-kg/"}),
    "default @language": with_term({"@language": "en"}),
    "@base": with_term({"@base": EX}),
    "@reverse term": with_term({"isSourceOf": {"@reverse": "dcterms:source"}}),
    "@language map": with_term({"labels": {"@id": "rdfs:label", "@container": "@language"}}),
    "@index map": with_term({"byIndex": {"@id": "rdfs:comment", "@container": "@index"}}),
    "@type @vocab": with_term({"kind": {"@id": "smr:kind", "@type": "@vocab"}}),
    "scoped context": with_term({"scoped": {"@id": "smr:scoped", "@context": {"x": EX + "x"}}}),
    "@nest": with_term({"meta": "@nest", "nested": {"@id": "smr:nested", "@nest": "meta"}}),
    "@set on the @type alias": with_term({"type": {"@id": "@type", "@container": "@set"}}),
    "null term": with_term({"label": None}),
}


@pytest.mark.parametrize("feature", sorted(UNSUPPORTED))
def test_a_context_feature_the_compactor_lacks_falls_back_to_pyld(feature: str) -> None:
    context, graph = UNSUPPORTED[feature], awkward_graph()
    graph.add((SMR.a, URIRef("https://w3id.org/smr-kg/kind"), SMR.b))
    graph.add((SMR.a, URIRef("http://purl.org/dc/terms/source"), SMR.b))
    with pytest.raises(Unsupported):
        compactor(context)
    assert json.dumps(compact_triples(Canonical(graph).triples(), context), indent=1) == pyld_compact(graph, context)


def test_a_list_inside_a_list_falls_back_to_pyld() -> None:
    graph, outer, inner = Graph(), BNode(), BNode()
    Collection(graph, inner, [SMR.a, SMR.b])
    Collection(graph, outer, [inner, SMR.c])
    graph.add((SMR.Defined, OWL.unionOf, outer))
    context = published_context()
    with pytest.raises(Unsupported, match="nested @list"):
        compactor(context).document(expanded_nodes(Canonical(graph).triples()), context)
    assert json.dumps(compact_triples(Canonical(graph).triples(), context), indent=1) == pyld_compact(graph, context)


def test_an_iri_that_reads_as_a_curie_fails_as_in_pyld() -> None:
    graph = Graph()
    graph.add((URIRef("smr:looks-like-a-curie"), RDFS.label, Literal("x", lang="en")))
    context = published_context()
    with pytest.raises(Unsupported, match="confused with prefix"):
        compactor(context).document(expanded_nodes(Canonical(graph).triples()), context)
    with pytest.raises(jsonld.JsonLdError):
        compact_triples(Canonical(graph).triples(), context)
