"""Strict framing and time-outs of the local server, on raw sockets (what no HTTP library
would send): every malformed request gets a 400 with a reason, recorded; silent and slow
connections are closed after ``idle_timeout``."""

from __future__ import annotations

import json
import socket
import threading
import time
from contextlib import closing
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from speakeasy.testing import EventsServer
from tests.support.hostile import read_all
from tests.support.local_server import EVENT, KEY, wait_until

PATH = "/v1/workspace/ws-1/events"
BODY = json.dumps([EVENT]).encode()


@pytest.fixture
def fast() -> Iterator[EventsServer]:
    """A private server with a short idle time-out."""
    with EventsServer(api_key=KEY, idle_timeout=0.5) as server:
        yield server


def request_bytes(headers: List[str], body: bytes = b"", method: str = "POST") -> bytes:
    head = f"{method} {PATH} HTTP/1.1\r\nHost: localhost\r\nx-api-key: {KEY}\r\n"
    head += "content-type: application/json\r\n"
    lines = b"".join(_encode(h) + b"\r\n" for h in headers)
    return head.encode("latin-1") + lines + b"\r\n" + body


def _encode(header: str) -> bytes:
    """One byte per character when possible (``\\xb2`` as the byte 0xB2), else UTF-8."""
    try:
        return header.encode("latin-1")
    except UnicodeEncodeError:
        return header.encode("utf-8")


def exchange(server: EventsServer, data: bytes, timeout: float = 5.0) -> bytes:
    """Send ``data``, read until the server closes the connection."""
    with closing(socket.create_connection((server.host, server.port), timeout=timeout)) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server may answer and close before all was sent
        return read_all(sock)


def parse(answer: bytes) -> Tuple[int, Dict[str, str], Any]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, json.loads(body) if body else None


def assert_refused(server: EventsServer, answer: bytes, status: int, reason: str) -> None:
    code, headers, payload = parse(answer)
    assert code == status, answer
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert payload["status_code"] == status and reason in payload["message"], payload
    server.wait_for_requests(1)
    [rec] = server.received
    assert rec.status == status and rec.error is not None and reason in rec.error
    assert server.events == []


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        pytest.param(
            "Content-Length: \xb2", "Content-Length must be ASCII digits", id="superscript"
        ),
        pytest.param("Content-Length: \u0661", "Content-Length must be ASCII digits", id="arabic"),
        pytest.param("Content-Length: +5", "Content-Length must be ASCII digits", id="plus"),
        pytest.param("Content-Length: 5, 5", "Content-Length must be ASCII digits", id="list"),
        pytest.param("Content-Length: 0x10", "Content-Length must be ASCII digits", id="hex"),
        pytest.param("Transfer-Encoding: Chunked", "only 'chunked'", id="capital"),
        pytest.param("Transfer-Encoding: CHUNKED", "only 'chunked'", id="upper"),
        pytest.param("Transfer-Encoding: \x0bchunked", "control character", id="vtab"),
        pytest.param("Transfer-Encoding: chunked\x0c", "control character", id="formfeed"),
        pytest.param("Transfer-Encoding: gzip, chunked", "only 'chunked'", id="coding-list"),
        pytest.param("Transfer-Encoding: chunked, chunked", "only 'chunked'", id="twice"),
        pytest.param("Transfer-Encoding: identity", "only 'chunked'", id="identity"),
        pytest.param("Transfer-Encoding:\r\n chunked", "obsolete line folding", id="folded"),
        pytest.param("Transfer-Encoding : chunked", "malformed header section", id="space-colon"),
        pytest.param("no colon here", "malformed header section", id="no-colon"),
        pytest.param("Bad[Name]: 1", "invalid header name", id="bad-name"),
        pytest.param("X-A: a\x00b", "control character", id="nul"),
    ],
)
def test_malformed_heads_get_400_with_a_reason_and_are_recorded(
    srv: EventsServer, header: str, reason: str
) -> None:
    answer = exchange(srv, request_bytes([header], b"5\r\nhello\r\n0\r\n\r\n"))
    assert_refused(srv, answer, 400, reason)


def test_both_content_length_and_transfer_encoding_is_refused(srv: EventsServer) -> None:
    data = request_bytes(["Content-Length: 3", "Transfer-Encoding: chunked"], b"0\r\n\r\n")
    assert_refused(srv, exchange(srv, data), 400, "both Transfer-Encoding and Content-Length")


