"""The sync edge's transport, on requests (and urllib3 below it).

Given a prepared request, a deadline and body bounds, one attempt: the answer
(a ``requests.Response`` whose body is read, bounded and decoded) or one of the
SDK's transport errors, which are also requests' own (``ConnectionError``,
``Timeout``, ``SSLError``) so that 5.x ``except`` clauses keep working.

What is particular to requests (written for requests 2.31-2.x, urllib3 1.26-2.x,
the ranges pyproject.toml declares; ``tests/test_transports.py`` pins them):

- the SDK's credentials are applied through ``auth=``, so that neither
  ``~/.netrc`` nor ``user:password@`` in a URL can replace or add to them,
  while the environment's proxies and CA bundle keep working;
- the attempt's overall deadline is ``_deadline``'s watchdog; an attempt past
  it is a ``DeadlineError`` whatever the parser made of the remains, and so is
  a socket timeout while the request is still being sent (requests calls that
  a ``ConnectionError``);
- the body is read raw and decoded by ``_body`` within its bound; requests
  offers no public way to hand a body to a ``Response``, so ``_content`` (and
  ``_content_consumed``) are set here, the one place that writes them.
"""

from __future__ import annotations

import errno
import socket
from typing import Any, Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit

import requests
from requests.cookies import RequestsCookieJar
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import HeaderParsingError
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util.response import assert_header_parsing

from speakeasy._body import BodyReader
from speakeasy._logging import logger
from speakeasy._rawresponse import DetachedResponse, HttpResponse
from speakeasy._transports import _deadline
from speakeasy._transports._base import Received, Spec
from speakeasy.models import errors
from speakeasy.models.errors import FieldTypeError, SDKError, ValidationError

#: What ``client=`` takes.
SyncClient = requests.Session
#: Session headers that would add credentials to the SDK's own (refused, on both edges).
CREDENTIAL_HEADERS = ("authorization", "proxy-authorization", "cookie")

_CHUNK = 64 * 1024
#: What requests (and urllib3 below it) raise for a failed exchange; the rest (an
#: adapter refusing a URL's scheme, a hook's bad header) is the caller's to see.
_NETWORK = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
    Urllib3Error,
    OSError,
)

# -- the SDK's exceptions, as requests exceptions too ------------------------------------------


class ConnectError(errors.ConnectError, requests.ConnectionError):
    """Could not connect (also a ``requests.ConnectionError``)."""


class TLSError(ConnectError, requests.exceptions.SSLError):
    """The TLS handshake or the certificate failed (also a ``requests.exceptions.SSLError``)."""


class DeadlineError(errors.DeadlineError, requests.Timeout):
    """The attempt's deadline passed (also a ``requests.Timeout``)."""


class BrokenResponseError(
    errors.BrokenResponseError, requests.ConnectionError, requests.exceptions.ChunkedEncodingError
):
    """The answer was broken (also a ``requests.ConnectionError`` and ``ChunkedEncodingError``)."""


def _as_http_response(response: requests.Response) -> HttpResponse:
    """Never called: mypy checks here that requests' Response is an ``HttpResponse``."""
    return response


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


