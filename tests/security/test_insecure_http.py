"""Plain http:// is refused unless it stays on this machine, or the caller opts in."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

import speakeasy
from speakeasy.models import errors, shared
from speakeasy.testing import EventsServer
from tests.support.hostile import API_KEY, MakeClient, make_request
from tests.support.local_server import serving

REMOTE_HTTP = [
    "http://example.invalid",
    "http://example.invalid:8080/base/",
    "http://10.0.0.1",
    "http://0.0.0.0:8080",
    "http://[2001:db8::1]",
    "http://127.0.0.1.example.invalid",
    "http://localhost.example.invalid",
    "http://user@example.invalid",
    "http://localhost@example.invalid",
    # urlsplit says "localhost", but requests would connect to example.invalid:
    "http://example.invalid\\@localhost:8080",
]


@pytest.mark.parametrize("url", REMOTE_HTTP)
def test_http_to_a_remote_host_is_refused_in_the_constructor(url: str) -> None:
    """ValidationError on server_url, mentioning https, raised before a client exists to send."""
    with pytest.raises(errors.ValidationError) as info:
        speakeasy.Speakeasy(security=shared.Security(api_key=API_KEY), server_url=url)
    assert info.value.field == "server_url"
    assert "https://" in str(info.value)
    assert "allow_insecure_http" in str(info.value)


def test_http_host_from_url_params_is_checked() -> None:
    """The check runs on the URL after url_params are filled in."""
    with pytest.raises(errors.ValidationError):
        speakeasy.Speakeasy(server_url="http://{host}:8080", url_params={"host": "example.invalid"})


@pytest.mark.parametrize("url", REMOTE_HTTP[:5])
def test_allow_insecure_http_lifts_the_check(url: str) -> None:
    """allow_insecure_http=True accepts http:// to any host (the caller's informed choice)."""
    client = speakeasy.Speakeasy(server_url=url, allow_insecure_http=True)
    assert client.server_url == url.rstrip("/")


@pytest.mark.parametrize("url", ["https://example.invalid", "https://10.0.0.1:8443/api"])
def test_https_to_any_host_is_accepted(url: str) -> None:
    """https needs no opt-in."""
    assert speakeasy.Speakeasy(server_url=url).server_url == url


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9", "http://127.255.255.254", "http://LOCALHOST:9", "http://[::1]:9"]
)
def test_loopback_http_is_accepted(url: str) -> None:
    """127.0.0.0/8, ::1 and localhost in any case are allowed without opt-in."""
    assert speakeasy.Speakeasy(server_url=url).server_url == url


def test_http_to_localhost_posts(server: EventsServer, make_client: MakeClient) -> None:
    """A real post over http://localhost works."""
    client = make_client(server_url=f"http://localhost:{server.port}")
    assert client.events.post_workspace_events(make_request()).status_code == 200


def test_http_to_another_loopback_address_posts(make_client: MakeClient) -> None:
    """A real post to a server on 127.0.0.2 (all of 127/8 is loopback) works."""
    with EventsServer(api_key=API_KEY, host="127.0.0.2") as srv:
        client = make_client(server_url=srv.url)
        assert client.events.post_workspace_events(make_request()).status_code == 200
        assert len(srv.received) == 1


@pytest.fixture
def ipv6_server() -> Iterator[EventsServer]:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    yield from serving(api_key=API_KEY, host="::1")


def test_http_to_ipv6_loopback_posts(ipv6_server: EventsServer, make_client: MakeClient) -> None:
    """A real post to http://[::1]:port works."""
    client = make_client(server_url=ipv6_server.url)
    assert ipv6_server.url.startswith("http://[::1]:")
    assert client.events.post_workspace_events(make_request()).status_code == 200
