"""The public face of the package matches its docs.

After httpx's tests/test_exported_members.py.
"""

from __future__ import annotations

import importlib
import re
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import List

import pytest

from tests.support.factories import run_in_fresh_interpreter

ROOT = Path(__file__).resolve().parent.parent

MODEL_DOCS = ROOT / "docs" / "models"


def page_titles(package: str) -> List[str]:
    """The models docs/models/<package>/ documents, one a page: each page's ``# Name`` title."""
    pages = sorted((MODEL_DOCS / package).glob("*.md"))
    return sorted(page.read_text(encoding="utf-8").partition("\n")[0][2:] for page in pages)


#: The line of a model's page that names its TypedDict form.
_TYPEDDICT_LINE = re.compile(r"^TypedDict form: `(\w+)`", re.MULTILINE)


def typeddict_names(package: str) -> List[str]:
    """The TypedDict forms named on the model pages (``TypedDict form: `NameTypedDict```)."""
    pages = sorted((MODEL_DOCS / package).glob("*.md"))
    return sorted(n for p in pages for n in _TYPEDDICT_LINE.findall(p.read_text("utf-8")))


#: The names the README and docs/ document for each public module, sorted as ``__all__`` is.
DOCUMENTED = {
    "speakeasy": [
        "AsyncRequest",  # docs/sdks/speakeasy/README.md "Hooks", docs/async.md
        "BatcherStats",  # README "Batching", docs/batching.md
        "EventBatcher",
        "Events",  # docs/sdks/events/README.md: the type of ``s.events``
        "EventsNotDeliveredWarning",  # docs/batching.md "Events not delivered: the warning"
        "HookRequest",  # docs/sdks/speakeasy/README.md "Hooks": a hook's request, both edges
        "Hooks",  # docs/sdks/speakeasy/README.md "Hooks"
        "Run",  # docs/tracking.md: what ``events.track`` returns
        "Speakeasy",
        "TrackOptions",  # docs/tracking.md: the keyword options of ``track``/``tracked``
        "__version__",
        "models",
        "utils",
    ],
    # shared, operations, utils: a page per model, docs/models/<package>/<name lower-cased>.md
    # ... and the TypedDict form of a request model, named on its page
    "speakeasy.models.shared": sorted(page_titles("shared") + typeddict_names("shared")),
    "speakeasy.models.operations": sorted(
        page_titles("operations") + typeddict_names("operations")
    ),
    "speakeasy.models.errors": [
        "BatcherClosedError",
        "BrokenResponseError",  # docs/errors.md (the tree), docs/reliability.md
        "ClientClosedError",  # docs/sdks/speakeasy/README.md
        "ConnectError",  # docs/errors.md (the tree)
        "DeadlineError",  # docs/errors.md (the tree)
        "DetachedResponse",  # docs/errors.md, docs/async.md
        "Error",
        "ErrorData",  # docs/models/errors/errordata.md
        "FieldTypeError",
        "HttpResponse",  # docs/errors.md
        "SDKError",
        "SpeakeasyError",
        "TransportError",  # docs/errors.md (the tree)
        "ValidationError",
    ],
    "speakeasy.utils": page_titles("utils"),
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
    run_in_fresh_interpreter(code)


def test_dir_shows_only_public_names() -> None:
    """``dir(speakeasy)`` lists what a user may use: no ``List``, ``TYPE_CHECKING``,
    ``annotations`` or private helpers; a public subpackage once imported is listed."""
    run_in_fresh_interpreter(
        "import speakeasy\n"
        "assert dir(speakeasy) == sorted(speakeasy.__all__), dir(speakeasy)\n"
        "speakeasy.Speakeasy  # loads the private modules: still not listed\n"
        "assert dir(speakeasy) == sorted(speakeasy.__all__), dir(speakeasy)\n"
        "import speakeasy.testing\n"
        "assert dir(speakeasy) == sorted([*speakeasy.__all__, 'testing']), dir(speakeasy)\n"
    )


def test_py_typed_is_shipped() -> None:
    """The package carries the PEP 561 marker, so type checkers read its annotations."""
    assert resources.files("speakeasy").joinpath("py.typed").is_file()


@pytest.mark.parametrize(
    "page",
    sorted(MODEL_DOCS.glob("*/*.md")),
    ids=lambda page: page.relative_to(MODEL_DOCS).as_posix(),
)
def test_model_page_is_named_after_its_model(page: Path) -> None:
    """The generated-SDK layout: ``# Name`` in docs/models/<package>/<name lower-cased>.md."""
    title = page.read_text(encoding="utf-8").partition("\n")[0]
    assert title.startswith("# ")
    assert page.name == f"{title[2:].lower()}.md"


def test_of_the_errors_only_the_models_have_a_page() -> None:
    """Error, ErrorData and SDKError have pages; the other exceptions are in docs/errors.md."""
    assert page_titles("errors") == ["Error", "ErrorData", "SDKError"]


@pytest.mark.parametrize("package", ["operations", "shared"])
def test_every_request_model_page_names_its_typeddict(package: str) -> None:
    """A request model's page (and CliEvent's) names ``<Model>TypedDict``, and only that."""
    for page in sorted((MODEL_DOCS / package).glob("*.md")):
        title = page.read_text(encoding="utf-8").partition("\n")[0][2:]
        named = _TYPEDDICT_LINE.findall(page.read_text(encoding="utf-8"))
        wanted = title.endswith("Request") or title == "CliEvent"
        assert named == ([f"{title}TypedDict"] if wanted else []), page.name
