"""DNS rebinding: a server bound to loopback answers only to a loopback ``Host``, on every
route, refusing any other on the request head (body unread, recorded, shown on the page);
a server bound to another interface answers any ``Host``. Raw sockets: the ``Host`` header
is exactly what the test writes."""

from __future__ import annotations

import json
import socket
import time
from contextlib import closing
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest

import speakeasy
from speakeasy.models import shared
from speakeasy.testing import EventsServer
from tests.support.factories import NO_RETRIES
from tests.support.hostile import read_all
from tests.support.local_server import EVENT, KEY, PATH

BODY = json.dumps([EVENT]).encode()

FOREIGN = [
    "evil.example",
    "evil.example:8080",
    "EVIL.example.",
    "127.0.0.1.evil.example",
    "localhost.evil.example",
    "evillocalhost",
    "0.0.0.0",  # some browsers reach loopback through it
    "10.0.0.1",
    "127.1",  # browsers send 127.0.0.1; resolvers disagree on the short forms
    "2130706433",
    "0x7f.0.0.1",
    "0177.0.0.1",
    "localhost..",
    "[::2]",
    "[::ffff:10.0.0.1]",
    "[fe80::1]",
]
MALFORMED = ["::1", "localhost:8080:1", "user@localhost", "localhost:123456", "[::1", "a b"]
LOOPBACK = [
    "localhost",
    "localhost:{port}",
    "LocalHost:{port}",
    "localhost.:{port}",
    "app.localhost:{port}",
    "127.0.0.1",
    "127.0.0.1:{port}",
    "127.0.0.1.",
    "127.1.2.3:1",
    "[::1]",
    "[::1]:{port}",
    "[0:0:0:0:0:0:0:1]:{port}",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]:{port}",
    "localhost:",
]


@pytest.fixture
def srv(speakeasy_server: EventsServer) -> EventsServer:
    return speakeasy_server


def raw(
    server: EventsServer,
    host: Optional[str],
    *,
    method: str = "GET",
    path: str = PATH,
    version: str = "HTTP/1.1",
    extra: str = "",
    body: bytes = b"",
    address: Optional[Tuple[str, int]] = None,
) -> Tuple[int, Dict[str, str], bytes]:
    """One request with exactly this ``Host`` line (None: none), ``Connection: close``."""
    head = f"{method} {path} {version}\r\n"
    if host is not None:
        head += f"Host: {host}\r\n"
    head += f"x-api-key: {KEY}\r\nContent-Type: application/json\r\nConnection: close\r\n"
    data = (head + extra + "\r\n").encode("latin-1") + body
    target = address or (server.host, server.port)
    with closing(socket.create_connection(target, timeout=10)) as sock:
        sock.sendall(data)
        answer = read_all(sock)
    head_bytes, _, payload = answer.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, payload


def page_rows(server: EventsServer) -> Any:
    status, _, payload = raw(server, "localhost", path="/_page/events")
    assert status == 200
    return json.loads(payload)["rows"]


