"""Every attempt has an overall deadline: stalling servers cannot outlive ``timeout_ms``.

The servers here are raw loopback sockets that speak just enough HTTP to stall
the way the docs name: interim ``100 Continue`` answers forever, headers or a
body dripped one byte at a time. Each test checks the call ends (with the
edge's timeout: ``requests.Timeout``, async ``asyncio.TimeoutError``) well before
the server would have stopped.
"""

from __future__ import annotations

import socket
import time
from typing import Any, Callable, Iterator

import pytest
import requests

import speakeasy
from speakeasy.models import operations, shared
from tests.support.edges import TIMEOUT
from tests.support.factories import NO_RETRIES, cli_event
from tests.support.hostile import RawServer, read_head

Stall = Callable[[socket.socket], None]
#: How long a stalling server keeps going unless the client hangs up first.
SERVER_LIMIT = 20.0


def stalling_server(stall: Stall) -> RawServer:
    """A raw server that, after reading the request head, runs ``stall``."""

    def answer(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(SERVER_LIMIT)
            if b"\r\n\r\n" in read_head(conn):  # else the client closed first
                stall(conn)  # an OSError: the client hung up, what the deadline is for

    return RawServer(answer)


def _drip(conn: socket.socket, data: bytes, every: float = 0.1) -> None:
    deadline = time.monotonic() + SERVER_LIMIT
    for byte in data:
        if time.monotonic() > deadline:
            return
        conn.sendall(bytes([byte]))
        time.sleep(every)


def continue_forever(conn: socket.socket) -> None:
    deadline = time.monotonic() + SERVER_LIMIT
    while time.monotonic() < deadline:
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        time.sleep(0.1)


def drip_headers(conn: socket.socket) -> None:
    _drip(conn, b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 400 + b"\r\n\r\n")


def drip_body(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 400\r\n\r\n")
    _drip(conn, b"x" * 400)


def drip_read_body(conn: socket.socket) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 402\r\n\r\n["
    )
    _drip(conn, b" " * 400 + b"]")


@pytest.fixture(params=[continue_forever, drip_headers, drip_body])
def stalling(request: pytest.FixtureRequest) -> Iterator[RawServer]:
    server = stalling_server(request.param)
    yield server
    server.close()


def _client(url: str, **kwargs: object) -> speakeasy.Speakeasy:
    return speakeasy.Speakeasy(
        security=shared.Security(api_key="k"), workspace_id="ws", server_url=url, **kwargs
    )


def test_timeout_ms_bounds_a_post_whatever_the_server_does(
    stalling: RawServer, on_edge: Any, edge: str
) -> None:
    """timeout_ms=1000: the call raises the edge's timeout after about a second, not 20."""
    s = on_edge(_client(stalling.url()))
    request = operations.PostWorkspaceEventsRequest(request_body=[cli_event()])
    began = time.monotonic()
    with pytest.raises(TIMEOUT[edge], match="deadline of 1 s"):
        s.events.post_workspace_events(request, NO_RETRIES, timeout_ms=1000)
    assert time.monotonic() - began < SERVER_LIMIT / 2


def silence(conn: socket.socket) -> None:
    """Read the request, then say nothing (until the client hangs up or the limit)."""
    conn.recv(65536)
    time.sleep(SERVER_LIMIT)


@pytest.mark.parametrize("stall", [drip_read_body, silence])
def test_the_client_timeout_bounds_a_read_too(on_edge: Any, edge: str, stall: Stall) -> None:
    """Speakeasy(timeout_ms=...) bounds a read whose body drips in; and (reliability.md) on
    a session passed as ``client=``, where the whole-attempt watchdog cannot reach the
    connections, it still bounds each wait for data: a server that never answers is given
    up at the deadline, not after the server's 20 s."""
    server = stalling_server(stall)
    try:
        with requests.Session() as session:
            own = {"client": session} if stall is silence else {}
            s = on_edge(_client(server.url(), timeout_ms=1000, retry_config=NO_RETRIES, **own))
            began = time.monotonic()
            with pytest.raises(TIMEOUT[edge]):
                s.events.search_workspace_events(operations.SearchWorkspaceEventsRequest())
            assert time.monotonic() - began < SERVER_LIMIT / 2
    finally:
        server.close()


def test_a_deadline_timeout_is_retried_like_any_timeout(on_edge: Any, edge: str) -> None:
    """The deadline's Timeout is a network failure: the retry loop tries again."""
    attempts = []

    def count_then_stall(conn: socket.socket) -> None:
        attempts.append(1)
        continue_forever(conn)

    server = stalling_server(count_then_stall)
    try:
        s = on_edge(_client(server.url()))
        retries = speakeasy.utils.RetryConfig(
            "backoff", speakeasy.utils.BackoffStrategy(1, 5, 1.5, 1500), True
        )
        request = operations.PostWorkspaceEventsRequest(request_body=[cli_event()])
        with pytest.raises(TIMEOUT[edge]):
            s.events.post_workspace_events(request, retries, timeout_ms=500)
        assert len(attempts) >= 2
    finally:
        server.close()
