"""The SDK's exceptions, drawn once.

    Exception
    └── SpeakeasyError .............. base of everything the SDK raises itself
        ├── Error ................... 5XX with a JSON ``Error`` body
        ├── SDKError ................ any other non-2xx response
        ├── BatcherClosedError ...... (also RuntimeError) an EventBatcher used after close()
        ├── ClientClosedError ....... (also RuntimeError) a Speakeasy client used after close()
        └── ValidationError ......... (also ValueError) bad input, nothing was sent
            └── FieldTypeError ...... (also TypeError) a value of the wrong type

Network failures are not wrapped: once retries are exhausted the caller gets
the HTTP library's own exception, with a note saying how many attempts the SDK
made and for how long. On the sync edge that is ``requests.ConnectionError`` or
``requests.Timeout``, or, when the connection broke while the body was read::

    requests.ConnectionError
    └── BrokenResponseError ......... (also requests' ChunkedEncodingError)

On the async edge it is ``aiohttp.ClientError`` (``ClientConnectionError``,
``ServerDisconnectedError``, ...) or ``asyncio.TimeoutError`` for a deadline.

Errors read from an answer (``Error``, ``SDKError``) always carry it as
``raw_response``. They pickle without any credential: the pickle holds a
``DetachedResponse`` (status, redacted headers and body, no request) instead.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

from speakeasy._codegen import field
from speakeasy._model import JsonModel, off_wire, wire
from speakeasy._rawresponse import DetachedResponse, HttpResponse, detach
from speakeasy.models import errors  # errors.ErrorData: built on first use, not at import

#: At most this much of a body is kept in an error (and in its pickle).
_MAX_KEPT = 1 << 20
#: Stands for "built without a response" until ``__post_init__`` knows the status.
_NO_RESPONSE: HttpResponse = DetachedResponse(0, {}, b"", "")


class SpeakeasyError(Exception):
    """Base class of every exception the SDK raises itself."""


class ValidationError(SpeakeasyError, ValueError):
    """The caller's input was rejected before any byte was sent.

    ``field`` names the offending argument, setting or model field
    (``request_body[3].success``, ``workspace_id``, ``server_url``).
    """

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem

    def __reduce__(self) -> tuple[type[ValidationError], tuple[str, str]]:
        return type(self), (self.field, self.problem)


class FieldTypeError(ValidationError, TypeError):
    """A value of the wrong type (``success="yes"``, ``duration_ms="12"``)."""


class BatcherClosedError(SpeakeasyError, RuntimeError):
    """The batcher is closed: raised by ``add`` after ``close()``.

    Also handed to ``on_error`` (with the last delivery error as its
    ``__cause__``) for events a memory-only batcher still held when ``close``
    gave up waiting.
    """


class ClientClosedError(SpeakeasyError, RuntimeError):
    """The client is closed: raised by every call after ``close()`` (or leaving ``with``)."""


class Error(SpeakeasyError, JsonModel, eq=False, repr=False):
    """The API's error model, returned with a 5XX ``application/json`` body.

    Like a 5.x generated model it offers ``to_dict``, ``to_json``,
    ``from_dict``, ``from_json`` and ``schema()`` (of ``message`` and
    ``status_code``; ``raw_response`` is not part of the wire model).
    """

    message: str = field(metadata=wire())
    r"""A developer-facing error message."""
    status_code: int = field(metadata=wire())
    r"""The HTTP status code, as the server wrote it in the body."""
    raw_response: HttpResponse = field(default_factory=lambda: _NO_RESPONSE, metadata=off_wire())
    r"""The HTTP response the error was read from (body already read).

    An error built by your own code without one (``Error("m", 503)``, for tests)
    gets an empty ``DetachedResponse`` with that status, so it is never ``None``.
    """

    def __post_init__(self) -> None:
        super().__init__(self.message, self.status_code)
        if self.raw_response is None or self.raw_response is _NO_RESPONSE:
            self.raw_response = DetachedResponse(self.status_code, {}, b"", "")

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild_error, (self.message, self.status_code, _detached(self)), _notes(self))

    @property
    def data(self) -> errors.ErrorData:
        """The error body as the 7.x SDK gives it: ``e.data.message``, ``e.data.status_code``."""
        from speakeasy.models.errors._errordata import ErrorData

        return ErrorData(message=self.message, status_code=self.status_code)

    def __str__(self) -> str:
        return f"{self.message} (status {self.status_code})"

    def __repr__(self) -> str:
        return f"Error(message={self.message!r}, status_code={self.status_code!r})"


class SDKError(SpeakeasyError):
    """A non-2xx response that is not an ``Error``: any 4XX, and 5XX of other shapes."""

    def __init__(
        self,
        message: str,
        status_code: int,
        body: str = "",
        raw_response: Optional[HttpResponse] = None,
    ) -> None:
        super().__init__(message, status_code, body)
        self.message = message
        self.status_code = status_code
        self.body = body
        r"""The response body as text: at most its first 1 MiB (the SDK reads no more)."""
        self.raw_response: HttpResponse = (
            raw_response
            if raw_response is not None
            else DetachedResponse(status_code, {}, body.encode("utf-8"), "")
        )
        r"""The HTTP response (body already read). Built by your own code without one,
        the error gets a ``DetachedResponse`` of its status and body: never ``None``."""

    def __reduce__(self) -> Tuple[Any, ...]:
        return (
            type(self),
            (self.message, self.status_code, self.body, _detached(self)),
            _notes(self),
        )

    def __str__(self) -> str:
        body = f"\n{self.body}" if self.body else ""
        return f"{self.message}: Status {self.status_code}{body}"

    def __repr__(self) -> str:
        return f"SDKError(message={self.message!r}, status_code={self.status_code!r})"


def _detached(error: Any) -> DetachedResponse:
    """The error's response without credentials: what a pickle may carry."""
    redact: Callable[[str], str] = getattr(error, "_redactor", None) or (lambda text: text)
    return detach(error.raw_response, redact, _MAX_KEPT)


def _notes(error: BaseException) -> Optional[Dict[str, Any]]:
    notes = getattr(error, "__notes__", None)
    return {"__notes__": list(notes)} if notes else None


def _rebuild_error(message: str, status_code: int, raw_response: HttpResponse) -> Error:
    return Error(message, status_code, raw_response)
