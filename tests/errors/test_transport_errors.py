"""What a failed exchange raises, on both edges: the SDK's own exception tree, never a
library exception holding the request (and its key), with a message that says what
happened where (issue 23 items 1, 7, 8; issue 24 item 2; issue 28 broken promise 2)."""

from __future__ import annotations

import asyncio
import logging
import pickle
import socket
import threading
import traceback
from typing import Any, Callable, Iterator, List

import aiohttp
import pytest
import requests

import speakeasy
from speakeasy.models import errors, shared
from speakeasy.utils import BackoffStrategy, RetryConfig
from tests.support.factories import NO_RETRIES, cli_event
from tests.support.hostile import API_KEY, RawServer, Records, make_request, read_head

QUICK = RetryConfig("backoff", BackoffStrategy(1, 5, 1.5, 300), True)


def rendered(exc: BaseException) -> str:
    """Everything a log, a console or an error reporter could show of an exception:
    str, repr, the traceback with its causes and notes, and the repr of each cause."""
    chain: List[str] = []
    current: Any = exc
    while current is not None:
        chain.append(repr(current))
        chain.append(repr(vars(current)) if hasattr(current, "__dict__") else "")
        current = current.__cause__ or current.__context__
    return "\n".join(
        [str(exc), *chain, *traceback.format_exception(type(exc), exc, exc.__traceback__)]
    )


@pytest.fixture
def raw_server(on_edge: Any) -> Iterator[Callable[[Callable[[socket.socket], None]], RawServer]]:
    """Raw servers, closed before the clients (``on_edge``): a connection the server holds
    unread is then over before the client's loop is closed."""
    made: List[RawServer] = []

    def make(answer: Callable[[socket.socket], None]) -> RawServer:
        made.append(RawServer(answer))
        return made[-1]

    yield make
    for server in made:
        server.close()


def _client(on_edge: Any, url: str, **kwargs: Any) -> Any:
    kwargs.setdefault("security", shared.Security(api_key=API_KEY))
    return on_edge(speakeasy.Speakeasy(server_url=url, workspace_id="ws", **kwargs))


# -- item 1: a malformed head is an SDKError that holds no key -----------------------------


def header_without_colon(conn: socket.socket) -> None:
    read_head(conn)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nthis line has no colon\r\n"
        b"Content-Length: 2\r\n\r\n[]"
    )
    conn.close()


@pytest.mark.parametrize("operation", ["post", "search"])
def test_a_header_line_without_a_colon_is_an_sdk_error_without_the_key(
    raw_server: Any, on_edge: Any, operation: str
) -> None:
    """Both edges: errors.SDKError (not aiohttp's ClientResponseError, whose repr and
    request_info hold x-api-key), picklable, with no key anywhere, status 0 (no status to
    trust), and retried like other broken answers."""
    server = raw_server(header_without_colon)
    client = _client(on_edge, server.url())
    with pytest.raises(errors.SDKError) as info:
        if operation == "post":
            client.events.post_workspace_events(make_request(), QUICK)
        else:
            client.events.search_workspace_events(retries=QUICK)
    error = info.value
    assert type(error) is errors.SDKError
    assert error.status_code == 0 and "malformed answer" in error.message
    assert f"127.0.0.1 port {server.port}" in error.message
    assert API_KEY not in rendered(error)
    assert error.__cause__ is None and error.__context__ is None
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is errors.SDKError and copy.message == error.message
    assert API_KEY.encode() not in pickle.dumps(error)
    assert server.connections >= 2  # retried, as a broken answer is


def test_a_malformed_head_is_not_retried_when_retries_are_off(
    raw_server: Any, on_edge: Any
) -> None:
    server = raw_server(header_without_colon)
    with pytest.raises(errors.SDKError):
        _client(on_edge, server.url()).events.post_workspace_events(make_request(), NO_RETRIES)
    assert server.connections == 1


# -- issue 24 item 2: one tree, the same on both edges, and what 5.x code caught ------------


def reset_after_head(conn: socket.socket) -> None:
    read_head(conn)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
        b"Set-Cookie: session=" + API_KEY.encode() + b"\r\n\r\n[1,"
    )
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    conn.close()


def test_a_body_cut_short_is_a_broken_response_with_the_head_as_raw_response(
    raw_server: Any, on_edge: Any, edge: str
) -> None:
    """The head arrived, then the connection broke: BrokenResponseError, whose raw_response
    is the head (redacted: a key echoed in a header is not there), picklable."""
    server = raw_server(reset_after_head)
    with pytest.raises(errors.BrokenResponseError) as info:
        _client(on_edge, server.url()).events.search_workspace_events(retries=NO_RETRIES)
    error = info.value
    assert isinstance(error, errors.TransportError)
    assert isinstance(error, requests.ConnectionError if edge == "sync" else aiohttp.ClientError)
    assert error.raw_response is not None and error.raw_response.status_code == 200
    assert API_KEY not in rendered(error) and API_KEY not in str(error.raw_response.headers)
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, errors.BrokenResponseError)
    assert copy.raw_response is not None and copy.raw_response.status_code == 200
    assert str(copy) == str(error) and copy.__notes__ == error.__notes__


