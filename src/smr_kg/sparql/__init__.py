"""The named-query layer: the competency questions as SPARQL files, and how they are run.

``queries`` finds and reads ``queries/*.rq`` (header, parameters); ``resolve`` turns a user's
value (label, CURIE, IRI, clinical code) into the RDF term it names; ``query`` binds the
parameters as terms (never pasted into the text), runs the query on any store and formats the
answer (table, CSV/TSV, SPARQL JSON), page by page.

May import: :mod:`smr_kg.store`, :mod:`smr_kg.rdf` and the foundation modules. Never the build
stages or anything that reads the graph as clinical knowledge (:mod:`smr_kg.knowledge`).
"""
