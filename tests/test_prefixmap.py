"""smr_kg.rdf.prefixmap (the light CURIE/IRI functions of the read-only commands) gives the same
answers as the curies converter of smr_kg.rdf.prefixes (the build's) for every prefix and synonym."""

from __future__ import annotations

import pytest

from smr_kg.rdf import prefixes, prefixmap

SPELLINGS = [(p, p) for p in prefixmap.PREFIX_MAP] + [
    (synonym, p) for p, synonyms in prefixmap.PREFIX_SYNONYMS.items() for synonym in synonyms
]
IRIS = [iri + "49436004" for iri in prefixmap.PREFIX_MAP.values()] + [
    iri + "C0004238" for iris in prefixmap.URI_PREFIX_SYNONYMS.values() for iri in iris
] + ["https://example.org/not-mapped/1"]


@pytest.mark.parametrize("spelling,prefix", SPELLINGS)
def test_every_prefix_and_synonym_expands_as_the_converter_expands_it(spelling, prefix):
    curie = f"{spelling}:49436004"
    assert str(prefixmap.expand(curie)) == str(prefixes.expand(curie)) == prefixmap.PREFIX_MAP[prefix] + "49436004"


@pytest.mark.parametrize("iri", IRIS)
def test_every_iri_compresses_and_standardizes_as_the_converter_does(iri):
    converter = prefixes.converter()
    assert prefixmap.compress(iri) == prefixes.compress(iri)
    assert str(prefixmap.standardize(iri)) == (converter.standardize_uri(iri) or iri)


def test_an_unknown_prefix_expands_to_nothing_here_and_is_refused_by_the_converter():
    assert prefixmap.expand("NOPE:1") is None
    with pytest.raises(Exception):
        prefixes.expand("NOPE:1")
