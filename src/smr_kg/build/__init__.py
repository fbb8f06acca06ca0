"""The build: the stages, then the gate, then a new ``dist/`` build switched in atomically.

``pipeline`` runs :mod:`smr_kg.stages` (load, reason, materialize), :mod:`smr_kg.validate`
(SHACL) and writes the build through :mod:`smr_kg.store.dist` and :mod:`smr_kg.store.write`.
It is the only place that knows the order of the steps.

May import: :mod:`smr_kg.validate`, :mod:`smr_kg.stages`, :mod:`smr_kg.store`,
:mod:`smr_kg.rdf` and the foundation modules.
"""
