"""The async edge's transport, on aiohttp.

Given a prepared request (``AsyncRequest``), a deadline and body bounds, one
attempt: the answer (a ``DetachedResponse``, its body read, bounded and decoded)
or one of the SDK's transport errors, which are also aiohttp's or asyncio's
(``aiohttp.ClientError``, ``asyncio.TimeoutError``) so that 5.x ``except``
clauses keep working. No aiohttp exception leaves this module: several carry the
request's headers (``request_info``), and with them the key.

What is particular to aiohttp (written for aiohttp 3.9-3.x, the range
pyproject.toml declares; ``tests/test_transports.py`` pins it):

- an attempt's deadline is a cancellation (``asyncio.wait_for``): no thread,
  no watchdog; cancelling the caller's task aborts the attempt the same way,
  and ``async with`` on the response gives the connection back or closes it;
- per request, whatever the session says: no redirects, no decompression (the
  body is read raw and decoded by ``_body`` within its bound), no
  ``raise_for_status`` (answers map to errors in the core, the same on both
  edges);
- the SDK's own session trusts no environment (no ``~/.netrc``), takes the
  environment's proxies explicitly, and never resends a read on its own when a
  connection drops (``_retry_connection``: aiohttp offers no public switch);
- the SDK's own session belongs to the event loop it was made on, and is closed
  when that loop's ``asyncio.run`` ends (it registers an async generator, which
  ``asyncio.run`` finalises): a script that never closes the client prints no
  "Unclosed client session" and leaks no socket. A caller's session is never
  closed by the SDK.

The module imports aiohttp at once: it is imported only on the first async call
(``Speakeasy._async_edge``), so ``import speakeasy`` never loads aiohttp.
"""

from __future__ import annotations

import asyncio
import io
import ssl
import sys
from typing import Any, AsyncIterator, Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import yarl

from speakeasy._body import BodyReader
from speakeasy._hooks import AsyncRequest
from speakeasy._rawresponse import DetachedResponse, HttpResponse
from speakeasy._transports._base import Received, Spec
from speakeasy.models import errors
from speakeasy.models.errors import FieldTypeError, SDKError, ValidationError

#: What ``async_client=`` takes.
AsyncClient = aiohttp.ClientSession

_CHUNK = 64 * 1024
#: aiohttp's TOO_LARGE_BYTES_BODY: raw bytes past it draw a ResourceWarning.
_LARGE_BODY = 1 << 20
#: Session headers that would add credentials to the SDK's own (refused, on both edges).
_CREDENTIAL_HEADERS = ("authorization", "proxy-authorization", "cookie")

# -- the SDK's exceptions, as aiohttp's (or asyncio's) too -------------------------------------


class ConnectError(errors.ConnectError, aiohttp.ClientConnectionError):
    """Could not connect (also an ``aiohttp.ClientConnectionError``)."""


if sys.version_info >= (3, 11):  # asyncio.TimeoutError is the builtin one

    class DeadlineError(errors.DeadlineError):
        """The attempt's deadline passed (also an ``asyncio.TimeoutError``)."""

else:

    class DeadlineError(errors.DeadlineError, asyncio.TimeoutError):
        """The attempt's deadline passed (also an ``asyncio.TimeoutError``)."""


class BrokenResponseError(
    errors.BrokenResponseError, aiohttp.ClientConnectionError, aiohttp.ClientPayloadError
):
    """The answer was broken (also an ``aiohttp.ClientConnectionError`` and
    ``aiohttp.ClientPayloadError``)."""


def _as_http_response(response: DetachedResponse) -> HttpResponse:
    """Never called: mypy checks here that the async edge's response is an ``HttpResponse``."""
    return response


def check_session(client: object) -> None:
    """``async_client=`` must be an ``aiohttp.ClientSession``."""
    if not isinstance(client, aiohttp.ClientSession):
        raise FieldTypeError(
            "async_client", f"expected aiohttp.ClientSession, got {type(client).__name__}"
        )


