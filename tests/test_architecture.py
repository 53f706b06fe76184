"""The layout rules of docs/architecture.md, checked: no import cycles, small modules.

Every ``import`` counts, wherever it stands: at the top, inside a function (lazy) or
under ``if TYPE_CHECKING:`` (type-only). A cycle of any kind makes a reader hold two
modules in mind at once.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Set

from tests.support.factories import run_in_fresh_interpreter

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "speakeasy"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> Dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, known: Set[str]) -> Set[str]:
    """The package's modules that ``name`` imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    found: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            # ``from pkg import mod`` imports the module pkg.mod when there is one.
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            # Importing a.b.c runs a/__init__ and a/b/__init__ too.
            parts = target.split(".")
            for end in range(1, len(parts) + 1):
                candidate = ".".join(parts[:end])
                if candidate in known and candidate != name:
                    found.add(candidate)
    return found


def _graph() -> Dict[str, Set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    groups: List[List[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _without_package_inits(graph: Dict[str, Set[str]]) -> Dict[str, Set[str]]:
    """Edges into a package's ``__init__`` from its own submodules are how Python works.

    ``speakeasy.models.shared.clievent`` importing ``speakeasy.models.shared.interactiontype``
    runs ``speakeasy.models.shared/__init__`` first; that is not a cycle a reader follows.
    """
    return {
        name: {t for t in targets if not name.startswith(t + ".")}
        for name, targets in graph.items()
    }


def test_no_import_cycles() -> None:
    """No module of src/speakeasy imports itself back through others, lazily or not."""
    assert _cycles(_without_package_inits(_graph())) == []


def test_the_checker_finds_a_cycle() -> None:
    """The checker itself sees a cycle made of a lazy and a type-only import."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_source_file_over_500_lines() -> None:
    """Small modules: none under src/ is over 500 lines."""
    long = {
        str(p.relative_to(SRC)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}


#: The layers of docs/architecture.md, lowest first: a module may import modules of its
#: own layer or of lower ones, never of a higher one (lazy and type-only imports count).
#: Each entry is a module name or a package prefix.
LAYERS = [
    # leaves: they import nothing of the SDK but each other
    [
        "speakeasy._version",
        "speakeasy._datetime",
        "speakeasy._model",
        "speakeasy._rawresponse",
        "speakeasy._redact",
        "speakeasy._body",
        "speakeasy._logging",
        "speakeasy._lazy",
        "speakeasy._codegen",
        "speakeasy._transports._base",
    ],
    # errors, the retry settings, and the checks of what 6.x/7.x code passes (which raise them)
    ["speakeasy.models.errors", "speakeasy.utils", "speakeasy._upstream"],
    # the codecs read and write the models: they register themselves in _model.CODECS
    ["speakeasy._encoding", "speakeasy._decoding", "speakeasy._fastcodec"],
    ["speakeasy.models"],
    # the core: what a request is and what its answer means (no HTTP library)
    [
        "speakeasy._config",
        "speakeasy._retry",
        "speakeasy._hooks",
        "speakeasy._debuglog",
        "speakeasy._answers",
        "speakeasy._build",
        "speakeasy._results",
        "speakeasy._pipeline",
    ],
    # the transports: the only modules that import an HTTP library
    ["speakeasy._transports"],
    # the two I/O edges: the loop of a call over a transport
    ["speakeasy._sync", "speakeasy._async"],
    ["speakeasy._batching"],
    ["speakeasy._tracking"],  # events.track(): hands events to a batcher
    ["speakeasy._events", "speakeasy._operations"],
    ["speakeasy._client"],
    ["speakeasy"],
    ["speakeasy._cli"],  # the speakeasy-events command: a user of the public face
]
CORE = LAYERS[4]
HTTP_LIBRARIES = {"requests": ("requests", "urllib3"), "async": ("aiohttp", "yarl", "multidict")}


def _layer(module: str) -> int:
    best, depth = -1, -1
    for level, members in enumerate(LAYERS):
        for member in members:
            if (module == member or module.startswith(member + ".")) and len(member) > depth:
                best, depth = level, len(member)
    return best


def _third_party_imports(path: Path) -> Set[str]:
    found: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_every_module_has_a_layer() -> None:
    """Each module of src/speakeasy (but testing/, which stands apart) is placed in a layer."""
    unplaced = [m for m in _modules() if _layer(m) < 0 and not m.startswith("speakeasy.testing")]
    assert unplaced == []


def test_imports_point_down() -> None:
    """No import goes from a lower layer up to a higher one."""
    graph = _without_package_inits(_graph())
    upward = sorted(
        f"{name} -> {target}"
        for name, targets in graph.items()
        for target in _leaf_targets(targets)
        if not name.startswith("speakeasy.testing")
        and target != "speakeasy"
        and _layer(target) > _layer(name)
    )
    assert upward == []


def _leaf_targets(targets: Set[str]) -> Set[str]:
    """The modules imported, without the packages run on the way (a.b for a.b.c)."""
    return {t for t in targets if not any(o.startswith(t + ".") for o in targets)}


#: The pytest plugin builds the ``speakeasy_client`` fixture, so it may import the SDK's
#: public face (inside that fixture only: tests/testing/test_pytest_plugin.py checks it).
PLUGIN = "speakeasy.testing.pytest_plugin"
PLUGIN_MAY_IMPORT = {"speakeasy.models", "speakeasy.models.shared"}


def test_testing_imports_nothing_of_the_sdk() -> None:
    """speakeasy.testing checks the SDK from outside: it imports only itself."""
    graph = _graph()
    reach = {
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name.startswith("speakeasy.testing")
        for target in targets
        if not target.startswith("speakeasy.testing") and target != "speakeasy"
        if not (name == PLUGIN and target in PLUGIN_MAY_IMPORT)
    }
    assert reach == set()


def test_the_core_imports_no_http_library() -> None:
    """The pipeline's core imports neither requests/urllib3 nor aiohttp, even lazily."""
    modules = _modules()
    libraries = {lib for libs in HTTP_LIBRARIES.values() for lib in libs}
    offending = {
        name: sorted(_third_party_imports(path) & libraries)
        for name, path in modules.items()
        if _layer(name) in (LAYERS.index(CORE), 0, 1, 2, 3)
        and _third_party_imports(path) & libraries
    }
    assert offending == {}


def test_only_the_transports_import_an_http_library() -> None:
    """requests/urllib3 are imported by the requests transport (and its deadline watchdog)
    only; aiohttp (and yarl, multidict) by the aiohttp transport only. testing/ imports none."""
    offending = sorted(
        f"{name} imports {sorted(_third_party_imports(path) & set(libs))}"
        for kind, libs in HTTP_LIBRARIES.items()
        for name, path in _modules().items()
        if _third_party_imports(path) & set(libs)
        and name != PLUGIN  # only to skip the async fixture when aiohttp is missing
        and name
        not in (
            {"speakeasy._transports._requests", "speakeasy._transports._deadline"}
            if kind == "requests"
            else {"speakeasy._transports._aiohttp"}
        )
    )
    assert offending == []


def _library_names(tree: ast.AST) -> Set[str]:
    """Names bound in a module to requests/urllib3/aiohttp objects: the modules
    themselves and whatever is imported from them."""
    libraries = {lib for libs in HTTP_LIBRARIES.values() for lib in libs}
    names: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in libraries:
                    names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.split(".")[0] in libraries:
                names.update(alias.asname or alias.name for alias in node.names)
    return names


def test_no_module_outside_the_transports_touches_a_library_private() -> None:
    """Outside ``_transports``, no ``._private`` attribute is read or written on anything
    that may be a requests/urllib3/aiohttp object: an attribute of a library name, or of
    a value the SDK's responses and sessions hand out (``.raw_response``, ``.session``,
    ``.connector``, ``.raw``). The transports own every workaround."""
    suspicious_owners = {"raw_response", "session", "connector", "raw", "response", "outcome"}
    found = []
    for name, path in _modules().items():
        if name.startswith("speakeasy._transports"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        library = _library_names(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and node.attr.startswith("_")):
                continue
            if node.attr.startswith("__"):
                continue
            owner = node.value
            owner_name = (
                owner.id
                if isinstance(owner, ast.Name)
                else owner.attr
                if isinstance(owner, ast.Attribute)
                else ""
            )
            if owner_name in library or owner_name in suspicious_owners:
                found.append(f"{name}:{node.lineno}: {owner_name}.{node.attr}")
    assert found == []


def test_models_reach_the_codecs_without_importing_them() -> None:
    """In a fresh interpreter, a model's to_json/from_json work with only the models
    imported: the codecs load on first use (registry in _model), not with the package."""
    run_in_fresh_interpreter(
        """
import sys
from datetime import datetime, timezone

from speakeasy.models import shared

assert "speakeasy._encoding" not in sys.modules and "speakeasy._decoding" not in sys.modules
now = datetime(2026, 1, 2, tzinfo=timezone.utc)
event = shared.CliEvent(
    created_at=now, execution_id="e", id="i", interaction_type=shared.InteractionType.CLI_EXEC,
    local_started_at=now, speakeasy_api_key_name="k", speakeasy_version="1", success=True,
    workspace_id="w",
)
text = event.to_json()
assert shared.CliEvent.from_json(text) == event
assert "speakeasy._encoding" in sys.modules and "speakeasy._decoding" in sys.modules
"""
    )
