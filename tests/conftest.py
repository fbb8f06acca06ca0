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
from smr_kg.build import BuildReport, build

FIXTURES = Path(__file__).parent / "fixtures"


def required_tools() -> set[str]:
    """The tools ``$SMR_KG_REQUIRE`` says must be present (CI installs them)."""
    return {name.strip() for name in os.environ.get("SMR_KG_REQUIRE", "").split(",") if name.strip()}


@pytest.fixture
def require_tool():
    """``require_tool(name, present, reason)``: skip when absent, fail if ``$SMR_KG_REQUIRE`` names it."""

    def check(name: str, present: bool, reason: str) -> None:
        if present:
            return
        if name in required_tools():
            pytest.fail(f"{name} is required in this run (SMR_KG_REQUIRE) but absent: {reason}")
        pytest.skip(reason)

    return check


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """Build the shipped ontology (with HermiT when Java is present) once; returns (dist, report)."""
    from smr_kg.reason import java_available

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
