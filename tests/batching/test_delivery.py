"""Delivery on the wire: retries, Retry-After, 413 splitting, 400/422 bisection, on_error.

The decisions themselves are tested as pure functions in tests/batching/test_delivery_policy.py.
"""

from __future__ import annotations

import logging
from typing import Any, List

import pytest

import speakeasy
from speakeasy import EventsNotDeliveredWarning
from speakeasy.models import errors, shared
from speakeasy.testing import EventsServer, Reply
from speakeasy.utils import RetryConfig
from tests.support import batcher as support


def test_5xx_burst_is_retried_until_delivered(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """503, 500, 502 in a row: the batch is retried, delivered once, counted as retried."""
    server.fail_next(2, status=503)
    server.fail_next(2, status=500)
    server.fail_next(2, status=502)
    batcher = make_batcher(flush_interval=600)
    batcher.add_many(support.events(5))
    assert batcher.flush(timeout=10)
    support.assert_stats(batcher.stats, sent=5, failed=0, retried=30)
    assert support.delivered(server) == {i: 1 for i in support.expected_ids(5)}


@pytest.mark.parametrize("action", ["reset", "drop", "reset_mid_body"])
def test_broken_connections_are_retried(
    server: EventsServer, make_batcher: support.MakeBatcher, action: str
) -> None:
    """A connection reset or closed by the server is retried like any network error."""
    server.fail_next(2, status=200, action=action)
    batcher = make_batcher(flush_interval=600)
    batcher.add_many(support.events(3))
    assert batcher.flush(timeout=10)
    assert set(support.delivered(server)) == support.expected_ids(3)
    assert batcher.stats.retried == 6


def test_a_timeout_is_retried(server: EventsServer, make_batcher: support.MakeBatcher) -> None:
    """An attempt that outlives timeout_ms is retried."""
    server.fail_next(1, status=200, delay=1.0)
    batcher = make_batcher(flush_interval=600, timeout_ms=200)
    batcher.add(support.event(0))
    assert batcher.flush(timeout=10)
    assert set(support.delivered(server)) == {"evt-0"}
    assert batcher.stats.retried == 1


def test_429_waits_for_retry_after(server: EventsServer, make_batcher: support.MakeBatcher) -> None:
    """A 429 with Retry-After: 1 is retried no sooner than a second later (backoff is 1 ms)."""
    server.fail_next(1, status=429, headers={"Retry-After": "1"})
    batcher = make_batcher(flush_interval=600)
    batcher.add(support.event(0))
    assert batcher.flush(timeout=10)
    first, second = server.received
    assert (first.status, second.status) == (429, 200)
    assert second.received_at - first.received_at >= 0.95  # a lower bound: never flaky


def test_413_splits_the_batch_until_it_fits(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """With a server limit of about 3 events, a 12-event batch is split and all delivered."""
    server.max_body_bytes = 3 * len(shared.CliEvent.to_json(support.event(0))) + 10
    batcher = make_batcher(flush_interval=600)
    batcher.add_many(support.events(12))
    assert batcher.flush(timeout=10)
    assert 413 in [r.status for r in server.received]
    assert support.delivered(server) == {i: 1 for i in support.expected_ids(12)}
    assert batcher.stats.failed == 0


def test_413_for_a_single_event_gives_it_up(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """An event the server finds too large even alone goes to on_error, counted failed."""
    server.max_body_bytes = 100
    batcher, reported = support.recording(make_batcher, flush_interval=600)
    batcher.add(support.event(0))
    assert batcher.flush(timeout=10)
    [(items, exc)] = reported
    assert support.ids(items) == ["evt-0"]
    assert isinstance(exc, errors.SDKError) and exc.status_code == 413
    assert batcher.stats.failed == 1


def test_a_poisoned_event_is_the_only_one_given_up(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """A 422 batch is bisected: only the rejected event reaches on_error; the rest arrive."""
    server.reject_event = lambda item: item["id"] == "evt-13"
    batcher, reported = support.recording(make_batcher, flush_interval=600)
    batcher.add_many(support.events(32))
    assert batcher.flush(timeout=10)
    [(items, exc)] = reported
    assert support.ids(items) == ["evt-13"]
    assert items[0]["success"] is True  # the event as it went on the wire
    assert isinstance(exc, errors.SDKError) and exc.status_code == 422
    assert support.delivered(server) == {i: 1 for i in support.expected_ids(32) - {"evt-13"}}
    support.assert_stats(batcher.stats, sent=31, failed=1, pending=0)


def test_several_poisoned_events_are_each_given_up(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """Two rejected events in one batch: exactly those two reach on_error."""
    server.reject_event = lambda item: item["id"] in ("evt-0", "evt-9")
    batcher, reported = support.recording(make_batcher, flush_interval=600)
    batcher.add_many(support.events(10))
    assert batcher.flush(timeout=10)
    assert support.reported_ids(reported) == ["evt-0", "evt-9"]
    assert set(support.delivered(server)) == support.expected_ids(10) - {"evt-0", "evt-9"}


def test_a_400_is_bisected_like_a_422(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """A server answering 400 for batches holding evt-2 gets only evt-2 given up."""

    def handler(request: Any) -> Any:
        if any(item.get("id") == "evt-2" for item in request.events or []):
            return Reply(400, {"message": "bad event", "status_code": 400})
        return None

    server.handler = handler
    batcher, reported = support.recording(make_batcher, flush_interval=600)
    batcher.add_many(support.events(6))
    assert batcher.flush(timeout=10)
    assert [support.ids(items) for items, _ in reported] == [["evt-2"]]
    assert set(support.delivered(server)) == support.expected_ids(6) - {"evt-2"}


def test_other_4xx_gives_up_the_batch_without_retrying(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """A 401 (bad key) is not the events' fault: the batch goes to on_error once, not bisected."""
    server.handler = lambda request: Reply(401, {"message": "invalid key", "status_code": 401})
    batcher, reported = support.recording(make_batcher, flush_interval=600)
    batcher.add_many(support.events(4))
    assert batcher.flush(timeout=10)
    assert len(server.received) == 1
    [(items, exc)] = reported
    assert support.ids(items) == sorted(support.expected_ids(4))
    assert isinstance(exc, errors.SDKError) and exc.status_code == 401
    support.assert_stats(batcher.stats, failed=4, retried=0, pending=0)


def test_retries_none_gives_up_at_the_first_failure(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """With RetryConfig("none") a 503 hands the batch to on_error at once."""
    server.fail_next(1, status=503)
    batcher, reported = support.recording(
        make_batcher, flush_interval=600, retries=RetryConfig("none")
    )
    batcher.add_many(support.events(3))
    assert batcher.flush(timeout=10)
    assert len(reported) == 1 and len(reported[0][0]) == 3
    assert isinstance(reported[0][1], errors.Error)
    assert batcher.stats.failed == 3


def test_on_error_exceptions_are_logged_and_ignored(
    server: EventsServer, make_batcher: support.MakeBatcher, caplog: pytest.LogCaptureFixture
) -> None:
    """A raising on_error is logged; the worker goes on delivering."""
    server.reject_event = lambda item: item["id"] == "evt-0"

    def on_error(items: List[Any], exc: BaseException) -> None:
        raise ValueError("bug in the callback")

    batcher = make_batcher(flush_interval=600, on_error=on_error)
    batcher.add_many(support.events(3))
    assert batcher.flush(timeout=10)
    batcher.add(support.event(3))
    assert batcher.flush(timeout=10)
    assert set(support.delivered(server)) == {"evt-1", "evt-2", "evt-3"}
    assert "on_error raised" in caplog.text
    assert batcher.stats.failed == 1


def test_a_slow_server_gets_everything(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """With 100 ms per answer, 40 events in batches of 10 all arrive once."""
    server.delay = 0.1
    batcher = make_batcher(max_batch_events=10, flush_interval=600)
    batcher.add_many(support.events(40))
    assert batcher.flush(timeout=20)
    assert support.delivered(server) == {i: 1 for i in support.expected_ids(40)}


def test_close_timeout_without_spool_reports_the_undelivered(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """A server down for good: close(timeout) returns False, events go to on_error as failed."""
    server.handler = lambda request: Reply(503)
    batcher, reported = support.recording(make_batcher, flush_interval=600)
    batcher.add_many(support.events(3))
    assert batcher.close(timeout=0.3) is False
    assert support.reported_ids(reported) == sorted(support.expected_ids(3))
    exc = reported[0][1]
    assert isinstance(exc, speakeasy.models.errors.SpeakeasyError)
    assert isinstance(exc, RuntimeError)
    assert isinstance(exc.__cause__, errors.Error)
    support.assert_stats(batcher.stats, failed=3, pending=0, sent=0)


def test_stats_stay_balanced_through_faults(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """added == sent + failed + dropped + pending before, during and after faults."""
    server.fail_next(3, status=503)
    server.reject_event = lambda item: item["id"] == "evt-4"
    batcher = make_batcher(max_batch_events=4, flush_interval=600, on_full="drop")
    batcher.add_many(support.events(10))
    support.assert_balanced(batcher.stats)
    with pytest.warns(EventsNotDeliveredWarning, match=r"^1 event was not delivered.* 422"):
        assert batcher.flush(timeout=10)
    stats = batcher.stats
    support.assert_balanced(stats)
    assert (stats.added, stats.sent, stats.failed, stats.pending) == (10, 9, 1, 0)


def test_flush_from_on_error_does_not_deadlock(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """on_error calling flush() gets False at once instead of waiting on its own thread."""
    server.reject_event = lambda item: item["id"] == "evt-0"
    batcher, answers = support.on_error_calling(
        make_batcher, lambda b: b.flush(5), flush_interval=600
    )
    batcher.add_many(support.events(2))
    assert batcher.flush(timeout=10)
    assert answers == [False]


def test_workers_log_retries_at_warning_once(
    server: EventsServer, make_batcher: support.MakeBatcher, caplog: pytest.LogCaptureFixture
) -> None:
    """A failing streak logs one WARNING (then DEBUG), and INFO once delivered."""
    caplog.set_level(logging.DEBUG, logger="speakeasy.batcher")
    server.fail_next(3, status=503)
    batcher = make_batcher(flush_interval=600)
    batcher.add(support.event(0))
    assert batcher.flush(timeout=10)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "status 503" in warnings[0].getMessage()
    assert any("delivered after 3 retries" in r.getMessage() for r in caplog.records)