def test_spaces_around_values_are_allowed(srv: EventsServer) -> None:
    """RFC 9112's optional whitespace is not part of a value: the server accepts it."""
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(BODY), BODY)
    for header, body in (
        (f"Content-Length: \t{len(BODY)} ", BODY),
        ("Transfer-Encoding:   chunked\t", chunked),
    ):
        srv.reset()
        answer = exchange(srv, request_bytes([header, "Connection: close"], body))
        assert parse(answer)[0] == 200, answer
        assert srv.events == [EVENT]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(b"z\r\nhello\r\n0\r\n\r\n", "malformed chunk size", id="not-hex"),
        pytest.param(b" 5\r\nhello\r\n0\r\n\r\n", "malformed chunk size", id="space-before"),
        pytest.param(b"5\nhello\r\n0\r\n\r\n", "not ended by CRLF", id="bare-lf"),
        pytest.param(b"5\r\nhelloXX0\r\n\r\n", "not followed by CRLF", id="data-overrun"),
        pytest.param(b"1" * 2000 + b"\r\n", "longer than 1024", id="long-size-line"),
        pytest.param(b"5;" + b"e" * 2000 + b"\r\n", "longer than 1024", id="long-extension"),
        pytest.param(b"0\r\nno colon\r\n\r\n", "malformed chunked trailer", id="bad-trailer"),
        pytest.param(b"1" * 17 + b"\r\n", "malformed chunk size", id="17-digits"),
    ],
)
def test_malformed_chunked_bodies_get_400(srv: EventsServer, body: bytes, reason: str) -> None:
    answer = exchange(srv, request_bytes(["Transfer-Encoding: chunked"], body))
    assert_refused(srv, answer, 400, reason)


def test_an_endless_trailer_is_cut_at_8_kib(srv: EventsServer) -> None:
    """The client keeps sending trailer lines; the server answers 400 and closes."""
    with closing(socket.create_connection((srv.host, srv.port), timeout=5)) as sock:
        sock.sendall(request_bytes(["Transfer-Encoding: chunked"], b"5\r\nhello\r\n0\r\n"))
        line = b"X-Trailer: " + b"t" * 100 + b"\r\n"
        sent = 0
        try:
            while sent < 10 * 1024 * 1024:  # far more than any bound; stops when refused
                sock.sendall(line * 10)
                sent += len(line) * 10
        except OSError:
            pass
        answer = read_all(sock)
    assert sent < 10 * 1024 * 1024
    assert_refused(srv, answer, 400, "trailer section longer than 8192 bytes")


def test_a_malformed_request_line_gets_the_api_error(srv: EventsServer) -> None:
    answer = exchange(srv, b"POST /v1/workspace/ws-1/events HTTP/1.1 extra\r\n\r\n")
    assert_refused(srv, answer, 400, "Bad request")
    answer = exchange(srv, b"GET /v1/workspace/ws-1/events\r\n\r\n")  # HTTP/0.9
    srv_rec = srv.received[-1]
    assert parse(answer)[0] == 400 and srv_rec.status == 400


