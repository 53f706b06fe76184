"""Each transport's library workarounds, pinned to the library versions they were written
for (``[tool.speakeasy.transports]`` in pyproject.toml). A test here fails when a release
of requests, urllib3 or aiohttp changes what a workaround relies on: then the workaround
(in ``src/speakeasy/_transports/``) is revisited, and the range moved."""

from __future__ import annotations

import asyncio
import inspect
import re
import socket
import threading
from pathlib import Path
from typing import Dict, Iterator

import aiohttp
import pytest
import requests
import urllib3
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from speakeasy._transports import _aiohttp, _deadline, _requests

ROOT = Path(__file__).resolve().parents[1]


def declared_ranges() -> Dict[str, SpecifierSet]:
    """The ``[tool.speakeasy.transports]`` table of pyproject.toml (read without tomllib,
    which 3.9 and 3.10 lack)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = text.split("[tool.speakeasy.transports]", 1)[1].split("\n[", 1)[0]
    return {
        name: SpecifierSet(spec)
        for name, spec in re.findall(r'^(\w+)\s*=\s*"([^"]+)"', table, re.MULTILINE)
    }


RANGES = declared_ranges()


@pytest.mark.parametrize(
    "library, version",
    [
        ("requests", requests.__version__),
        ("urllib3", urllib3.__version__),
        ("aiohttp", aiohttp.__version__),
    ],
)
def test_the_installed_libraries_are_in_the_declared_ranges(library: str, version: str) -> None:
    assert Version(version) in RANGES[library], (library, version, RANGES[library])


def test_the_declared_ranges_match_the_dependencies() -> None:
    """requests' range is the runtime dependency's, aiohttp's the [async] extra's."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert RANGES["requests"] == SpecifierSet(">=2.31,<3") and '"requests>=2.31,<3"' in text
    assert RANGES["aiohttp"] == SpecifierSet(">=3.10,<4")
    assert 'async = ["aiohttp>=3.10,<4"]' in text


# -- requests 2.31-2.x ----------------------------------------------------------------------


def test_requests_response_content_is_what_the_transport_hands_it() -> None:
    """requests >=2.31,<3: a Response whose ``_content`` is set and ``_content_consumed``
    True gives that body through the public ``content``/``text``/``json()`` (the
    transport reads the body itself, bounded, and hands it over this way)."""
    response = requests.Response()
    response.status_code = 200
    response._content = b'{"a": 1}'
    response._content_consumed = True  # type: ignore[attr-defined]
    assert response.content == b'{"a": 1}' and response.json() == {"a": 1}
    assert response.text == '{"a": 1}'


def test_requests_calls_a_no_op_auth_instead_of_reading_netrc() -> None:
    """requests >=2.31,<3: ``Session.prepare_request`` looks for ~/.netrc only when a
    request has no ``auth``: the transport's no-op auth keeps netrc out."""
    source = inspect.getsource(requests.Session.prepare_request)
    assert "get_netrc_auth" in source and "if self.trust_env and not auth" in source


# -- urllib3 1.26-2.x ----------------------------------------------------------------------


@pytest.fixture
def bad_head_server() -> Iterator[str]:
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 2\r\n\r\n[]")

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def test_urllib3_keeps_the_parsed_head_where_the_transport_checks_it(bad_head_server: str) -> None:
    """urllib3 >=1.26,<3 only logs a head http.client could not parse; the transport finds
    the parsed message on ``raw._original_response`` and checks it with urllib3's own
    ``assert_header_parsing``."""
    with requests.Session() as session:
        response = session.get(bad_head_server, stream=True)
        assert response.status_code == 200  # requests and urllib3 let it through
        assert _requests._malformed_head(response)
        response.close()


def test_urllib3_pools_take_the_deadline_connection_classes() -> None:
    """urllib3 >=1.26,<3: a PoolManager builds its pools from ``pool_classes_by_scheme``,
    and a pool its connections from ``ConnectionCls``: how the watchdog finds a socket."""
    manager = urllib3.PoolManager()
    assert set(manager.pool_classes_by_scheme) >= {"http", "https"}
    adapter = _deadline.DeadlineAdapter()
    pool = adapter.poolmanager.connection_from_url("http://127.0.0.1:9")
    assert isinstance(pool, _deadline._WatchedHTTPPool)
    assert pool.ConnectionCls is _deadline._WatchedHTTPConnection
    adapter.close()


# -- aiohttp 3.10-3.x ----------------------------------------------------------------------


def test_aiohttp_takes_the_per_request_overrides() -> None:
    """aiohttp >=3.10,<4: ``raise_for_status``, ``auto_decompress`` and ``allow_redirects``
    are per-request arguments, so a caller's session cannot change how answers map."""
    params = inspect.signature(aiohttp.ClientSession._request).parameters
    assert {"raise_for_status", "auto_decompress", "allow_redirects", "proxy"} <= set(params)


def test_aiohttp_still_has_the_resend_switch_the_transport_turns_off() -> None:
    """aiohttp >=3.10,<4 resends an idempotent request once when a pooled connection
    drops, unless ``ClientSession._retry_connection`` is False (no public switch); the
    SDK's own session turns it off so that its retry policy alone decides."""

    async def main() -> None:
        transport = _aiohttp.AiohttpTransport()
        session = await transport._session_here()
        assert session._retry_connection is False
        await transport.aclose()

    asyncio.run(main())
    source = inspect.getsource(aiohttp.ClientSession._request)
    assert "_retry_connection" in source


def test_aiohttp_connector_internals_used_to_abandon_a_session_on_a_dead_loop() -> None:
    """aiohttp >=3.10,<4: closing the sockets of a session whose loop is closed (no public
    way: aiohttp closes nothing then) reads ``_conns``, ``_acquired``, ``_loop`` and calls
    ``_close`` of its connector."""

    async def main() -> None:
        connector = aiohttp.TCPConnector()
        for name in ("_conns", "_acquired", "_loop", "_close"):
            assert hasattr(connector, name), name
        await connector.close()

    asyncio.run(main())
