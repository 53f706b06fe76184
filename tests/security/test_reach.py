"""A request goes where it was meant to, with only the SDK's own credentials, on both edges.

Dot segments in path parameters are refused before any byte is sent; the rest of
the input encoding (CR/LF, NUL, ``?``, ``#``, ``%2e%2e``, look-alike dots) stays one
opaque segment; ``~/.netrc`` (or ``$NETRC``) and URL userinfo never replace or add to
the configured credentials, while the environment's proxy still carries the request.
"""

from __future__ import annotations

import socket
import threading
import warnings
from pathlib import Path
from typing import Any, Iterator, List
from urllib.parse import quote

import aiohttp
import pytest
import requests

import speakeasy
from speakeasy.models import errors, operations, shared
from speakeasy.testing import EventsServer
from tests.support.edges import NETWORK_ERROR
from tests.support.factories import NO_RETRIES, cli_event
from tests.support.hostile import API_KEY, read_head

PREFIX = "/api/prefix"


def _events(workspace_id: Any = None) -> operations.PostWorkspaceEventsRequest:
    return operations.PostWorkspaceEventsRequest(
        request_body=[cli_event()], workspace_id=workspace_id
    )


def _client(server: EventsServer, **kwargs: Any) -> speakeasy.Speakeasy:
    kwargs.setdefault("security", shared.Security(api_key=API_KEY))
    kwargs.setdefault("retry_config", NO_RETRIES)
    return speakeasy.Speakeasy(server_url=server.url + PREFIX, **kwargs)


def _async_client(
    server: EventsServer, mine: aiohttp.ClientSession, security: Any = None
) -> speakeasy.Speakeasy:
    """A client for ``server`` on the caller's aiohttp session ``mine``."""
    return speakeasy.Speakeasy(
        security=security or shared.Security(api_key=API_KEY),
        server_url=server.url,
        workspace_id="ws",
        async_client=mine,
    )


async def _refused_async_post(client: speakeasy.Speakeasy) -> errors.ValidationError:
    """An async post through ``client``, refused naming async_client: the error."""
    with pytest.raises(errors.ValidationError) as info:
        await client.events.post_workspace_events_async(_events())
    assert info.value.field == "async_client"
    return info.value


# -- dot segments ------------------------------------------------------------------------


@pytest.mark.parametrize("dots", [".", ".."])
def test_dot_workspace_id_on_the_client_is_refused(server: EventsServer, dots: str) -> None:
    """Speakeasy(workspace_id="..") is refused at once, naming the setting."""
    with pytest.raises(errors.ValidationError) as info:
        _client(server, workspace_id=dots)
    assert info.value.field == "workspace_id"
    assert server.received == []


@pytest.mark.parametrize("dots", [".", ".."])
def test_dot_workspace_id_on_the_request_sends_nothing(
    server: EventsServer, on_edge: Any, dots: str
) -> None:
    """With a server_url path prefix, a request's workspace_id ".." would have moved the POST
    (key included) to <prefix>/v1/events: refused, naming the field; the server got nothing."""
    client = on_edge(_client(server, workspace_id="ws"))
    with pytest.raises(errors.ValidationError) as info:
        client.events.post_workspace_events(_events(dots))
    assert "workspace_id" in info.value.field
    for read in ("search_workspace_events", "get_workspace_targets"):
        with pytest.raises(errors.ValidationError) as info:
            getattr(client.events, read)({"workspace_id": dots})
        assert "workspace_id" in info.value.field
    assert server.received == []


@pytest.mark.parametrize("dots", [".", ".."])
def test_dot_target_id_sends_nothing(server: EventsServer, on_edge: Any, dots: str) -> None:
    """target_id ".." would read another endpoint: refused, naming request.target_id."""
    client = on_edge(_client(server, workspace_id="ws"))
    with pytest.raises(errors.ValidationError) as info:
        client.events.get_workspace_events_by_target({"target_id": dots})
    assert info.value.field == "request.target_id"
    assert server.received == []


@pytest.mark.parametrize("dots", [".", ".."])
def test_dot_workspace_id_of_a_batcher_is_refused(server: EventsServer, dots: str) -> None:
    """The batcher checks its workspace when made, before any event is added."""
    client = _client(server, workspace_id="ws")
    with pytest.raises(errors.ValidationError) as info:
        client.events.batcher(workspace_id=dots)
    assert info.value.field == "workspace_id"
    assert server.received == []
    client.close()


