"""Secrets in every spelling, proxies, closed clients, URL credentials, the environment."""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest
import requests

import speakeasy
from speakeasy.models import errors, operations, shared
from speakeasy.testing import EventsServer, Reply
from tests.security.test_credentials import rendered
from tests.support.factories import NO_RETRIES, cli_event
from tests.support.hostile import MakeClient, json_spellings, make_request
from tests.support.local_server import serving

#: A key with the characters JSON may escape ("/" as "\/", "+" as "\u002b").
SLASHED_KEY = "sk/live+H4rd/3n1ng+K3y"
BEARER = "tok/EN+b3arer-5ecr3t"
WORKSPACE_SECRET = "ws-ident/5ecr3t+x"


def _echo_client(server: EventsServer, **security: str) -> speakeasy.Speakeasy:
    return speakeasy.Speakeasy(
        security=shared.Security(**security),  # type: ignore[arg-type]
        workspace_id="ws",
        server_url=server.url,
        retry_config=NO_RETRIES,
    )


@pytest.fixture
def echo_client(on_edge: Any) -> Any:
    """``_echo_client`` calling through the test's edge."""
    return lambda server, **security: on_edge(_echo_client(server, **security))


@pytest.fixture
def open_server() -> Iterator[EventsServer]:
    """A server that takes any key (so that odd keys reach the scripted reply)."""
    yield from serving(api_key=None)


@pytest.mark.parametrize("status", [401, 500])
@pytest.mark.parametrize("form", range(5))
def test_escaped_echoes_of_the_key_are_redacted(
    echo_client: Any, open_server: EventsServer, status: int, form: int
) -> None:
    """A key echoed JSON-escaped (\\/, \\u002b, all \\uXXXX) never reaches str(exc) or .body."""
    echoed = json_spellings(SLASHED_KEY)[form]
    body = '{"message": "key ' + echoed + ' refused", "detail": "' + echoed + '"}'
    open_server.replies.append(Reply(status, body=body, headers={"Content-Type": "text/plain"}))
    with pytest.raises(errors.SDKError) as info:
        echo_client(open_server, api_key=SLASHED_KEY).events.post_workspace_events(make_request())
    assert info.value.body.count("***") == 2
    for spelling in json_spellings(SLASHED_KEY):
        assert spelling not in rendered(info.value)


def test_a_key_cut_by_the_body_cap_is_still_redacted(
    echo_client: Any, open_server: EventsServer
) -> None:
    """An echo straddling the 1 MiB cap: redacted before the body is cut, no prefix left."""
    from speakeasy._answers import MAX_BODY_BYTES

    for offset in (5, 10, len(SLASHED_KEY) - 1):
        body = "x" * (MAX_BODY_BYTES - offset) + SLASHED_KEY + "y" * 100
        open_server.replies.append(Reply(500, body=body))
        with pytest.raises(errors.SDKError) as info:
            echo_client(open_server, api_key=SLASHED_KEY).events.post_workspace_events(
                make_request()
            )
        tail = info.value.body[-200:]
        assert len(info.value.body) == MAX_BODY_BYTES
        assert "***" in tail
        assert not any(SLASHED_KEY[:n] in tail for n in range(3, len(SLASHED_KEY) + 1))


def test_loopback_requests_bypass_an_environment_proxy(
    server: EventsServer,
    other_server: EventsServer,
    make_client: MakeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HTTP_PROXY set: a loopback server is still reached directly; the proxy sees nothing."""
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", other_server.url)
    monkeypatch.setenv("http_proxy", other_server.url)
    session = requests.Session()
    assert session.merge_environment_settings(server.url, {}, True, None, None)["proxies"]
    make_client().events.post_workspace_events(make_request(), NO_RETRIES)
    assert server.request_count == 1
    assert other_server.received == []


def test_calls_after_close_raise(server: EventsServer, make_client: MakeClient) -> None:
    """After close() (or leaving ``with``), a call raises ClientClosedError and sends nothing."""
    with make_client(workspace_id="ws") as client:
        client.events.post_workspace_events(make_request())
    with pytest.raises(errors.ClientClosedError, match="closed"):
        client.events.post_workspace_events(make_request())
    with pytest.raises(errors.ClientClosedError):
        client.events.search_workspace_events()
    assert server.request_count == 1
    assert isinstance(errors.ClientClosedError("x"), RuntimeError)


def test_url_credentials_are_refused_without_echo() -> None:
    """userinfo in server_url would replace the SDK's credentials: refused, never echoed."""
    with pytest.raises(errors.ValidationError) as info:
        speakeasy.Speakeasy(server_url="https://user:pa55word@events.example.com/")
    assert info.value.field == "server_url"
    assert "pa55word" not in str(info.value)


def test_environment_supplies_key_and_workspace(
    on_edge: Any, server: EventsServer, monkeypatch: pytest.MonkeyPatch, api_key: Any
) -> None:
    """SPEAKEASY_API_KEY and SPEAKEASY_WORKSPACE_ID fill what the constructor was not given."""
    from tests.support.hostile import API_KEY

    monkeypatch.setenv("SPEAKEASY_API_KEY", API_KEY)
    monkeypatch.setenv("SPEAKEASY_WORKSPACE_ID", "ws-env")
    client = on_edge(speakeasy.Speakeasy(server_url=server.url))
    client.events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=[cli_event()])
    )
    assert server.received[-1].path == "/v1/workspace/ws-env/events"
    assert API_KEY not in repr(client)


