"""smr-kg: an evidence-linked knowledge graph of secondary (functional) mitral regurgitation.

The data flows one way, and the sub-packages are its stages: ``ontology/`` and the user's files ->
:mod:`smr_kg.stages` (load, reason with HermiT, materialize) -> :mod:`smr_kg.validate` (SHACL)
-> :mod:`smr_kg.build` (the built graph in ``dist/``, read through :mod:`smr_kg.store`) ->
:mod:`smr_kg.knowledge` -> :mod:`smr_kg.exports`, :mod:`smr_kg.answer`, :mod:`smr_kg.patients`,
:mod:`smr_kg.serve` -> :mod:`smr_kg.commands` -> :mod:`smr_kg.cli`, which only wires them. Below
them all, :mod:`smr_kg.rdf` (terms, prefixes, canonical form) and the foundation modules
(``errors``, ``paths``, ``progress``, ``outputs``, ``record``). A module imports only from stages
below its own: the contract is in ``pyproject.toml`` and ``tests/test_layout.py`` checks it.
"""

__version__ = "0.1.0"
