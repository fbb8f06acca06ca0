"""The SHACL quality gate: shapes compiled to SPARQL, the other engines, the report.

``shacl_core`` compiles SHACL Core constraints to SPARQL; ``engines`` runs them (and the
``sh:SPARQLConstraint`` shapes, the Python-only checks, pyshacl for the rest); ``results`` is
what the engines produce (a result, its node's display form); ``gate`` loads the shapes,
validates a graph, a store or the user's files and renders the report.

May import: :mod:`smr_kg.stages` (to read the files it validates), :mod:`smr_kg.store`,
:mod:`smr_kg.rdf` and the foundation modules. Imported by the build, never the other way.
"""
