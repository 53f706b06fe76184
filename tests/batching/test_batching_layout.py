"""The batcher package's shape: no import cycle, no reach into other modules' privates, small files.

Read with ``ast``, so that lazy (in-function) and ``TYPE_CHECKING`` imports count too.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, Set, Tuple

import speakeasy

PACKAGE = "speakeasy._batching"
SRC = Path(speakeasy.__file__).resolve().parent / "_batching"


def _modules() -> Dict[str, ast.Module]:
    return {
        f"{PACKAGE}.{path.stem}" if path.stem != "__init__" else PACKAGE: ast.parse(
            path.read_text(encoding="utf-8")
        )
        for path in sorted(SRC.glob("*.py"))
    }


def _imports(tree: ast.Module) -> Iterator[Tuple[str, str]]:
    """(module, name) of every import anywhere in the file; name "" for ``import x``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ""
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                yield node.module, alias.name


def _graph() -> Dict[str, Set[str]]:
    modules = _modules()
    graph: Dict[str, Set[str]] = {name: set() for name in modules}
    for name, tree in modules.items():
        for module, imported in _imports(tree):
            for target in (module, f"{module}.{imported}"):
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def test_no_import_cycle_inside_the_package() -> None:
    """Every import, lazy or type-only included, goes one way."""
    graph = _graph()
    done: Set[str] = set()

    def visit(name: str, path: Tuple[str, ...]) -> None:
        assert name not in path, "import cycle: " + " -> ".join((*path, name))
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, (*path, name))
        done.add(name)

    for name in graph:
        visit(name, ())


def test_the_package_never_imports_the_client() -> None:
    """The client hands a Transport over; the batcher never imports it (no cycle with it)."""
    for name, tree in _modules().items():
        for module, _ in _imports(tree):
            assert module not in (
                "speakeasy._events",
                "speakeasy._client",
                "speakeasy._pipeline",
                "speakeasy._sync",
                "speakeasy._async",
            ), name
            assert module != "speakeasy", f"{name} imports the package root"


def test_no_private_name_of_another_module_is_used() -> None:
    """Only public names of modules outside the package: ``from x import _y`` never appears."""
    for name, tree in _modules().items():
        for module, imported in _imports(tree):
            if not module.startswith(PACKAGE):
                assert not imported.startswith("_"), f"{name} imports {module}.{imported}"


def _own_private_names(tree: ast.Module) -> Set[str]:
    """Private names a module defines: functions, methods, ``self._x`` attributes."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name.startswith("_"):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
    return names


def test_no_private_attribute_of_another_module_is_touched() -> None:
    """``obj._x`` only where this module defines ``_x``: no reaching into others' internals."""
    for name, tree in _modules().items():
        own = _own_private_names(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                assert node.attr in own, f"{name}:{node.lineno} touches .{node.attr}"


def test_no_file_is_over_500_lines() -> None:
    for path in SRC.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 500, path.name
