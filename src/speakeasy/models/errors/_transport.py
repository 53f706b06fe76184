"""The SDK's network exceptions, the same on both edges (the tree in ``models.errors``).

These are the bases users catch. Each edge raises a subclass of them made in its
transport module (``speakeasy._transports._requests`` and ``._aiohttp``), which
also derives from its library's classes, so that code written for 5.x
(``except requests.ConnectionError``, ``except aiohttp.ClientError``,
``except asyncio.TimeoutError``) keeps working. Nothing here imports an HTTP
library: ``import speakeasy`` loads neither.

No exception here carries a request, its headers or its URL's query: only a
message the SDK wrote (method, path, host and port, what happened) and, when an
answer arrived, ``raw_response`` (a ``DetachedResponse`` with redacted headers).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from speakeasy._rawresponse import DetachedResponse
from speakeasy.models.errors._base import SpeakeasyError


class TransportError(SpeakeasyError):
    """No whole answer came back: the connection failed, broke, or the deadline passed.

    Raised after the SDK's retries are spent, with a note saying how many attempts
    it made. ``raw_response`` is the answer's head when one arrived, else None.
    """

    #: The answer's status line and headers, when they arrived (redacted), else None.
    raw_response: Optional[DetachedResponse] = None

    def __init__(self, message: str, *args: Any, **kwargs: Any) -> None:
        # *args/**kwargs: a library base's own (requests' ``request=``/``response=``),
        # accepted and dropped so that none of them can carry the request's headers.
        super().__init__(message)
        self.raw_response = None

    def __reduce__(self) -> Tuple[Any, ...]:
        # What the SDK set (never a library's ``request``): the head, where it connected.
        state: Dict[str, Any] = {
            k: v for k, v in self.__dict__.items() if k in ("raw_response", "host", "port", "tls")
        }
        notes = getattr(self, "__notes__", None)
        if notes:
            state["__notes__"] = list(notes)
        return (type(self), (str(self.args[0]) if self.args else "",), state)

    def __setstate__(self, state: Optional[Dict[str, Any]]) -> None:
        self.__dict__.update(state or {})

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class ConnectError(TransportError):
    """The SDK could not connect: refused, no route, unknown host, TLS handshake failed.

    ``host`` and ``port`` name where it tried; ``tls`` is True for a TLS or
    certificate failure (never retried: another attempt would fail the same way).
    """

    host: str = ""
    port: Optional[int] = None
    tls: bool = False


class DeadlineError(TransportError, TimeoutError):
    """The attempt's deadline (``timeout_ms``) passed before the whole answer was read."""


class BrokenResponseError(TransportError):
    """The request was sent, but the answer was broken: the connection dropped or was
    reset before or during the answer, or its head could not be parsed."""


for _cls in (TransportError, ConnectError, DeadlineError, BrokenResponseError):
    _cls.__module__ = "speakeasy.models.errors"
