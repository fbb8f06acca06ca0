"""CLI commands, one module each; every module has ``register(subparsers)``.

Modules are discovered, so adding a command is adding a file here. Each module must import its
heavy dependencies inside its handler, not at import time: the CLI imports all of them on start.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def _discover() -> list[ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


COMMAND_MODULES = _discover()
