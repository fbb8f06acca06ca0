"""RDF terms and text: the ground floor every stage stands on.

Terms and vocabularies (``terms``, ``vocab``, ``namespaces``), the pinned prefix map
(``prefixmap``, ``prefixes``), triple sets and their canonical, deterministic form
(``triples``, ``canonical``, ``serialize``), JSON-LD (``jsonld``, ``jsonld_compact``), and the
guards and checks on what users hand us (``xmlguard``, ``sctid``, ``sparqltext``,
``sparql_guard``). Nothing here knows about the build, a store or a clinical question.

May import: :mod:`smr_kg.errors`, :mod:`smr_kg.paths`, :mod:`smr_kg.outputs`, third-party
libraries. Imported by every layer above (the contract is in ``pyproject.toml``).
"""
