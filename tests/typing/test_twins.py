"""Each ``_async`` operation is made from its sync method (``_operations._async_twin``): the
same parameters, defaults, result type and docstring (its example awaits), and it refuses
a wrong call the same way, before anything is sent."""

from __future__ import annotations

import asyncio
import inspect
import re
import typing
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest

import speakeasy
from speakeasy.models import shared
from speakeasy.utils import RetryConfig

ROOT = Path(__file__).resolve().parents[2]


def pairs() -> List[Tuple[str, str]]:
    """Every (sync, async) pair of public methods of ``speakeasy.Events``, aliases included."""
    names = {n for n in dir(speakeasy.Events) if not n.startswith("_")}
    return sorted((n[: -len("_async")], n) for n in names if n.endswith("_async"))


PAIRS = pairs()


#: Public methods of Events that are not operations, so have no ``_async`` twin.
#: Public methods of Events that are not operations: the batcher, and track/tracked (one
#: object serves `with` and `async with`, sync and async functions alike).
NOT_OPERATIONS = {"batcher", "track", "tracked"}


def test_every_operation_has_a_twin() -> None:
    """The five operations and the four 7.x names each have their ``_async`` twin, and
    any public method but those of NOT_OPERATIONS has one too."""
    names = {n for n in dir(speakeasy.Events) if not n.startswith("_")}
    sync_names = {n for n in names if not n.endswith("_async")}
    assert sync_names - NOT_OPERATIONS == {sync for sync, _ in PAIRS}
    assert {sync for sync, _ in PAIRS} >= {
        "post_workspace_events",
        "search_workspace_events",
        "get_workspace_events_by_target",
        "get_workspace_targets",
        "get_targets",
        "post",
        "search",
        "get_events_by_target",
        "get_targets_deprecated",
    }


@pytest.mark.parametrize(("sync", "twin"), PAIRS)
def test_twins_have_one_signature(sync: str, twin: str) -> None:
    """Same positional slots, keyword-only parameters, defaults, annotations and result."""
    sync_method = getattr(speakeasy.Events, sync)
    async_method = getattr(speakeasy.Events, twin)
    assert inspect.iscoroutinefunction(async_method)
    assert not inspect.iscoroutinefunction(sync_method)
    assert async_method.__name__ == f"{sync_method.__name__}_async"  # a 7.x alias: the 5.x name
    assert async_method.__module__ == sync_method.__module__
    assert async_method.__wrapped__ is sync_method  # inspect and help() show its signature
    assert inspect.signature(async_method) == inspect.signature(sync_method)
    assert typing.get_type_hints(async_method) == typing.get_type_hints(sync_method)


@pytest.mark.parametrize(("sync", "twin"), PAIRS)
def test_twins_have_one_docstring(sync: str, twin: str) -> None:
    """The twin's docstring is the operation's, parameters and errors included; its
    example awaits the twin."""
    base = getattr(speakeasy.Events, sync).__name__  # the 5.x name, for a 7.x alias
    doc = inspect.getdoc(getattr(speakeasy.Events, sync))
    async_doc = inspect.getdoc(getattr(speakeasy.Events, twin))
    assert doc is not None and async_doc is not None
    for section in ("Args:", "Returns:", "Raises:", "Example::", "http_headers:"):
        assert section in async_doc
    assert f"res = await s.events.{base}_async(" in async_doc
    assert async_doc == doc.replace(f"s.events.{base}(", f"await s.events.{base}_async(")


@pytest.fixture
def events() -> Iterator[Any]:
    """A client pointed at a port nothing listens on: a call that went through would fail
    with a connection error, not the TypeError the tests expect."""
    client = speakeasy.Speakeasy(
        security=shared.Security(api_key="k"),
        workspace_id="ws",
        server_url="http://127.0.0.1:1",
        retry_config=RetryConfig("none"),
    )
    yield client.events
    client.close()


def _refusal(call: Any) -> str:
    """The TypeError a call raises (an async twin raises it when awaited, before sending),
    its function's name made ``f``."""
    with pytest.raises(TypeError) as info:
        result = call()
        if inspect.iscoroutine(result):
            asyncio.run(result)
    return re.sub(r"\w+\(\)", "f()", str(info.value))


WRONG_CALLS = {
    "one positional too many": lambda f: f(None, RetryConfig("none"), None, "http://127.0.0.1:1"),
    "an unknown keyword": lambda f: f(None, colour="red"),
    "server_url positionally": lambda f: f({}, None, None, "http://127.0.0.1:1", None),
    "retries twice": lambda f: f({}, None, retries=None),
}


@pytest.mark.parametrize("wrong", sorted(WRONG_CALLS))
@pytest.mark.parametrize(("sync", "twin"), PAIRS)
def test_twins_refuse_a_wrong_call_alike(events: Any, sync: str, twin: str, wrong: str) -> None:
    """One argument too many (the issue's call), an unknown keyword, a keyword-only one
    given positionally, one given twice: the same TypeError from both, nothing sent."""
    call = WRONG_CALLS[wrong]
    assert _refusal(lambda: call(getattr(events, twin))) == _refusal(
        lambda: call(getattr(events, sync))
    )


def test_a_twin_refusal_names_the_twin(events: Any) -> None:
    """The twin's TypeError names the twin (its 5.x name, for a 7.x alias), as Python's own
    would, not the sync method it was made from."""
    expected = r"search_workspace_events_async\(\) got an unexpected keyword argument 'colour'"
    with pytest.raises(TypeError, match=expected):
        asyncio.run(events.search_async(colour="red"))


REQUIRED = [
    (sync, twin)
    for sync, twin in PAIRS
    if inspect.signature(getattr(speakeasy.Events, sync)).parameters["request"].default
    is inspect.Parameter.empty
]


@pytest.mark.parametrize(("sync", "twin"), REQUIRED)
def test_a_required_request_is_required_by_both(events: Any, sync: str, twin: str) -> None:
    """Where the request is required, calling without it is the same TypeError on both."""
    assert _refusal(lambda: getattr(events, twin)()) == _refusal(lambda: getattr(events, sync)())


#: What every operation says alike: its per-call options and the errors it raises.
SHARED_DOC = re.compile(
    r"\n(?P<options>            retries: .*?)\n\n        Returns:.*?"
    r"\n(?P<raises>        Raises:.*?)\n\n",
    re.S,
)


def test_operations_document_their_options_and_errors_alike() -> None:
    """The sync methods are written out one by one: each says the same about the options
    and errors they share, word for word (and so does each twin, which takes its doc)."""
    operations = sorted({getattr(speakeasy.Events, sync).__name__ for sync, _ in PAIRS})
    shared = set()
    for name in operations:
        doc = getattr(speakeasy.Events, name).__doc__
        match = SHARED_DOC.search(doc)
        assert match, f"{name}: no options/Returns/Raises sections"
        shared.add((match.group("options"), match.group("raises")))
    assert len(operations) == 5 and len(shared) == 1, shared
