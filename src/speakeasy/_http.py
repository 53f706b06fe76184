"""The one path every request takes, whatever the operation.

An operation describes *what* to send as an ``ApiRequest`` (method, URL,
query, body, which statuses are worth retrying, how much of a successful body
may be read); ``HttpClient.send`` owns *how*::

    send -> _send_with_retries -> _send_once -> _read_body
         -> map_error (anything that is not a 2xx)

The loop owns the retry decision, the sleeping and the logging; ``_send_once``
owns the hooks and the wire; ``_read_body`` bounds what is read and is the one
place where a foreign error is translated (``errors.BrokenResponseError``).
Decoding a 2xx body into models is the operation's business (``_events``).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import re
import time
from typing import Callable, Dict, FrozenSet, Mapping, Optional, Sequence, Tuple, Union

import requests

from speakeasy import _deadline
from speakeasy._hooks import Hooks
from speakeasy._logging import logger
from speakeasy._retry import POST_RETRY_STATUSES, describe, next_delay, retry_after_seconds
from speakeasy.models.errors import (
    BrokenResponseError,
    ClientClosedError,
    Error,
    SDKError,
    SpeakeasyError,
)
from speakeasy.utils.retries import RetryConfig

#: At most this much of an error body is kept; past it the connection is dropped.
MAX_BODY_BYTES = 1 << 20
#: Read past ``MAX_BODY_BYTES``, so that a key echoed across the cut is redacted whole.
_REDACT_SLACK = 64 << 10
#: Request headers whose values are secrets, redacted from error text.
SECRET_HEADERS = ("x-api-key", "authorization", "x-workspace-identifier")

#: Network failures worth another attempt (certificate errors are not).
RETRYABLE_EXCEPTIONS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)

HeaderSource = Callable[[], Dict[str, str]]
Outcome = Union[requests.Response, Exception]


@dataclasses.dataclass(frozen=True)
class ApiRequest:
    """One operation call, ready to send: everything ``HttpClient.send`` needs to know."""

    method: str
    url: str
    #: The URL's path, for logs (never the query: it may carry identifiers).
    path: str
    headers: Mapping[str, str]
    params: Sequence[Tuple[str, str]] = ()
    body: Optional[bytes] = None
    retry_statuses: FrozenSet[int] = POST_RETRY_STATUSES
    #: None: a 2xx body is not needed (at most ``MAX_BODY_BYTES`` is read, the
    #: rest dropped). A number: the body is the result, and a larger one is an error.
    max_body: Optional[int] = None
    #: Called with a 2xx response once its body is read, before ``after_success``
    #: hooks run: the batcher learns of a delivery even if a hook then raises.
    on_accepted: Optional[Callable[[requests.Response], None]] = None


@dataclasses.dataclass(repr=False, eq=False)
class HttpClient:
    """Sends ``ApiRequest``s: retries, timeouts, hooks, logging, errors."""

    session: requests.Session
    auth_headers: HeaderSource
    retry_config: RetryConfig
    timeout: float
    hooks: Hooks
    #: A loopback server is reached directly: a proxy would carry the key off the machine.
    bypass_proxies: bool = False
    closed: bool = False

    def reset_connections(self) -> None:
        """Drop pooled connections (a forked child must not share its parent's sockets)."""
        self.session.close()

    def send(
        self,
        request: ApiRequest,
        retries: Optional[RetryConfig] = None,
        timeout: Optional[float] = None,
    ) -> requests.Response:
        """Send ``request``; return the 2xx response (body read) or raise the mapped error."""
        if self.closed:
            raise ClientClosedError("the Speakeasy client is closed: create a new one")
        response = self._send_with_retries(
            request, retries or self.retry_config, timeout or self.timeout
        )
        if 200 <= response.status_code < 300:
            return response
        raise map_error(response)

    def _send_with_retries(
        self, request: ApiRequest, config: RetryConfig, timeout: float
    ) -> requests.Response:
        start = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            began = time.monotonic()
            outcome = self._send_once(request, timeout)
            retryable = _is_retryable(config, request.retry_statuses, outcome)
            delay = (
                self._delay(config, outcome, attempt, time.monotonic() - start)
                if retryable
                else None
            )
            if logger.isEnabledFor(logging.DEBUG):
                _log_attempt(request, attempt, outcome, time.monotonic() - began, delay)
            if delay is not None:
                time.sleep(delay)
                continue
            if retryable and config.strategy == "backoff":
                logger.warning(
                    "%s %s: giving up after %d attempt(s): %s",
                    request.method,
                    request.path,
                    attempt,
                    describe(outcome),
                )
            if isinstance(outcome, Exception):
                raise outcome
            return outcome

    @staticmethod
    def _delay(
        config: RetryConfig, outcome: Outcome, attempt: int, elapsed: float
    ) -> Optional[float]:
        """Seconds to wait before the next attempt, or None when the budget is spent."""
        retry_after = None
        if isinstance(outcome, requests.Response):
            retry_after = retry_after_seconds(outcome.headers, time.time())
        return next_delay(config, attempt - 1, elapsed, retry_after)

    def _send_once(self, request: ApiRequest, timeout: float) -> Outcome:
        """One attempt: the response, or the network exception to retry on.

        Hook exceptions and non-network errors are raised, never retried.
        """
        session = self.session
        hooks = self.hooks
        prepared = session.prepare_request(
            requests.Request(
                request.method,
                request.url,
                params=request.params or None,
                data=request.body,
                headers={**request.headers, **self.auth_headers()},
            )
        )
        if hooks.before_request_hooks:
            prepared = hooks.run_before_request(prepared)
        settings = session.merge_environment_settings(prepared.url, {}, True, None, None)
        if self.bypass_proxies:
            settings["proxies"] = {}
        response = None
        attempt = _deadline.start(timeout)
        try:
            response = session.send(prepared, timeout=timeout, allow_redirects=False, **settings)
            complete = _read_body(response, request.max_body or MAX_BODY_BYTES)
        except Exception as caught:
            exc = caught
            if response is not None:
                response.close()
            if attempt.expired:
                exc = requests.exceptions.ReadTimeout(
                    f"{request.method} {request.path}: no complete response within the "
                    f"attempt's deadline of {timeout:g} s",
                    request=prepared,
                )
                exc.__cause__ = caught
            if hooks.after_error_hooks:
                hooks.run_after_error(exc)
            if isinstance(exc, RETRYABLE_EXCEPTIONS) and not isinstance(
                exc, requests.exceptions.SSLError
            ):
                return exc
            if exc is caught:
                raise
            raise exc from caught
        finally:
            _deadline.finish(attempt)
        if 200 <= response.status_code < 300:
            if not complete and request.max_body is not None:
                raise SDKError(
                    f"response body larger than {request.max_body} bytes: not read",
                    response.status_code,
                    "",
                    response,
                )
            if request.on_accepted is not None:
                request.on_accepted(response)
            if hooks.after_success_hooks:
                response = hooks.run_after_success(response)
        elif hooks.after_error_hooks:
            hooks.run_after_error(response)
        return response


def _is_retryable(config: RetryConfig, statuses: FrozenSet[int], outcome: Outcome) -> bool:
    """Whether the policy retries this kind of outcome at all (budget aside)."""
    if isinstance(outcome, Exception):
        return config.retry_connection_errors
    return outcome.status_code in statuses


def _read_body(response: requests.Response, max_2xx: int) -> bool:
    """Read the body: up to ``max_2xx`` bytes for a 2xx, ``MAX_BODY_BYTES`` otherwise.

    Past the limit the connection is dropped, not drained. False if the body was cut.
    An error body keeps a little more than its limit, for ``_redact`` to see whole.
    """
    if isinstance(response._content, bytes):
        # Already loaded (a test double or a custom adapter): nothing to stream.
        response._content_consumed = True  # type: ignore[attr-defined]
        return len(response._content) <= max_2xx
    ok = 200 <= response.status_code < 300
    limit = max_2xx if ok else MAX_BODY_BYTES + _REDACT_SLACK
    chunks = []
    size = 0
    truncated = False
    try:
        for chunk in response.iter_content(64 * 1024):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                truncated = True
                response.close()  # the rest is never read: the connection is not reused
                break
    except requests.exceptions.ChunkedEncodingError as exc:
        raise BrokenResponseError(*exc.args, request=response.request) from exc
    except requests.exceptions.ContentDecodingError:
        # The body contradicts its Content-Encoding. It only ever explains the
        # status, which stands: keep what was decoded and drop the connection.
        logger.debug("response body does not match its content-encoding; truncated")
        response.close()
    response._content = b"".join(chunks)[:limit]
    response._content_consumed = True  # type: ignore[attr-defined]
    return not truncated


def map_error(response: requests.Response) -> SpeakeasyError:
    """The exception for a non-2xx response (see the tree in ``models.errors``)."""
    error = _map_error(response)
    # The body was read a little past the cap for redaction; keep the cap's promise.
    response._content = response.content[:MAX_BODY_BYTES]
    return error


def _map_error(response: requests.Response) -> SpeakeasyError:
    status = response.status_code
    content_type = response.headers.get("content-type", "")
    if 500 <= status < 600 and is_json(content_type):
        try:
            data = json.loads(response.content)
        except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested too deep
            data = None
        if (
            isinstance(data, dict)
            and isinstance(data.get("message"), str)
            and isinstance(data.get("status_code"), int)
            and not isinstance(data.get("status_code"), bool)
        ):
            message = _redact(data["message"], response)[:MAX_BODY_BYTES]
            return Error(message, data["status_code"], response)
    return SDKError("API error occurred", status, error_text(response), response)


def error_text(response: requests.Response) -> str:
    """The body for an error: as text, secrets redacted, then cut to ``MAX_BODY_BYTES``."""
    return _redact(text_of(response), response)[:MAX_BODY_BYTES]


def text_of(response: requests.Response) -> str:
    """The body as text: the declared charset, else UTF-8; never a guess over 1 MiB."""
    try:
        return response.content.decode(response.encoding or "utf-8", "replace")
    except (LookupError, ValueError):  # unknown, or "idna" and co. that refuse "replace"
        return response.content.decode("utf-8", "replace")


def _redact(text: str, response: requests.Response) -> str:
    """``text`` without the request's secrets, however a server echoed them.

    A JSON body may carry a key as is or escaped (``\\/`` for ``/``,
    ``\\u002b`` for ``+``): every such spelling is replaced by ``***``.
    """
    request = response.request
    if request is None:
        return text
    for name in SECRET_HEADERS:
        value = request.headers.get(name)
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if not value:
            continue
        if name == "authorization" and value[:7].lower() == "bearer ":
            value = value[7:]
        text = _spellings(value).sub("***", text)
    return text


@functools.lru_cache(maxsize=16)
def _spellings(secret: str) -> re.Pattern[str]:
    """Every way JSON text can spell ``secret``: each character literal or escaped."""
    parts = []
    for char in secret:
        hex4 = "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in f"{ord(char):04x}")
        options = [re.escape(char), r"\\u" + hex4]
        if char in _JSON_SHORT_ESCAPES:
            options.append(re.escape(_JSON_SHORT_ESCAPES[char]))
        parts.append("(?:" + "|".join(options) + ")")
    return re.compile("".join(parts))


_JSON_SHORT_ESCAPES = {
    "/": "\\/",
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def is_json(content_type: str) -> bool:
    """``application/json`` or ``application/*+json``, parameters ignored."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _log_attempt(
    request: ApiRequest,
    attempt: int,
    outcome: Outcome,
    seconds: float,
    delay: Optional[float],
) -> None:
    after = "done" if delay is None else f"retrying in {delay:.3f}s"
    logger.debug(
        "%s %s attempt %d: %s in %.1f ms; %s",
        request.method,
        request.path,
        attempt,
        describe(outcome),
        seconds * 1000,
        after,
    )
