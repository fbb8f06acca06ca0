"""Patient records against the graph: ``smr-kg patients`` (issue 13).

The pipeline, one module each: :mod:`.readers` and :mod:`.fhir` (FHIR Bundles, NDJSON, CSV ->
:class:`.model.PatientRecord`, bounded memory), :mod:`.knowledge` (the only module that queries the
graph: causes, chains, recommendations, criteria, codes, guards), :mod:`.link` (codes -> concepts,
with ICD-10-CM structure and the user's SNOMED CT RF2 hierarchy), :mod:`.units` (UCUM),
:mod:`.evaluate` (per-patient causes, pattern and criterion verdicts), :mod:`.output` (CSV/TSV,
JSON, Turtle, --explain), :mod:`.pipeline` (the embedded engine) and :mod:`.spark` (the same
evaluation on Apache Spark).
"""
