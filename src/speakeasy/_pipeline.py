"""The one request pipeline, written once for both I/O edges.

An operation describes *what* to send as an ``ApiRequest``. A ``Call`` holds
everything about sending it that is not I/O: the final URL and headers, the
retry decision and its logging, hooks, the body bounds, redaction and error
mapping. Each edge (``_sync``, ``_async``) runs the same short loop over its
transport (``_transports``), which only moves bytes::

    call = pipeline.begin(plan)
    while (delay := call.settle(<one attempt>)) is not None:
        <sleep delay, the edge's way>
    return call.result()                     # from the 2xx answer, or raises

where one attempt is: ``request = call.ready(transport.prepare(..., call.start_attempt(),
...))``, then ``transport.send(request, call.spec)``: a ``Received`` answer, or a
transport error (``models.errors.TransportError``) as the outcome.

Nothing here imports an HTTP library.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import (
    Any,
    Callable,
    Dict,
    FrozenSet,
    Generic,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
    Union,
)
from urllib.parse import urlencode

from speakeasy._answers import MAX_BODY_BYTES, REDACT_SLACK, map_error, sdk_error
from speakeasy._body import ACCEPT_ENCODING
from speakeasy._hooks import Hooks
from speakeasy._logging import logger
from speakeasy._rawresponse import HttpResponse, detach
from speakeasy._redact import NO_SECRETS, Redactor
from speakeasy._retry import POST_RETRY_STATUSES, describe, next_delay, retry_after_seconds
from speakeasy._transports._base import Bound, Received, Spec
from speakeasy.models.errors import ClientClosedError
from speakeasy.models.errors._transport import ConnectError, TransportError
from speakeasy.utils.retries import RetryConfig

HeaderSource = Callable[[], Dict[str, str]]
_R = TypeVar("_R", bound=HttpResponse)
_T = TypeVar("_T")
_Q = TypeVar("_Q")
Outcome = Union[HttpResponse, BaseException]


def _the_response(response: HttpResponse, redact: Redactor) -> HttpResponse:
    return response


class ApiRequest(Generic[_T]):
    """One operation call, ready to send: everything the pipeline needs to know.

    (A plain slotted class, not a dataclass: one less class to generate at import.)
    """

    __slots__ = (
        "body",
        "direct",
        "headers",
        "max_body",
        "method",
        "on_accepted",
        "params",
        "path",
        "result",
        "retry_statuses",
        "url",
    )

    def __init__(
        self,
        method: str,
        url: str,
        path: str,
        headers: Mapping[str, str],
        *,
        params: Sequence[Tuple[str, str]] = (),
        body: Optional[bytes] = None,
        retry_statuses: FrozenSet[int] = POST_RETRY_STATUSES,
        max_body: Optional[int] = None,
        on_accepted: Optional[Callable[[HttpResponse], None]] = None,
        direct: bool = False,
        result: Callable[[HttpResponse, Redactor], _T] = _the_response,  # type: ignore[assignment]
    ) -> None:
        self.method = method
        #: The URL without its query.
        self.url = url
        #: The URL's path, for logs (never the query: it may carry identifiers).
        self.path = path
        self.headers = headers
        self.params = params
        self.body = body
        self.retry_statuses = retry_statuses
        #: None: a 2xx body is not needed (at most ``MAX_BODY_BYTES`` is read, the
        #: rest dropped). A number: the body is the result, and a larger one is an error.
        self.max_body = max_body
        #: Called with a 2xx response once its body is read, before ``after_success``
        #: hooks run: the batcher learns of a delivery even if a hook then raises.
        self.on_accepted = on_accepted
        #: A loopback server is reached directly: a proxy would carry the key off the machine.
        self.direct = direct
        #: What the call returns, made from its 2xx answer (decoding errors are redacted).
        self.result = result

    def replace(self, **changes: Any) -> ApiRequest[_T]:
        """A copy with ``changes`` (as ``dataclasses.replace``)."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        fields.update(changes)
        return ApiRequest(**fields)

    @property
    def full_url(self) -> str:
        """The URL with its query, encoded once here so that both edges send the same bytes."""
        if not self.params:
            return self.url
        return self.url + "?" + urlencode(self.params)


