"""The public face of the package matches its docs.

After httpx's tests/test_exported_members.py.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: The names the README and docs/ document for each public module, sorted as ``__all__`` is.
DOCUMENTED = {
    "speakeasy": [
        "BatcherStats",  # README "Batching", docs/batching.md
        "EventBatcher",
        "Hooks",  # docs/sdks/speakeasy/README.md "Hooks"
        "Speakeasy",
        "__version__",
        "models",
        "utils",
    ],
    "speakeasy.models.shared": ["CliEvent", "GenerateBumpType", "InteractionType", "Security"],
    "speakeasy.models.operations": [
        "GetWorkspaceEventsByTargetRequest",
        "GetWorkspaceEventsByTargetResponse",
        "PostWorkspaceEventsRequest",
        "PostWorkspaceEventsResponse",
        "SearchWorkspaceEventsRequest",
        "SearchWorkspaceEventsResponse",
    ],
    "speakeasy.models.errors": [
        "BatcherClosedError",
        "BrokenResponseError",  # docs/reliability.md
        "ClientClosedError",  # docs/sdks/speakeasy/README.md
        "Error",
        "FieldTypeError",
        "SDKError",
        "SpeakeasyError",
        "ValidationError",
    ],
    "speakeasy.utils": ["BackoffStrategy", "RetryConfig"],
}

#: Models with a page under docs/models/ (``docs/models/<package>/<name lower-cased>.md``).
MODEL_PAGES = {
    "shared": ["CliEvent", "GenerateBumpType", "InteractionType", "Security"],
    "operations": [
        "GetWorkspaceEventsByTargetRequest",
        "GetWorkspaceEventsByTargetResponse",
        "PostWorkspaceEventsRequest",
        "PostWorkspaceEventsResponse",
        "SearchWorkspaceEventsRequest",
        "SearchWorkspaceEventsResponse",
    ],
    "errors": ["Error", "SDKError"],
    "utils": ["BackoffStrategy", "RetryConfig"],
}

MODULES = sorted(DOCUMENTED)


@pytest.mark.parametrize("name", MODULES)
def test_all_is_sorted(name: str) -> None:
    """``__all__`` is kept sorted, so a diff shows what was added."""
    module = importlib.import_module(name)
    assert module.__all__ == sorted(module.__all__)


@pytest.mark.parametrize("name", MODULES)
def test_all_is_the_documented_names(name: str) -> None:
    """``__all__`` lists exactly the names the docs promise."""
    assert importlib.import_module(name).__all__ == DOCUMENTED[name]


@pytest.mark.parametrize("name", MODULES)
def test_every_exported_name_resolves(name: str) -> None:
    """Each name in ``__all__`` is an attribute of the module (lazy ones included)."""
    module = importlib.import_module(name)
    missing = [member for member in module.__all__ if not hasattr(module, member)]
    assert not missing


@pytest.mark.parametrize("name", MODULES)
def test_no_public_definition_is_left_out_of_all(name: str) -> None:
    """Every public class or function the package defines there is exported."""
    module = importlib.import_module(name)
    defined = {
        member
        for member, value in vars(module).items()
        if not member.startswith("_")
        and not isinstance(value, ModuleType)
        and (getattr(value, "__module__", None) or "").startswith("speakeasy")
    }
    assert defined <= set(module.__all__)


def test_utils_is_an_attribute_after_plain_import() -> None:
    """``speakeasy.utils.RetryConfig`` works after a plain ``import speakeasy``."""
    code = (
        "import speakeasy\n"
        "utils = speakeasy.utils\n"
        "utils.RetryConfig('backoff', utils.BackoffStrategy(1, 50, 1.1, 100), False)\n"
        "speakeasy.models.shared.CliEvent, speakeasy.models.operations.PostWorkspaceEventsRequest\n"
        "speakeasy.models.errors.SDKError\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def test_py_typed_is_shipped() -> None:
    """The package carries the PEP 561 marker, so type checkers read its annotations."""
    assert resources.files("speakeasy").joinpath("py.typed").is_file()


@pytest.mark.parametrize(
    "page",
    [
        f"docs/models/{package}/{name.lower()}.md"
        for package, names in MODEL_PAGES.items()
        for name in names
    ],
)
def test_model_has_a_docs_page(page: str) -> None:
    """Every public model has its page in the generated-SDK layout."""
    assert (ROOT / page).is_file()


@pytest.mark.parametrize(
    ("package", "module_name"),
    [
        ("shared", "speakeasy.models.shared"),
        ("operations", "speakeasy.models.operations"),
        ("utils", "speakeasy.utils"),
    ],
)
def test_model_pages_cover_the_package(package: str, module_name: str) -> None:
    """Each model of shared, operations and utils has a page (errors: Error and SDKError)."""
    assert sorted(MODEL_PAGES[package]) == importlib.import_module(module_name).__all__
