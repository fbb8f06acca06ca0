"""The query page of ``smr-kg serve`` in a real browser: headless Chromium, offline.

Debian's chromium is driven by playwright-core (npm, tests/browser/; no browser download) through
tests/browser/check-page.mjs, which refuses and records every request that would leave the
machine. .ci/run installs both; locally the test skips and says what is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from engines import require

BROWSER_DIR = Path(__file__).parent / "browser"
CHROMIUM = os.environ.get("SMR_KG_CHROMIUM", "/usr/bin/chromium")


def check_page(url: str, query: str, screenshot: Path) -> dict:
    if not Path(CHROMIUM).is_file():
        require("chromium", f"no Chromium at {CHROMIUM} (Debian package chromium; or set SMR_KG_CHROMIUM)")
    if shutil.which("node") is None or not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        require("chromium", "playwright-core is not installed: npm ci --prefix tests/browser")
    done = subprocess.run(
        ["node", str(BROWSER_DIR / "check-page.mjs"), url, query, str(screenshot)],
        capture_output=True, text=True, timeout=180, env={**os.environ, "SMR_KG_CHROMIUM": CHROMIUM},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_page_runs_causes_through_and_shows_the_causes_offline(served, tmp_path: Path) -> None:
    page = served.query_url.rsplit("/sparql", 1)[0] + "/"
    report = check_page(page, "causes-through", tmp_path / "page.png")
    assert "failure" not in report, report.get("failure")
    assert report["outside"] == [], "the page tried to reach the network"
    assert report["errors"] == []                       # no script error, no blocked request
    assert {"causes-through", "causes", "teer-criteria"} <= set(report["examples"])
    assert "VALUES ?mechanism { <https://w3id.org/smr-kg/LeftVentricularDilation> }" in report["editor"]
    for cause in ("dilated cardiomyopathy -> left ventricular dilation", "ischemic heart disease -> left ventricular dilation",
                  "hypertensive heart disease -> left ventricular dilation"):
        assert cause in report["results"]
    assert "atrial fibrillation" not in report["results"]
    assert report["rows"] >= 5 and "/sparql" in report["requests"]
    assert (tmp_path / "page.png").stat().st_size > 10_000