ROUTES = [
    ("GET", PATH),  # search
    ("POST", PATH),  # post
    ("GET", "/v1/workspace/ws-1/events/targets"),
    ("GET", "/v1/workspace/events/targets"),
    ("GET", "/"),  # the live page and its parts
    ("HEAD", "/"),
    ("GET", "/_page/events"),
    ("GET", "/_page/app.js"),
    ("GET", "/favicon.ico"),
    ("GET", "/nowhere"),  # no route: refused all the same, not a 404
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_refuses_a_foreign_host_with_421(
    srv: EventsServer, method: str, path: str
) -> None:
    body = BODY if method == "POST" else b""
    extra = f"Content-Length: {len(body)}\r\n" if body else ""
    status, headers, payload = raw(
        srv, f"evil.example:{srv.port}", method=method, path=path, extra=extra, body=body
    )
    assert status == 421
    assert headers["connection"] == "close"
    if method != "HEAD":
        message = json.loads(payload)
        assert message["status_code"] == 421
        assert "'evil.example:" in message["message"] and "DNS rebinding" in message["message"]
        assert "localhost, 127.0.0.1 or [::1]" in message["message"]
    assert srv.events == []
    srv.wait_for_requests(1)
    [rec] = srv.received
    assert (rec.method, rec.path, rec.status, rec.body_read) == (method, path, 421, False)
    assert rec.body == b"" and rec.events is None
    assert rec.error is not None and "is not a loopback name" in rec.error


@pytest.mark.parametrize("host", FOREIGN)
def test_foreign_hosts_get_421(srv: EventsServer, host: str) -> None:
    status, _, payload = raw(srv, host)
    assert status == 421, host
    assert repr(host) in json.loads(payload)["message"]


@pytest.mark.parametrize("host", MALFORMED)
def test_a_host_that_is_not_host_port_gets_400(srv: EventsServer, host: str) -> None:
    status, _, payload = raw(srv, host)
    assert status == 400, host
    assert "is not host[:port]" in json.loads(payload)["message"]


@pytest.mark.parametrize("host", LOOPBACK)
def test_loopback_names_and_addresses_are_answered(srv: EventsServer, host: str) -> None:
    status, _, payload = raw(srv, host.format(port=srv.port))
    assert status == 200, host
    assert json.loads(payload) == []
    status, _, _ = raw(srv, host.format(port=srv.port), path="/_page/events")
    assert status == 200, host


def test_missing_and_repeated_host(srv: EventsServer) -> None:
    """HTTP/1.1 requires one Host (400 without); HTTP/1.0 may omit it (no browser does)."""
    status, _, payload = raw(srv, None)
    assert status == 400 and "missing Host header" in json.loads(payload)["message"]
    assert raw(srv, None, version="HTTP/1.0")[0] == 200
    assert raw(srv, "evil.example", version="HTTP/1.0")[0] == 421
    status, _, payload = raw(srv, "localhost", extra="Host: localhost\r\n")
    assert status == 400 and "2 Host headers" in json.loads(payload)["message"]
    status, _, payload = raw(srv, "localhost", extra="Host: evil.example\r\n")
    assert status == 400


def test_the_body_of_a_foreign_host_is_never_read(srv: EventsServer) -> None:
    """Refused on the head: the answer comes although the announced body never does, and a
    client waiting for 100 Continue gets the refusal instead."""
    for extra in ("Content-Length: 1000000\r\n", "Expect: 100-continue\r\nContent-Length: 9\r\n"):
        srv.reset()
        started = time.monotonic()
        status, _, _ = raw(srv, "evil.example", method="POST", extra=extra)
        assert status == 421
        assert time.monotonic() - started < 5  # not the 30 s idle time-out
        [rec] = srv.received
        assert rec.body_read is False and rec.body == b""


def test_a_foreign_host_consumes_no_scripted_reply_and_stores_nothing(srv: EventsServer) -> None:
    srv.fail_next(1, status=503)
    extra = f"Content-Length: {len(BODY)}\r\n"
    assert raw(srv, "evil.example", method="POST", extra=extra, body=BODY)[0] == 421
    assert raw(srv, "localhost", method="POST", extra=extra, body=BODY)[0] == 503
    assert raw(srv, "localhost", method="POST", extra=extra, body=BODY)[0] == 200
    assert srv.events == [EVENT]
    assert [r.status for r in srv.received] == [421, 503, 200]


def test_the_refusal_is_shown_on_the_live_page(srv: EventsServer) -> None:
    raw(srv, "rebound.example:8080", method="POST", extra="Content-Length: 2\r\n", body=b"[]")
    [row] = page_rows(srv)
    assert (row["status"], row["method"], row["path"]) == (421, "POST", PATH)
    assert row["reason"].startswith("Host 'rebound.example:8080' is not a loopback name")
    assert row["workspace"] == "ws-1"


def test_a_long_host_is_quoted_cut_short(srv: EventsServer) -> None:
    status, _, payload = raw(srv, "a" * 5000 + ".example")
    assert status == 421
    message = json.loads(payload)["message"]
    assert "a" * 80 + "...'" in message and len(message) < 400


def test_a_server_bound_to_another_interface_answers_any_host() -> None:
    """Bound to every interface (reached here through 127.0.0.1), it keeps the old
    behaviour: any Host, on the API and on the page."""
    with EventsServer(api_key=KEY, host="0.0.0.0") as server:
        address = ("127.0.0.1", server.port)
        for path in (PATH, "/_page/events", "/"):
            assert raw(server, "evil.example", path=path, address=address)[0] == 200
        assert raw(server, None, address=address)[0] == 200
        assert [r.status for r in server.received] == [200, 200]  # the page is not recorded


@pytest.fixture
def ipv6_server() -> Iterator[EventsServer]:
    try:
        server = EventsServer(api_key=KEY, host="::1").start()
    except OSError as exc:
        pytest.skip(f"no IPv6 loopback here: {exc}")
    try:
        yield server
    finally:
        server.stop()


def test_a_server_bound_to_ipv6_loopback_refuses_foreign_hosts_too(
    ipv6_server: EventsServer,
) -> None:
    assert ipv6_server.url == f"http://[::1]:{ipv6_server.port}"
    assert raw(ipv6_server, f"[::1]:{ipv6_server.port}")[0] == 200
    assert raw(ipv6_server, f"localhost:{ipv6_server.port}")[0] == 200
    assert raw(ipv6_server, "evil.example")[0] == 421
    assert "binds ::1" in str(ipv6_server.received[-1].error)


@pytest.mark.parametrize("name", ["localhost", "127.0.0.1"])
def test_the_sdk_reaches_a_loopback_server_by_name_on_both_edges(
    srv: EventsServer, on_edge: Any, name: str
) -> None:
    client = on_edge(
        speakeasy.Speakeasy(
            server_url=f"http://{name}:{srv.port}",
            security=shared.Security(api_key=KEY),
            workspace_id="ws-1",
            retry_config=NO_RETRIES,
        )
    )
    res = client.events.search_workspace_events({})
    assert res.status_code == 200
    [rec] = srv.received
    assert rec.headers["host"] == f"{name}:{srv.port}"