class RequestsTransport:
    """Sends prepared requests through a ``requests.Session``."""

    def __init__(self, session: requests.Session, owns_session: bool = True) -> None:
        self.session = session
        self.owns_session = owns_session
        #: ``merge_environment_settings`` per origin and session state (see ``_settings``).
        self._settings_cache: Dict[Tuple[Any, ...], Dict[str, Any]] = {}
        #: Each URL as requests prepares it (see ``_url``).
        self._urls: Dict[str, str] = {}

    @classmethod
    def create(cls, client: Optional[requests.Session]) -> RequestsTransport:
        if client is None:
            return cls(_deadline.new_session(), True)
        return cls(client, False)

    def close(self) -> None:
        if self.owns_session:
            self.session.close()

    def reset_connections(self) -> None:
        """Drop pooled connections (a forked child must not share its parent's sockets)."""
        self.session.close()

    def check(self, url: str, direct: bool) -> None:
        if self.session.auth is not None:
            raise ValidationError(
                "client",
                "the session has .auth set, which would replace the SDK's credentials: "
                "remove it and pass security= to Speakeasy",
            )
        for name in self.session.headers:
            if name.lower() in CREDENTIAL_HEADERS:
                raise ValidationError(
                    "client",
                    f"the session's headers include {name}, which would be sent with the "
                    "SDK's credentials: remove it and pass security= to Speakeasy",
                )

    def prepare(
        self, method: str, url: str, headers: Mapping[str, str], body: Optional[bytes]
    ) -> requests.PreparedRequest:
        """The ``PreparedRequest`` requests' ``Session.prepare_request`` would make.

        The common case (no session cookies or params) is built directly, with the
        URL prepared once per URL: the session's headers first, the SDK's over them
        (requests' own merge order), its response hooks, no auth (so no ``.netrc``).
        """
        session = self.session
        if session.cookies or session.params:
            return session.prepare_request(
                requests.Request(method, url, data=body, headers=dict(headers), auth=_keep)
            )
        prepared = requests.PreparedRequest()
        prepared.prepare_method(method)
        prepared.url = self._url(url)
        merged: CaseInsensitiveDict[Any] = CaseInsensitiveDict(session.headers)
        merged.update(headers)
        for name in [name for name, value in merged.items() if value is None]:
            del merged[name]
        prepared.headers = merged
        prepared.body = body
        prepared.prepare_content_length(body)
        prepared.prepare_cookies(RequestsCookieJar())
        prepared.hooks = {"response": list(session.hooks.get("response", ()))}
        return prepared

    def send(self, request: requests.PreparedRequest, spec: Spec) -> Received[requests.Response]:
        """One attempt: the answer, or the SDK's transport error for what went wrong."""
        prepared = request
        settings = self._settings(prepared.url or "", spec.direct)
        response = None
        attempt = _deadline.start(spec.timeout)
        try:
            response = self.session.send(
                prepared, timeout=spec.timeout, allow_redirects=False, **settings
            )
            if _malformed_head(response):
                raise malformed_answer(spec, prepared.url or "")
            received = _read(response, spec)
            if attempt.expired:
                # The watchdog cut the socket: what was parsed may look whole but is not.
                raise DeadlineError(_late(spec))
            return received
        except (errors.TransportError, SDKError) as caught:
            error: Exception = caught
            cause = caught.__cause__
        except _NETWORK as caught:
            error = _translate(caught, prepared, spec, attempt.expired)
            cause = _root(caught)
        finally:
            _deadline.finish(attempt)
        if response is not None:
            response.close()
        if attempt.expired and not isinstance(error, errors.DeadlineError):
            error = DeadlineError(_late(spec))  # the watchdog cut the socket
        # Raised here, outside the handler: requests' exception (which holds the
        # prepared request, and so the key) must not stay reachable as ``__context__``.
        raise error from cause

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


def _late(spec: Spec) -> str:
    return f"{spec.label}: no complete response within the attempt's deadline of {spec.timeout:g} s"


def _read(response: requests.Response, spec: Spec) -> Received[requests.Response]:
    """Read the body raw, decoding it within its bound. Past the bound the
    connection is dropped, not drained."""
    bound = spec.bound(response.status_code)
    if not hasattr(response.raw, "stream"):
        # Loaded already (a test double or a custom adapter): nothing to stream.
        content = response.content or b""
        return Received(response, len(content) <= bound.read)
    reader = BodyReader(response.headers.get("content-encoding"), bound.read, bound.keep_over)
    complete = True
    error: Optional[BrokenResponseError] = None
    cause: Optional[BaseException] = None
    try:
        for raw in response.raw.stream(_CHUNK, decode_content=False):
            if not reader.feed(raw):
                complete = False
                break
        else:
            complete = reader.finish()
    except (Urllib3Error, OSError) as exc:
        error = BrokenResponseError(
            f"{spec.label}: the connection broke while the answer's body was read "
            f"(status {response.status_code})"
        )
        # The head arrived: it is the error's raw_response (the core redacts it).
        error.raw_response = DetachedResponse(
            response.status_code,
            dict(response.headers),
            b"",
            response.url or "",
            response.reason or "",
        )
        cause = _root(exc)
    if error is not None:
        raise error from cause
    if reader.broken_encoding:
        # The body contradicts its Content-Encoding. It only ever explains the
        # status, which stands: keep what was decoded and drop the connection.
        logger.debug("response body does not match its content-encoding; truncated")
        complete = True
    if not complete or reader.broken_encoding:
        response.close()  # the rest is never read: the connection is not reused
    body = reader.body()
    tail = b""
    if len(body) > bound.keep:
        body, tail = body[: bound.keep], body[bound.keep :]
    response._content = body
    response._content_consumed = True  # type: ignore[attr-defined]
    return Received(response, complete, tail)