class AiohttpTransport:
    """Sends ``AsyncRequest``s through an ``aiohttp.ClientSession``: the caller's
    (``given``), or one of its own per event loop."""

    def __init__(self, given: Optional[aiohttp.ClientSession] = None) -> None:
        self.given = given
        self._session: Optional[aiohttp.ClientSession] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._closer: Optional[AsyncIterator[None]] = None
        self._proxies: Dict[str, Optional[str]] = {}

    def check(self, url: str, direct: bool) -> None:
        """Refuse a caller's session that would send credentials or the key elsewhere.

        The SDK's own session needs none of this (no auth, no environment). A
        caller's may hold ``auth=`` or credential headers (replacing or adding to the
        SDK's credentials), or trust the environment: aiohttp then adds
        ``~/.netrc`` credentials for the host, and sends a loopback request through
        the environment's proxy.
        """
        session = self.given
        if session is None:
            return
        if session.auth is not None:
            raise ValidationError(
                "async_client",
                "the session has auth= set, which would replace or add to the SDK's "
                "credentials: remove it and pass security= to Speakeasy",
            )
        for name in session.headers:
            if name.lower() in _CREDENTIAL_HEADERS:
                raise ValidationError(
                    "async_client",
                    f"the session's headers= include {name}, which would be sent with the "
                    "SDK's credentials: remove it and pass security= to Speakeasy",
                )
        if not session.trust_env:
            return
        host = urlsplit(url).hostname or ""
        if _netrc_has(host):
            raise ValidationError(
                "async_client",
                f"the session has trust_env=True and ~/.netrc (or $NETRC) has credentials "
                f"for {host}, which aiohttp would send with the SDK's: use trust_env=False "
                "(the SDK applies the environment's proxies itself)",
            )
        if direct and getproxies().get(urlsplit(url).scheme):
            raise ValidationError(
                "async_client",
                "the session has trust_env=True, so aiohttp would send this loopback request "
                "(and its key) through the environment's proxy: use trust_env=False",
            )

    def prepare(
        self, method: str, url: str, headers: Mapping[str, str], body: Optional[bytes]
    ) -> AsyncRequest:
        return AsyncRequest(method, url, dict(headers), body)

    async def send(self, request: AsyncRequest, spec: Spec) -> Received[DetachedResponse]:
        """One attempt: the answer, or the SDK's transport error for what went wrong."""
        session = await self._session_here()
        error: Optional[BaseException] = None
        try:
            return await asyncio.wait_for(self._exchange(session, request, spec), spec.timeout)
        except errors.TransportError:
            raise  # already the SDK's (a body cut short, read in _exchange)
        except asyncio.TimeoutError:
            error = DeadlineError(
                f"{spec.label}: no complete response within the attempt's deadline of "
                f"{spec.timeout:g} s"
            )
        except aiohttp.ClientError as caught:
            error = _translate(caught, request.url, spec)
        except ssl.SSLError as caught:
            error = _tls_error(request.url, spec, caught.reason or "")
        # Raised here, outside the handler: the aiohttp exception (which holds the
        # request's headers) must not stay reachable as ``__context__``.
        raise error

    async def _exchange(
        self, session: aiohttp.ClientSession, request: AsyncRequest, spec: Spec
    ) -> Received[DetachedResponse]:
        """Send, then read the body within its bound (raw; ``_body`` decodes it)."""
        async with session.request(
            request.method,
            yarl.URL(request.url, encoded=True),
            headers=request.headers,
            data=_payload(request.body),
            allow_redirects=False,
            proxy=None if spec.direct else self._proxy_for(request.url),
            auto_decompress=False,
            raise_for_status=False,
        ) as response:
            bound = spec.bound(response.status)
            reader = BodyReader(
                response.headers.get("Content-Encoding"), bound.read, bound.keep_over
            )
            complete = True
            broken = None
            try:
                async for chunk in response.content.iter_chunked(_CHUNK):
                    if not reader.feed(chunk):
                        complete = False
                        response.close()  # the rest is never read: the connection is not reused
                        break
                else:
                    complete = reader.finish()
            except (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError) as exc:
                broken = BrokenResponseError(
                    f"{spec.label}: the connection broke while the answer's body was read "
                    f"(status {response.status}, {type(exc).__name__})"
                )
            if broken is not None:
                # The head arrived: it is the error's raw_response (the core redacts it).
                broken.raw_response = DetachedResponse(
                    response.status,
                    _headers(response.headers),
                    b"",
                    str(response.url),
                    response.reason or "",
                )
                raise broken
            if reader.broken_encoding:
                complete = True
                response.close()
            body = reader.body()
            tail = b""
            if len(body) > bound.keep:
                body, tail = body[: bound.keep], body[bound.keep :]
            detached = DetachedResponse(
                response.status,
                _headers(response.headers),
                body,
                str(response.url),
                response.reason or "",
            )
            return Received(detached, complete, tail)

    # -- the session ------------------------------------------------------------------------

    async def _session_here(self) -> aiohttp.ClientSession:
        """The session to use on the running loop (made on first use, per loop)."""
        if self.given is not None:
            return self.given
        loop = asyncio.get_running_loop()
        session = self._session
        if session is None or self._loop is not loop or session.closed:
            if session is not None and not session.closed:
                _abandon(session)  # made on a loop that is gone (an earlier asyncio.run)
            _finish(self._closer)
            session = aiohttp.ClientSession(trust_env=False, auto_decompress=False)
            # aiohttp resends an idempotent request (a read) once by itself when the
            # connection drops; the SDK's retry policy alone decides, as on the sync edge.
            if hasattr(session, "_retry_connection"):
                session._retry_connection = False
            closer = _close_at_shutdown(session)
            await closer.__anext__()  # registered with the loop: asyncio.run finalises it
            self._session, self._loop, self._closer = session, loop, closer
        return session

    async def aclose(self) -> None:
        """Close the session the SDK made (never one it was given)."""
        session, self._session = self._session, None
        closer, self._closer = self._closer, None
        if session is not None and not session.closed:
            if self._loop is asyncio.get_running_loop():
                await session.close()
            else:
                _abandon(session)
        _finish(closer)

    def close_now(self) -> None:
        """From sync code: drop the session the SDK made without awaiting."""
        session, self._session = self._session, None
        closer, self._closer = self._closer, None
        if session is not None and not session.closed:
            _abandon(session)
        _finish(closer)

    def pool(self) -> Tuple[int, int]:
        """For tests: the SDK session's connections (idle in the pool, in use)."""
        session = self._session
        connector = session.connector if session is not None else None
        if connector is None:
            return 0, 0
        idle = sum(len(conns) for conns in connector._conns.values())
        return idle, len(connector._acquired)

    def _proxy_for(self, url: str) -> Optional[str]:
        """The environment's proxy for ``url``, looked up once per origin."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        try:
            return self._proxies[origin]
        except KeyError:
            pass
        proxy = getproxies().get(parts.scheme)
        if proxy and proxy_bypass(parts.hostname or ""):
            proxy = None
        self._proxies[origin] = proxy
        return proxy


async def _close_at_shutdown(session: aiohttp.ClientSession) -> AsyncIterator[None]:
    """Closes ``session`` when its loop shuts its async generators down (``asyncio.run``
    does, before closing the loop), so that an unclosed client leaves nothing open."""
    try:
        yield
    finally:
        if not session.closed:
            await session.close()


def _payload(body: Optional[bytes]) -> Any:
    """A large body as a file object: aiohttp warns (a ResourceWarning) that raw bytes
    past 1 MiB may block the loop while it copies them, and streams a file object."""
    if body is not None and len(body) > _LARGE_BODY:
        return io.BytesIO(body)
    return body


def _finish(closer: Optional[AsyncIterator[None]]) -> None:
    """End a closer whose session is closed already, without its loop (which may be
    gone): it then has nothing to await, and nothing is left for the loop to finalise."""
    if closer is None:
        return
    step = closer.aclose()  # type: ignore[attr-defined]
    try:
        step.send(None)
    except (StopIteration, RuntimeError):
        pass
    else:  # pragma: no cover - the session was not closed: let its loop finish it
        step.close()


def _translate(exc: aiohttp.ClientError, url: str, spec: Spec) -> BaseException:
    """aiohttp's exception as the SDK's; nothing of the original (its request_info) kept."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if isinstance(exc, (aiohttp.ClientSSLError, aiohttp.ServerFingerprintMismatch)):
        return _tls_error(url, spec, type(exc).__name__)
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return DeadlineError(f"{spec.label}: the server stopped sending within the deadline")
    if isinstance(exc, aiohttp.ClientConnectorError):
        os_error = exc.os_error
        reason = (
            "connection refused"
            if isinstance(os_error, ConnectionRefusedError)
            else (os_error.strerror or str(os_error) or "connection failed").lower()
        )
        through = (
            " (through the proxy)" if isinstance(exc, aiohttp.ClientProxyConnectionError) else ""
        )
        error = ConnectError(
            f"{spec.label}: could not connect to {host} port {port}{through}: {reason}"
        )
        error.host, error.port = host, port
        return error
    if isinstance(exc, aiohttp.ClientHttpProxyError):  # the proxy refused the tunnel
        error = ConnectError(
            f"{spec.label}: could not connect to {host} port {port} through the proxy "
            f"(it answered {exc.status})"
        )
        error.host, error.port = host, port
        return error
    if isinstance(exc, aiohttp.ClientResponseError):
        # The head could not be parsed (a header line with no colon, a bad status
        # line...), or aiohttp refused the answer: a malformed answer.
        return SDKError(
            f"{spec.label}: malformed answer from {host} port {port}: its head could not be parsed",
            0,
        )
    what = (
        "while the answer's body was read"
        if isinstance(exc, aiohttp.ClientPayloadError)
        else "before a whole answer arrived"
    )
    return BrokenResponseError(
        f"{spec.label}: the connection to {host} port {port} broke {what} ({type(exc).__name__})"
    )


