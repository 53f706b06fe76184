"""The async I/O edge, on aiohttp: one attempt, and the loop that sleeps between them.

Everything else (what to send, retry decisions, hooks, errors, redaction) is
the pipeline's (``_pipeline.Call``), exactly as for the sync edge. What is
particular to aiohttp lives here:

- an attempt's deadline is a cancellation (``asyncio.wait_for``): no thread,
  no watchdog; cancelling the caller's task aborts the attempt the same way,
  and ``async with`` on the response gives the connection back or closes it;
- the SDK's own session trusts no environment (no ``~/.netrc``), takes the
  environment's proxies explicitly, never decompresses by itself (the body is
  read raw and decoded by ``_body`` within its bound), and never resends a read
  on its own when a connection drops (the retry policy decides alone);
- the session belongs to the event loop it was made on: a call on another loop
  (a second ``asyncio.run``) gets a new one.

The module imports aiohttp at once: it is imported only on the first async
call (``Speakeasy._async_edge``), so ``import speakeasy`` never loads aiohttp.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
from typing import Any, Dict, Mapping, Optional, Tuple, TypeVar
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import yarl

from speakeasy._body import BodyReader
from speakeasy._pipeline import Call, Outcome, Pipeline, Plan
from speakeasy._rawresponse import DetachedResponse
from speakeasy.models.errors import FieldTypeError, ValidationError

#: What ``async_client=`` takes.
AsyncClient = aiohttp.ClientSession

_CHUNK = 64 * 1024
_T = TypeVar("_T")

#: Network failures worth another attempt (certificate and TLS errors are not).
RETRYABLE_EXCEPTIONS = (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError)
_NOT_RETRYABLE = (aiohttp.ClientSSLError, ssl.SSLError)


def check_session(client: object) -> None:
    """``async_client=`` must be an ``aiohttp.ClientSession``."""
    if not isinstance(client, aiohttp.ClientSession):
        raise FieldTypeError(
            "async_client", f"expected aiohttp.ClientSession, got {type(client).__name__}"
        )


class AsyncRequest:
    """The request an async attempt is about to send, as ``before_request`` hooks see it.

    The same attributes as the sync edge's ``requests.PreparedRequest``:
    ``method``, ``url``, ``headers`` (a mutable dict) and ``body`` (bytes or None),
    and its ``copy()``, so that a hook may return a changed copy on both edges.
    """

    __slots__ = ("body", "headers", "method", "url")

    def __init__(
        self, method: str, url: str, headers: Dict[str, str], body: Optional[bytes]
    ) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body

    def copy(self) -> AsyncRequest:
        """A copy with its own headers, as ``PreparedRequest.copy()``."""
        return AsyncRequest(self.method, self.url, dict(self.headers), self.body)

    def __repr__(self) -> str:  # never the headers: they carry the key
        return f"<AsyncRequest [{self.method}]>"


@dataclasses.dataclass(repr=False, eq=False)
class AsyncEdge:
    """Sends ``ApiRequest``s through an ``aiohttp.ClientSession``."""

    pipeline: Pipeline
    given: Optional[aiohttp.ClientSession] = None
    _session: Optional[aiohttp.ClientSession] = None
    _loop: Optional[asyncio.AbstractEventLoop] = None
    _proxies: Dict[str, Optional[str]] = dataclasses.field(default_factory=dict)

    async def send(self, plan: Plan[_T]) -> _T:
        """Awaits the plan's result (from the 2xx answer), or raises the call's exception."""
        call = self.pipeline.begin(plan)
        session = self._session_here()
        if session is self.given:
            self._check_given(session, call.url, call.request.direct)
        while (delay := call.next_delay(await self._send_once(session, call))) is not None:
            await asyncio.sleep(delay)
        return call.result()  # type: ignore[return-value]

    async def _send_once(self, session: aiohttp.ClientSession, call: Call) -> Outcome:
        """One attempt: the response, or the network exception to retry on."""
        request = call.request
        sending = AsyncRequest(request.method, call.url, call.attempt_headers(), request.body)
        hooks = call.hooks
        if hooks.before_request_hooks:
            sending = hooks.run_before_request(sending)
        call.sent(sending.headers)
        try:
            response, complete = await asyncio.wait_for(
                self._exchange(session, sending, call), call.timeout
            )
        except asyncio.TimeoutError as caught:
            exc: BaseException = asyncio.TimeoutError(call.deadline_message())
            exc.__cause__ = caught
            return call.failed(exc, True)
        except aiohttp.ClientError as caught:
            retryable = isinstance(caught, RETRYABLE_EXCEPTIONS) and not isinstance(
                caught, _NOT_RETRYABLE
            )
            return call.failed(caught, retryable)
        return call.answered(response, complete)

    async def _exchange(
        self, session: aiohttp.ClientSession, sending: AsyncRequest, call: Call
    ) -> Tuple[DetachedResponse, bool]:
        """Send, then read the body within its bound (raw; ``_body`` decodes it)."""
        async with session.request(
            sending.method,
            yarl.URL(sending.url, encoded=True),
            headers=sending.headers,
            data=sending.body,
            allow_redirects=False,
            proxy=None if call.request.direct else self._proxy_for(sending.url),
            auto_decompress=False,
        ) as response:
            reader = BodyReader(
                response.headers.get("Content-Encoding"), call.body_limit(response.status)
            )
            complete = True
            async for chunk in response.content.iter_chunked(_CHUNK):
                if not reader.feed(chunk):
                    complete = False
                    response.close()  # the rest is never read: the connection is not reused
                    break
            else:
                complete = reader.finish()
            if reader.broken_encoding:
                complete = True
                response.close()
            return (
                DetachedResponse(
                    response.status,
                    _headers(response.headers),
                    reader.body(),
                    str(response.url),
                    response.reason or "",
                ),
                complete,
            )

    # -- the session ------------------------------------------------------------------------

    def _session_here(self) -> aiohttp.ClientSession:
        """The session to use on the running loop (made on first use, per loop)."""
        if self.given is not None:
            return self.given
        loop = asyncio.get_running_loop()
        session = self._session
        if session is None or self._loop is not loop or session.closed:
            if session is not None and not session.closed:
                _abandon(session)  # made on a loop that is gone (an earlier asyncio.run)
            session = aiohttp.ClientSession(trust_env=False, auto_decompress=False)
            # aiohttp resends an idempotent request (a read) once by itself when the
            # connection drops; the SDK's retry policy alone decides, as on the sync edge.
            if hasattr(session, "_retry_connection"):
                session._retry_connection = False
            self._session, self._loop = session, loop
        return session

    async def aclose(self) -> None:
        """Close the session the SDK made (never one it was given)."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            if self._loop is asyncio.get_running_loop():
                await session.close()
            else:
                _abandon(session)

    def close_now(self) -> None:
        """From sync code: drop the session the SDK made without awaiting."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            _abandon(session)

    def _check_given(self, session: aiohttp.ClientSession, url: str, direct: bool) -> None:
        """Refuse a caller's session that would send credentials or the key elsewhere.

        The SDK's own session needs none of this (no auth, no environment). A
        caller's may hold ``auth=`` (replacing or adding to the SDK's credentials),
        or trust the environment: aiohttp then adds ``~/.netrc`` credentials for the
        host, and sends a loopback request through the environment's proxy.
        """
        if getattr(session, "_default_auth", None) is not None:
            raise ValidationError(
                "async_client",
                "the session has auth= set, which would replace or add to the SDK's "
                "credentials: remove it and pass security= to Speakeasy",
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


def _netrc_has(host: str) -> bool:
    """Whether the netrc aiohttp would read has an entry for ``host`` (or a default)."""
    from aiohttp.helpers import netrc_from_env

    found = netrc_from_env()
    return found is not None and found.authenticators(host) is not None


def _abandon(session: aiohttp.ClientSession) -> None:
    """Close a session's connections without awaiting its loop (closed, or not this one).

    On a loop that is gone (an ``asyncio.run`` that returned) aiohttp closes
    nothing, and the pooled sockets would leak until collected: they are closed
    here directly. A loop still running elsewhere closes them itself.
    """
    connector = session.connector
    session._connector = None
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
