"""The package's plan holds: stages as sub-packages, imports run one way, no cycles, types check.

The contracts themselves are in ``pyproject.toml`` (``[tool.importlinter]``, ``[tool.mypy]``) so
that ``lint-imports`` and ``mypy`` run the same checks by hand; these tests run them in the suite,
so ``.ci/run`` fails on an upward import, a cycle or a type error.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "smr_kg"
BIN = Path(sys.executable).parent

STAGES = ("rdf", "store", "sparql", "stages", "validate", "build", "knowledge",
          "exports", "answer", "patients", "serve", "commands")
"""The sub-packages, in the order the README's layout section draws them."""

MAX_LINES = 400


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_layers_contract_holds():
    done = _run(str(BIN / "lint-imports"), "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_contract_names_every_sub_package():
    """A new sub-package must be placed in the layers (else nothing checks its imports)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    layers = text.split("layers = [", 1)[1].split("]", 1)[0]
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(STAGES)
    for name in packages:
        assert f'"smr_kg.{name}' in layers or f"| smr_kg.{name}" in layers, name


def test_no_import_cycles():
    """No module imports itself back through others, function-level imports included."""
    graph = grimp.build_graph("smr_kg", cache_dir=None)
    modules = sorted(graph.modules)
    index = {m: i for i, m in enumerate(modules)}
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & set(modules)) for m in modules}
    # Tarjan's strongly connected components, iteratively (the graph has ~70 nodes).
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in modules:
        if root in order:
            continue
        work = [(root, iter(edges[root]))]
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in order:
                    order[child] = low[child] = len(order)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], order[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == order[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component, key=index.__getitem__))
    # A package's __init__ importing its own modules is not a cycle of the plan; none do so far.
    assert cycles == []


def test_top_level_is_the_foundation_only():
    modules = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(modules) <= 10, modules
    assert set(modules) <= {"__init__", "__main__", "cli", "errors", "paths", "progress", "outputs", "record"}


@pytest.mark.parametrize("name", STAGES)
def test_each_sub_package_says_what_it_is_for(name):
    tree = ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc and len(doc) > 80, name


def test_no_module_over_the_size_limit():
    too_long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


def test_mypy_is_clean():
    """mypy (configured in pyproject.toml: untyped third-party packages declared one by one) finds
    no error in src/smr_kg (issue 22: 219 when the check was introduced)."""
    done = _run(sys.executable, "-m", "mypy", "--no-incremental")
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]


def test_python_dash_m_runs_the_cli():
    done = _run(sys.executable, "-m", "smr_kg", "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("smr-kg ")
