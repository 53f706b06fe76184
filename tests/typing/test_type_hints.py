"""``typing.get_type_hints`` resolves on every public callable and model, at run time.

Tools that read annotations (sphinx-autodoc-typehints, beartype, pydantic's
``validate_call``) call it; a name that exists only under ``TYPE_CHECKING`` would
make it raise ``NameError``. Names of costly or optional modules (``aiohttp``,
marshmallow's schemas, ``TargetSDK``) resolve on demand, so ``import speakeasy``
still imports none of them.
"""

from __future__ import annotations

import importlib
import inspect
import typing
from typing import Any, Iterator, List, Tuple

import pytest
import requests

import speakeasy
from tests.support.factories import run_in_fresh_interpreter

#: The public modules, each with its ``__all__``.
MODULES = [
    "speakeasy",
    "speakeasy.models.errors",
    "speakeasy.models.operations",
    "speakeasy.models.shared",
    "speakeasy.testing",
    "speakeasy.utils",
]


def _requests_hints_resolve() -> bool:
    try:
        typing.get_type_hints(requests.RequestException)
    except NameError:  # requests 2.32+: ``Response`` is imported there for type checkers only
        return False
    return True


#: Left out, with the reason.
EXCLUDED = {
    # made by the client only, from its private edges; users annotate with Events, never call it
    "speakeasy.Events.__init__",
}
if not _requests_hints_resolve():
    # a subclass of requests' exceptions, whose own annotations do not resolve
    EXCLUDED.add("speakeasy.models.errors.BrokenResponseError")


def _functions(cls: type) -> Iterator[Tuple[str, Any]]:
    """The public methods, properties and class methods a class defines or inherits from
    the SDK (``__init__`` included)."""
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith("speakeasy"):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") and name != "__init__":
                continue
            if isinstance(value, property):
                value = value.fget
            elif isinstance(value, (staticmethod, classmethod)):
                value = value.__func__
            if inspect.isfunction(value):
                yield name, value


def public_surface() -> List[Tuple[str, Any]]:
    """(label, object): every public class, its methods, and every public function."""
    found: List[Tuple[str, Any]] = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            label = f"{module_name}.{name}"
            if inspect.isclass(value):
                found.append((label, value))
                found.extend((f"{label}.{n}", f) for n, f in _functions(value))
            elif callable(value):
                found.append((label, value))
    return [(label, value) for label, value in found if label not in EXCLUDED]


SURFACE = public_surface()


def test_the_surface_is_all_there() -> None:
    """The walk reaches what the issue named: operations, twins, batcher, the client."""
    labels = {label for label, _ in SURFACE}
    for expected in [
        "speakeasy.Speakeasy.__init__",
        "speakeasy.Events.post_workspace_events",
        "speakeasy.Events.search_workspace_events_async",
        "speakeasy.Events.batcher",
        "speakeasy.models.operations.SearchWorkspaceEventsResponse",
        "speakeasy.models.operations.GetTargetsResponse",
        "speakeasy.models.shared.CliEvent.from_json",
        "speakeasy.models.errors.Error.data",
        "speakeasy.EventBatcher.add",
        "speakeasy.Hooks.before_request",
    ]:
        assert expected in labels
    assert len(SURFACE) > 150


@pytest.mark.parametrize(("label", "value"), SURFACE, ids=[label for label, _ in SURFACE])
def test_type_hints_resolve(label: str, value: Any) -> None:
    """``typing.get_type_hints`` gives the hints without a NameError."""
    hints = typing.get_type_hints(value)
    if not inspect.isclass(value) and label.rsplit(".", 1)[-1] != "__init__":
        annotations = getattr(value, "__annotations__", {})
        assert set(hints) == set(annotations), "every annotation is resolved"


def test_the_twins_hints_are_their_operations() -> None:
    """An async twin's hints are its sync method's (not ``*args: Any``)."""
    hints = typing.get_type_hints(speakeasy.Events.search_workspace_events_async)
    assert hints == typing.get_type_hints(speakeasy.Events.search_workspace_events)
    assert "request" in hints and "http_headers" in hints


def test_costly_names_resolve_only_when_asked() -> None:
    """``import speakeasy`` (and a client) imports neither aiohttp, marshmallow nor the
    TargetSDK model; ``get_type_hints`` then resolves their names by importing them."""
    run_in_fresh_interpreter(
        """
import sys, typing
import speakeasy
from speakeasy.models import operations, shared

speakeasy.Speakeasy(server_url="http://127.0.0.1:1").close()
lazy = ("aiohttp", "marshmallow", "speakeasy.models.shared.targetsdk")
assert not [m for m in lazy if m in sys.modules], [m for m in lazy if m in sys.modules]
hints = typing.get_type_hints(speakeasy.Speakeasy.__init__)
import aiohttp
assert hints["async_client"] == typing.Optional[aiohttp.ClientSession]
assert typing.get_type_hints(operations.GetTargetsResponse)["target_sdk_list"] == (
    typing.Optional[typing.List[shared.TargetSDK]]
)
typing.get_type_hints(shared.CliEvent.schema)
assert "marshmallow" in sys.modules
"""
    )
