"""The sync I/O edge, on ``requests``: one attempt, and the loop that sleeps between them.

Everything else (what to send, retry decisions, hooks, errors, redaction) is
the pipeline's (``_pipeline.Call``). What is particular to requests lives here:

- the SDK's credentials are applied through ``auth=``, so that neither
  ``~/.netrc`` nor ``user:password@`` in a URL can replace or add to them,
  while the environment's proxies and CA bundle keep working;
- the attempt's overall deadline is ``_deadline``'s watchdog; an attempt past
  it is a ``requests.Timeout`` whatever the parser made of the remains;
- the body is read raw and decoded by ``_body`` within its bound.
"""

from __future__ import annotations

import time
from typing import Any, Dict, Optional, Tuple, TypeVar
from urllib.parse import urlsplit

import requests
from requests.cookies import RequestsCookieJar
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import HTTPError as Urllib3Error

from speakeasy import _deadline
from speakeasy._body import BodyReader
from speakeasy._logging import logger
from speakeasy._pipeline import Call, Outcome, Pipeline, Plan
from speakeasy.models.errors import FieldTypeError, ValidationError
from speakeasy.models.errors._broken import BrokenResponseError

#: What ``client=`` takes.
SyncClient = requests.Session

#: Network failures worth another attempt (certificate errors are not).
RETRYABLE_EXCEPTIONS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
_CHUNK = 64 * 1024
_T = TypeVar("_T")


def _keep(prepared: requests.PreparedRequest) -> requests.PreparedRequest:
    """An ``auth`` that changes nothing: it stops requests from taking ~/.netrc or URL
    credentials, since requests only looks for those when a request has no auth."""
    return prepared


def check_session(client: object) -> None:
    """``client=`` must be a ``requests.Session``."""
    if not isinstance(client, requests.Session):
        raise FieldTypeError("client", f"expected requests.Session, got {type(client).__name__}")


def wire_host(url: str) -> Optional[str]:
    """The host requests will connect to for ``url`` (None if requests refuses the URL).

    It must agree with urlsplit's: ``http://evil.example\\@localhost`` is
    "localhost" to urlsplit but evil.example to requests.
    """
    prepared = requests.PreparedRequest()
    try:
        prepared.prepare_url(url, None)
    except ValueError:  # requests' InvalidURL and MissingSchema are ValueErrors
        return None
    return urlsplit(prepared.url or "").hostname or ""


