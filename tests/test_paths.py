"""Where smr-kg reads its data and writes its builds: checkout, wheel, and the overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from smr_kg import paths

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("SMR_KG_DIST", raising=False)
    monkeypatch.delenv("SMR_KG_ROOT", raising=False)
    return monkeypatch


def test_a_checkout_reads_its_own_files_and_builds_into_its_dist(clean_env) -> None:
    assert paths.checkout_root() == ROOT
    assert paths.ontology_dir() == ROOT / "ontology"
    assert paths.queries_dir() == ROOT / "queries"
    assert paths.dist_dir() == ROOT / "dist"


def test_installed_from_a_wheel_it_reads_the_packaged_copy_and_builds_per_user(clean_env, tmp_path: Path) -> None:
    clean_env.setattr(paths, "checkout_root", lambda: None)
    clean_env.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.project_root() == paths.PACKAGE_DATA
    assert paths.shapes_dir() == paths.PACKAGE_DATA / "shapes"
    assert paths.dist_dir() == tmp_path / "xdg" / "smr-kg" / "dist"


def test_environment_variables_override_both(clean_env, tmp_path: Path) -> None:
    clean_env.setenv("SMR_KG_ROOT", str(tmp_path / "root"))
    assert paths.ontology_dir() == tmp_path / "root" / "ontology"
    assert paths.dist_dir() == tmp_path / "root" / "dist"
    clean_env.setenv("SMR_KG_DIST", str(tmp_path / "out"))
    assert paths.dist_dir() == tmp_path / "out"