#: What an operation hands an edge: the request, and the call's ``retries`` and timeout.
Plan = Tuple[ApiRequest[_T], Optional[RetryConfig], Optional[float]]


class Pipeline:
    """A client's sending settings, shared by its two edges."""

    __slots__ = ("auth_headers", "closed", "hooks", "retry_config", "timeout")

    def __init__(
        self, auth_headers: HeaderSource, retry_config: RetryConfig, timeout: float, hooks: Hooks
    ) -> None:
        self.auth_headers = auth_headers
        self.retry_config = retry_config
        self.timeout = timeout
        self.hooks = hooks
        self.closed = False

    def begin(self, plan: Plan[_T]) -> Call:
        """A call of ``plan`` (raises ``ClientClosedError`` once the client is closed)."""
        request, retries, timeout = plan
        if self.closed:
            raise ClientClosedError("the Speakeasy client is closed: create a new one")
        return Call(self, request, retries or self.retry_config, timeout or self.timeout)  # type: ignore[arg-type]


class Call:
    """One call in flight: its attempts, their outcomes and the decision after each.

    Its steps, in order, each either a command or a question, never both:

    - ``start_attempt()`` counts an attempt, starts its clock and returns its headers
      (credentials fetched now: they may rotate);
    - ``ready(request)`` runs the ``before_request`` hooks on the transport's request
      and records the headers that go out (for redaction); returns what to send;
    - ``spec`` is the attempt's terms for the transport: deadline, body bounds;
    - ``settle(outcome)`` records what the attempt gave (a ``Received`` answer or an
      exception), runs the ``after_*`` hooks, and returns the verdict: seconds to
      wait before the next attempt, or None to stop;
    - ``result()`` returns the call's result or raises its error, with a note.
    """

    __slots__ = (
        "attempts",
        "began",
        "config",
        "final",
        "hooks",
        "outcome",
        "pipeline",
        "redact",
        "request",
        "spec",
        "start",
        "tail",
        "timeout",
        "url",
    )

    def __init__(
        self,
        pipeline: Pipeline,
        request: ApiRequest[object],
        config: RetryConfig,
        timeout: float,
    ) -> None:
        self.pipeline = pipeline
        self.hooks = pipeline.hooks
        self.request = request
        self.config = config
        self.timeout = timeout
        self.url = request.full_url
        self.start = time.monotonic()
        self.began = self.start
        self.attempts = 0
        self.redact: Redactor = NO_SECRETS
        self.outcome: Outcome = _NOT_SENT
        self.tail = b""
        #: An error the core made of an answer (it needs no give-up note).
        self.final = False
        self.spec = Spec(timeout, self.bound, request.direct, f"{request.method} {request.path}")

    # -- one attempt ------------------------------------------------------------------------

    def start_attempt(self) -> Dict[str, str]:
        """Count a new attempt, start its clock; its headers, with fresh credentials."""
        self.attempts += 1
        self.began = time.monotonic()
        return {
            **self.request.headers,
            "Accept-Encoding": ACCEPT_ENCODING,
            **self.pipeline.auth_headers(),
        }

    def ready(self, request: _Q) -> _Q:
        """Run the ``before_request`` hooks on the transport's request; record the headers
        that actually go out (their secrets are redacted from everything after)."""
        if self.hooks.before_request_hooks:
            request = self.hooks.run_before_request(request)
        self.redact = Redactor.from_headers(request.headers)  # type: ignore[attr-defined]
        return request

    def bound(self, status: int) -> Bound:
        """How much of a body of ``status`` to read and keep (see ``_transports._base.Bound``)."""
        over = MAX_BODY_BYTES + REDACT_SLACK
        if 200 <= status < 300:
            read = self.request.max_body or MAX_BODY_BYTES
            return Bound(read, read, over)
        return Bound(over, MAX_BODY_BYTES, over)

    # -- the decision -----------------------------------------------------------------------

    def settle(self, outcome: Union[Received[HttpResponse], BaseException]) -> Optional[float]:
        """Record the attempt's outcome and run its hooks; seconds to wait before the next
        attempt, or None to stop here (then ``result()``)."""
        if isinstance(outcome, BaseException):
            if self.hooks.after_error_hooks:
                self.hooks.run_after_error(outcome)
            self.outcome = outcome
        else:
            response = outcome.response
            self.tail = outcome.tail
            if 200 <= response.status_code < 300:
                if not outcome.complete and self.request.max_body is not None:
                    self.outcome = sdk_error(
                        f"response body larger than {self.request.max_body} bytes: not read",
                        response,
                        self.redact,
                    )
                    self.final = True
                    return None
                if self.request.on_accepted is not None:
                    self.request.on_accepted(response)
                if self.hooks.after_success_hooks:
                    response = self.hooks.run_after_success(response)
            elif self.hooks.after_error_hooks:
                self.hooks.run_after_error(response)
            self.outcome = response
        return self._verdict(self.outcome)

    def _verdict(self, outcome: Outcome) -> Optional[float]:
        retryable = self._retryable(outcome)
        delay = None
        if retryable:
            retry_after = None
            if not isinstance(outcome, BaseException):
                retry_after = retry_after_seconds(outcome.headers, time.time())
            delay = next_delay(
                self.config, self.attempts - 1, time.monotonic() - self.start, retry_after
            )
        if logger.isEnabledFor(logging.DEBUG):
            self._log_attempt(outcome, delay)
        if delay is not None and self.attempts == 1 and isinstance(outcome, ConnectError):
            # Said at once, not after the whole retry budget: nothing is listening there.
            logger.warning(
                "%s; retrying for up to %.0f s",
                outcome,
                self.config.backoff.max_elapsed_time / 1000 if self.config.backoff else 0,
            )
        if delay is None and retryable and self.config.strategy == "backoff":
            logger.warning(
                "%s %s: giving up after %d attempt(s): %s",
                self.request.method,
                self.request.path,
                self.attempts,
                describe(outcome),
            )
        return delay

    def result(self) -> object:
        """The call's result, made from its last 2xx answer; or the exception for what happened."""
        outcome = self.outcome
        if isinstance(outcome, BaseException):
            if isinstance(outcome, TransportError) and outcome.raw_response is not None:
                outcome.raw_response = detach(outcome.raw_response, self.redact, MAX_BODY_BYTES)
            if not self.final:
                add_note(outcome, self._summary(outcome))
            raise outcome
        if 200 <= outcome.status_code < 300:
            return self.request.result(outcome, self.redact)
        error = map_error(outcome, self.redact, self.tail)
        if self.attempts > 1:
            add_note(error, self._summary(error))
        raise error

    def _retryable(self, outcome: Outcome) -> bool:
        if isinstance(outcome, BaseException):
            if isinstance(outcome, ConnectError) and outcome.tls:
                return False  # another attempt would fail the same way
            return self.config.retry_connection_errors
        return outcome.status_code in self.request.retry_statuses

    def _summary(self, error: BaseException) -> str:
        retries = "" if self.config.strategy == "backoff" else ", retries off"
        if isinstance(error, ConnectError) and error.tls:
            retries = ", a TLS failure is not retried"
        return (
            f"speakeasy: {self.request.method} {self.request.path}: gave up after "
            f"{self.attempts} attempt(s) over {time.monotonic() - self.start:.1f} s{retries}"
        )

    def _log_attempt(self, outcome: Outcome, delay: Optional[float]) -> None:
        after = "done" if delay is None else f"retrying in {delay:.3f}s"
        logger.debug(
            "%s %s attempt %d: %s in %.1f ms; %s",
            self.request.method,
            self.request.path,
            self.attempts,
            describe(outcome),
            (time.monotonic() - self.began) * 1000,
            after,
        )


_NOT_SENT = RuntimeError("no attempt was made")


def add_note(exc: BaseException, note: str) -> None:
    """PEP 678 note (shown in tracebacks on 3.11+); before 3.11 also in a ``str`` message."""
    if sys.version_info >= (3, 11):
        exc.add_note(note)
        return
    notes = getattr(exc, "__notes__", None)
    if not isinstance(notes, list):
        notes = []
        exc.__notes__ = notes
    notes.append(note)
    if exc.args and isinstance(exc.args[0], str):
        exc.args = (f"{exc.args[0]} [{note}]", *exc.args[1:])
