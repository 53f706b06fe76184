"""Both I/O edges behind one test: the same test code drives sync and async calls.

``EdgeClient(client, "async")`` looks like the ``Speakeasy`` client it wraps, but
``client.events.<operation>(...)`` awaits ``<operation>_async(...)`` on the
wrapper's own event loop and returns (or raises) what it gave. Everything else
(the batcher, settings, private parts) is the wrapped client's. So a test of the
send path written against the sync names runs unchanged over both edges when its
client comes from a fixture parametrized by ``edge``.
"""

from __future__ import annotations

import asyncio
import types
from typing import Any, Callable, Dict, List, Tuple, Type, Union

import requests

import speakeasy
from speakeasy.models import errors

EDGES = ["sync", "async"]

ExcTypes = Union[Type[BaseException], Tuple[Type[BaseException], ...]]

# What each edge raises, by kind of failure: one tree for both (docs/errors.md).
# The tables stay keyed by edge so that a test reads the same either way.

#: No connection could be made.
CONNECTION_ERROR: Dict[str, ExcTypes] = {"sync": errors.ConnectError, "async": errors.ConnectError}
#: The connection broke before or while the answer was read.
BROKEN_BODY: Dict[str, ExcTypes] = {
    "sync": errors.BrokenResponseError,
    "async": errors.BrokenResponseError,
}
#: The attempt's deadline (timeout_ms) passed.
TIMEOUT: Dict[str, ExcTypes] = {"sync": errors.DeadlineError, "async": errors.DeadlineError}
#: Any network failure of the edge (everything but an HTTP answer).
NETWORK_ERROR: Dict[str, ExcTypes] = {
    "sync": errors.TransportError,
    "async": errors.TransportError,
}
#: The class name a log line gives for a failed attempt (``describe``), by fault.
_BROKEN_NAMES = {
    "drop": "BrokenResponseError",
    "reset": "BrokenResponseError",
    "reset_mid_body": "BrokenResponseError",
}
FAULT_NAMES: Dict[str, Dict[str, str]] = {"sync": _BROKEN_NAMES, "async": _BROKEN_NAMES}
#: What a hook sees as the request (``before_request``) and the response.
HOOK_REQUEST: Dict[str, type] = {"sync": requests.PreparedRequest, "async": type(None)}
RAW_RESPONSE: Dict[str, type] = {"sync": requests.Response, "async": type(None)}


def fault_error(edge: str, action: str) -> ExcTypes:
    """What a call raises, unretried, for one of EventsServer's faults on ``edge``:
    the connection was made, so the answer was broken."""
    return BROKEN_BODY[edge]


def _async_types() -> None:
    from speakeasy._hooks import AsyncRequest
    from speakeasy._rawresponse import DetachedResponse

    HOOK_REQUEST["async"] = AsyncRequest
    RAW_RESPONSE["async"] = DetachedResponse


_async_types()


def unwrap(client: Any) -> speakeasy.Speakeasy:
    """The ``Speakeasy`` client itself, whether wrapped by ``EdgeClient`` or not."""
    return client.client if isinstance(client, EdgeClient) else client


def async_pool(client: Any) -> Tuple[int, int]:
    """The async edge's connections: (idle in the pool, acquired by a request)."""
    edge = unwrap(client)._async
    return (0, 0) if edge is None else edge.transport.pool()  # type: ignore[no-any-return]


def fake_clock(monkeypatch: Any) -> List[float]:
    """Both edges' waits between attempts recorded, and added to the pipeline's clock,
    instead of slept (``time.sleep`` of the sync edge, ``asyncio.sleep`` of the async one)."""
    import time

    from speakeasy import _async, _pipeline, _sync

    asked: List[float] = []
    fake_time = types.SimpleNamespace(
        monotonic=lambda: time.monotonic() + sum(asked),
        time=lambda: time.time() + sum(asked),
        sleep=asked.append,
    )

    async def sleep(delay: float) -> None:
        asked.append(delay)

    fake_asyncio = types.SimpleNamespace(**{**vars(asyncio), "sleep": sleep})
    monkeypatch.setattr(_pipeline, "time", fake_time)
    monkeypatch.setattr(_sync, "time", fake_time)
    monkeypatch.setattr(_async, "asyncio", fake_asyncio)
    return asked


class _AsyncEvents:
    def __init__(self, events: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._events = events
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        twin = getattr(self._events, name + "_async", None)
        if twin is None:
            return getattr(self._events, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._loop.run_until_complete(twin(*args, **kwargs))

        call.__name__ = name
        return call


class EdgeClient:
    """A ``Speakeasy`` client whose operations run on the given edge."""

    def __init__(self, client: speakeasy.Speakeasy, edge: str) -> None:
        self.client = client
        self.edge = edge
        self.loop = asyncio.new_event_loop() if edge == "async" else None
        self.events = (
            _AsyncEvents(client.events, self.loop) if self.loop is not None else client.events
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def run(self, coro: Any) -> Any:
        """Await ``coro`` on this client's loop (async edge only)."""
        assert self.loop is not None
        return self.loop.run_until_complete(coro)

    def close(self) -> None:
        """``close()``, or on the async edge ``await aclose()`` (the loop stays for later calls)."""
        if self.loop is None:
            self.client.close()
        else:
            self.loop.run_until_complete(self.client.aclose())

    def dispose(self) -> None:
        """After the test: close the client and its loop."""
        self.close()
        if self.loop is not None:
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    def __enter__(self) -> EdgeClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return repr(self.client)


def edge_factory(edge: str, build: Callable[..., speakeasy.Speakeasy]) -> Any:
    """``build`` wrapped: each client it makes runs on ``edge``; ``.close_all()`` after."""
    made: List[EdgeClient] = []

    def make(**kwargs: Any) -> Any:
        wrapped = EdgeClient(build(**kwargs), edge)
        made.append(wrapped)
        return wrapped

    def close_all() -> None:
        for wrapped in made:
            wrapped.dispose()

    make.close_all = close_all  # type: ignore[attr-defined]
    return make