def test_explicit_arguments_win_over_the_environment(
    on_edge: Any, server: EventsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key or workspace given to the constructor is used, whatever the environment says."""
    from tests.support.hostile import API_KEY

    monkeypatch.setenv("SPEAKEASY_API_KEY", "sk-from-env")
    monkeypatch.setenv("SPEAKEASY_WORKSPACE_ID", "ws-env")
    client = on_edge(
        speakeasy.Speakeasy(
            security=shared.Security(api_key=API_KEY), workspace_id="ws-arg", server_url=server.url
        )
    )
    client.events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=[cli_event()])
    )
    assert server.received[-1].path == "/v1/workspace/ws-arg/events"
    assert server.received[-1].headers["x-api-key"] == API_KEY


def test_a_malformed_environment_key_is_named_not_echoed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bad SPEAKEASY_API_KEY raises naming the variable, never its value."""
    monkeypatch.setenv("SPEAKEASY_API_KEY", "sk-bad\nkey")
    with pytest.raises(errors.ValidationError, match="SPEAKEASY_API_KEY") as info:
        speakeasy.Speakeasy(server_url="http://127.0.0.1:1")
    assert "sk-bad" not in str(info.value)


class _Preloaded(requests.adapters.BaseAdapter):
    """A hand-written test double: answers with a Response whose content is already loaded."""

    def __init__(self, status: int, body: bytes) -> None:
        super().__init__()
        self.status, self.body = status, body

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        response = requests.Response()
        response.status_code = self.status
        response._content = self.body
        response.headers["Content-Type"] = "application/json"
        response.request = request
        response.url = request.url or ""
        return response

    def close(self) -> None:
        pass


@pytest.mark.parametrize("status", [200, 500])
def test_an_adapter_answering_with_loaded_content_works(status: int) -> None:
    """A Response without ``raw`` (content set directly) is read like any other.

    Sync only: a requests adapter is the sync edge's own extension point."""
    session = requests.Session()
    body = b"[]" if status == 200 else b'{"message": "boom", "status_code": 500}'
    session.mount("https://", _Preloaded(status, body))
    client = speakeasy.Speakeasy(
        server_url="https://events.example.com",
        workspace_id="ws",
        client=session,
        retry_config=NO_RETRIES,
    )
    if status == 200:
        assert client.events.post_workspace_events(make_request()).status_code == 200
        assert client.events.search_workspace_events().cli_event_batch == []
    else:
        with pytest.raises(errors.Error, match="boom"):
            client.events.post_workspace_events(make_request())


def test_bearer_token_and_workspace_identifier_are_redacted_too(
    echo_client: Any,
    open_server: EventsServer,
) -> None:
    """Every secret header the request carried is redacted, escaped or not."""
    body = json.dumps({"saw": [BEARER, WORKSPACE_SECRET]}).replace("/", "\\/")
    open_server.replies.append(Reply(403, body=body))
    client = echo_client(open_server, bearer=BEARER, workspace_identifier=WORKSPACE_SECRET)
    with pytest.raises(errors.SDKError) as info:
        client.events.post_workspace_events(make_request())
    text = rendered(info.value)
    for secret in (BEARER, WORKSPACE_SECRET):
        for spelling in json_spellings(secret):
            assert spelling not in text


def test_security_fields_become_their_headers(echo_client: Any, open_server: EventsServer) -> None:
    """api_key -> x-api-key, bearer -> Authorization: Bearer, workspace_identifier -> its header."""
    client = echo_client(open_server, api_key="k1", bearer="t1", workspace_identifier="w1")
    client.events.post_workspace_events(make_request())
    headers = open_server.received[-1].headers
    assert headers["x-api-key"] == "k1"
    assert headers["authorization"] == "Bearer t1"
    assert headers["x-workspace-identifier"] == "w1"


def test_a_bearer_prefix_is_not_doubled(echo_client: Any, open_server: EventsServer) -> None:
    """A token given as "Bearer t" is sent as it is."""
    echo_client(open_server, bearer="Bearer t2").events.post_workspace_events(make_request())
    assert open_server.received[-1].headers["authorization"] == "Bearer t2"
