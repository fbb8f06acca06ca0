"""CLI commands, one module each; every module has ``register(subparsers)`` and ``run(args)``.

Modules are discovered, so adding a command is adding a file here. Each module must import its
heavy dependencies inside its handler, not at import time. A command line that names a command
imports that module alone (:func:`load`); ``--help`` and unknown commands load them all
(:func:`load_all`): importing and registering every command cost ~10 ms, a fifth of a fast query.
"""

from __future__ import annotations

import importlib
import os

_HERE = os.path.dirname(__file__)


def names() -> list[str]:
    """The command names (module names without a leading underscore), sorted."""
    return sorted(n[:-3] for n in os.listdir(_HERE) if n.endswith(".py") and not n.startswith("_"))


def load(name: str):
    """The module of command ``name``."""
    return importlib.import_module(f"{__name__}.{name}")


def load_all() -> list:
    return [load(name) for name in names()]
