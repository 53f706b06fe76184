"""Batching: limits, flush, validation in add, queue policy, lifecycle, stats."""

from __future__ import annotations

import dataclasses
import logging
import threading
from pathlib import Path
from typing import Any, List

import pytest

import speakeasy
from speakeasy import BatcherStats, EventBatcher, EventsNotDeliveredWarning
from speakeasy.models import errors, shared
from speakeasy.testing import EventsServer, Reply
from tests.support import batcher as support


def test_batches_hold_at_most_max_batch_events(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """25 events with max_batch_events=10 go as 10, 10 and 5."""
    batcher = make_batcher(max_batch_events=10, flush_interval=60)
    batcher.add_many(support.events(25))
    assert batcher.flush(timeout=10)
    assert [len(r.events or []) for r in server.received] == [10, 10, 5]
    assert set(support.delivered(server)) == support.expected_ids(25)


def test_batches_never_exceed_max_batch_bytes(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """Every body fits max_batch_bytes exactly as sent on the wire."""
    one = len(shared.CliEvent.to_json(support.event(0)))  # about the size of each event
    limit = 3 * one + 10
    batcher = make_batcher(max_batch_bytes=limit, flush_interval=60)
    batcher.add_many(support.events(20))
    assert batcher.flush(timeout=10)
    assert all(len(r.body) <= limit for r in server.received)
    assert max(len(r.events or []) for r in server.received) == 3
    assert set(support.delivered(server)) == support.expected_ids(20)


def test_event_larger_than_max_batch_bytes_is_rejected_by_add(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """add() raises ValidationError naming the event; nothing is queued or sent."""
    batcher = make_batcher(max_batch_bytes=400)
    with pytest.raises(errors.ValidationError) as info:
        batcher.add(support.event(0, raw_command="x" * 500))
    assert info.value.field == "event"
    assert "max_batch_bytes" in str(info.value)
    assert batcher.stats.added == 0
    assert batcher.flush(timeout=5)
    assert server.received == []


def test_flush_sends_at_once_whatever_the_interval(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """flush() does not wait out a 10-minute flush_interval."""
    batcher = make_batcher(flush_interval=600)
    batcher.add_many(support.events(3))
    assert batcher.flush(timeout=10)
    assert set(support.delivered(server)) == support.expected_ids(3)


def test_flush_interval_sends_without_flush(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """A lone event is sent once flush_interval has passed, with no flush() call."""
    batcher = make_batcher(flush_interval=0.05)
    batcher.add(support.event(0))
    server.wait_for_requests(1, timeout=10)
    assert set(support.delivered(server)) == {"evt-0"}


def test_flush_with_nothing_added_returns_true(make_batcher: support.MakeBatcher) -> None:
    """flush() on an idle batcher returns True without starting a worker."""
    assert make_batcher().flush(timeout=1)


def test_add_rejects_a_bad_field_by_name(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """A wrong type raises FieldTypeError naming CliEvent.success; nothing is queued."""
    batcher = make_batcher()
    with pytest.raises(TypeError) as info:
        batcher.add(support.event(0, success="yes"))
    assert isinstance(info.value, errors.FieldTypeError)
    assert info.value.field == "CliEvent.success"
    assert batcher.stats == BatcherStats(0, 0, 0, 0, 0, 0, 0)


def test_add_rejects_what_is_not_an_event(make_batcher: support.MakeBatcher) -> None:
    """A dict is not a CliEvent: FieldTypeError naming CliEvent."""
    with pytest.raises(errors.FieldTypeError) as info:
        make_batcher().add({"id": "evt-0"})  # type: ignore[arg-type]
    assert info.value.field == "CliEvent"


def test_add_many_names_the_index_and_queues_nothing(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """add_many() validates every event first: events[2].duration_ms, and none is queued."""
    batcher = make_batcher()
    batch = [support.event(0), support.event(1), support.event(2, duration_ms="12")]
    with pytest.raises(errors.FieldTypeError) as info:
        batcher.add_many(batch)
    assert info.value.field == "events[2].duration_ms"
    assert batcher.stats.added == 0


def test_add_encodes_the_event_at_once(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """Changing the event after add() does not change what is sent."""
    batcher = make_batcher(flush_interval=600)
    item = support.event(0, hostname="before")
    batcher.add(item)
    item.hostname = "after"
    assert batcher.flush(timeout=10)
    assert server.events[0]["hostname"] == "before"


def test_add_after_close_raises(make_batcher: support.MakeBatcher) -> None:
    """add() on a closed batcher raises BatcherClosedError, a RuntimeError."""
    batcher = make_batcher()
    batcher.close()
    with pytest.raises(RuntimeError, match="closed"):
        batcher.add(support.event(0))
    with pytest.raises(errors.SpeakeasyError):
        batcher.add_many([support.event(1)])


def test_close_is_idempotent(server: EventsServer, make_batcher: support.MakeBatcher) -> None:
    """A second close() returns True at once and sends nothing more."""
    batcher = make_batcher()
    batcher.add(support.event(0))
    assert batcher.close(timeout=10)
    assert batcher.close(timeout=10)
    assert batcher.closed
    assert len(server.received) == 1


def test_context_manager_flushes_and_closes(
    server: EventsServer, client: speakeasy.Speakeasy
) -> None:
    """Leaving the with block delivers what was added and closes the batcher."""
    with client.events.batcher(flush_interval=600) as batcher:
        batcher.add_many(support.events(4))
    assert batcher.closed
    assert set(support.delivered(server)) == support.expected_ids(4)


def test_on_full_drop_counts_dropped_events(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """With the queue full, add() returns False, the event counts as dropped, and is warned of."""
    batcher = make_batcher(max_queue_events=2, flush_interval=600, on_full="drop")
    results = [batcher.add(support.event(i)) for i in range(5)]
    assert results == [True, True, False, False, False]
    assert batcher.add_many(support.events(2, start=5)) == 0
    stats = batcher.stats
    assert (stats.added, stats.dropped, stats.pending) == (7, 5, 2)
    with pytest.warns(EventsNotDeliveredWarning, match=r"^5 events were dropped") as caught:
        assert batcher.flush(timeout=10)
    assert len(caught) == 1
    assert set(support.delivered(server)) == {"evt-0", "evt-1"}
    support.assert_balanced(batcher.stats)
    assert batcher.close(timeout=10) is False  # delivered what it queued, but dropped some


def test_on_full_block_waits_for_room(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """With on_full="block", add() waits for the worker to make room; nothing is dropped."""
    batcher = make_batcher(max_queue_events=2, flush_interval=600)
    for i in range(10):
        assert batcher.add(support.event(i))
    assert batcher.flush(timeout=10)
    assert batcher.stats.dropped == 0
    assert set(support.delivered(server)) == support.expected_ids(10)


def test_close_wakes_an_add_blocked_on_a_full_queue(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """An add() blocked on a full queue raises BatcherClosedError when close() is called."""
    server.handler = lambda request: Reply(503)
    batcher = make_batcher(max_queue_events=1, max_batch_events=1, flush_interval=600)
    batcher.add(support.event(0))  # taken by the worker, retried forever
    batcher.add(support.event(1))  # fills the queue
    outcome: List[Any] = []
    blocked = threading.Thread(target=lambda: outcome.append(_try_add(batcher, support.event(2))))
    blocked.start()
    blocked.join(0.2)
    assert blocked.is_alive() and outcome == []  # still waiting for room
    # Both events are given up; under load the first may still be on the wire when close()
    # returns: then the warning counts the other one, and that one is counted when it ends.
    with pytest.warns(EventsNotDeliveredWarning, match=r"^(2 events were|1 event was) not deliv"):
        assert batcher.close(timeout=0.2) is False
    blocked.join(10)
    [error] = outcome
    assert isinstance(error, errors.BatcherClosedError)
    assert "while add() waited" in str(error)  # raised by the wait, not by a later add
    support.wait_for(lambda: batcher.stats.pending == 0, timeout=60)
    stats = batcher.stats
    assert (stats.added, stats.failed) == (2, 2)  # the blocked event was never counted
    support.assert_balanced(stats)


def _try_add(batcher: EventBatcher, item: shared.CliEvent) -> Any:
    try:
        return batcher.add(item)
    except Exception as exc:
        return exc


def test_stats_are_an_immutable_snapshot(make_batcher: support.MakeBatcher) -> None:
    """stats returns a frozen BatcherStats that does not change with the batcher."""
    batcher = make_batcher(flush_interval=600)
    before = batcher.stats
    batcher.add(support.event(0))
    assert before.added == 0
    assert batcher.stats.added == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        before.added = 5  # type: ignore[misc]


def test_workspace_id_defaults_to_the_clients(
    server: EventsServer, make_batcher: support.MakeBatcher
) -> None:
    """Batches go to the client's workspace unless workspace_id is given."""
    default, other = make_batcher(), make_batcher(workspace_id="other ws")
    default.add(support.event(0))
    other.add(support.event(1))
    assert default.flush(timeout=10) and other.flush(timeout=10)
    assert {r.workspace_id for r in server.received} == {"ws-1", "other ws"}


def test_workspace_id_is_required(server: EventsServer, api_key: str) -> None:
    """Without a workspace_id anywhere, batcher() raises ValidationError naming it."""
    client = speakeasy.Speakeasy(security=shared.Security(api_key=api_key), server_url=server.url)
    with pytest.raises(errors.ValidationError) as info:
        client.events.batcher()
    assert info.value.field == "workspace_id"


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("max_batch_events", 0),
        ("max_batch_bytes", "1000"),
        ("max_queue_events", -1),
        ("max_queue_bytes", 0),
        ("exit_timeout", -1.0),
        ("flush_interval", float("nan")),
        ("flush_interval", True),
        ("on_full", "wait"),
        ("retries", "backoff"),
        ("on_error", "print"),
        ("spool_dir", 5),
        ("timeout_ms", 0),
    ],
)
def test_bad_options_are_named(client: speakeasy.Speakeasy, option: str, value: Any) -> None:
    """Each invalid option raises ValidationError (or FieldTypeError) naming it."""
    with pytest.raises(errors.ValidationError) as info:
        client.events.batcher(**{option: value})
    assert info.value.field == option


@pytest.mark.parametrize("size", [1, 2, 100, 215])
def test_a_max_batch_bytes_no_event_fits_is_refused_naming_the_smallest_useful_value(
    server: EventsServer, client: speakeasy.Speakeasy, size: int
) -> None:
    """Issue 28 item 6: max_batch_bytes=2 used to be accepted, and then every add failed."""
    with pytest.raises(errors.ValidationError) as info:
        client.events.batcher(max_batch_bytes=size)
    assert info.value.field == "max_batch_bytes"
    assert "the smallest useful value is 216" in str(info.value)
    # 216 is useful indeed: the smallest event goes, alone in its batch.
    from speakeasy._batching.options import smallest_event

    with client.events.batcher(max_batch_bytes=216) as batcher:
        assert batcher.add(smallest_event())
        assert batcher.flush(timeout=30)
        assert batcher.stats.sent == 1
    assert [len(r.body) for r in server.received] == [216]


def test_batcher_is_importable_from_the_package() -> None:
    """speakeasy.EventBatcher is the class s.events.batcher() builds."""
    from speakeasy._batching.batcher import EventBatcher as Private

    assert speakeasy.EventBatcher is Private
    assert speakeasy.BatcherStats is BatcherStats


@pytest.mark.parametrize("spooled", [False, True], ids=["memory", "spool"])
def test_logs_never_hold_payloads_nor_the_key(
    server: EventsServer,
    make_batcher: support.MakeBatcher,
    caplog: pytest.LogCaptureFixture,
    api_key: str,
    tmp_path: Path,
    spooled: bool,
) -> None:
    """At DEBUG, with retries, a rejected event and recovery, no event content nor key is logged."""
    caplog.set_level(logging.DEBUG, logger="speakeasy")
    spool = tmp_path / "spool" if spooled else None
    server.fail_next(2, status=503)
    server.reject_event = lambda item: item["hostname"] == "secret-host-1"
    batcher = make_batcher(flush_interval=600, spool_dir=spool)
    batcher.add_many([support.event(i, hostname=f"secret-host-{i}") for i in range(5)])
    with pytest.warns(EventsNotDeliveredWarning) as caught:
        assert batcher.flush(timeout=10)
    assert batcher.stats.failed == 1
    [warned] = [str(w.message) for w in caught]
    assert warned.startswith("1 event was not delivered: the server answered 422")
    assert "secret-host" not in warned and "evt-" not in warned and api_key not in warned
    if spool is not None:
        server.handler = lambda request: Reply(503)
        batcher.add(support.event(9, hostname="secret-host-9"))
        batcher.close(timeout=0.2)
        server.handler = None
        assert make_batcher(spool_dir=spool).close(timeout=10)
        assert "recovered 1 events" in caplog.text
    assert "given up" in caplog.text
    assert "secret-host" not in caplog.text
    assert "evt-" not in caplog.text
    assert api_key not in caplog.text
