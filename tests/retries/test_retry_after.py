"""Retry-After on real responses: honoured when longer than the backoff, never past the budget."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import List, Optional, Type, TypeVar

import pytest

from speakeasy.models import errors
from speakeasy.testing import EventsServer
from speakeasy.utils import BackoffStrategy, RetryConfig
from tests.support.edges import fake_clock
from tests.support.factories import NO_RETRIES
from tests.support.hostile import MakeClient, Records, make_request

#: Backoff of a few ms, a budget of 30 s: any long wait can only come from Retry-After.
SHORT_BACKOFF = RetryConfig("backoff", BackoffStrategy(2, 4, 1.5, 30000), True)

E = TypeVar("E", bound=Exception)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """The waits the send loop asks for (either edge's): recorded, and added to its clock
    instead of slept."""
    return fake_clock(monkeypatch)


def _post_past_retry_after(
    server: EventsServer,
    make_client: MakeClient,
    retry_after: str,
    status: int = 503,
    retries: Optional[RetryConfig] = SHORT_BACKOFF,
) -> List[int]:
    """Post once while the server answers ``status`` with ``Retry-After: retry_after``, then
    200: the call succeeds; the statuses the server answered."""
    server.fail_next(1, status=status, headers={"Retry-After": retry_after})
    res = make_client().events.post_workspace_events(make_request(), retries)
    assert res.status_code == 200
    return [r.status for r in server.received]


def _post_refused(
    server: EventsServer,
    make_client: MakeClient,
    retry_after: str,
    status: int,
    expected: Type[E],
    retries: Optional[RetryConfig] = None,
) -> E:
    """Post once while the server answers ``status`` with ``Retry-After: retry_after``: the
    call raises ``expected`` after that one request; the exception."""
    server.fail_next(1, status=status, headers={"Retry-After": retry_after})
    with pytest.raises(expected) as info:
        make_client().events.post_workspace_events(make_request(), retries)
    assert len(server.received) == 1
    return info.value


def test_retry_after_seconds_replaces_shorter_backoff(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """503 with Retry-After: 7 waits 7 s, not the millisecond backoff."""
    assert _post_past_retry_after(server, make_client, "7") == [503, 200]
    assert sleeps == [7.0]


def test_retry_after_http_date_is_honoured(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """An HTTP-date Retry-After becomes the wait until that date."""
    when = datetime.fromtimestamp(time.time() + 6, timezone.utc)
    _post_past_retry_after(server, make_client, format_datetime(when, usegmt=True))
    assert len(sleeps) == 1
    assert 4.0 <= sleeps[0] <= 6.0  # whole seconds on the wire, and the clock moved on


def test_429_is_retried_by_default_honouring_retry_after(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """With no retry setting at all, a 429 is retried after the wait it asks for."""
    _post_past_retry_after(server, make_client, "3", status=429, retries=None)
    assert sleeps == [3.0]


@pytest.mark.parametrize("status", [408, 500, 502, 503])
def test_retry_after_applies_to_every_retried_status(
    server: EventsServer, make_client: MakeClient, sleeps: List[float], status: int
) -> None:
    """Every retried status honours Retry-After, not only 429 and 503."""
    _post_past_retry_after(server, make_client, "2", status=status)
    assert sleeps == [2.0]


def test_shorter_retry_after_keeps_the_backoff(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """Retry-After: 0 does not make the SDK retry in a hot loop."""
    backoff = RetryConfig("backoff", BackoffStrategy(200, 200, 1, 30000), True)
    _post_past_retry_after(server, make_client, "0", retries=backoff)
    assert len(sleeps) == 1
    assert 0.1 <= sleeps[0] <= 0.2


def test_unparseable_retry_after_falls_back_to_backoff(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """A garbage Retry-After is ignored, not an error."""
    _post_past_retry_after(server, make_client, "in a bit")
    assert len(sleeps) == 1
    assert sleeps[0] <= 0.004


def test_retry_after_past_budget_gives_up_without_waiting(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """Retry-After: 3600 with a 30 s budget: no wait, one request, the 503 is mapped."""
    error = _post_refused(server, make_client, "3600", 503, errors.Error)
    assert sleeps == []
    assert error.status_code == 503
    assert error.raw_response is not None
    assert error.raw_response.headers["Retry-After"] == "3600"


@pytest.mark.timeout(20)
def test_retry_after_past_budget_returns_at_once_with_real_sleep(
    server: EventsServer, make_client: MakeClient
) -> None:
    """With the real clock the call returns (a taken 3600 s wait would hit the timeout)."""
    assert _post_refused(server, make_client, "3600", 429, errors.SDKError).status_code == 429


def test_retry_after_past_remaining_budget_maps_the_last_response(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """A Retry-After that fits once but not twice: one wait, then the second 503 is raised."""
    budget = RetryConfig("backoff", BackoffStrategy(1, 2, 1, 5000), True)
    server.fail_next(
        2, status=503, body={"message": "busy", "status_code": 503}, headers={"Retry-After": "4"}
    )
    with pytest.raises(errors.Error) as info:
        make_client().events.post_workspace_events(make_request(), budget)
    assert sleeps == [4.0]  # 4 s elapsed, and 4 s more would end past 5 s
    assert len(server.received) == 2
    assert info.value.message == "busy"


def test_retry_after_on_a_status_not_retried_is_ignored(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """400 with Retry-After is final: Retry-After does not make a status retryable."""
    error = _post_refused(server, make_client, "1", 400, errors.SDKError, SHORT_BACKOFF)
    assert error.status_code == 400
    assert sleeps == []


def test_retry_after_with_retries_off_is_left_to_the_caller(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """With retries off a 429 is raised at once; its Retry-After is on raw_response."""
    error = _post_refused(server, make_client, "12", 429, errors.SDKError, NO_RETRIES)
    assert sleeps == []
    assert error.raw_response is not None
    assert error.raw_response.headers["retry-after"] == "12"


def test_giving_up_on_retry_after_is_logged_as_warning(
    server: EventsServer, make_client: MakeClient, sleeps: List[float], sdk_log: Records
) -> None:
    """Giving up at the first attempt because of Retry-After still says so at WARNING."""
    _post_refused(server, make_client, "3600", 503, errors.Error)
    warnings = sdk_log.lines(logging.WARNING)
    assert len(warnings) == 1
    assert "giving up after 1 attempt" in warnings[0]
    assert "status 503" in warnings[0]
