"""Network faults on real sockets: dropped and reset connections, slow servers."""

from __future__ import annotations

import socket

import aiohttp
import pytest
import requests

from speakeasy.models import errors
from speakeasy.testing import EventsServer, Reply
from speakeasy.utils import BackoffStrategy, RetryConfig
from tests.support.edges import CONNECTION_ERROR, NETWORK_ERROR, TIMEOUT, fault_error
from tests.support.factories import FAST_RETRIES, NO_RETRIES
from tests.support.hostile import MakeClient, make_request

#: Connection errors retried, within a budget of 0.3 s.
EXHAUSTED = RetryConfig("backoff", BackoffStrategy(20, 20, 1, 300), True)
#: Statuses retried, connection errors not.
STATUSES_ONLY = RetryConfig("backoff", BackoffStrategy(1, 5, 1.5, 2000), False)

FAULTS = ["drop", "reset", "reset_mid_body"]


@pytest.mark.parametrize("action", FAULTS)
def test_fault_is_retried(server: EventsServer, make_client: MakeClient, action: str) -> None:
    """A connection dropped or reset before or during the response is retried, then succeeds."""
    server.replies.extend([Reply(503, action=action), Reply(503, action=action)])
    res = make_client().events.post_workspace_events(make_request(), FAST_RETRIES)
    assert res.status_code == 200
    assert [r.action for r in server.received] == [action, action, "respond"]
    assert len(server.events) == 1


@pytest.mark.parametrize(
    "retries",
    [
        pytest.param(NO_RETRIES, id="retries-off"),
        pytest.param(STATUSES_ONLY, id="connection-errors-off"),
    ],
)
@pytest.mark.parametrize("action", FAULTS)
def test_fault_not_retried_raises_connection_error(
    server: EventsServer, make_client: MakeClient, action: str, retries: RetryConfig, edge: str
) -> None:
    """With retries off, or retry_connection_errors=False under a backoff strategy: one
    attempt, and every fault reaches the caller as errors.BrokenResponseError on both
    edges (the connection was made: the answer broke)."""
    server.replies.append(Reply(200, action=action))
    with pytest.raises(fault_error(edge, action)):
        make_client().events.post_workspace_events(make_request(), retries)
    assert len(server.received) == 1


@pytest.mark.parametrize("action", FAULTS)
def test_fault_that_never_clears_raises_connection_error(
    server: EventsServer, make_client: MakeClient, action: str, edge: str
) -> None:
    """When the budget runs out, the last network error is raised (BrokenResponseError)."""
    server.handler = lambda rec: Reply(200, action=action)
    with pytest.raises(fault_error(edge, action)):
        make_client().events.post_workspace_events(make_request(), EXHAUSTED)
    assert len(server.received) >= 2


def test_reset_mid_body_is_translated_from_chunked_encoding_error(
    server: EventsServer, make_client: MakeClient, edge: str
) -> None:
    """A break while reading the body is the tree's BrokenResponseError on both edges, and
    still what 5.x code caught: requests' ConnectionError and ChunkedEncodingError on the
    sync edge, aiohttp's ClientPayloadError (a ClientError) on the async one."""
    server.replies.append(Reply(200, action="reset_mid_body"))
    with pytest.raises(errors.BrokenResponseError) as info:
        make_client().events.post_workspace_events(make_request(), NO_RETRIES)
    assert not isinstance(info.value, errors.ConnectError)
    if edge == "async":
        assert isinstance(info.value, aiohttp.ClientPayloadError)
        assert isinstance(info.value, aiohttp.ClientError)
        return
    assert isinstance(info.value, requests.ConnectionError)
    assert isinstance(
        info.value, requests.exceptions.ChunkedEncodingError
    )  # code written for requests
    # The cause is the wire's own OS error, never requests' (which holds the request).
    assert isinstance(info.value.__cause__, OSError)
    assert not isinstance(info.value.__cause__, requests.RequestException)


def test_reset_before_response_is_a_broken_answer(
    server: EventsServer, make_client: MakeClient, edge: str
) -> None:
    """A reset after the request went out, before any byte of the answer: the connection
    was made, so it is a broken answer (BrokenResponseError), not a failed connect; and
    still the library's class 5.x code caught."""
    server.replies.append(Reply(200, action="reset"))
    with pytest.raises(errors.BrokenResponseError) as info:
        make_client().events.post_workspace_events(make_request(), NO_RETRIES)
    assert not isinstance(info.value, errors.ConnectError)
    assert isinstance(
        info.value, requests.ConnectionError if edge == "sync" else aiohttp.ClientError
    )


def test_connection_refused_raises_connection_error(make_client: MakeClient, edge: str) -> None:
    """Nothing listening: the edge's ConnectionError after the retries."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        client = make_client(server_url=f"http://127.0.0.1:{port}")
        with pytest.raises(CONNECTION_ERROR[edge]):
            client.events.post_workspace_events(make_request(), EXHAUSTED)


def test_slow_server_raises_timeout(
    server: EventsServer, make_client: MakeClient, edge: str
) -> None:
    """A server slower than timeout_ms: the edge's timeout, with retries off."""
    server.replies.append(Reply(200, delay=1.0))
    with pytest.raises(TIMEOUT[edge]):
        make_client(timeout_ms=100).events.post_workspace_events(make_request(), NO_RETRIES)


def test_slow_server_timeout_is_retried(server: EventsServer, make_client: MakeClient) -> None:
    """A timed-out attempt is retried like a connection error. (The deadline is generous
    for the answer that comes at once, so that a busy machine cannot time it out too.)"""
    server.replies.append(Reply(200, delay=4.0))
    res = make_client(timeout_ms=1500).events.post_workspace_events(make_request(), FAST_RETRIES)
    assert res.status_code == 200
    assert len(server.received) == 2


def test_per_call_timeout_overrides_client_timeout(
    server: EventsServer, make_client: MakeClient, edge: str
) -> None:
    """timeout_ms on the call beats the client's (here: a generous client, a strict call)."""
    server.replies.append(Reply(200, delay=1.0))
    client = make_client(timeout_ms=30_000)
    with pytest.raises(TIMEOUT[edge]):
        client.events.post_workspace_events(make_request(), NO_RETRIES, timeout_ms=100)


def test_client_works_after_faults(
    server: EventsServer, make_client: MakeClient, edge: str
) -> None:
    """After a reset and a timeout on one client, its next call succeeds (pool not poisoned)."""
    client = make_client(timeout_ms=1500)  # generous for the answers that come at once
    server.replies.extend([Reply(200, action="reset_mid_body"), Reply(200, delay=4.0)])
    for _ in range(2):
        with pytest.raises(NETWORK_ERROR[edge]):
            client.events.post_workspace_events(make_request(), NO_RETRIES)
    assert client.events.post_workspace_events(make_request(), NO_RETRIES).status_code == 200
