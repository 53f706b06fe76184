"""What the server keeps: the requests since the last reset, with the events each delivered.

A plain thread-safe container (no sockets): the HTTP handler fills it, the reads and
:class:`~speakeasy.testing.EventsServer` read it. With ``max_bytes`` set it keeps the most
recent requests whose cost adds up to at most that many bytes, dropping the oldest, and
their events with them; the newest request is always kept.

A request's cost is what keeping it holds in memory, whether it was accepted or not: its
body and its answer's, its path, query and headers, the parsed events it carries (as
``sys.getsizeof`` measures the parsed JSON), and a fixed share for the record objects.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import deque
from datetime import datetime
from typing import Any, Deque, Dict, List, NamedTuple, Optional, Sequence, Tuple

from ._records import ReceivedRequest
from ._schema import parse_rfc3339

logger = logging.getLogger("speakeasy.testing")

#: Where a request sits in the store: (generation, sequence number); -1 when not kept.
Slot = Tuple[int, int]


class StoredEvent(NamedTuple):
    """An accepted event, with what the reads sort and filter by."""

    order: Tuple[int, int]  # (request's arrival number, place in its request)
    workspace_id: str
    created_at: datetime
    event: Dict[str, Any]


#: The record objects of one request beyond its bytes (ReceivedRequest, SentResponse, their
#: dicts and the store's entry; about 1.3 KiB measured with tracemalloc on CPython 3.11).
RECORD_OVERHEAD = 1536
#: The objects that store one accepted event beside its parsed JSON (tuples, datetime).
STORED_EVENT_OVERHEAD = 256


def parsed_size(value: Any) -> int:
    """The memory of parsed JSON, as ``sys.getsizeof`` counts it (shared objects counted
    each time they appear: an over-estimate, never an under-estimate of what is new)."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        total += sys.getsizeof(item)
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return total


def _headers_size(headers: Dict[str, str]) -> int:
    return sum(len(name) + len(value) + 100 for name, value in headers.items())


def _cost(rec: ReceivedRequest, events_size: int, stored: int) -> int:
    """What keeping ``rec`` (with ``stored`` accepted events) holds, in bytes."""
    cost = RECORD_OVERHEAD + len(rec.body) + len(rec.path) + len(rec.query)
    cost += _headers_size(rec.headers) + events_size + stored * STORED_EVENT_OVERHEAD
    if rec.response is not None:
        cost += len(rec.response.body) + _headers_size(rec.response.headers)
    return cost


class _Entry:
    """One kept request: its latest record, its cost in bytes, the events it delivered."""

    __slots__ = ("cost", "events_size", "rec", "seq", "stored")

    def __init__(self, seq: int, rec: ReceivedRequest, events_size: int) -> None:
        self.seq = seq
        self.rec = rec
        self.events_size = events_size
        self.cost = _cost(rec, events_size, 0)
        self.stored: Sequence[StoredEvent] = ()


def check_max_bytes(value: Optional[int]) -> Optional[int]:
    """``value`` if it is a valid bound (None or an int >= 0); else ``ValueError``."""
    if value is not None and (type(value) is not int or value < 0):
        raise ValueError(f"max_kept_bytes must be None or an int >= 0, got {value!r}")
    return value


