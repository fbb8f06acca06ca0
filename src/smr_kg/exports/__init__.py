"""The graph written for other tools: RDF exports, OBO Graphs JSON, SSSOM, diagrams, publishing.

``export`` (Turtle, JSON-LD, N-Triples, RDF/XML of the asserted or built graph), ``obo`` (OBO
Graphs JSON for pronto and OAK), ``sssom_io`` (the mapping set through the ``sssom`` package),
``diagram`` (the pathway diagram), ``publish`` (the build into a triple store over the Graph
Store Protocol).

May import: :mod:`smr_kg.knowledge` and everything below it. Sibling of ``answer``,
``patients`` and ``serve``, which it never imports.
"""
