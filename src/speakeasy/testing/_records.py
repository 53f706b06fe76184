"""What the server records and how it is scripted: ``ReceivedRequest``, ``Reply``, the store.

Nothing here touches a socket: the store is a plain thread-safe container that the HTTP
handler fills and :class:`~speakeasy.testing.EventsServer` reads.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Literal, NamedTuple, Optional, Tuple, Union

from ._schema import parse_rfc3339

#: What a scripted :class:`Reply` does on the wire.
Action = Literal["respond", "drop", "reset", "reset_mid_body", "endless"]
ACTIONS = frozenset({"respond", "drop", "reset", "reset_mid_body", "endless"})

#: A body a :class:`Reply` can carry.
ReplyBody = Union[bytes, str, Dict[str, Any], List[Any], None]

_MASKED_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie"})


@dataclass
class Reply:
    """A scripted answer, consumed by one request (see :attr:`EventsServer.replies`).

    ``body``: ``bytes`` and ``str`` are sent as they are (``application/octet-stream`` and
    ``text/plain; charset=utf-8`` unless ``headers`` set a Content-Type); a ``dict`` or
    ``list`` is sent as JSON (``application/json``); ``None`` sends no body, except for
    ``status >= 400`` where it sends the default ``{"message": ..., "status_code": status}``
    JSON error. ``body_size`` > 0 instead sends a body of that many ``b"x"`` bytes
    (``text/plain`` unless overridden), streamed.

    ``headers`` are added to the response and override the defaults (case-insensitively),
    e.g. ``Retry-After``, ``Location`` or ``Content-Type``.

    ``action``:

    * ``"respond"``: answer normally with ``status``, ``headers`` and the body.
    * ``"drop"``: close the connection without sending a single byte.
    * ``"reset"``: abort the connection with a TCP RST, without sending a byte.
    * ``"reset_mid_body"``: send the status line and headers with a Content-Length larger
      than the body bytes that follow, some body bytes, then a TCP RST.
    * ``"endless"``: send the status with ``Transfer-Encoding: chunked`` and an endless body
      of ``b"x"`` chunks until the client goes away (bounded to 1 GiB or 60 s).

    ``delay`` is waited (in seconds) before the answer, after the server-wide delay.
    """

    status: int = 200
    body: ReplyBody = None
    headers: Dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    action: Action = "respond"
    body_size: int = 0

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}; expected one of {sorted(ACTIONS)}")
        if not 100 <= self.status <= 999:
            raise ValueError(f"status must be a 3-digit HTTP status code, got {self.status!r}")
        if self.body_size < 0:
            raise ValueError("body_size must be >= 0")
        if self.body_size and self.body is not None:
            raise ValueError("give either body or body_size, not both")
        if self.delay < 0:
            raise ValueError("delay must be >= 0")


class MaskedHeaders(Dict[str, str]):
    """A plain ``dict`` of headers whose repr never shows secret values."""

    def __repr__(self) -> str:
        items = ", ".join(
            f"{key!r}: {repr('***') if key.lower() in _MASKED_HEADERS else repr(value)}"
            for key, value in self.items()
        )
        return "{" + items + "}"

    __str__ = __repr__


@dataclass(frozen=True, repr=False)
class SentResponse:
    """What the server answered by normal handling (as the real API would).

    ``headers`` has lower-case names. ``body`` is empty for a ``HEAD`` request.
    """

    status: int
    headers: Dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON (raises ``ValueError`` when it is not JSON)."""
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self) -> str:
        return (
            f"SentResponse(status={self.status!r}, headers={self.headers!r}, "
            f"body=<{len(self.body)} bytes>)"
        )

    __str__ = __repr__


