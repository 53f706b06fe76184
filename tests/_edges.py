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
from typing import Any, Callable, List

import speakeasy

EDGES = ["sync", "async"]


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
