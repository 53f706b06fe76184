"""Builders and checks shared by the batcher tests."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any, Callable, Dict, Iterable, List

from speakeasy import BatcherStats, EventBatcher
from speakeasy._encoding import encoder_for
from speakeasy.models import shared
from speakeasy.testing import EventsServer
from tests._factories import cli_event

#: The type of the ``make_batcher`` fixture (tests/batcher/conftest.py).
MakeBatcher = Callable[..., EventBatcher]


def event(i: int = 0, **overrides: Any) -> shared.CliEvent:
    """A valid event whose id is ``evt-<i>``."""
    return cli_event(**{"id": f"evt-{i}", **overrides})


def events(count: int, start: int = 0) -> List[shared.CliEvent]:
    return [event(i) for i in range(start, start + count)]


def encoded(item: shared.CliEvent) -> str:
    """The event's JSON as the batcher writes it to a spool segment (one line)."""
    return encoder_for(shared.CliEvent)(item)


def ids(items: Iterable[Dict[str, Any]]) -> List[str]:
    return [item["id"] for item in items]


def delivered(server: EventsServer) -> Counter[str]:
    """How many times the server accepted each event id."""
    return Counter(ids(server.events))


def expected_ids(count: int, start: int = 0) -> set[str]:
    return {f"evt-{i}" for i in range(start, start + count)}


def assert_balanced(stats: BatcherStats) -> None:
    assert stats.added == stats.sent + stats.failed + stats.dropped + stats.pending, stats


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``predicate`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)