@dataclass(frozen=True, repr=False)
class ReceivedRequest:
    """One request the server received (valid or not).

    ``path`` is the raw (still percent-encoded) path without the query; ``query`` the raw
    query string ("" when none); ``headers`` has lower-case names (repeated headers joined
    with ", "); ``workspace_id`` is the decoded ``{workspaceID}`` path segment, or None when
    the path is none of the API's paths; ``events`` is the parsed body when it is a JSON
    array (whether or not its items are valid events), else None.

    ``status`` is the status answered (0 while the request is still being answered, and when
    a scripted ``drop``/``reset`` answered no status); ``error`` says why the server rejected
    it (None when accepted); ``action`` is the scripted action taken ("respond" normally);
    ``received_at`` is the :func:`time.monotonic` time when the request line arrived;
    ``response`` is what normal handling answered (None for a scripted reply, which the
    test wrote itself, and while the request is being answered).

    The repr masks ``x-api-key`` (and other credentials) as ``'***'``; use :attr:`api_key`
    to check the key that was sent.
    """

    method: str
    path: str
    query: str
    headers: Dict[str, str]
    body: bytes
    workspace_id: Optional[str] = None
    events: Optional[List[Any]] = None
    status: int = 0
    error: Optional[str] = None
    action: str = "respond"
    received_at: float = 0.0
    response: Optional[SentResponse] = None

    @property
    def api_key(self) -> Optional[str]:
        """The ``x-api-key`` header as received (None when absent)."""
        return self.headers.get("x-api-key")

    def json(self) -> Any:
        """The body parsed as JSON (raises ``ValueError`` when it is not JSON)."""
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self) -> str:
        headers = MaskedHeaders(self.headers)
        events = "None" if self.events is None else f"<{len(self.events)} events>"
        return (
            f"ReceivedRequest(method={self.method!r}, path={self.path!r}, query={self.query!r}, "
            f"headers={headers!r}, body=<{len(self.body)} bytes>, "
            f"workspace_id={self.workspace_id!r}, events={events}, status={self.status!r}, "
            f"error={self.error!r}, action={self.action!r}, response={self.response!r})"
        )

    __str__ = __repr__


#: Where a request sits in the store: (generation, index); index -1 when not kept.
Slot = Tuple[int, int]


class StoredEvent(NamedTuple):
    """An accepted event, with what the reads sort and filter by."""

    seq: int  # arrival order, across workspaces
    workspace_id: str
    created_at: datetime
    event: Dict[str, Any]


class Recorder:
    """The requests and accepted events since the last :meth:`clear`, safe across threads.

    A request is added when it arrives (:meth:`arrive`) and replaced by its final record when
    answered (:meth:`finish`); a :meth:`clear` in between makes that late finish a no-op.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answered = threading.Condition(self._lock)
        self._received: List[ReceivedRequest] = []
        self._events: List[StoredEvent] = []
        self._generation = 0
        self._request_count = 0
        self._event_count = 0
        self._seq = 0

    def arrive(self, rec: ReceivedRequest, keep: bool) -> Slot:
        """Count a request that arrived; keep it unless ``keep`` is False."""
        with self._lock:
            self._request_count += 1
            if not keep:
                return self._generation, -1
            self._received.append(rec)
            return self._generation, len(self._received) - 1

    def finish(self, slot: Slot, rec: ReceivedRequest, accepted: Optional[List[Any]]) -> None:
        """Replace the request's record by its answered one; store the events it delivered.

        ``accepted`` events must have passed the contract checks (a valid ``created_at``)
        and ``rec.workspace_id`` must be set.
        """
        stored: List[StoredEvent] = []
        if accepted and slot[1] >= 0:
            workspace = rec.workspace_id or ""
            for event in accepted:
                created = parse_rfc3339(event["created_at"])
                assert created is not None  # checked before it was accepted
                stored.append(StoredEvent(0, workspace, created, event))
        with self._answered:
            generation, index = slot
            if generation != self._generation:
                return  # clear() ran while this request was in flight
            if accepted:
                self._event_count += len(accepted)
            if index < 0:
                return  # not kept
            self._received[index] = rec
            for item in stored:
                self._events.append(item._replace(seq=self._seq))
                self._seq += 1
            self._answered.notify_all()

    def clear(self) -> None:
        with self._lock:
            self._received.clear()
            self._events.clear()
            self._generation += 1
            self._request_count = 0
            self._event_count = 0

    def received(self) -> List[ReceivedRequest]:
        with self._lock:
            return list(self._received)

    def events(self) -> List[Dict[str, Any]]:
        with self._lock:
            return [item.event for item in self._events]

    def events_of(self, workspace_id: str) -> List[StoredEvent]:
        """The stored events of one workspace, in arrival order."""
        with self._lock:
            return [item for item in self._events if item.workspace_id == workspace_id]

    def counts(self) -> Tuple[int, int]:
        """(requests arrived, events accepted), counted even when not kept."""
        with self._lock:
            return self._request_count, self._event_count

    def kept(self) -> int:
        """How many requests are kept right now (without copying them)."""
        with self._lock:
            return len(self._received)

    def wait_answered(self, count: int, timeout: float) -> List[ReceivedRequest]:
        """Wait until ``count`` kept requests were answered; raise ``TimeoutError`` if not."""
        deadline = time.monotonic() + timeout
        with self._answered:
            while sum(1 for r in self._received if r.status or r.action != "respond") < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"{len(self._received)} request(s) received, expected {count}"
                    )
                self._answered.wait(remaining)
            return list(self._received)