@pytest.mark.parametrize("version", ["HTTP/2.0", "HTTP/2", "HTTP/3.0", "HTTP/1.2", "HTTP/0.9"])
@pytest.mark.parametrize("path", [PATH, "/"])
def test_a_version_other_than_1_0_and_1_1_gets_400_and_is_shown_on_the_page(
    srv: EventsServer, version: str, path: str
) -> None:
    """Not 505 (what the standard library's parser answers to HTTP/2.0): testing.md promises
    400 for any version other than 1.0 and 1.1, recorded with its method and path."""
    data = f"GET {path} {version}\r\nHost: localhost\r\nx-api-key: {KEY}\r\n\r\n"
    answer = exchange(srv, data.encode())
    assert_refused(srv, answer, 400, f"unsupported protocol version '{version}'")
    [rec] = srv.received
    assert (rec.method, rec.path, rec.body_read) == ("GET", path, False)
    with closing(socket.create_connection((srv.host, srv.port), timeout=5)) as sock:
        sock.sendall(b"GET /_page/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        _, _, page = parse(read_all(sock))
    [row] = page["rows"]
    assert (row["status"], row["method"], row["path"]) == (400, "GET", path)
    assert row["reason"].startswith(f"unsupported protocol version '{version}'")


def test_a_body_over_the_hard_limit_is_refused_unread(srv: EventsServer) -> None:
    answer = exchange(srv, request_bytes([f"Content-Length: {2**40}"]))
    assert_refused(srv, answer, 413, "larger than")


# ----------------------------------------------------------------------------------------
# Refused before the body is read
# ----------------------------------------------------------------------------------------


def test_a_wrong_key_is_refused_before_the_body_is_parsed_and_the_body_is_not_kept(
    srv: EventsServer,
) -> None:
    flood = json.dumps([{}] * 50_000).encode()
    with closing(socket.create_connection((srv.host, srv.port), timeout=5)) as sock:
        for _ in range(3):  # the body is read and dropped: the connection stays usable
            head = f"POST {PATH} HTTP/1.1\r\nHost: localhost\r\nx-api-key: wrong\r\n"
            head += f"content-type: application/json\r\nContent-Length: {len(flood)}\r\n\r\n"
            sock.sendall(head.encode() + flood)
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                answer += sock.recv(65536)
            assert parse(answer)[0] == 401
    srv.wait_for_requests(3)
    for rec in srv.received:
        assert (rec.status, rec.body, rec.events) == (401, b"", None)
        assert rec.error == "invalid API key"


def test_a_wrong_key_with_expect_100_gets_401_without_100_continue(srv: EventsServer) -> None:
    data = request_bytes(["Expect: 100-continue", "Content-Length: 1000000"]).replace(
        f"x-api-key: {KEY}".encode(), b"x-api-key: wrong"
    )
    answer = exchange(srv, data)  # the body is never sent
    assert answer.startswith(b"HTTP/1.1 401 ")
    assert_refused(srv, answer, 401, "invalid API key")


def test_the_right_key_with_expect_100_gets_100_continue(srv: EventsServer) -> None:
    with closing(socket.create_connection((srv.host, srv.port), timeout=5)) as sock:
        sock.sendall(request_bytes(["Expect: 100-continue", f"Content-Length: {len(BODY)}"]))
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(BODY)
        assert sock.recv(100).startswith(b"HTTP/1.1 200 ")
    assert srv.events == [EVENT]


def test_a_scripted_reply_still_answers_a_request_with_a_wrong_key(srv: EventsServer) -> None:
    srv.fail_next(1, status=503)
    data = request_bytes([f"Content-Length: {len(BODY)}", "Connection: close"], BODY)
    answer = exchange(srv, data.replace(f"x-api-key: {KEY}".encode(), b"x-api-key: wrong"))
    assert parse(answer)[0] == 503
    assert srv.received[0].events == [EVENT]


# ----------------------------------------------------------------------------------------
# Time-outs
# ----------------------------------------------------------------------------------------


def test_idle_connections_are_closed_after_the_idle_timeout() -> None:
    """500 silent connections do not hold 500 threads: all are closed after the time-out."""
    threads_before = threading.active_count()
    with EventsServer(api_key=KEY, idle_timeout=2.0) as server:
        sockets = [
            socket.create_connection((server.host, server.port), timeout=10) for _ in range(500)
        ]
        connected = time.monotonic()
        try:
            peak = 0
            while time.monotonic() - connected < 10:
                count = server.active_connections
                peak = max(peak, count, threading.active_count() - threads_before)
                if count == 0 and peak > 0:
                    break
                time.sleep(0.01)
            assert peak >= 250  # they were held, each by a thread, for a while ...
            assert server.active_connections == 0  # ... then all closed
            assert time.monotonic() - connected < 2.0 + 8
            assert wait_until(lambda: threading.active_count() <= threads_before + 2, timeout=5)
            for sock in sockets:
                assert sock.recv(10) == b""  # closed without an answer: nothing was asked
        finally:
            for sock in sockets:
                sock.close()
        assert server.received == []  # nothing arrived, nothing recorded


def test_a_half_sent_request_gets_408_and_is_recorded(fast: EventsServer) -> None:
    with closing(socket.create_connection((fast.host, fast.port), timeout=5)) as sock:
        sock.sendall(request_bytes([f"Content-Length: {len(BODY)}"], BODY[:10]))
        started = time.monotonic()
        answer = read_all(sock)
    assert 0.3 < time.monotonic() - started < 3
    assert_refused(fast, answer, 408, "did not arrive in full within 0.5 s")
    assert fast.received[0].path == PATH


def test_a_request_dripped_byte_by_byte_is_cut_at_the_timeout(fast: EventsServer) -> None:
    """Each byte comes before the idle time-out, but the request as a whole is too slow."""
    data = request_bytes([f"Content-Length: {len(BODY)}"], BODY)
    with closing(socket.create_connection((fast.host, fast.port), timeout=5)) as sock:
        started = time.monotonic()
        try:
            for byte in data:
                sock.sendall(bytes([byte]))
                time.sleep(0.05)
        except OSError:
            pass
        answer = read_all(sock)
    assert time.monotonic() - started < 3
    assert parse(answer)[0] == 408


def test_a_kept_alive_connection_is_closed_when_idle_after_its_answers(
    fast: EventsServer,
) -> None:
    with closing(socket.create_connection((fast.host, fast.port), timeout=5)) as sock:
        sock.sendall(request_bytes([f"Content-Length: {len(BODY)}"], BODY))
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        assert fast.active_connections == 1
        started = time.monotonic()
        assert read_all(sock) == b""  # closed, no 408: no request had begun
        assert 0.3 < time.monotonic() - started < 3
    assert [r.status for r in fast.received] == [200]


@pytest.mark.parametrize("value", [0, -1, float("inf"), float("nan"), "30", True])
def test_invalid_idle_timeout_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="idle_timeout"):
        EventsServer(idle_timeout=value)  # type: ignore[arg-type]


def test_idle_timeout_defaults_to_30_seconds_and_none_waits_for_ever() -> None:
    assert EventsServer().idle_timeout == 30.0
    assert EventsServer(idle_timeout=None).idle_timeout is None
