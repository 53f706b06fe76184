"""Hostile conditions for the worker and for close: absurd waits, raising callbacks and hooks,
a request stuck on the wire, a server down at exit, full queues. The batcher must stay open,
bounded, and account for every event by what happened to it.
"""

from __future__ import annotations

import inspect
import logging
import threading
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any, Callable, List

import pytest
import requests

import speakeasy
from speakeasy import EventBatcher, EventsNotDeliveredWarning
from speakeasy._batching.batcher import EventBatcher as Batcher
from speakeasy._batching.transport import Transport
from speakeasy.models import errors
from speakeasy.testing import EventsServer, Reply
from speakeasy.utils import BackoffStrategy, RetryConfig
from tests.support import batcher as support

# -- the worker stays alive --------------------------------------------------------------


@pytest.mark.parametrize(
    "retry_after",
    [
        "99999999999",
        format_datetime(datetime(9999, 12, 31, tzinfo=timezone.utc), usegmt=True),
    ],
    ids=["seconds", "year-9999"],
)
def test_an_absurd_retry_after_leaves_the_batcher_open(
    server: EventsServer, make_batcher: support.MakeBatcher, retry_after: str
) -> None:
    """A 503 asking to wait for ages: the wait is capped; add() still works; close() is bounded."""
    server.handler = lambda request: Reply(503, headers={"Retry-After": retry_after})
    batcher, reported = support.recording(make_batcher, flush_interval=600)
    batcher.add(support.event(0))
    assert batcher.flush(timeout=0.3) is False
    assert not batcher.closed
    assert batcher.add(support.event(1))
    assert batcher.close(timeout=0.3) is False
    assert support.reported_ids(reported) == ["evt-0", "evt-1"]


def test_a_wait_too_long_for_a_thread_leaves_the_batcher_open(
    server: EventsServer, make_batcher: support.MakeBatcher, caplog: pytest.LogCaptureFixture
) -> None:
    """A backoff of three millennia overflows Event.wait: the worker waits as long as it can."""
    caplog.set_level(logging.WARNING, logger="speakeasy.batcher")
    server.handler = lambda request: Reply(503)
    ages = RetryConfig("backoff", BackoffStrategy(10**14, 10**14, 1.5, 1000), True)
    batcher, reported = support.recording(make_batcher, flush_interval=600, retries=ages)
    batcher.add(support.event(0))
    assert batcher.flush(timeout=0) is False  # send it now
    support.wait_for(lambda: "retrying in" in caplog.text)
    batcher.flush(timeout=0.2)  # leaves the worker time to fall over, if it would
    assert not batcher.closed
    assert batcher.add(support.event(1))
    assert batcher.close(timeout=0.3) is False
    assert support.reported_ids(reported) == ["evt-0", "evt-1"]
    assert "unexpected error" not in caplog.text


def test_any_exception_from_an_attempt_is_retried(
    server: EventsServer, client: speakeasy.Speakeasy, make_batcher: support.MakeBatcher
) -> None:
    """A hook raising SystemExit (not an Exception) fails one attempt; the batch goes again."""
    raised: List[bool] = []

    @client.hooks.before_request
    def exit_once(request: Any) -> None:
        if not raised:
            raised.append(True)
            raise SystemExit(3)

    batcher, reported = support.recording(make_batcher, flush_interval=600)
    batcher.add_many(support.events(3))
    assert batcher.flush(timeout=10)
    assert raised and reported == []
    assert support.delivered(server) == {i: 1 for i in support.expected_ids(3)}
    assert batcher.stats.retried == 3


# -- on_error ----------------------------------------------------------------------------


@pytest.mark.parametrize("raised", [SystemExit, KeyboardInterrupt])
def test_on_error_raising_a_base_exception_is_ignored(
    server: EventsServer, make_batcher: support.MakeBatcher, raised: type
) -> None:
    """on_error raising SystemExit: logged, the event counts failed, the worker goes on."""
    server.reject_event = lambda item: item["id"] == "evt-0"

    def on_error(items: List[Any], exc: BaseException) -> None:
        raise raised()

    batcher = make_batcher(flush_interval=600, on_error=on_error, max_batch_events=2)
    batcher.add_many(support.events(4))
    assert batcher.flush(timeout=10)
    batcher.add(support.event(4))
    assert batcher.flush(timeout=10)
    assert set(support.delivered(server)) == support.expected_ids(5) - {"evt-0"}
    support.assert_stats(batcher.stats, sent=4, failed=1, pending=0)


