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
the ``requests`` exception itself (``requests.ConnectionError``,
``requests.Timeout``), or, when the connection broke while the body was read::

    requests.ConnectionError
    └── BrokenResponseError ......... (also requests' ChunkedEncodingError)
"""

from __future__ import annotations

import dataclasses
from typing import Optional

import requests

from speakeasy._model import JsonModel, off_wire, wire


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


class BrokenResponseError(requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
    """The connection broke while the response body was read.

    requests raises ``ChunkedEncodingError`` there, which is not a
    ``ConnectionError``; this is both, so ``except requests.ConnectionError``
    catches a reset before and during the response alike.
    """


class ClientClosedError(SpeakeasyError, RuntimeError):
    """The client is closed: raised by every call after ``close()`` (or leaving ``with``)."""


@dataclasses.dataclass(eq=False, repr=False)
class Error(SpeakeasyError, JsonModel):
    """The API's error model, returned with a 5XX ``application/json`` body.

    Like a 5.x generated model it offers ``to_dict``, ``to_json``,
    ``from_dict``, ``from_json`` and ``schema()`` (of ``message`` and
    ``status_code``; ``raw_response`` is not part of the wire model).
    """

    message: str = dataclasses.field(metadata=wire())
    r"""A developer-facing error message."""
    status_code: int = dataclasses.field(metadata=wire())
    r"""The HTTP status code, as the server wrote it in the body."""
    raw_response: Optional[requests.Response] = dataclasses.field(default=None, metadata=off_wire())
    r"""The HTTP response the error was read from."""

    def __post_init__(self) -> None:
        super().__init__(self.message, self.status_code)

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
        raw_response: Optional[requests.Response] = None,
    ) -> None:
        super().__init__(message, status_code, body)
        self.message = message
        self.status_code = status_code
        self.body = body
        r"""The response body as text: at most its first 1 MiB (the SDK reads no more)."""
        self.raw_response = raw_response

    def __str__(self) -> str:
        body = f"\n{self.body}" if self.body else ""
        return f"{self.message}: Status {self.status_code}{body}"

    def __repr__(self) -> str:
        return f"SDKError(message={self.message!r}, status_code={self.status_code!r})"
