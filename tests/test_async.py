"""What only the async edge has: no thread per call, a free event loop, cancellation,
its own lifecycle (``async with``, ``aclose``), a caller's ``aiohttp.ClientSession``,
and the optional extra (``import speakeasy`` never needs aiohttp).

The slow servers here are asyncio servers on the test's own loop, so that they add no
threads and the loop's responsiveness is measured with them running.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import threading
import time
from typing import Any, AsyncIterator, List, Optional

import aiohttp
import pytest

import speakeasy
from speakeasy.models import errors, operations, shared
from speakeasy.testing import EventsServer
from tests.support.factories import NO_RETRIES, cli_event

KEY = "test-key"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _request() -> operations.PostWorkspaceEventsRequest:
    return operations.PostWorkspaceEventsRequest(request_body=[cli_event()])


def _client(url: str, **kwargs: Any) -> speakeasy.Speakeasy:
    kwargs.setdefault("retry_config", NO_RETRIES)
    return speakeasy.Speakeasy(
        security=shared.Security(api_key=KEY), workspace_id="ws", server_url=url, **kwargs
    )


class SlowServer:
    """An asyncio HTTP/1.1 server on the running loop: each request is answered 200 after
    ``delay`` seconds (``None``: never). Records connections opened and closed."""

    def __init__(self, delay: Optional[float]) -> None:
        self.delay = delay
        self.opened = 0
        self.closed = 0
        self.answered = 0
        self.hang_first = False
        self.server: Optional[asyncio.AbstractServer] = None
        self.url = ""

    async def __aenter__(self) -> SlowServer:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.opened += 1
        hang = (self.hang_first and self.opened == 1) or self.delay is None
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                if hang:
                    await reader.read()  # until the client hangs up
                    break
                await asyncio.sleep(self.delay or 0)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                self.answered += 1
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.closed += 1
            writer.close()


# -- no thread per call, and a free loop -------------------------------------------------


def test_forty_concurrent_calls_start_no_threads() -> None:
    """40 calls in flight at once on one client: the process's thread count stays put."""

    async def main() -> List[int]:
        async with SlowServer(0.3) as server:
            client = _client(server.url)
            await client.events.post_workspace_events_async(_request())  # session made
            before = threading.active_count()
            counts: List[int] = []

            async def sample() -> None:
                while True:
                    counts.append(threading.active_count())
                    await asyncio.sleep(0.01)

            sampler = asyncio.create_task(sample())
            results = await asyncio.gather(
                *(client.events.post_workspace_events_async(_request()) for _ in range(40))
            )
            sampler.cancel()
            await client.aclose()
            assert [r.status_code for r in results] == [200] * 40
            assert server.answered == 41
            return [before, max(counts)]

    before, peak = asyncio.run(main())
    assert peak - before <= 2, (before, peak)


