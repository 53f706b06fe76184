"""The async I/O edge, on aiohttp: one attempt, and the loop that sleeps between them.

Everything else (what to send, retry decisions, hooks, errors, redaction) is
the pipeline's (``_pipeline.Call``), exactly as for the sync edge. What is
particular to aiohttp lives here:

- an attempt's deadline is a cancellation (``asyncio.wait_for``): no thread,
  no watchdog; cancelling the caller's task aborts the attempt the same way,
  and ``async with`` on the response gives the connection back or closes it;
- the SDK's own session trusts no environment (no ``~/.netrc``), takes the
  environment's proxies explicitly, and never decompresses by itself: the body
  is read raw and decoded by ``_body`` within its bound;
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
from speakeasy._pipeline import ApiRequest, Call, Outcome, Pipeline
from speakeasy._rawresponse import DetachedResponse
from speakeasy.models.errors import FieldTypeError
from speakeasy.utils.retries import RetryConfig

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
    ``method``, ``url``, ``headers`` (a mutable dict) and ``body`` (bytes or None).
    """

    __slots__ = ("body", "headers", "method", "url")

    def __init__(
        self, method: str, url: str, headers: Dict[str, str], body: Optional[bytes]
    ) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body

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

    async def send(
        self,
        request: ApiRequest[_T],
        retries: Optional[RetryConfig] = None,
        timeout: Optional[float] = None,
    ) -> _T:
        """Send ``request``; return its result (from the 2xx answer) or raise the error."""
        call = self.pipeline.begin(request, retries, timeout)  # type: ignore[arg-type]
        session = self._session_here()
        while True:
            outcome = await self._send_once(session, call)
            delay = call.next_delay(outcome)
            if delay is None:
                return call.finish(outcome)  # type: ignore[return-value]
            await asyncio.sleep(delay)

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
            session = aiohttp.ClientSession(trust_env=False, auto_decompress=False)
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


def _abandon(session: aiohttp.ClientSession) -> None:
    """Close a session's connections without its loop (closed, or not this thread's)."""
    connector = session.connector
    if connector is not None:
        connector._close()
    session._connector = None


def _headers(headers: Mapping[str, Any]) -> Dict[str, str]:
    """aiohttp's multi-dict as requests shows it: repeated fields joined by ``, ``."""
    joined: Dict[str, str] = {}
    lower: Dict[str, str] = {}
    for name, value in headers.items():
        key = lower.setdefault(name.lower(), name)
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return joined
