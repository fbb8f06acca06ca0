"""The scaling benchmark's synthetic extension (benchmarks/synthetic.py) is input the build
accepts: it builds, passes the shapes, and grows the graph in proportion, so the benchmark
measures real work (and fails here, not in a 20-minute run, when the input model changes)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from smr_kg import paths
from smr_kg.build.pipeline import build

# loaded from its file under its own name, not through sys.path (tests/ has helper modules too)
_SPEC = importlib.util.spec_from_file_location("smr_kg_benchmark_synthetic", Path(__file__).parents[1] / "benchmarks" / "synthetic.py")
synthetic = sys.modules[_SPEC.name] = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(synthetic)


def test_the_synthetic_extension_builds_validates_and_grows_in_proportion(tmp_path: Path) -> None:
    sizes = {}
    for causes in (0, 100, 200):
        source = synthetic.build_input(causes, tmp_path / f"in{causes}", paths.ontology_dir())
        report = build(source, tmp_path / f"dist{causes}", reasoner=False)
        assert "0 violations" in report.validation
        sizes[causes] = (report.triples, report.claims, report.asserted_edges)
    grown = [sizes[n][0] - sizes[0][0] for n in (100, 200)]
    assert grown[0] > 1000 and abs(grown[1] - 2 * grown[0]) < 0.05 * grown[1]
    ext = synthetic.generate(200)
    assert sizes[200][1] - sizes[0][1] == len(ext.claims)  # every claim row compiled
    assert sizes[200][2] - sizes[0][2] == len(ext.claims)  # every claim established: one edge each