def test_the_loop_stays_responsive_during_forty_slow_calls() -> None:
    """A ticker task asking for 10 ms sleeps keeps ticking while 40 slow calls are in flight.

    A call that blocked the loop would hold a tick up for the server's whole second (and
    the 40 calls would take 40 s); a busy machine only delays ticks by scheduling noise,
    so the bound on the worst tick is most of that second, not a few milliseconds."""

    async def main() -> List[float]:
        async with SlowServer(1.0) as server:
            client = _client(server.url)
            lags: List[float] = []
            stop = asyncio.Event()

            async def ticker() -> None:
                while not stop.is_set():
                    began = time.monotonic()
                    await asyncio.sleep(0.01)
                    lags.append(time.monotonic() - began - 0.01)

            tick = asyncio.create_task(ticker())
            await asyncio.gather(
                *(client.events.post_workspace_events_async(_request()) for _ in range(40))
            )
            stop.set()
            await tick
            await client.aclose()
            return lags

    lags = sorted(asyncio.run(main()))
    assert len(lags) >= 20  # ~1 s of 10 ms ticks (at most ~90)
    assert lags[len(lags) // 2] < 0.05, lags  # median lag
    assert lags[-1] < 0.8, lags  # no tick held up for a server's delay


# -- cancellation ----------------------------------------------------------------------


def test_cancelling_a_call_closes_its_connection_and_the_client_goes_on() -> None:
    """Cancel an awaiting call: CancelledError within 0.5 s, the server sees the connection
    closed, none is left acquired, and the next call on the same client works."""

    async def main() -> None:
        async with SlowServer(0.0) as server:
            server.hang_first = True
            client = _client(server.url)
            task = asyncio.create_task(client.events.post_workspace_events_async(_request()))
            while server.opened == 0:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)
            began = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert time.monotonic() - began < 0.5
            for _ in range(100):
                if server.closed:
                    break
                await asyncio.sleep(0.01)
            assert server.closed == 1  # the server saw the hang-up
            connector = client._async.transport._session.connector  # type: ignore[union-attr]
            assert connector is not None and len(connector._acquired) == 0
            res = await client.events.post_workspace_events_async(_request())
            assert res.status_code == 200
            await client.aclose()

    asyncio.run(asyncio.wait_for(main(), 10))


# -- lifecycle -------------------------------------------------------------------------


@pytest.fixture
def events() -> AsyncIterator[EventsServer]:
    with EventsServer(api_key=KEY) as srv:
        yield srv  # type: ignore[misc]


def test_async_with_closes_the_client(events: EventsServer) -> None:
    """``async with Speakeasy(...)``: calls work inside; after it, the SDK's aiohttp session
    is closed and calls raise ClientClosedError without sending."""

    async def main() -> speakeasy.Speakeasy:
        async with _client(events.url) as client:
            await client.events.post_workspace_events_async(_request())
            session = client._async.transport._session  # type: ignore[union-attr]
            assert session is not None and not session.closed
        assert session.closed
        with pytest.raises(errors.ClientClosedError):
            await client.events.post_workspace_events_async(_request())
        return client

    client = asyncio.run(main())
    with pytest.raises(errors.ClientClosedError):
        client.events.post_workspace_events(_request())
    assert events.request_count == 1


def test_aclose_then_every_call_raises_client_closed(events: EventsServer) -> None:
    """After ``await aclose()`` async and sync calls alike raise ClientClosedError."""

    async def main() -> speakeasy.Speakeasy:
        client = _client(events.url)
        await client.events.search_workspace_events_async()
        await client.aclose()
        for call in (
            client.events.post_workspace_events_async(_request()),
            client.events.search_workspace_events_async(),
            client.events.get_workspace_targets_async(),
            client.events.get_workspace_events_by_target_async({"target_id": "t"}),
        ):
            with pytest.raises(errors.ClientClosedError):
                await call
        await client.aclose()  # idempotent
        return client

    client = asyncio.run(main())
    with pytest.raises(errors.ClientClosedError):
        client.events.search_workspace_events()
    assert events.request_count == 1


def test_one_client_serves_sync_and_async_calls(events: EventsServer) -> None:
    """The same client object: a sync call, async calls on two event loops, a sync call."""
    client = _client(events.url)
    assert client.events.post_workspace_events(_request()).status_code == 200

    async def one() -> int:
        res = await client.events.post_workspace_events_async(_request())
        return res.status_code

    assert asyncio.run(one()) == 200
    assert asyncio.run(one()) == 200  # a second loop: a new session, the old one let go
    assert client.events.post_workspace_events(_request()).status_code == 200
    client.close()
    assert events.request_count == 4
    assert len(events.events) == 4


