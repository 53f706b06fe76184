"""Hostile conditions: a server with a distinctive key, scriptable faults, closed clients.

The conftest of each folder whose tests provoke faults and look for leaks
(``tests/retries``, ``tests/errors``, ``tests/security``, ``tests/reliability``) imports
the fixtures below. Its session ``events_server`` replaces the suite-wide one for that
folder (it accepts a distinctive key, so that leaks are found by substring search); the suite-wide
``server`` fixture resets it before each test and checks it after. The faults are
scripted in the responses; the requests the SDK sends must still conform to
openapi.yaml, so the suite-wide contract check runs after each test here too.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any, Callable, List

import pytest
import requests

import speakeasy
from speakeasy.models import operations, shared
from speakeasy.testing import EventsServer
from tests.support.edges import edge_factory
from tests.support.factories import FAST_RETRIES, cli_event
from tests.support.local_server import serving

#: The fixtures a folder's conftest takes with ``from tests.support.hostile import *``.
__all__ = ["api_key", "client", "events_server", "make_client", "other_server", "sdk_log"]

#: Distinctive, so that a leak anywhere is found by a plain substring search.
API_KEY = "sk-live-H4RD3N1NG-5ecr3t-7f3a9c"
#: A payload string that must never reach a log record.
EVENT_ID = "evt-PAYLOAD-d0c7e1a5"
RAW_COMMAND = "speakeasy run --PAYLOAD-flag-91b2"


def json_spellings(secret: str) -> List[str]:
    """The ways a JSON encoder may write ``secret`` inside a string: as it is, with ``\\/``,
    with ``/`` and ``+`` as ``\\u`` escapes, and wholly as upper- and lower-case ``\\uXXXX``."""
    return [
        secret,
        json.dumps(secret)[1:-1].replace("/", "\\/"),
        "".join(f"\\u{ord(c):04x}" if c in "/+" else c for c in secret),
        "".join(f"\\u{ord(c):04X}" for c in secret),
        "".join(f"\\u{ord(c):04x}" for c in secret),
    ]


def read_head(conn: socket.socket) -> bytes:
    """What ``conn`` sends up to the end of a request head (less if it closes first)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def read_all(sock: socket.socket) -> bytes:
    """What ``sock`` receives until the other side closes (or resets) the connection."""
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


class RawServer:
    """A loopback server answering every connection with ``answer(conn)`` on a thread of its
    own, counting them; an ``OSError`` in ``answer`` (the client hung up) ends that one."""

    def __init__(self, answer: Callable[[socket.socket], None]) -> None:
        self.answer = answer
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.done = threading.Event()
        self.held: List[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.done.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            self.held.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            self.answer(conn)
        except OSError:
            pass

    def close(self) -> None:
        """Stop accepting, and close the connections still held."""
        self.done.set()
        self.sock.close()
        for conn in self.held:
            conn.close()


def make_event(**overrides: Any) -> shared.CliEvent:
    """A valid event carrying the distinctive payload strings."""
    return cli_event(**{"id": EVENT_ID, "raw_command": RAW_COMMAND, **overrides})


def make_request() -> operations.PostWorkspaceEventsRequest:
    return operations.PostWorkspaceEventsRequest(request_body=[make_event()], workspace_id="ws")


@pytest.fixture(scope="session")
def api_key() -> str:
    """The key this folder's server accepts."""
    return API_KEY


@pytest.fixture(scope="session")
def events_server() -> Iterator[EventsServer]:
    """This folder's session server: the suite-wide ``server`` fixture resets and checks it."""
    yield from serving(api_key=API_KEY)


@pytest.fixture
def other_server() -> Iterator[EventsServer]:
    """A second server on another port: another origin."""
    yield from serving(api_key=None)


MakeClient = Callable[..., speakeasy.Speakeasy]


@pytest.fixture
def make_client(server: EventsServer, edge: str) -> Iterator[MakeClient]:
    """Build clients (``server_url`` defaults to ``server``) calling through ``edge``;
    they and their sessions are closed after."""
    sessions: List[requests.Session] = []

    def build(**kwargs: Any) -> speakeasy.Speakeasy:
        session = requests.Session()
        sessions.append(session)
        kwargs.setdefault("security", shared.Security(api_key=API_KEY))
        kwargs.setdefault("server_url", server.url)
        return speakeasy.Speakeasy(client=session, **kwargs)

    make = edge_factory(edge, build)
    yield make
    make.close_all()
    for session in sessions:
        session.close()


@pytest.fixture
def client(make_client: MakeClient) -> speakeasy.Speakeasy:
    """A client of ``server`` with millisecond retries."""
    return make_client(retry_config=FAST_RETRIES)


class Records(logging.Handler):
    """Every record of the ``speakeasy`` logger, formatted as a handler would print it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: List[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("speakeasy.testing"):  # the server's own, not the SDK's
            self.records.append(record)

    def lines(self, level: int = logging.DEBUG) -> List[str]:
        return [self.format(r) for r in self.records if r.levelno >= level]

    def text(self) -> str:
        return "\n".join(self.lines())


@pytest.fixture
def sdk_log() -> Iterator[Records]:
    """Capture the ``speakeasy`` logger at DEBUG for one test."""
    log = logging.getLogger("speakeasy")
    handler = Records()
    old_level = log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    yield handler
    log.removeHandler(handler)
    log.setLevel(old_level)
