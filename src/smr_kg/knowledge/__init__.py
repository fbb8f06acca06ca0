"""What the built graph says, read as clinical knowledge.

``facts`` (terms, labels, hierarchy, codes), ``evidence`` (claim records, sources, evidence
types), ``pathways`` (causal chains), ``lookup`` (a concept card), ``snomed`` (SNOMED CT
post-coordinated expressions), ``unmapped`` (concepts without a code). Every reader works
through the store interface, so it answers the same from the embedded store or an endpoint.

May import: :mod:`smr_kg.sparql`, :mod:`smr_kg.store`, :mod:`smr_kg.stages` (the mapping
set's rows), :mod:`smr_kg.rdf` and the foundation modules. Used by the exports, ``answer``,
``patients`` and ``serve``; never imports them.
"""