def test_a_callers_session_is_used_and_left_open(events: EventsServer) -> None:
    """``async_client=``: the caller's session carries the calls (its headers, cookies and
    trace hooks apply), the SDK's key goes per request, and aclose() leaves it open."""
    starts: List[str] = []

    async def on_start(session: Any, context: Any, params: Any) -> None:
        starts.append(params.method)

    async def main() -> None:
        trace = aiohttp.TraceConfig()
        trace.on_request_start.append(on_start)
        async with aiohttp.ClientSession(
            headers={"x-tenant": "acme"}, cookies={"sid": "cookie-value"}, trace_configs=[trace]
        ) as mine:
            client = _client(events.url, async_client=mine)
            await client.events.post_workspace_events_async(_request())
            await client.events.search_workspace_events_async()
            await client.aclose()
            assert not mine.closed
            assert KEY not in repr(dict(mine.headers))
            async with mine.get(events.url + "/v1/workspace/ws/events") as res:
                assert res.status == 401  # still usable; the SDK's key was never stored in it

    asyncio.run(main())
    assert starts == ["POST", "GET", "GET"]
    first = events.received[0]
    assert first.headers["x-tenant"] == "acme"
    assert "sid=cookie-value" in first.headers["cookie"]
    assert first.api_key == KEY


def test_async_client_must_be_an_aiohttp_session() -> None:
    """async_client= of another type is refused, naming the setting."""
    with pytest.raises(errors.FieldTypeError) as info:
        speakeasy.Speakeasy(async_client=object())  # type: ignore[arg-type]
    assert info.value.field == "async_client"


# -- the optional extra ----------------------------------------------------------------

WITHOUT_AIOHTTP = textwrap.dedent(
    """
    import asyncio, sys
    sys.modules["aiohttp"] = None  # as if the [async] extra were not installed
    import speakeasy
    from speakeasy.models import operations, shared
    client = speakeasy.Speakeasy(
        security=shared.Security(api_key="k"), workspace_id="ws", server_url="http://127.0.0.1:9"
    )
    request = operations.PostWorkspaceEventsRequest(request_body=[])
    try:
        asyncio.run(client.events.post_workspace_events_async(request))
    except ImportError as exc:
        print("ImportError:", exc)
    """
)


