"""Retry-After on real responses: honoured when longer than the backoff, never past the budget."""

from __future__ import annotations

import logging
import time
import types
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import List

import pytest

from speakeasy import _http
from speakeasy.models import errors
from speakeasy.testing import EventsServer
from speakeasy.utils import BackoffStrategy, RetryConfig
from tests._factories import NO_RETRIES
from tests.hardening.conftest import MakeClient, Records, make_request

#: Backoff of a few ms, a budget of 30 s: any long wait can only come from Retry-After.
SHORT_BACKOFF = RetryConfig("backoff", BackoffStrategy(2, 4, 1.5, 30000), True)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """The waits the send loop asks for: recorded, and added to its clock instead of slept."""
    asked: List[float] = []
    fake_time = types.SimpleNamespace(
        monotonic=lambda: time.monotonic() + sum(asked),
        time=lambda: time.time() + sum(asked),
        sleep=asked.append,
    )
    monkeypatch.setattr(_http, "time", fake_time)
    return asked


def test_retry_after_seconds_replaces_shorter_backoff(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """503 with Retry-After: 7 waits 7 s, not the millisecond backoff."""
    server.fail_next(1, status=503, headers={"Retry-After": "7"})
    res = make_client().events.post_workspace_events(make_request(), SHORT_BACKOFF)
    assert res.status_code == 200
    assert sleeps == [7.0]
    assert [r.status for r in server.received] == [503, 200]


def test_retry_after_http_date_is_honoured(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """An HTTP-date Retry-After becomes the wait until that date."""
    when = datetime.fromtimestamp(time.time() + 6, timezone.utc)
    server.fail_next(1, status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    make_client().events.post_workspace_events(make_request(), SHORT_BACKOFF)
    assert len(sleeps) == 1
    assert 4.0 <= sleeps[0] <= 6.0  # whole seconds on the wire, and the clock moved on


def test_429_is_retried_by_default_honouring_retry_after(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """With no retry setting at all, a 429 is retried after the wait it asks for."""
    server.fail_next(1, status=429, headers={"Retry-After": "3"})
    res = make_client().events.post_workspace_events(make_request())
    assert res.status_code == 200
    assert sleeps == [3.0]


@pytest.mark.parametrize("status", [408, 500, 502, 503])
def test_retry_after_applies_to_every_retried_status(
    server: EventsServer, make_client: MakeClient, sleeps: List[float], status: int
) -> None:
    """Every retried status honours Retry-After, not only 429 and 503."""
    server.fail_next(1, status=status, headers={"Retry-After": "2"})
    make_client().events.post_workspace_events(make_request(), SHORT_BACKOFF)
    assert sleeps == [2.0]


def test_shorter_retry_after_keeps_the_backoff(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """Retry-After: 0 does not make the SDK retry in a hot loop."""
    backoff = RetryConfig("backoff", BackoffStrategy(200, 200, 1, 30000), True)
    server.fail_next(1, status=503, headers={"Retry-After": "0"})
    make_client().events.post_workspace_events(make_request(), backoff)
    assert len(sleeps) == 1
    assert 0.1 <= sleeps[0] <= 0.2


def test_unparseable_retry_after_falls_back_to_backoff(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """A garbage Retry-After is ignored, not an error."""
    server.fail_next(1, status=503, headers={"Retry-After": "in a bit"})
    res = make_client().events.post_workspace_events(make_request(), SHORT_BACKOFF)
    assert res.status_code == 200
    assert len(sleeps) == 1
    assert sleeps[0] <= 0.004


def test_retry_after_past_budget_gives_up_without_waiting(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """Retry-After: 3600 with a 30 s budget: no wait, one request, the 503 is mapped."""
    server.fail_next(1, status=503, headers={"Retry-After": "3600"})
    with pytest.raises(errors.Error) as info:
        make_client().events.post_workspace_events(make_request())
    assert sleeps == []
    assert len(server.received) == 1
    assert info.value.status_code == 503
    assert info.value.raw_response is not None
    assert info.value.raw_response.headers["Retry-After"] == "3600"


@pytest.mark.timeout(20)
def test_retry_after_past_budget_returns_at_once_with_real_sleep(
    server: EventsServer, make_client: MakeClient
) -> None:
    """With the real clock the call returns (a taken 3600 s wait would hit the timeout)."""
    server.fail_next(1, status=429, headers={"Retry-After": "3600"})
    with pytest.raises(errors.SDKError) as info:
        make_client().events.post_workspace_events(make_request())
    assert info.value.status_code == 429
    assert len(server.received) == 1


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
    server.fail_next(1, status=400, headers={"Retry-After": "1"})
    with pytest.raises(errors.SDKError) as info:
        make_client().events.post_workspace_events(make_request(), SHORT_BACKOFF)
    assert info.value.status_code == 400
    assert sleeps == []
    assert len(server.received) == 1


def test_retry_after_with_retries_off_is_left_to_the_caller(
    server: EventsServer, make_client: MakeClient, sleeps: List[float]
) -> None:
    """With retries off a 429 is raised at once; its Retry-After is on raw_response."""
    server.fail_next(1, status=429, headers={"Retry-After": "12"})
    with pytest.raises(errors.SDKError) as info:
        make_client().events.post_workspace_events(make_request(), NO_RETRIES)
    assert sleeps == []
    assert info.value.raw_response is not None
    assert info.value.raw_response.headers["retry-after"] == "12"


def test_giving_up_on_retry_after_is_logged_as_warning(
    server: EventsServer, make_client: MakeClient, sleeps: List[float], sdk_log: Records
) -> None:
    """Giving up at the first attempt because of Retry-After still says so at WARNING."""
    server.fail_next(1, status=503, headers={"Retry-After": "3600"})
    with pytest.raises(errors.Error):
        make_client().events.post_workspace_events(make_request())
    warnings = sdk_log.lines(logging.WARNING)
    assert len(warnings) == 1
    assert "giving up after 1 attempt" in warnings[0]
    assert "status 503" in warnings[0]