@pytest.mark.no_contract_check  # paths under a prefix the spec does not know
@pytest.mark.parametrize(
    "value",
    [
        "a\r\nX-Injected: 1",
        "nul\x00byte",
        "q?x=1",
        "frag#ment",
        "%2e%2e",
        "%2E%2E",
        "..%2f",
        "...",
        ". .",
        "\u2024\u2024",  # ONE DOT LEADER, twice: looks like ".."
        "\uff0e\uff0e",  # FULLWIDTH FULL STOP, twice
        "a/../b",
    ],
)
def test_other_odd_ids_stay_one_opaque_segment(
    server: EventsServer, on_edge: Any, value: str
) -> None:
    """Anything else is percent-encoded into one segment: the server sees exactly that
    workspace and target, under the prefix, and the path has no other shape."""
    client = on_edge(_client(server, workspace_id="ws"))
    with pytest.raises(errors.SDKError) as info:  # the local server has no prefixed routes
        client.events.get_workspace_events_by_target({"target_id": value, "workspace_id": value})
    assert info.value.status_code == 404
    (got,) = server.received
    encoded = quote(value, safe="")
    assert got.path == f"{PREFIX}/v1/workspace/{encoded}/events/targets/{encoded}/events"
    assert got.query == ""
    assert "\r" not in got.path and "\n" not in got.path


# -- credentials from the environment ----------------------------------------------------


@pytest.fixture
def netrc_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$NETRC and $HOME point at a netrc with a password for 127.0.0.1 (and localhost)."""
    path = tmp_path / "netrc"
    path.write_text(
        "machine 127.0.0.1 login u password netrc-pa55\n"
        "machine localhost login u password netrc-pa55\n"
    )
    path.chmod(0o600)
    (tmp_path / ".netrc").write_text(path.read_text())
    (tmp_path / ".netrc").chmod(0o600)
    monkeypatch.setenv("NETRC", str(path))
    monkeypatch.setenv("HOME", str(tmp_path))
    # What the SDK must not do: plain requests does take it.
    assert requests.utils.get_netrc_auth("http://127.0.0.1/") == ("u", "netrc-pa55")
    return path


def test_netrc_does_not_replace_the_bearer(
    other_server: EventsServer, on_edge: Any, netrc_env: Path
) -> None:
    """The configured bearer is what the server gets, not netrc's Basic credentials."""
    client = on_edge(
        speakeasy.Speakeasy(
            security=shared.Security(api_key=API_KEY, bearer="tok-configured"),
            server_url=other_server.url,
            workspace_id="ws",
        )
    )
    client.events.post_workspace_events(_events())
    client.events.search_workspace_events()
    got, _ = other_server.received
    assert got.headers["authorization"] == "Bearer tok-configured"
    assert "netrc-pa55" not in repr(got.headers)


def test_netrc_adds_nothing_to_an_api_key(
    server: EventsServer, on_edge: Any, netrc_env: Path
) -> None:
    """With api_key alone no Authorization header is sent at all."""
    client = on_edge(
        speakeasy.Speakeasy(
            security=shared.Security(api_key=API_KEY), server_url=server.url, workspace_id="ws"
        )
    )
    client.events.post_workspace_events(_events())
    client.events.search_workspace_events()
    assert [r.status for r in server.received] == [200, 200]
    for got in server.received:
        assert "authorization" not in {name.lower() for name in got.headers}
        assert got.api_key == API_KEY


def test_netrc_is_ignored_with_a_callers_session_too(server: EventsServer, netrc_env: Path) -> None:
    """client=requests.Session() (which trusts the environment): still only the SDK's key.

    Sync only: client= is the sync edge's session (async_client= below)."""
    with requests.Session() as session:
        client = speakeasy.Speakeasy(
            security=shared.Security(api_key=API_KEY),
            server_url=server.url,
            workspace_id="ws",
            client=session,
        )
        client.events.post_workspace_events(_events())
    (got,) = server.received
    assert "authorization" not in {name.lower() for name in got.headers}


def test_a_callers_session_with_auth_is_refused(server: EventsServer) -> None:
    """A session whose .auth would replace the SDK's credentials: ValidationError naming
    client, before any byte is sent. Sync only: .auth is a requests.Session setting."""
    with requests.Session() as session:
        session.auth = ("u", "session-pa55")
        client = speakeasy.Speakeasy(
            security=shared.Security(api_key=API_KEY),
            server_url=server.url,
            workspace_id="ws",
            client=session,
        )
        with pytest.raises(errors.ValidationError) as info:
            client.events.post_workspace_events(_events())
    assert info.value.field == "client"
    assert "session-pa55" not in str(info.value)
    assert server.received == []