def _python(code: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return proc.stdout


def test_without_aiohttp_the_first_async_call_says_what_to_install() -> None:
    """aiohttp missing: ``import speakeasy`` and sync use work; an async call raises
    ImportError naming what to install: aiohttp itself, in the supported range (the
    ``[async]`` extra would install upstream's package from the index, as the README warns)."""
    out = _python(WITHOUT_AIOHTTP)
    assert out.startswith("ImportError:"), out
    assert 'pip install "aiohttp>=3.10,<4"' in out
    assert "speakeasy-client-sdk-python[async]" not in out


def test_import_speakeasy_never_imports_aiohttp() -> None:
    """A fresh interpreter: importing the SDK, making a client and its batcher module loads
    no aiohttp (nor yarl, nor the async edge)."""
    out = _python(
        "import sys, speakeasy\n"
        "from speakeasy.models import shared\n"
        "speakeasy.Speakeasy(security=shared.Security(api_key='k'), workspace_id='ws')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('aiohttp', 'yarl')"
        " or m == 'speakeasy._async'))\n"
    )
    assert out.strip() == "[]"


# -- a caller's session options cannot change how answers map to errors ---------------------


def test_a_callers_session_options_are_overridden_or_honoured_as_documented(
    events: EventsServer,
) -> None:
    """docs/async.md's table: ``raise_for_status`` (True or a callable), ``auto_decompress``
    and redirects are overridden per request, so a non-2xx answer is the SDK's error (never
    a ClientResponseError, whose repr holds the key), a gzip body is decoded once, a 302 is
    not followed; ``read_bufsize``, ``requote_redirect_url`` and ``trace_configs`` are
    honoured (the trace sees each attempt)."""
    import gzip

    from speakeasy.testing import Reply

    checked: List[int] = []
    traced: List[str] = []

    async def check_status(response: aiohttp.ClientResponse) -> None:
        checked.append(response.status)
        response.raise_for_status()

    async def on_start(session: Any, context: Any, params: Any) -> None:
        traced.append(params.method)

    async def main() -> None:
        trace = aiohttp.TraceConfig()
        trace.on_request_start.append(on_start)
        for raise_for_status in (True, check_status):
            async with aiohttp.ClientSession(
                raise_for_status=raise_for_status,  # type: ignore[arg-type]
                auto_decompress=True,
                read_bufsize=1024,
                requote_redirect_url=False,
                trace_configs=[trace],
            ) as mine:
                client = _client(events.url, async_client=mine)
                events.replies.append(Reply(500))
                with pytest.raises(errors.Error) as info:
                    await client.events.post_workspace_events_async(_request())
                assert KEY not in repr(info.value) and KEY not in str(info.value)
                events.replies.append(Reply(404, body="nope"))
                with pytest.raises(errors.SDKError) as missing:
                    await client.events.search_workspace_events_async()
                assert missing.value.status_code == 404
                events.replies.append(
                    Reply(302, headers={"Location": events.url + "/elsewhere"}, body="")
                )
                with pytest.raises(errors.SDKError) as moved:
                    await client.events.search_workspace_events_async()
                assert moved.value.status_code == 302  # not followed
                body = b"[" + b" " * 50_000 + b"]"
                events.replies.append(
                    Reply(
                        200,
                        body=gzip.compress(body),
                        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
                    )
                )
                found = await client.events.search_workspace_events_async()
                assert found.cli_event_batch == [] and len(found.raw_response.content) == len(body)
                await client.aclose()
                assert not mine.closed

    asyncio.run(main())
    assert checked == []  # the session's callable is never asked: the SDK maps answers
    assert traced == ["POST", "GET", "GET", "GET"] * 2


# -- no noise, no leak, from a session the user never made -----------------------------------

_UNCLOSED = textwrap.dedent(
    """
    import asyncio, gc, os, sys

    import aiohttp

    import speakeasy
    from speakeasy.models import operations, shared
    from tests.support.factories import cli_event

    URL, MODE = sys.argv[1], sys.argv[2]

    def sockets():
        found = 0
        for fd in os.listdir("/proc/self/fd"):
            try:
                found += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
            except OSError:  # the directory's own descriptor, closed meanwhile
                pass
        return found

    before = sockets()

    async def main():
        # -X dev also reports callbacks slower than 0.1 s (first imports, a loaded machine):
        # not what is tested here.
        asyncio.get_running_loop().slow_callback_duration = 60
        mine = aiohttp.ClientSession() if MODE == "caller" else None
        client = speakeasy.Speakeasy(security=shared.Security(api_key="test-key"),
                                     server_url=URL, workspace_id="ws", async_client=mine)
        request = operations.PostWorkspaceEventsRequest(request_body=[cli_event()])
        await asyncio.gather(*(client.events.post_workspace_events_async(request)
                               for _ in range(4)))
        await client.events.search_workspace_events_async()
        if mine is not None:
            assert not mine.closed, "the SDK closed the caller's session"
            await mine.close()
        # the client is never closed: no aclose(), no async with

    asyncio.run(main())
    if MODE == "twice":
        asyncio.run(main())  # a second loop: the first loop's session was closed with it
    gc.collect()
    print("sockets", before, sockets())
    """
)


@pytest.mark.parametrize("mode", ["own", "twice", "caller"])
def test_an_unclosed_client_in_asyncio_run_prints_nothing_and_leaks_no_socket(
    events: EventsServer, mode: str
) -> None:
    """A plain ``asyncio.run(main())`` that never closes the client, under ``-X dev`` and
    ``-W error::ResourceWarning``: nothing on stderr (no "Unclosed client session" or
    "Unclosed connector"), and as many sockets open after as before. The caller's own
    session (``async_client=``) is never closed by the SDK."""
    proc = subprocess.run(
        [
            sys.executable,
            "-X",
            "dev",
            "-W",
            "error::ResourceWarning",
            "-c",
            _UNCLOSED,
            events.url,
            mode,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    _, before, after = proc.stdout.split()
    assert before == after, proc.stdout
