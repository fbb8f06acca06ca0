"""Where the project's files are.

The package is installed editable from a checkout, so the ontology, shapes and queries are read
from the checkout (``SMR_KG_ROOT`` overrides it, e.g. for a packaged copy).
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The checkout (or ``$SMR_KG_ROOT``) that holds ontology/, shapes/, queries/ and dist/."""
    env = os.environ.get("SMR_KG_ROOT")
    return Path(env) if env else Path(__file__).resolve().parents[2]


def ontology_dir() -> Path:
    return project_root() / "ontology"


def shapes_dir() -> Path:
    return project_root() / "shapes"


def queries_dir() -> Path:
    return project_root() / "queries"


def dist_dir() -> Path:
    """The build output directory (``$SMR_KG_DIST`` overrides it)."""
    env = os.environ.get("SMR_KG_DIST")
    return Path(env) if env else project_root() / "dist"


BUILT_TTL = "smr-kg.ttl"
"""File name of the built graph (ontology + materialized edges + mappings) inside dist/."""

STORE_DIR = "store"
"""Directory name of the prebuilt pyoxigraph store inside dist/ (reopens in milliseconds)."""
