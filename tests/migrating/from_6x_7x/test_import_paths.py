"""``speakeasy_client_sdk_python``: 6.x/7.x's import paths over this SDK's own objects.

Every name it exports is the very object ``speakeasy`` exports (one class, two paths);
upstream's module paths for the Events group exist with upstream's names, but for those
listed in ``ABSENT`` (documented in docs/migrating-from-6x-7x.md); and importing it loads
nothing that ``import speakeasy`` does not.
"""

from __future__ import annotations

import importlib
import json
import pickle
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict, List, Set

import pytest

import speakeasy
import speakeasy.models.errors
import speakeasy.models.operations
import speakeasy.models.shared
import speakeasy.utils
from speakeasy import _events, _upstream

SRC = Path(__file__).resolve().parents[3] / "src"
COMPAT = SRC / "speakeasy_client_sdk_python"

#: Upstream's public names per module of the Events group, read from the 6.3.0 and
#: 7.0.0rc2 wheels (their ``.py`` files' top-level classes and ``__init__`` imports).
UPSTREAM: Dict[str, List[str]] = {
    "models.shared.clievent": [
        "GenerateBumpType", "OpenapiDiffBumpType", "CliEventTypedDict", "CliEvent",
    ],
    "models.shared.interactiontype": ["InteractionType"],
    "models.shared.targetsdk": ["TargetSDKTypedDict", "TargetSDK"],
    "models.shared.security": ["SecurityTypedDict", "Security"],
    **{
        f"models.operations.{module}": [
            f"{cls}GlobalsTypedDict", f"{cls}Globals", f"{cls}RequestTypedDict",
            f"{cls}Request", f"{cls}ResponseTypedDict", f"{cls}Response",
        ]
        for module, cls in [
            ("getworkspaceeventsbytarget", "GetWorkspaceEventsByTarget"),
            ("getworkspacetargets", "GetWorkspaceTargets"),
            ("getworkspacetargetsdeprecated", "GetWorkspaceTargetsDeprecated"),
            ("postworkspaceevents", "PostWorkspaceEvents"),
            ("searchworkspaceevents", "SearchWorkspaceEvents"),
        ]
    },
    "models.errors": ["Error", "ErrorData", "SDKError"],
    "models.errors.error": ["ErrorData", "Error"],
    "models.errors.sdkerror": ["SDKError"],
    "utils.retries": ["BackoffStrategy", "RetryConfig"],
    "types": [
        "BaseModel", "Nullable", "OptionalNullable", "UnrecognizedInt", "UnrecognizedStr",
        "UNSET", "UNSET_SENTINEL",
    ],
    "": ["Speakeasy", "VERSION"],
}  # fmt: skip

#: Upstream names deliberately not provided (see "What is not there" in the migration page).
ABSENT = {
    # pydantic's base class and open-enum annotations: the models here are not pydantic's
    "BaseModel", "UnrecognizedInt", "UnrecognizedStr",
    # TypedDicts of models users never build (security, and the read-only answers)
    "SecurityTypedDict", "TargetSDKTypedDict",
    *(f"{cls}ResponseTypedDict" for cls in (
        "GetWorkspaceEventsByTarget", "GetWorkspaceTargets", "GetWorkspaceTargetsDeprecated",
        "PostWorkspaceEvents", "SearchWorkspaceEvents",
    )),
    # the generator's internal "globals" models (the client's workspace_id)
    *(f"{cls}{kind}" for kind in ("Globals", "GlobalsTypedDict") for cls in (
        "GetWorkspaceEventsByTarget", "GetWorkspaceTargetsDeprecated",
        "PostWorkspaceEvents", "SearchWorkspaceEvents",
    )),
    "GetWorkspaceTargetsGlobals", "GetWorkspaceTargetsGlobalsTypedDict",  # 6.3.0 only
}  # fmt: skip

#: Where each compat module's names come from in ``speakeasy``.
ORIGIN: Dict[str, ModuleType] = {
    "models.shared": speakeasy.models.shared,
    "models.operations": speakeasy.models.operations,
    "models.errors": speakeasy.models.errors,
    "utils": speakeasy.utils,
    "types": _upstream,
    "sdk": speakeasy,
    "events": _events,
}


