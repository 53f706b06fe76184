"""``max_kept_bytes``: the server keeps the latest requests up to a size, oldest dropped.

A request's cost is what keeping it holds (bodies, headers, parsed events, the record); the
tests measure it with :attr:`EventsServer.kept_bytes` rather than assume it."""

from __future__ import annotations

import json
import logging
import threading
from typing import Iterator, List, Optional

import pytest

from speakeasy.testing import EventsServer, ReceivedRequest, Reply
from tests.support.local_server import KEY, event, post, read

SEARCH = "/v1/workspace/ws-1/events"
PADDING = "x" * 900


def body_of(event_id: str) -> bytes:
    return json.dumps([event(id=event_id, raw_command=PADDING)]).encode()


def _cost_of_one() -> int:
    """What one accepted post of ``body_of`` costs the server (one-digit ids all cost this)."""
    with EventsServer(api_key=KEY) as server:
        assert post(server, body_of("e0"))[0] == 200
        return server.kept_bytes


SIZE = _cost_of_one()


@pytest.fixture
def bounded() -> Iterator[EventsServer]:
    # Room for three posts, not four.
    with EventsServer(api_key=KEY, max_kept_bytes=3 * SIZE + SIZE // 2) as server:
        yield server


def post_all(server: EventsServer, count: int) -> None:
    for i in range(count):
        assert post(server, body_of(f"e{i}"))[0] == 200


def kept_bytes(server: EventsServer) -> int:
    assert server.kept_bytes >= sum(
        len(r.body) + (0 if r.response is None else len(r.response.body)) for r in server.received
    )
    return server.kept_bytes


def test_unbounded_by_default() -> None:
    with EventsServer(api_key=KEY) as server:
        assert server.max_kept_bytes is None
        post_all(server, 8)
        assert len(server.received) == 8


def test_oldest_requests_and_their_events_are_dropped(
    bounded: EventsServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="speakeasy.testing"):
        post_all(bounded, 7)
    assert [r.events[0]["id"] for r in bounded.received if r.events] == ["e4", "e5", "e6"]
    assert kept_bytes(bounded) <= bounded.max_kept_bytes == 3 * SIZE + SIZE // 2
    assert [e["id"] for e in bounded.events] == ["e4", "e5", "e6"]
    assert (bounded.request_count, bounded.event_count) == (7, 7)  # counts stay whole
    [warning] = caplog.records  # once, not per dropped request
    assert warning.levelname == "WARNING"
    assert "max_kept_bytes" in warning.getMessage()
    assert str(3 * SIZE + SIZE // 2) in warning.getMessage()


def test_reads_answer_from_what_is_kept(bounded: EventsServer) -> None:
    post_all(bounded, 5)
    found = read(bounded, SEARCH)  # e2..e4 were kept; this answer now counts too
    assert [e["id"] for e in found] == ["e4", "e3", "e2"]
    # The answer (3 bodies) pushed the older requests out.
    assert kept_bytes(bounded) <= bounded.max_kept_bytes
    before = [e["id"] for e in bounded.events][::-1]
    again = [e["id"] for e in read(bounded, SEARCH)]  # what is kept, newest first
    assert again and again == before[: len(again)]


def test_the_newest_request_is_kept_even_when_larger(bounded: EventsServer) -> None:
    post_all(bounded, 2)
    big = [event(id=f"big{i}", raw_command=PADDING) for i in range(10)]
    assert post(bounded, big)[0] == 200
    assert len(bounded.received) == 1
    assert [e["id"] for e in bounded.events] == [f"big{i}" for i in range(10)]


def test_zero_keeps_only_the_newest_and_wait_for_requests_still_counts() -> None:
    with EventsServer(api_key=KEY, max_kept_bytes=0) as server:
        post_all(server, 3)
        received = server.wait_for_requests(3, timeout=5)
        assert [r.events[0]["id"] for r in received if r.events] == ["e2"]


def test_setting_can_change_and_reset_keeps_it(
    bounded: EventsServer, caplog: pytest.LogCaptureFixture
) -> None:
    bounded.max_kept_bytes = None
    post_all(bounded, 5)
    assert len(bounded.received) == 5
    bounded.max_kept_bytes = SIZE
    bounded.reset()
    assert bounded.max_kept_bytes == SIZE  # a setting of the server, not a test option
    with caplog.at_level(logging.WARNING, logger="speakeasy.testing"):
        post_all(bounded, 3)
        bounded.reset()
        post_all(bounded, 3)
    assert len(bounded.received) == 1
    assert len(caplog.records) == 2  # warned again after the reset


@pytest.mark.parametrize("value", [-1, 1.5, "64M", True])
def test_invalid_bound_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="max_kept_bytes"):
        EventsServer(max_kept_bytes=value)  # type: ignore[arg-type]
    server = EventsServer()
    with pytest.raises(ValueError, match="max_kept_bytes"):
        server.max_kept_bytes = value  # type: ignore[assignment]


def test_a_request_dropped_while_in_flight_is_not_kept_again(bounded: EventsServer) -> None:
    """The bound drops a request still being answered; its late answer only counts."""
    bounded.max_kept_bytes = 0
    release = threading.Event()
    holding = threading.Event()

    def hold_the_first(request: ReceivedRequest) -> Optional[Reply]:
        if request.events and request.events[0]["id"] == "e0":
            holding.set()
            assert release.wait(5)
        return None

    bounded.handler = hold_the_first
    statuses: List[int] = []
    first = threading.Thread(target=lambda: statuses.append(post(bounded, body_of("e0"))[0]))
    first.start()
    assert holding.wait(5)
    assert post(bounded, body_of("e1"))[0] == 200  # drops e0's request, still in flight
    release.set()
    first.join(5)
    assert statuses == [200]
    bounded.wait_for_requests(2)
    assert [r.events[0]["id"] for r in bounded.received if r.events] == ["e1"]
    assert [e["id"] for e in bounded.events] == ["e1"]
    assert (bounded.request_count, bounded.event_count) == (2, 2)
