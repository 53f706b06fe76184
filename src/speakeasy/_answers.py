"""What an answer *means*, whichever edge read it: errors, decoded models, the raw view.

Nothing here does I/O or imports an HTTP library. An answer is anything with
``status_code``, ``headers`` and ``content`` (``HttpResponse``): a sync call's
``requests.Response``, or the ``DetachedResponse`` the async edge builds.
"""

from __future__ import annotations

import json
from typing import List, Type, TypeVar

from speakeasy._rawresponse import HttpResponse, charset_of, text_of
from speakeasy._redact import NO_SECRETS, Redactor
from speakeasy.models.errors import Error, SDKError, SpeakeasyError

#: At most this much of an error body is kept; past it the connection is dropped.
MAX_BODY_BYTES = 1 << 20
#: Read past ``MAX_BODY_BYTES``, so that a key echoed across the cut is redacted whole.
REDACT_SLACK = 64 << 10

_M = TypeVar("_M")


def is_json(content_type: str) -> bool:
    """``application/json`` or ``application/*+json``, parameters ignored."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def error_body(response: HttpResponse, redact: Redactor, tail: bytes = b"") -> str:
    """The body for an error: as text, secrets redacted, then cut to ``MAX_BODY_BYTES``.

    ``tail``: what was read past the response's kept body (so that a key echoed
    across the cut is redacted whole).
    """
    content = response.content
    if tail or len(content) > MAX_BODY_BYTES + REDACT_SLACK:
        whole = (content + tail)[: MAX_BODY_BYTES + REDACT_SLACK]
        charset = charset_of(response.headers.get("content-type", "")) or "utf-8"
        try:
            text = whole.decode(charset, "replace")
        except (LookupError, ValueError):
            text = whole.decode("utf-8", "replace")
    else:
        text = text_of(response)
    return redact(text)[:MAX_BODY_BYTES]


def map_error(
    response: HttpResponse, redact: Redactor = NO_SECRETS, tail: bytes = b""
) -> SpeakeasyError:
    """The exception for a non-2xx response (see the tree in ``models.errors``)."""
    status = response.status_code
    content_type = response.headers.get("content-type", "")
    if 500 <= status < 600 and is_json(content_type):
        try:
            data = json.loads(response.content + tail if tail else response.content)
        except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested too deep
            data = None
        if (
            isinstance(data, dict)
            and isinstance(data.get("message"), str)
            and isinstance(data.get("status_code"), int)
            and not isinstance(data.get("status_code"), bool)
        ):
            message = redact(data["message"])[:MAX_BODY_BYTES]
            return _attach(Error(message, data["status_code"], response), redact)
    return sdk_error("API error occurred", response, redact, tail)


def sdk_error(
    message: str, response: HttpResponse, redact: Redactor, tail: bytes = b""
) -> SDKError:
    """An ``SDKError`` about ``response``; ``message`` (which may quote headers) is redacted."""
    body = error_body(response, redact, tail)
    error = SDKError(redact(message), response.status_code, body, response)
    return _attach(error, redact)


_E = TypeVar("_E", bound=SpeakeasyError)


def _attach(error: _E, redact: Redactor) -> _E:
    # Kept out of pickles (see models.errors): used to detach the response when pickled.
    error._redactor = redact  # type: ignore[attr-defined]
    return error


def decode_answer(response: HttpResponse, cls: Type[_M], redact: Redactor) -> List[_M]:
    """A read's JSON array as models; anything else is an ``SDKError`` saying what and where."""
    from speakeasy._decoding import DecodeError, decode_list  # reads only: not at import

    status = response.status_code
    content_type = response.headers.get("content-type", "")
    if status != 200 or not is_json(content_type):
        raise sdk_error(
            f"unexpected response (status {status}, content-type {content_type!r})",
            response,
            redact,
        )
    from speakeasy._fastcodec import decode_json_list  # the [fast] extra, when installed

    models = decode_json_list(response.content, cls)  # None: the pure path decides
    if models is not None:
        return models
    try:
        data = json.loads(response.content)
    except (ValueError, RecursionError) as exc:
        raise sdk_error(f"response is not valid JSON ({exc})", response, redact) from None
    try:
        return decode_list(data, cls)
    except DecodeError as exc:
        raise sdk_error(
            f"response does not match a list of {cls.__name__}: {exc}", response, redact
        ) from None
