"""A wheel carries the ontology, shapes and queries, and the README's run command works from it.

The slow test does what a new user does: build the wheel, install it into a fresh virtual
environment inside an empty temporary directory, and run the README's run command there (its
part after the install step, verbatim). It needs the package index for the dependencies and Java
for HermiT; CI has both (``SMR_KG_REQUIRE`` turns the Java skip into a failure).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA_DIRS = ("ontology", "shapes", "queries")


def readme_command(title: str) -> str:
    """The one-line shell command of the README's ``**Run**`` or ``**Test**`` block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"\*\*{title}\*\*.*?```bash\n(.+?)\n```", text, re.DOTALL)
    assert found, f"README has no **{title}** command block"
    return found.group(1).strip()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built by pip through the configured build backend."""
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (built,) = out.glob("smr_kg-*.whl")
    return built


def test_the_wheel_ships_every_ontology_shape_and_query_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for directory in DATA_DIRS:
        files = [p for p in (ROOT / directory).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        assert files, directory
        for path in files:
            assert f"smr_kg/data/{path.relative_to(ROOT).as_posix()}" in names, path
    assert "smr_kg/data/ontology/context.jsonld" in names
    assert "smr_kg/data/ontology/mappings/smr.sssom.tsv" in names
    assert not any(n.startswith(("tests/", "dist/", "smr_kg/data/dist")) for n in names)


def test_the_run_command_installs_then_builds_and_asks() -> None:
    run = readme_command("Run")
    install, sep, rest = run.partition(" && .venv/bin/smr-kg build")
    assert sep and "pip install" in install, run
    assert rest.startswith(" && .venv/bin/smr-kg query "), run


@pytest.mark.slow
def test_readme_run_command_works_from_a_wheel_in_an_empty_directory(
    wheel: Path, tmp_path: Path, require_tool,
) -> None:
    require_tool("java", shutil.which("java") is not None, "the README's run command reasons with HermiT, which needs Java")
    work = tmp_path / "empty"
    work.mkdir()
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMR_KG_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"))
    setup = subprocess.run(
        ["bash", "-c", f"python3 -m venv .venv && .venv/bin/pip install -q {wheel}"],
        cwd=work, env=env, capture_output=True, text=True, timeout=900,
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    # The README's run command after its install step, verbatim, from the empty directory.
    command = ".venv/bin/smr-kg build" + readme_command("Run").partition(" && .venv/bin/smr-kg build")[2]
    done = subprocess.run(["bash", "-c", command], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    dist = home / "data" / "smr-kg" / "dist"
    assert f"-> {dist}" in done.stdout
    assert "smr:DilatedCardiomyopathy" in done.stdout and "smr:IschemicHeartDisease" in done.stdout
    assert sorted(p.name for p in work.iterdir()) == [".venv"], "the run wrote into the working directory"
    listed = subprocess.run([".venv/bin/smr-kg", "queries"], cwd=work, env=env, capture_output=True, text=True)
    named = len(list((ROOT / "queries").glob("*.rq")))
    assert listed.returncode == 0 and f"({named} queries in" in listed.stdout
    assert "site-packages/smr_kg/data/queries" in listed.stdout
