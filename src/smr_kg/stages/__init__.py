"""The build's stages, in the order data flows through them.

sources -> ``load`` (the ontology's Turtle, with the XML and size guards), ``claims`` (the claims
table compiled to records), ``mappings`` (the SSSOM set compiled to SKOS triples), ``inputs``
(the user's ``--input`` files merged with the core) -> ``reason`` (HermiT, on the split
ontology of ``reason_split``; ``inferred``: the shipped snapshot of its hierarchy for builds
without Java) -> ``materialize`` (accepted claims as edges, the causal closure).

Each stage is a function of triples to triples; none of them validates or publishes (that is
:mod:`smr_kg.validate` and :mod:`smr_kg.build`, above this package).

May import: :mod:`smr_kg.rdf`, :mod:`smr_kg.store` (the store writer), the foundation modules.
"""