def _compat_modules() -> List[str]:
    """Every module of the package but ``httpclient`` (which refuses to import)."""
    names = []
    for path in sorted(COMPAT.rglob("*.py")):
        parts = list(path.relative_to(COMPAT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if name != "httpclient" and not name.startswith("_") and "._" not in name:
            names.append(name)
    return names


def _origin(module: str) -> ModuleType:
    for prefix in sorted(ORIGIN, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return ORIGIN[prefix]
    return speakeasy


def _load(module: str) -> ModuleType:
    return importlib.import_module("speakeasy_client_sdk_python" + (f".{module}" if module else ""))


@pytest.mark.parametrize("module", _compat_modules())
def test_every_name_is_speakeasys_own_object(module: str) -> None:
    compat = _load(module)
    origin = _origin(module)
    assert compat.__all__
    for name in compat.__all__:
        value = getattr(compat, name)
        if isinstance(value, ModuleType):
            assert value.__name__.startswith("speakeasy_client_sdk_python.")
        elif name not in ("VERSION", "__version__", "__title__"):
            assert value is getattr(origin, name), f"{module}.{name}"
            if isinstance(value, type):
                assert value.__module__.startswith("speakeasy.")


def test_the_examples_objects_are_identical() -> None:
    from speakeasy_client_sdk_python.models import errors, operations, shared
    from speakeasy_client_sdk_python.models.shared.clievent import CliEvent

    assert shared.CliEvent is CliEvent is speakeasy.models.shared.CliEvent
    assert errors.Error is speakeasy.models.errors.Error
    assert (
        operations.PostWorkspaceEventsRequest
        is speakeasy.models.operations.PostWorkspaceEventsRequest
    )


@pytest.mark.parametrize("module", sorted(UPSTREAM))
def test_upstreams_names_are_there_or_documented_absent(module: str) -> None:
    compat = _load(module)
    missing = [n for n in UPSTREAM[module] if not hasattr(compat, n) and n not in ABSENT]
    assert missing == []
    present_anyway = [n for n in UPSTREAM[module] if n in ABSENT and hasattr(compat, n)]
    assert present_anyway == []


def test_the_migration_page_lists_what_is_absent() -> None:
    page = (SRC.parent / "docs" / "migrating-from-6x-7x.md").read_text(encoding="utf-8")
    for name in ("BaseModel", "UnrecognizedStr", "SecurityTypedDict", "TargetSDKTypedDict"):
        assert f"`{name}`" in page
    assert "`...ResponseTypedDict`" in page and "`...Globals`" in page


def test_version_is_this_sdks() -> None:
    import speakeasy_client_sdk_python as compat

    assert compat.VERSION == compat.__version__ == speakeasy.__version__


def test_an_unknown_name_is_an_attribute_error() -> None:
    import speakeasy_client_sdk_python.models.shared as shared

    with pytest.raises(AttributeError, match=r"has no attribute 'Nope'"):
        shared.Nope  # type: ignore[attr-defined] # noqa: B018


def test_httpclient_refuses_to_import_saying_what_to_use() -> None:
    with pytest.raises(ImportError, match=r"pass a requests\.Session as client="):
        importlib.import_module("speakeasy_client_sdk_python.httpclient")


def test_unset_is_one_falsy_sentinel() -> None:
    from speakeasy_client_sdk_python.types import UNSET, Unset

    assert not UNSET and repr(UNSET) == "UNSET" and isinstance(UNSET, Unset)
    assert pickle.loads(pickle.dumps(UNSET)) is UNSET


def _modules_after(statement: str) -> Set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    return set(json.loads(result.stdout))


def test_importing_it_loads_no_more_than_import_speakeasy() -> None:
    """Nothing of the SDK's machinery, requests or the models until a name is used."""
    plain = _modules_after("import speakeasy")
    compat = _modules_after("import speakeasy_client_sdk_python")
    assert compat - plain == {"speakeasy_client_sdk_python", "speakeasy_client_sdk_python._forward"}
    assert not {m for m in compat if m.startswith(("requests", "speakeasy.models"))}


def test_the_models_path_loads_what_speakeasys_does() -> None:
    plain = _modules_after("from speakeasy.models import errors, operations, shared")
    compat = _modules_after(
        "from speakeasy_client_sdk_python.models import errors, operations, shared"
    )
    extra = {m for m in compat - plain if not m.startswith("speakeasy_client_sdk_python")}
    assert extra == set()
    assert "speakeasy.models.shared.targetsdk" not in compat  # still built on first use