def _tls_error(url: str, spec: Spec, reason: str) -> errors.ConnectError:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or 443
    error = ConnectError(
        f"{spec.label}: TLS with {host} port {port} failed (not retried): {reason}"
    )
    error.host, error.port, error.tls = host, port, True
    return error


def _netrc_has(host: str) -> bool:
    """Whether the netrc aiohttp would read has an entry for ``host`` (or a default)."""
    from aiohttp.helpers import netrc_from_env

    found = netrc_from_env()
    return found is not None and found.authenticators(host) is not None


def _abandon(session: aiohttp.ClientSession) -> None:
    """Close a session's connections without awaiting its loop (closed, or not this one).

    On a loop that is gone (closed without ``asyncio.run``'s shutdown) aiohttp
    closes nothing, and the pooled sockets would leak until collected: they are
    closed here directly (aiohttp offers no public way). A loop still running
    elsewhere closes them itself.
    """
    connector = session.connector
    session.detach()
    if connector is None or connector.closed:
        return
    loop = connector._loop
    if loop.is_closed():
        protocols = [proto for conns in connector._conns.values() for proto, _ in conns]
        protocols.extend(connector._acquired)
        for proto in protocols:
            _close_socket_of(proto.transport)
        connector._close()
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop or not loop.is_running():
        connector._close()
    else:
        loop.call_soon_threadsafe(connector._close)


def _close_socket_of(transport: Optional[asyncio.BaseTransport]) -> None:
    sock = getattr(transport, "_sock", None)
    if sock is None:
        return
    try:
        sock.close()
    except OSError:
        pass
    transport._sock = None  # type: ignore[union-attr]  # its loop is gone: it cannot


def _headers(headers: Mapping[str, Any]) -> Dict[str, str]:
    """aiohttp's multi-dict as requests shows it: repeated fields joined by ``, ``."""
    joined: Dict[str, str] = {}
    lower: Dict[str, str] = {}
    for name, value in headers.items():
        key = lower.setdefault(name.lower(), name)
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return joined