class SyncEdge:
    """Sends ``ApiRequest``s through a ``requests.Session``."""

    def __init__(
        self, pipeline: Pipeline, session: requests.Session, owns_session: bool = True
    ) -> None:
        self.pipeline = pipeline
        self.session = session
        self.owns_session = owns_session
        #: ``merge_environment_settings`` per origin and session state (see ``_settings``).
        self._settings_cache: Dict[Tuple[Any, ...], Dict[str, Any]] = {}
        #: Each URL as requests prepares it (see ``_url``).
        self._urls: Dict[str, str] = {}

    @classmethod
    def create(cls, pipeline: Pipeline, client: Optional[requests.Session]) -> SyncEdge:
        if client is None:
            return cls(pipeline, _deadline.new_session(), True)
        return cls(pipeline, client, False)

    def close(self) -> None:
        if self.owns_session:
            self.session.close()

    def reset_connections(self) -> None:
        """Drop pooled connections (a forked child must not share its parent's sockets)."""
        self.session.close()

    def send(self, plan: Plan[_T]) -> _T:
        """The plan's result (made from the 2xx answer), or the exception for the call."""
        call = self.pipeline.begin(plan)
        while (delay := call.next_delay(self._send_once(call))) is not None:
            time.sleep(delay)
        return call.result()  # type: ignore[return-value]

    def _send_once(self, call: Call) -> Outcome:
        """One attempt: the response, or the network exception to retry on.

        Hook exceptions and non-network errors are raised, never retried.
        """
        session = self.session
        if session.auth is not None:
            raise ValidationError(
                "client",
                "the session has .auth set, which would replace the SDK's credentials: "
                "remove it and pass security= to Speakeasy",
            )
        request = call.request
        prepared = self._prepare(call)
        hooks = call.hooks
        if hooks.before_request_hooks:
            prepared = hooks.run_before_request(prepared)
        call.sent(prepared.headers)
        settings = self._settings(prepared.url or "", request.direct)
        response = None
        attempt = _deadline.start(call.timeout)
        try:
            response = session.send(
                prepared, timeout=call.timeout, allow_redirects=False, **settings
            )
            complete = _read_body(response, call.body_limit(response.status_code))
            if attempt.expired:
                # The watchdog cut the socket: what was parsed may look whole but is not.
                raise requests.exceptions.ReadTimeout(call.deadline_message(), request=prepared)
        except Exception as caught:
            exc: Exception = caught
            if response is not None:
                response.close()
            if attempt.expired and not isinstance(caught, requests.Timeout):
                exc = requests.exceptions.ReadTimeout(call.deadline_message(), request=prepared)
                exc.__cause__ = caught
            retryable = isinstance(exc, RETRYABLE_EXCEPTIONS) and not isinstance(
                exc, requests.exceptions.SSLError
            )
            try:
                return call.failed(exc, retryable)
            except BaseException as raised:
                if raised is caught or raised is not exc:
                    raise
                raise exc from caught
        finally:
            _deadline.finish(attempt)
        return call.answered(response, complete)

    def _prepare(self, call: Call) -> requests.PreparedRequest:
        """The ``PreparedRequest`` requests' ``Session.prepare_request`` would make.

        The common case (no session cookies or params) is built directly, with the
        URL prepared once per URL: the session's headers first, the SDK's over them
        (requests' own merge order), its response hooks, no auth (so no ``.netrc``).
        """
        session = self.session
        request = call.request
        if session.cookies or session.params:
            return session.prepare_request(
                requests.Request(
                    request.method,
                    call.url,
                    data=request.body,
                    headers=call.attempt_headers(),
                    auth=_keep,
                )
            )
        prepared = requests.PreparedRequest()
        prepared.method = request.method
        prepared.url = self._url(call.url)
        headers: CaseInsensitiveDict[Any] = CaseInsensitiveDict(session.headers)
        headers.update(call.attempt_headers())
        for name in [name for name, value in headers.items() if value is None]:
            del headers[name]
        prepared.headers = headers
        prepared.body = request.body
        prepared.prepare_content_length(request.body)
        prepared.hooks = {"response": list(session.hooks.get("response", ()))}
        prepared._cookies = RequestsCookieJar()  # type: ignore[attr-defined]
        return prepared

    def _url(self, url: str) -> str:
        """``url`` as requests prepares it (quoting, IDNA), prepared once per URL."""
        try:
            return self._urls[url]
        except KeyError:
            pass
        probe = requests.PreparedRequest()
        probe.prepare_url(url, None)
        prepared = probe.url or url
        if len(self._urls) < 256:
            self._urls[url] = prepared
        return prepared

    def _settings(self, url: str, direct: bool) -> Dict[str, Any]:
        """The proxies, CA bundle, certificate and stream settings of an attempt.

        requests derives them from the environment on every call (the costliest
        step of a small post); here once per origin and state of the session, so
        that a session changed later (its proxies, verify, cert) is honoured at once.
        """
        session = self.session
        parts = urlsplit(url)
        key = (
            parts.scheme,
            parts.netloc,
            direct,
            session.trust_env,
            tuple(session.proxies.items()),
            session.verify,
            session.cert,
            session.stream,
        )
        try:
            return self._settings_cache[key]
        except (KeyError, TypeError):  # TypeError: an unhashable setting; not cached
            pass
        settings: Dict[str, Any] = dict(
            session.merge_environment_settings(url, {}, True, None, None)
        )
        if direct:  # loopback: a proxy would carry the key off the machine
            settings["proxies"] = {}
        if len(self._settings_cache) < 64:
            try:
                self._settings_cache[key] = settings
            except TypeError:
                pass
        return settings


def _read_body(response: requests.Response, limit: int) -> bool:
    """Read the body, raw, decoding it within ``limit`` bytes. False if it was cut.

    Past the limit the connection is dropped, not drained.
    """
    if isinstance(response._content, bytes):
        # Already loaded (a test double or a custom adapter): nothing to stream.
        response._content_consumed = True  # type: ignore[attr-defined]
        return len(response._content) <= limit
    reader = BodyReader(response.headers.get("content-encoding"), limit)
    complete = True
    try:
        for raw in response.raw.stream(_CHUNK, decode_content=False):
            if not reader.feed(raw):
                complete = False
                break
        else:
            complete = reader.finish()
    except (Urllib3Error, OSError) as exc:
        raise BrokenResponseError(exc, request=response.request) from exc
    if reader.broken_encoding:
        # The body contradicts its Content-Encoding. It only ever explains the
        # status, which stands: keep what was decoded and drop the connection.
        logger.debug("response body does not match its content-encoding; truncated")
        complete = True
    if not complete or reader.broken_encoding:
        response.close()  # the rest is never read: the connection is not reused
    response._content = reader.body()
    response._content_consumed = True  # type: ignore[attr-defined]
    return complete
