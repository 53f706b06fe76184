"""speakeasy.testing's public face is the one docs/testing.md documents, and its parts
import each other without cycles."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Set

import speakeasy.testing
from speakeasy.testing import EventsServer, Reply

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "speakeasy" / "testing"
GUIDE = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")


def test_all_is_sorted_and_documented() -> None:
    assert speakeasy.testing.__all__ == ["EventsServer", "ReceivedRequest", "Reply", "SentResponse"]
    for name in speakeasy.testing.__all__:
        assert f"`{name}" in GUIDE, name


def test_every_public_member_of_the_server_is_documented() -> None:
    """Options and fault actions users may rely on are all in the guide, none forgotten."""
    server = EventsServer()
    public = {name for name in dir(server) if not name.startswith("_")}
    missing = sorted(name for name in public if f"`{name}" not in GUIDE and f".{name}" not in GUIDE)
    assert not missing


def test_every_reply_field_and_action_is_documented() -> None:
    for name in Reply.__dataclass_fields__:
        assert f"`{name}" in GUIDE, name
    for action in ("respond", "drop", "reset", "reset_mid_body", "endless"):
        assert f'`"{action}"`' in GUIDE, action


def _imports(path: Path) -> Set[str]:
    """The sibling modules a module of the package imports (type-only ones included)."""
    found: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module)
            elif node.level == 1:
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("speakeasy.testing."):
                found.add(node.module.rsplit(".", 1)[1])
    return found


def test_no_import_cycle_inside_the_package() -> None:
    graph: Dict[str, Set[str]] = {p.stem: _imports(p) for p in PACKAGE.glob("*.py")}
    state: Dict[str, int] = {}

    def visit(module: str, path: tuple[str, ...]) -> None:
        if state.get(module) == 2:
            return
        assert state.get(module) != 1, " -> ".join((*path, module))
        state[module] = 1
        for imported in sorted(graph.get(module, ())):
            visit(imported, (*path, module))
        state[module] = 2

    for module in sorted(graph):
        visit(module, ())


def test_no_module_is_over_500_lines() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    assert max(sizes.values()) <= 500, sizes
