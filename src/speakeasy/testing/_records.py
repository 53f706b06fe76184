"""The public records of the local server: ``ReceivedRequest`` (what arrived),
``SentResponse`` (what normal handling answered) and ``Reply`` (a scripted answer)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Optional, Union

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
    test wrote itself, and while the request is being answered); ``body_read`` is False
    for a request refused on its request line and headers alone (path, method,
    credentials, malformed framing): its body was dropped unparsed as it arrived, or never
    read, and ``body`` is ``b""``.

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
    body_read: bool = True

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
            f"error={self.error!r}, action={self.action!r}, response={self.response!r}, "
            f"body_read={self.body_read!r})"
        )

    __str__ = __repr__
