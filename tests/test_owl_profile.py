"""Both exported graphs are OWL 2 DL by an independent implementation: the OWL API.

The OWL API (Debian ``libowlapi-java``, version 5, the library under ROBOT and Protégé) loads
the RDF/XML and Turtle exports of the asserted ontology and of the built graph and runs its
OWL 2 DL profile checker; ``tests/owlapi/ProfileCheck.java`` is compiled here with ``javac``.
Locally the test skips when the jar or a JDK is missing; ``.ci/run`` installs the package and
sets ``SMR_KG_REQUIRE=owlapi``, so in CI it must run.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph

from smr_kg.exports.export import serialize
from smr_kg.stages.load import load_ontology

JAVA_DIR = Path("/usr/share/java")
OWLAPI_JAR = JAVA_DIR / "owlapi-distribution.jar"
DEPENDENCIES = (
    "guava", "caffeine", "commons-io", "commons-codec", "jsr305", "slf4j-api", "slf4j-nop", "hppcrt",
    "atinject-jsr330-api", "commons-rdf-api", "xz", "jackson-core", "jackson-databind",
    "jackson-annotations", "rdf4j-model-api", "rdf4j-model", "rdf4j-model-vocabulary", "rdf4j-rio-api",
    "rdf4j-util",
)
"""The jars of libowlapi-java's Debian dependencies that loading and profile checking use."""
SOURCE = Path(__file__).parent / "owlapi" / "ProfileCheck.java"


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> list[str] | None:
    """The ``java`` command line that runs the compiled checker, or None if it cannot be built."""
    if not (OWLAPI_JAR.is_file() and shutil.which("javac") and shutil.which("java")):
        return None
    jars = [OWLAPI_JAR, *(JAVA_DIR / f"{name}.jar" for name in DEPENDENCIES)]
    out = tmp_path_factory.mktemp("owlapi")
    classpath = ":".join(str(j) for j in jars if j.is_file())
    done = subprocess.run(["javac", "-d", str(out), "-cp", classpath, str(SOURCE)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return ["java", "-cp", f"{classpath}:{out}", "ProfileCheck"]


@pytest.fixture(scope="module")
def exported(built_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """RDF/XML and Turtle exports of both graphs, as `smr-kg export` writes them."""
    out = tmp_path_factory.mktemp("exports")
    files = {}
    for which, graph in (("ontology", load_ontology()), ("full", built_graph)):
        for fmt, suffix in (("xml", "owl"), ("ttl", "ttl")):
            path = out / f"{which}.{suffix}"
            path.write_bytes(serialize(graph, fmt))
            files[f"{which}.{suffix}"] = path
    return files


def test_both_exports_have_no_owl2_dl_profile_violation(checker, exported, tmp_path: Path, require_tool) -> None:
    require_tool("owlapi", checker is not None, "OWL API (Debian libowlapi-java) or a JDK (javac) is not installed")
    obo = tmp_path / "full.obo"
    files = [str(p) for p in exported.values()]
    done = subprocess.run([*checker, *files, "--obo", str(obo)], capture_output=True, text=True, timeout=300)
    summaries = [line for line in done.stdout.splitlines() if "\tviolations=" in line]
    assert len(summaries) == len(files), done.stdout + done.stderr[-2000:]
    violations = [line for line in done.stdout.splitlines() if line and "\tviolations=" not in line]
    assert violations == [], "\n".join(violations[:20])
    assert done.returncode == 0
    # Every file was really read: the OWL API found axioms in each.
    assert all(int(line.rsplit("axioms=", 1)[1]) > 1000 for line in summaries), summaries
    # The OWL API's OBO writer (ROBOT's) turns the oboInOwl:hasDbXref codes into xref lines.
    stanza = obo.read_text(encoding="utf-8").split("\nname: atrial fibrillation\n", 1)[1].split("\n\n", 1)[0]
    assert "xref: SNOMEDCT:49436004 {" in stanza and "sssom/confidence" in stanza
