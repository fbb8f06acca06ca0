"""smr-kg: an evidence-linked knowledge graph of secondary (functional) mitral regurgitation.

The data flows one way: ``ontology/`` -> :mod:`smr_kg.load` -> :mod:`smr_kg.reason` (HermiT)
-> :mod:`smr_kg.materialize` -> validate -> the built graph in ``dist/`` -> query, export,
lookup, answer, diagram. Each step is one small module; :mod:`smr_kg.cli` only wires them.
"""

__version__ = "0.1.0"
