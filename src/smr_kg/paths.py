"""Where the project's files are: the data smr-kg ships, and where a build is written.

The ontology, shapes and queries live at the top of the repository (users read and edit them
there), and the wheel carries a copy of them inside the package (``smr_kg/data/``, put there by
the build backend, see pyproject.toml). So the same code runs in both places:

* in a checkout (an editable install, or ``src`` on ``sys.path``) the files are read from the
  checkout and builds go to its ``dist/``;
* installed from a wheel, the files are read from the package and builds go to a per-user data
  directory (``$XDG_DATA_HOME/smr-kg/dist``, by default ``~/.local/share/smr-kg/dist`` on Linux,
  the platform's equivalent elsewhere), because site-packages is not the user's to write into.

The environment variables in :data:`ENVIRONMENT` override both; ``smr-kg --help`` lists them.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent / "data"
"""Where a wheel puts ontology/, shapes/ and queries/ (absent in a checkout)."""

ENVIRONMENT: dict[str, str] = {
    "SMR_KG_DIST": "build output directory (default: dist/ of the checkout, else the per-user data directory)",
    "SMR_KG_ROOT": "a directory with ontology/, shapes/ and queries/ to use instead of the shipped ones",
    "XDG_DATA_HOME": "base of the per-user data directory on Linux (default: ~/.local/share)",
    "SMR_KG_DEBUG": "set to 1 to show the Python traceback of an internal error (exit code 70)",
    "SMR_KG_PASSWORD": "the password for `smr-kg publish --user` (never given on the command line)",
    "SPARK_MASTER": "the Spark master for `smr-kg patients --engine spark` (default: local[*])",
    "SMR_KG_SPARK_DRIVER_MEMORY": "the Spark driver's memory for `patients --engine spark` (default: 2g)",
}
"""Every environment variable smr-kg reads, with what it does (shown by ``smr-kg --help``)."""


def checkout_root() -> Path | None:
    """The source checkout this module runs from, or None when installed from a wheel."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "ontology").is_dir():
        return root
    return None


def project_root() -> Path:
    """The directory holding ontology/, shapes/ and queries/: ``$SMR_KG_ROOT``, the checkout, or
    the copy shipped in the package."""
    env = os.environ.get("SMR_KG_ROOT")
    if env:
        return Path(env)
    return checkout_root() or PACKAGE_DATA


def ontology_dir() -> Path:
    return project_root() / "ontology"


def shapes_dir() -> Path:
    return project_root() / "shapes"


def queries_dir() -> Path:
    return project_root() / "queries"


def user_data_dir() -> Path:
    """The per-user data directory of smr-kg (platformdirs: XDG on Linux, ~/Library on macOS,
    %LOCALAPPDATA% on Windows)."""
    from platformdirs import user_data_path

    return user_data_path("smr-kg", appauthor=False)


def dist_dir() -> Path:
    """The build output directory: ``$SMR_KG_DIST``, else ``dist/`` beside the ontology of a
    checkout (or of ``$SMR_KG_ROOT``), else ``dist/`` in the per-user data directory."""
    env = os.environ.get("SMR_KG_DIST")
    if env:
        return Path(env)
    root = Path(os.environ["SMR_KG_ROOT"]) if os.environ.get("SMR_KG_ROOT") else checkout_root()
    return (root if root is not None else user_data_dir()) / "dist"


BUILT_TTL = "smr-kg.ttl"
"""File name of the built graph (ontology + materialized edges + mappings) inside dist/."""

STORE_DIR = "store"
"""Directory name of the prebuilt pyoxigraph store inside dist/ (reopens in milliseconds)."""