def test_flush_and_close_from_on_error_in_the_closing_thread_return_at_once(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """close(timeout) gives events up in its own thread: on_error's flush() must not wait."""
    gate = support.Gate()
    server.handler = gate

    def flush_and_close(batcher: EventBatcher) -> List[bool]:
        return [batcher.flush(), batcher.close()]  # flush with no timeout: it would never end

    batcher, answers = support.on_error_calling(
        make_batcher, flush_and_close, flush_interval=600, max_batch_events=2
    )
    try:
        batcher.add_many(support.events(4))
        assert gate.arrived.wait(10)
        closing = threading.Thread(target=batcher.close, args=(0.3,))
        closing.start()
        closing.join(20)
        assert not closing.is_alive(), "close() blocked by flush() in on_error"
        assert answers == [[False, False]]
    finally:
        gate.open()


def test_close_from_on_error_on_the_worker_thread_returns_at_once(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """on_error closing the batcher (on the worker thread) gets False; what is held still goes."""
    server.reject_event = lambda item: item["id"] == "evt-0"
    batcher, answers = support.on_error_calling(
        make_batcher, lambda b: b.close(), flush_interval=600
    )
    batcher.add_many(support.events(3))
    assert batcher.flush(timeout=10)
    assert answers == [False] and batcher.closed
    support.assert_stats(batcher.stats, sent=2, failed=1, pending=0)
    with pytest.raises(errors.BatcherClosedError):
        batcher.add(support.event(9))


def test_a_keyboard_interrupt_in_on_error_reaches_the_closing_thread_after_the_accounting(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """Ctrl-C while close() hands events to on_error: every event is counted, then it is raised."""
    gate = support.Gate()
    server.handler = gate
    calls: List[int] = []

    def on_error(items: List[Any], exc: BaseException) -> None:
        calls.append(len(items))
        raise KeyboardInterrupt

    batcher = make_batcher(flush_interval=600, max_batch_events=2, on_error=on_error)
    try:
        batcher.add_many(support.events(7))
        assert gate.arrived.wait(10)
        with pytest.raises(KeyboardInterrupt):
            batcher.close(timeout=0.3)
        assert sum(calls) == 5
        support.assert_stats(batcher.stats, failed=5, pending=2)  # two on the wire
    finally:
        gate.open()


# -- close and exit ----------------------------------------------------------------------


def test_a_batch_on_the_wire_at_close_is_counted_by_its_outcome(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """close(timeout) gives up what is queued; the batch in flight counts by the server's answer."""
    gate = support.Gate()
    server.handler = gate
    batcher, reported = support.recording(make_batcher, flush_interval=600, max_batch_events=2)
    try:
        batcher.add_many(support.events(5))
        assert gate.arrived.wait(10)
        assert batcher.close(timeout=0.3) is False
        assert support.reported_ids(reported) == ["evt-2", "evt-3", "evt-4"]
        support.assert_stats(batcher.stats, pending=2, failed=3, sent=0)  # evt-0, evt-1 on the wire
    finally:
        gate.open()
    support.wait_for(lambda: batcher.stats.pending == 0)
    support.assert_stats(batcher.stats, sent=2, failed=3)
    assert set(support.delivered(server)) == {"evt-0", "evt-1"}
    assert support.reported_ids(reported) == ["evt-2", "evt-3", "evt-4"]  # never reported twice
    support.assert_balanced(batcher.stats)


def test_leaving_a_with_block_is_bounded_while_the_server_is_down(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """__exit__ waits exit_timeout at most, then gives the events to on_error."""
    server.handler = lambda request: Reply(503)
    batcher, reported = support.recording(make_batcher, exit_timeout=0.3)

    def use() -> None:
        with batcher as b:
            b.add_many(support.events(3))

    user = threading.Thread(target=use)
    user.start()
    user.join(20)
    assert not user.is_alive(), "leaving the with block did not return"
    assert batcher.closed
    assert support.reported_ids(reported) == sorted(support.expected_ids(3))
    assert batcher.stats.failed == 3


def test_the_exit_bound_defaults_to_five_seconds(client: speakeasy.Speakeasy) -> None:
    """docs/batching.md promises 5 s for the with block and interpreter exit."""
    assert inspect.signature(client.events.batcher).parameters["exit_timeout"].default == 5.0


# -- bounds ------------------------------------------------------------------------------


def _assert_close_warns(batcher: EventBatcher, *, dropped: int, undelivered: int) -> None:
    """Closing at once gives up, with one warning for the dropped and one for the rest."""
    with pytest.warns(EventsNotDeliveredWarning) as caught:
        assert batcher.close(timeout=0) is False
    expected = [f"{dropped} events were dropped", f"{undelivered} events were not delivered"]
    assert sorted(str(w.message).split(":")[0] for w in caught) == sorted(expected)


def test_max_queue_bytes_bounds_what_is_held(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """With large events and the server down, the queue holds at most max_queue_bytes of JSON."""
    server.handler = lambda request: Reply(503)
    big = [support.event(i, raw_command="x" * 10_000) for i in range(20)]
    size = len(support.encoded(big[0])) + 1
    batcher = make_batcher(
        flush_interval=600, max_batch_events=1000, max_queue_bytes=5 * size, on_full="drop"
    )
    accepted = [batcher.add(item) for item in big]
    assert accepted == [True] * 5 + [False] * 15
    assert batcher.add_many(big[:3]) == 0
    support.assert_stats(batcher.stats, added=23, dropped=18, pending=5)
    _assert_close_warns(batcher, dropped=18, undelivered=5)


def test_add_blocks_on_the_byte_bound_and_loses_nothing(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """on_full="block" applies to max_queue_bytes too: every event arrives, none dropped."""
    items = [support.event(i, raw_command="y" * 5_000) for i in range(30)]
    batcher = make_batcher(
        flush_interval=600, max_batch_events=4, max_queue_bytes=3 * len(support.encoded(items[0]))
    )
    for item in items:
        assert batcher.add(item)
    assert batcher.flush(timeout=20)
    assert batcher.stats.dropped == 0
    assert support.delivered(server) == {i: 1 for i in support.expected_ids(30)}


def test_add_many_with_drop_queues_what_fits_and_says_how_many(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    server.handler = lambda request: Reply(503)
    batcher = make_batcher(flush_interval=600, max_queue_events=3, on_full="drop")
    batcher.add(support.event(0))
    assert batcher.add_many(support.events(4, start=1)) == 2
    support.assert_stats(batcher.stats, added=5, dropped=2, pending=3)
    _assert_close_warns(batcher, dropped=2, undelivered=3)


def test_add_many_queues_all_or_nothing_when_close_ends_its_wait(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """An add_many waiting for room raises when closed, and then none of its events was queued."""
    server.handler = lambda request: Reply(503)
    batcher, reported = support.recording(
        make_batcher, flush_interval=600, max_batch_events=1, max_queue_events=2
    )
    batcher.add(support.event(0))  # on the wire, retried
    batcher.add(support.event(1))  # queued: room for one more, not three
    outcome: List[Any] = []

    def add_three() -> None:
        try:
            outcome.append(batcher.add_many(support.events(3, start=10)))
        except Exception as exc:
            outcome.append(exc)

    adder = threading.Thread(target=add_three)
    adder.start()
    adder.join(0.3)
    assert adder.is_alive() and outcome == []
    batcher.close(timeout=0.3)
    adder.join(10)
    [error] = outcome
    assert isinstance(error, errors.BatcherClosedError)
    assert batcher.stats.added == 2
    # evt-1 is given up by close(); evt-0, on the wire then, when its answer comes
    # (docs/batching.md: "a request already on the wire cannot be interrupted")
    support.wait_for(lambda: support.reported_ids(reported) == ["evt-0", "evt-1"], timeout=60)


# -- hooks after the server accepted -----------------------------------------------------


def test_a_batch_the_server_accepted_is_not_sent_again_whatever_follows(
    server: EventsServer,
) -> None:
    """The transport says "accepted" and then raises (as a raising hook would): delivered, once."""
    session = requests.Session()

    def send(body: bytes, accepted: Callable[[], None]) -> object:
        response = session.post(
            server.url + "/v1/workspace/ws-1/events",
            data=body,
            headers={"content-type": "application/json", "x-api-key": "test-key"},
        )
        if response.status_code == 200:
            accepted()
            raise RuntimeError("a hook after the server accepted")
        raise requests.HTTPError(response=response)

    batcher = Batcher(
        Transport(send=send, reset=session.close, workspace_id="ws-1"),
        max_batch_events=1000,
        max_batch_bytes=1_000_000,
        flush_interval=600,
        max_queue_events=100,
        max_queue_bytes=1 << 20,
        on_full="block",
        spool_dir=None,
        retries=RetryConfig("backoff", BackoffStrategy(1, 5, 1.5, 1000), True),
        on_error=None,
        exit_timeout=5.0,
    )
    try:
        batcher.add_many(support.events(3))
        assert batcher.flush(timeout=10)
        assert len(server.received) == 1
        support.assert_stats(batcher.stats, sent=3, retried=0, failed=0)
    finally:
        batcher.close(timeout=2)
        session.close()


def test_a_raising_after_success_hook_does_not_resend_the_batch(
    server: EventsServer, client: speakeasy.Speakeasy, make_batcher: support.MakeBatcher
) -> None:
    """The server took the batch; a hook raising afterwards must not make the batcher resend it."""

    @client.hooks.after_success
    def broken(response: Any) -> None:
        raise ValueError("bug in a hook")

    batcher = make_batcher(flush_interval=600, retries=RetryConfig("none"))
    batcher.add_many(support.events(3))
    assert batcher.flush(timeout=10)
    assert len(server.received) == 1
    assert (batcher.stats.sent, batcher.stats.failed) == (3, 0)