# -- item 7: an upload stalled past the deadline is a timeout -------------------------------


def never_read(conn: socket.socket) -> None:
    """Accept, read nothing, hold the connection (closed by the fixture)."""
    threading.Event().wait(30)


def test_an_upload_stalled_past_the_deadline_is_a_timeout(
    raw_server: Any, on_edge: Any, edge: str
) -> None:
    """A server that never reads a 20 MB post: the deadline holds, and the class is the
    tree's DeadlineError, which is also requests.Timeout (sync) / asyncio.TimeoutError
    (async) and the builtin TimeoutError; never a ConnectionError."""
    server = raw_server(never_read)
    client = _client(on_edge, server.url(), timeout_ms=1000)
    big = operations_request(20_000_000)
    with pytest.raises(errors.DeadlineError) as info:
        client.events.post_workspace_events(big, NO_RETRIES)
    error = info.value
    assert isinstance(error, TimeoutError)
    assert isinstance(error, requests.Timeout if edge == "sync" else asyncio.TimeoutError)
    assert not isinstance(error, (requests.ConnectionError, ConnectionError))
    assert "deadline" in str(error)


def operations_request(size: int) -> Any:
    from speakeasy.models import operations

    event = cli_event(raw_command="x" * size)
    return operations.PostWorkspaceEventsRequest(request_body=[event], workspace_id="ws")


# -- item 8: a refused connection says where, names no internals, warns once ---------------


def _refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # bound, never listening: connections are refused


def test_a_refused_connection_names_host_and_port_and_no_private_class(
    on_edge: Any, edge: str, sdk_log: Records
) -> None:
    """ConnectError naming 127.0.0.1 and the port and saying "refused"; nothing in its text
    (str, repr, traceback, causes, notes) names a private class such as _WatchedHTTPPool;
    one WARNING on the first retry, however many attempts follow; the retry policy is kept."""
    port = _refused_port()
    attempts: List[object] = []
    client = _client(on_edge, f"http://127.0.0.1:{port}")
    client.hooks.after_error(attempts.append)
    with pytest.raises(errors.ConnectError) as info:
        client.events.search_workspace_events(retries=QUICK)
    error = info.value
    assert f"could not connect to 127.0.0.1 port {port}: connection refused" in str(error)
    assert (error.host, error.port, error.tls) == ("127.0.0.1", port, False)
    text = rendered(error)
    assert "_Watched" not in text and "Pool(" not in text and API_KEY not in text
    assert isinstance(
        error, requests.ConnectionError if edge == "sync" else aiohttp.ClientConnectionError
    )
    assert len(attempts) >= 3  # retried as before
    refused = [line for line in sdk_log.lines(logging.WARNING) if "could not connect" in line]
    assert len(refused) == 1, sdk_log.lines(logging.WARNING)
    messages = [r.getMessage() for r in sdk_log.records]
    (at,) = [i for i, m in enumerate(messages) if "could not connect" in m]
    assert f"127.0.0.1 port {port}" in messages[at]
    # Said on the first retry: only the first attempt was logged before it.
    assert [m for m in messages[:at] if " attempt " in m] == [messages[at - 1]]
    assert " attempt 1:" in messages[at - 1]


def test_a_refused_connection_with_retries_off_warns_nothing(
    on_edge: Any, sdk_log: Records
) -> None:
    with pytest.raises(errors.ConnectError):
        _client(on_edge, f"http://127.0.0.1:{_refused_port()}").events.search_workspace_events(
            retries=NO_RETRIES
        )
    assert sdk_log.lines(logging.WARNING) == []


# -- issue 28, broken promise 2: a TLS failure is not retried, and has the note -------------


def not_tls(conn: socket.socket) -> None:
    conn.recv(4096)  # the ClientHello
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    conn.close()


def test_a_tls_failure_is_not_retried_and_has_the_give_up_note(
    raw_server: Any, on_edge: Any, edge: str
) -> None:
    """An https URL whose server speaks no TLS: a ConnectError with tls=True (on the sync
    edge also requests' SSLError), one connection only, and the note saying what the SDK
    tried and that TLS failures are not retried."""
    server = raw_server(not_tls)
    client = _client(on_edge, server.url("https"))
    with pytest.raises(errors.ConnectError) as info:
        client.events.post_workspace_events(make_request(), QUICK)
    error = info.value
    assert error.tls
    if edge == "sync":
        assert isinstance(error, requests.exceptions.SSLError)
    assert server.connections == 1
    notes = getattr(error, "__notes__", [])
    assert any("gave up after 1 attempt(s)" in n and "TLS" in n for n in notes), notes
    assert API_KEY not in rendered(error)
