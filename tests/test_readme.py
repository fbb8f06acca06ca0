"""The README's "Add your own causes" example runs as written, with the installed `smr-kg`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def section_script(title: str) -> str:
    """The first ```bash block after the README heading ``title``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"^#+ {re.escape(title)}\n.*?```bash\n(.+?)\n```", text, re.DOTALL | re.MULTILINE)
    assert found, f"README has no bash block under {title!r}"
    return found.group(1)


def test_add_your_own_causes_example_runs_as_written(tmp_path: Path, require_tool) -> None:
    require_tool("java", shutil.which("java") is not None, "the example's build reasons with HermiT, which needs Java")
    env = dict(os.environ, SMR_KG_DIST=str(tmp_path / "dist"))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", section_script("Add your own causes")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "inputs: my-cause.ttl, my-claims.tsv" in done.stdout
    assert "acts through → left ventricular dilation" in done.stdout and "My cohort study (2024)" in done.stdout
    # What the text after the example promises, on the same build.
    asked = subprocess.run(["smr-kg", "query", "causes-through", "--param", "mechanism=left ventricular dilation",
                            "--format", "csv"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert asked.returncode == 0 and "https://example.org/my-lab/MyCause" in asked.stdout
    piped = subprocess.run(["bash", "-c", "cat my-cause.ttl | smr-kg validate -"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and "passed: 0 violations" in piped.stdout, piped.stdout + piped.stderr


def test_the_worked_example_build_figures_are_the_builds(built) -> None:
    """The README's `smr-kg build` block states the build's figures (triples, classes, claims,
    edges, sources): they must be this build's, not an earlier one's (timings excepted)."""
    import re

    _, report = built
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ smr-kg build\n", 1)[1].split("\n\n", 1)[0]
    timing = re.compile(r"\(\d+(\.\d+)? s\)|\d+(\.\d+)? s(?=\))|time: \d+(\.\d+)? s")
    expected = [timing.sub("", line) for line in report.summary().splitlines() if not line.startswith("  time:")]
    shown = [timing.sub("", line) for line in block.splitlines() if not line.startswith("  time:")]
    shown = [line.replace(" -> dist/smr-kg.ttl", "") for line in shown]
    expected = [re.sub(r" -> \S+smr-kg\.ttl$", "", line) for line in expected]
    assert shown == expected
