"""Shared fixtures: the real ontology is built once per test session into a temporary dist/.

Every CLI call in the tests then reads that build through ``$SMR_KG_DIST``, so no test touches
the checkout's own dist/ and the suite runs on a clean clone.

Tests that need an external tool call ``require_tool``: it skips with a reason when the tool is
absent, but fails when the tool is named in ``$SMR_KG_REQUIRE`` (comma-separated, set by
``.ci/run``, which installs those tools), so CI cannot pass by skipping them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph

from smr_kg import paths
from smr_kg.build.pipeline import BuildReport, build

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def require_tool():
    """``require_tool(name, present, reason)``: nothing when present, else skip -- or fail when
    ``$SMR_KG_REQUIRE`` names the tool (:func:`engines.require`)."""
    from engines import require

    def check(name: str, present: bool, reason: str) -> None:
        if not present:
            require(name, reason)

    return check


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """Build the shipped ontology (with HermiT when Java is present) once; returns (dist, report)."""
    from smr_kg.stages.reason import java_available

    dist = tmp_path_factory.mktemp("dist")
    report = build(dist=dist, reasoner=java_available())  # HermiT tests skip, with a reason, without Java
    return dist, report


@pytest.fixture(scope="session", autouse=True)
def dist_env(built: tuple[Path, BuildReport]) -> Path:
    """Point every command at the session build."""
    dist, _ = built
    previous = os.environ.get("SMR_KG_DIST")
    os.environ["SMR_KG_DIST"] = str(dist)
    yield dist
    if previous is None:
        os.environ.pop("SMR_KG_DIST", None)
    else:
        os.environ["SMR_KG_DIST"] = previous


@pytest.fixture(scope="session")
def turtle() -> Graph:
    """The ontology's Turtle without its tables: what a curated table is compiled against
    (shared by the table tests; read-only: do not mutate)."""
    from smr_kg.stages.load import load_files

    return load_files(sorted(paths.ontology_dir().glob("*.ttl")))


def write_table(path: Path, header: str, rows: tuple[str, ...]) -> Path:
    """A table file for a table test: ``header`` (tab-separated, newline-terminated), then ``rows``."""
    path.write_text(header + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def built_graph(built: tuple[Path, BuildReport]) -> Graph:
    """The built graph as rdflib parsed it back from dist/smr-kg.ttl (read-only: do not mutate)."""
    dist, _ = built
    graph = Graph()
    graph.parse(dist / paths.BUILT_TTL, format="turtle")
    return graph


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    """Run ``smr-kg ARGS`` in-process; returns (exit code, stdout, stderr)."""
    from smr_kg.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


# --- SPARQL servers (tests/engines.py): skipped with a reason when absent, unless required ---


@pytest.fixture(scope="session")
def served(dist_env: Path):
    """``smr-kg serve`` over the session build, on a free port of 127.0.0.1."""
    from engines import served as serve_build

    yield from serve_build(dist_env)


@pytest.fixture(scope="session")
def oxigraph_server(dist_env: Path):
    """An Oxigraph server holding the session build (``$SMR_KG_TEST_OXIGRAPH``)."""
    from engines import external

    return external("oxigraph-server", dist_env)


@pytest.fixture(scope="session")
def virtuoso(dist_env: Path):
    """Virtuoso 7 holding the session build (``$SMR_KG_TEST_VIRTUOSO``)."""
    from engines import external

    return external("virtuoso", dist_env)