def test_a_callers_aiohttp_session_with_auth_is_refused(server: EventsServer) -> None:
    """The async twin: an aiohttp session with auth= set is refused, naming async_client."""
    import asyncio

    async def main() -> None:
        with warnings.catch_warnings():  # aiohttp 3.14 deprecates BasicAuth; still honoured
            warnings.simplefilter("ignore", DeprecationWarning)
            auth = aiohttp.BasicAuth("u", "session-pa55")
            mine = aiohttp.ClientSession(auth=auth)
        async with mine:
            client = _async_client(server, mine)
            assert "session-pa55" not in str(await _refused_async_post(client))
            await client.aclose()

    asyncio.run(main())
    assert server.received == []


def test_a_callers_trusting_aiohttp_session_with_a_netrc_entry_is_refused(
    other_server: EventsServer, netrc_env: Path
) -> None:
    """async_client=ClientSession(trust_env=True) would add netrc's Basic credentials to
    an api_key call (or fail on a bearer): refused, naming async_client, nothing sent.
    Without trust_env the same session is used, and only the SDK's credentials go out."""
    import asyncio

    async def main() -> None:
        for trust_env in (True, False):
            async with aiohttp.ClientSession(trust_env=trust_env) as mine:
                for security in (
                    shared.Security(api_key=API_KEY),
                    shared.Security(api_key=API_KEY, bearer="tok-configured"),
                ):
                    client = _async_client(other_server, mine, security)
                    if trust_env:
                        assert "netrc-pa55" not in str(await _refused_async_post(client))
                        assert other_server.received == []
                    else:
                        await client.events.post_workspace_events_async(_events())

    asyncio.run(main())
    first, second = other_server.received
    assert "authorization" not in {name.lower() for name in first.headers}
    assert second.headers["authorization"] == "Bearer tok-configured"


@pytest.mark.parametrize(
    "url",
    [
        "http://u:pa55@127.0.0.1:1",
        "https://u:pa55@events.example.com",
        "https://u@events.example.com",
        "https://:pa55@events.example.com",
    ],
)
def test_server_url_with_userinfo_is_refused(url: str) -> None:
    """user:password@ in server_url is refused, naming server_url, never echoing it."""
    with pytest.raises(errors.ValidationError) as info:
        speakeasy.Speakeasy(server_url=url)
    assert info.value.field == "server_url"
    assert "pa55" not in str(info.value)


# -- the environment's proxy still works -------------------------------------------------


class ConnectProxy:
    """A raw-socket HTTPS proxy stand-in: records each CONNECT line, then answers 502
    (no tunnel is made: nothing leaves the machine)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.requests: List[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    self.requests.append(read_head(conn))
                    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ConnectProxy]:
    server = ConnectProxy()
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", server.url)
    monkeypatch.setenv("https_proxy", server.url)
    yield server
    server.close()


def test_the_environment_proxy_carries_a_non_loopback_request(
    proxy: ConnectProxy, on_edge: Any, netrc_env: Path, edge: str
) -> None:
    """HTTPS_PROXY is honoured for a non-loopback host (netrc being ignored does not turn
    the environment off): the proxy gets the CONNECT, and never the key (it is inside TLS)."""
    client = on_edge(
        speakeasy.Speakeasy(
            security=shared.Security(api_key=API_KEY),
            server_url="https://events.example.invalid",
            workspace_id="ws",
            retry_config=NO_RETRIES,
            timeout_ms=5000,
        )
    )
    with pytest.raises(NETWORK_ERROR[edge]):  # the stand-in refuses the tunnel
        client.events.post_workspace_events(_events())
    (connect,) = proxy.requests
    assert connect.startswith(b"CONNECT events.example.invalid:443 HTTP/1.")
    assert API_KEY.encode() not in connect
    assert b"netrc-pa55" not in connect


def test_a_callers_trusting_aiohttp_session_never_proxies_a_loopback_call(
    server: EventsServer, other_server: EventsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK reaches a loopback server directly (a proxy would carry the key off the
    machine); a caller's trust_env=True session would take HTTP_PROXY: refused instead."""
    import asyncio

    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", other_server.url)
    monkeypatch.setenv("http_proxy", other_server.url)

    async def main() -> None:
        async with aiohttp.ClientSession(trust_env=True) as mine:
            await _refused_async_post(_async_client(server, mine))

    asyncio.run(main())
    assert server.received == [] and other_server.received == []