def _malformed_head(response: requests.Response) -> bool:
    """Whether the answer's head had lines http.client could not parse (a header line
    with no colon...). http.client keeps what it parsed and drops the rest; urllib3
    only logs it. The parsed message is reachable through urllib3's
    ``_original_response`` only (no public way), checked by urllib3's own public
    ``assert_header_parsing``."""
    original = getattr(response.raw, "_original_response", None)
    message = getattr(original, "msg", None)
    if message is None:
        return False
    try:
        assert_header_parsing(message)
    except HeaderParsingError:
        return True
    except TypeError:  # not an http.client message: nothing to check
        return False
    return False


def malformed_answer(spec: Spec, url: str) -> SDKError:
    """A head that could not be parsed: an ``SDKError`` (status 0: no status to trust),
    retried like other broken answers. Nothing of the library's exception is kept."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return SDKError(
        f"{spec.label}: malformed answer from {parts.hostname or ''} port {port}: its head "
        "could not be parsed",
        0,
    )


def _root(exc: BaseException) -> Optional[BaseException]:
    """The innermost OS-level cause (``ConnectionRefusedError``, ``TimeoutError``...): the
    library's own wrappers are dropped, since their text names pool classes and URLs."""
    seen = set()
    found: Optional[BaseException] = None
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and not isinstance(
            current, (requests.RequestException, Urllib3Error)
        ):
            found = current
        todo.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))
        for linked in (current.__cause__, current.__context__, getattr(current, "reason", None)):
            if isinstance(linked, BaseException):
                todo.append(linked)
    return found


def _translate(
    exc: BaseException, prepared: requests.PreparedRequest, spec: Spec, expired: bool
) -> errors.TransportError:
    """requests' (or urllib3's) exception as the SDK's, with a message the SDK wrote."""
    root = _root(exc)
    if expired or isinstance(exc, requests.Timeout) or isinstance(root, socket.timeout):
        return DeadlineError(_late(spec))
    parts = urlsplit(prepared.url or "")
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if isinstance(exc, requests.exceptions.SSLError):
        error: errors.ConnectError = TLSError(
            f"{spec.label}: TLS with {host} port {port} failed (not retried): "
            f"{_reason(root) or 'certificate or handshake error'}"
        )
        error.tls = True
    elif isinstance(exc, requests.exceptions.ProxyError):
        error = ConnectError(f"{spec.label}: could not connect through the proxy for {host}")
    elif isinstance(exc, requests.ConnectionError) and _connect_failed(exc, root):
        error = ConnectError(
            f"{spec.label}: could not connect to {host} port {port}: "
            f"{_reason(root) or 'connection failed'}"
        )
    else:
        return BrokenResponseError(
            f"{spec.label}: the connection to {host} port {port} broke before a whole "
            f"answer arrived: {_reason(root) or type(exc).__name__}"
        )
    error.host, error.port = host, port
    return error


def _connect_failed(exc: BaseException, root: Optional[BaseException]) -> bool:
    from urllib3.exceptions import NewConnectionError

    if isinstance(root, (ConnectionRefusedError, socket.gaierror)):
        return True
    reason = getattr(exc.args[0] if exc.args else None, "reason", None)
    return isinstance(reason, NewConnectionError)


def _reason(root: Optional[BaseException]) -> str:
    if root is None:
        return ""
    if isinstance(root, ConnectionRefusedError):
        return "connection refused"
    if isinstance(root, socket.gaierror):
        return "unknown host"
    if isinstance(root, OSError) and root.errno:
        return (root.strerror or errno.errorcode.get(root.errno, "")).lower()
    return str(root)
