"""What a transport is: the contract both edges' transports keep.

A transport is given a fully prepared request (the object the ``before_request``
hooks saw), the attempt's deadline and its body bounds. It returns one
``Received`` (the response users see, its body already read, bounded and
decoded) or raises one ``models.errors.TransportError`` subclass (``ConnectError``,
``DeadlineError``, ``BrokenResponseError``). It retries nothing, runs no hook,
maps no status to an error and counts no attempt: the core (``_pipeline.Call``)
does all of that, once for both.
"""

from __future__ import annotations

from typing import Awaitable, Callable, Generic, Mapping, Optional, Protocol, TypeVar

from speakeasy._rawresponse import HttpResponse

_Req = TypeVar("_Req")
_R = TypeVar("_R", bound=HttpResponse, covariant=True)


class Bound:
    """How much of a body to read, and to keep.

    ``read`` decoded bytes at most (one past it proves the body is over the bound);
    of what was read, the response holds ``keep`` bytes and ``Received.tail`` the
    rest (an error body is read a little past its cap so that a key echoed across
    the cut is redacted whole); of a body past ``read``, ``keep_over`` bytes are kept.
    """

    __slots__ = ("keep", "keep_over", "read")

    def __init__(self, read: int, keep: int, keep_over: int) -> None:
        self.read = read
        self.keep = keep
        self.keep_over = keep_over


class Received(Generic[_R]):
    """One answer: the response as users see it (its body read) and how the read ended."""

    __slots__ = ("complete", "response", "tail")

    def __init__(self, response: _R, complete: bool, tail: bytes = b"") -> None:
        self.response = response
        #: False: the body was past its bound, and only a prefix of it was kept.
        self.complete = complete
        #: What was read past ``Bound.keep`` (for redaction only; never shown).
        self.tail = tail


class Spec:
    """An attempt's terms: its deadline, its bounds, and how to name it in messages."""

    __slots__ = ("bound", "direct", "label", "timeout")

    def __init__(
        self, timeout: float, bound: Callable[[int], Bound], direct: bool, label: str
    ) -> None:
        self.timeout = timeout
        #: ``bound(status) -> Bound``, asked once the status is known.
        self.bound = bound
        #: A loopback server: reached directly, never through a proxy.
        self.direct = direct
        #: ``POST /v1/workspace/ws/events``, for messages (never the query).
        self.label = label


class Transport(Protocol[_Req]):
    """The sync edge's transport (``_transports._requests``)."""

    def check(self, url: str, direct: bool) -> None:
        """Refuse, before anything is sent, a session that would leak or change credentials."""

    def prepare(
        self, method: str, url: str, headers: Mapping[str, str], body: Optional[bytes]
    ) -> _Req:
        """The request object the ``before_request`` hooks are given."""

    def send(self, request: _Req, spec: Spec) -> Received[HttpResponse]:
        """One attempt: the answer, or a ``TransportError``."""

    def close(self) -> None: ...

    def reset_connections(self) -> None: ...


class AsyncTransport(Protocol[_Req]):
    """The async edge's transport (``_transports._aiohttp``)."""

    def check(self, url: str, direct: bool) -> None: ...

    def prepare(
        self, method: str, url: str, headers: Mapping[str, str], body: Optional[bytes]
    ) -> _Req: ...

    def send(self, request: _Req, spec: Spec) -> Awaitable[Received[HttpResponse]]: ...

    def aclose(self) -> Awaitable[None]: ...

    def close_now(self) -> None: ...