class Store:
    """The requests and accepted events since the last :meth:`clear`, safe across threads.

    A request is added when it arrives (:meth:`arrive`) and replaced by its final record when
    answered (:meth:`finish`); a :meth:`clear` in between, or the bound dropping it, makes
    that late finish update only the counts.
    """

    def __init__(self, max_bytes: Optional[int] = None) -> None:
        self.max_bytes = check_max_bytes(max_bytes)
        self._lock = threading.Lock()
        self._answered = threading.Condition(self._lock)
        self._entries: Deque[_Entry] = deque()
        self._bytes = 0
        self._generation = 0
        self._next_seq = 0
        self._request_count = 0
        self._event_count = 0
        self._answered_count = 0
        self._dropped = 0

    def arrive(self, rec: ReceivedRequest, keep: bool) -> Slot:
        """Count a request that arrived; keep it unless ``keep`` is False."""
        with self._lock:
            self._request_count += 1
            if not keep:
                return self._generation, -1
        events_size = 0 if rec.events is None else parsed_size(rec.events)
        with self._lock:
            entry = _Entry(self._next_seq, rec, events_size)
            self._next_seq += 1
            self._entries.append(entry)
            self._bytes += entry.cost
            self._enforce_bound()
            return self._generation, entry.seq

    def finish(self, slot: Slot, rec: ReceivedRequest, accepted: Optional[List[Any]]) -> None:
        """Replace the request's record by its answered one; store the events it delivered.

        ``accepted`` events must have passed the contract checks (a valid ``created_at``)
        and ``rec.workspace_id`` must be set.
        """
        generation, seq = slot
        stored: List[StoredEvent] = []
        if accepted and seq >= 0:
            workspace = rec.workspace_id or ""
            for place, event in enumerate(accepted):
                created = parse_rfc3339(event["created_at"])
                assert created is not None  # checked before it was accepted
                stored.append(StoredEvent((seq, place), workspace, created, event))
        # The accepted events are the request's own parsed events (already counted), normally.
        extra = 0 if not accepted or accepted is rec.events else parsed_size(accepted)
        with self._answered:
            if generation != self._generation:
                return  # clear() ran while this request was in flight
            if accepted:
                self._event_count += len(accepted)
            if rec.status or rec.action != "respond":
                self._answered_count += 1
                self._answered.notify_all()
            entry = self._entry(seq)
            if entry is None:
                return  # not kept, or dropped by the bound
            if rec.events is not entry.rec.events:
                entry.events_size = 0 if rec.events is None else parsed_size(rec.events)
            entry.rec = rec
            entry.stored = stored
            cost = _cost(rec, entry.events_size + extra, len(stored))
            self._bytes += cost - entry.cost
            entry.cost = cost
            self._enforce_bound()

    def _entry(self, seq: int) -> Optional[_Entry]:
        if seq < 0 or not self._entries:
            return None
        index = seq - self._entries[0].seq  # kept entries hold consecutive numbers
        return self._entries[index] if index >= 0 else None

    def _enforce_bound(self) -> None:
        limit = self.max_bytes
        if limit is None:
            return
        dropped = 0
        while self._bytes > limit and len(self._entries) > 1:
            self._bytes -= self._entries.popleft().cost
            dropped += 1
        if dropped:
            if not self._dropped:
                logger.warning(
                    "keeping at most %d bytes of requests, answers and events "
                    "(max_kept_bytes, --max-kept-bytes): "
                    "dropping the oldest requests and their events from now on",
                    limit,
                )
            self._dropped += dropped
            logger.debug("dropped %d request(s), %d so far", dropped, self._dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._generation += 1
            self._request_count = 0
            self._event_count = 0
            self._answered_count = 0
            self._dropped = 0

    def received(self) -> List[ReceivedRequest]:
        with self._lock:
            return [entry.rec for entry in self._entries]

    def events(self) -> List[Dict[str, Any]]:
        with self._lock:
            return [item.event for entry in self._entries for item in entry.stored]

    def events_of(self, workspace_id: Optional[str]) -> List[StoredEvent]:
        """The stored events of one workspace (None: of every workspace), in arrival order."""
        with self._lock:
            return [
                item
                for entry in self._entries
                if entry.stored and (workspace_id is None or entry.rec.workspace_id == workspace_id)
                for item in entry.stored
            ]

    def counts(self) -> Tuple[int, int, int]:
        """(requests arrived, events accepted, requests dropped), counted even when not kept."""
        with self._lock:
            return self._request_count, self._event_count, self._dropped

    def kept(self) -> Tuple[int, int]:
        """(requests kept, their cost in bytes) right now."""
        with self._lock:
            return len(self._entries), self._bytes

    def wait_answered(self, count: int, timeout: float) -> List[ReceivedRequest]:
        """Wait until ``count`` requests were answered; raise ``TimeoutError`` if not."""
        deadline = time.monotonic() + timeout
        with self._answered:
            while self._answered_count < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"{self._answered_count} request(s) answered, expected {count}"
                    )
                self._answered.wait(remaining)
            return [entry.rec for entry in self._entries]
