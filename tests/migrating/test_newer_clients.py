"""What code written for the 7.x and TypeScript SDKs calls, on both edges: their method
names, the workspace-less targets read, per-call ``server_url=`` and ``http_headers=``,
and ``errors.Error.data``."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Iterator

import pytest

from speakeasy.models import errors, operations, shared
from speakeasy.testing import EventsServer, Reply
from tests.support.factories import NO_RETRIES, cli_event
from tests.support.local_server import serving

KEY = "newer-clients-key-0123"
Make = Callable[..., Any]


@pytest.fixture
def open_server() -> Iterator[EventsServer]:
    """A server of its own (no key check), so that the calls below choose the key."""
    yield from serving(api_key=None)


@pytest.fixture
def client(sdk: Make, open_server: EventsServer) -> Any:
    return sdk(
        security=shared.Security(api_key=KEY),
        workspace_id="ws-1",
        server_url=open_server.url,
        retry_config=NO_RETRIES,
    )


def _post(client: Any, name: str, **kwargs: Any) -> Any:
    request = operations.PostWorkspaceEventsRequest(request_body=[cli_event(id="evt-1")])
    return getattr(client.events, name)(request, **kwargs)


def test_the_7x_names_send_the_same_bytes(client: Any, open_server: EventsServer) -> None:
    """post and post_workspace_events: the same request on the wire."""
    _post(client, "post_workspace_events")
    _post(client, "post")
    first, second = open_server.received
    assert (first.method, first.path, first.body) == (second.method, second.path, second.body)
    assert first.headers == second.headers


@pytest.mark.parametrize(
    ("new", "old", "request_"),
    [
        ("search", "search_workspace_events", {"limit": 5}),
        ("get_events_by_target", "get_workspace_events_by_target", {"target_id": "lock-1"}),
        ("get_targets_deprecated", "get_workspace_targets", {}),
    ],
)
def test_the_7x_read_names_send_the_same_request(
    client: Any, open_server: EventsServer, new: str, old: str, request_: Any
) -> None:
    """Each 7.x name is the 5.x operation: same path, same query, same headers."""
    getattr(client.events, old)(dict(request_))
    getattr(client.events, new)(dict(request_))
    first, second = open_server.received
    assert (first.path, first.query) == (second.path, second.query)
    assert first.headers == second.headers


def test_get_targets_has_no_workspace_in_its_path(sdk: Make, open_server: EventsServer) -> None:
    """GET /v1/workspace/events/targets, with no workspace configured anywhere."""
    open_server.replies.append(Reply(200, body=[], headers={"Content-Type": "application/json"}))
    client = sdk(security=shared.Security(api_key=KEY), server_url=open_server.url)
    since = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    res = client.events.get_targets({"after_last_event_created_at": since})
    assert res.status_code == 200 and res.target_sdk_list == []
    (request,) = open_server.received
    assert request.path == "/v1/workspace/events/targets"
    assert request.query == "after_last_event_created_at=2026-01-02T03%3A04%3A05Z"


def test_get_targets_takes_7x_request_model_without_a_workspace(
    client: Any, open_server: EventsServer
) -> None:
    """7.x names the request GetWorkspaceTargetsRequest: accepted without a workspace,
    refused (nothing sent) with one, naming the field."""
    client.events.get_targets(operations.GetWorkspaceTargetsRequest())
    with pytest.raises(errors.ValidationError) as info:
        client.events.get_targets(operations.GetWorkspaceTargetsRequest(workspace_id="ws-2"))
    assert info.value.field == "request.workspace_id"
    assert [r.path for r in open_server.received] == ["/v1/workspace/events/targets"]


def test_per_call_server_url_sends_there(client: Any, open_server: EventsServer) -> None:
    """server_url= on a call sends that call (only) to that server."""
    with EventsServer(api_key=None) as other:
        _post(client, "post", server_url=other.url)
        assert [r.path for r in other.received] == ["/v1/workspace/ws-1/events"]
    assert open_server.received == []
    _post(client, "post")
    assert len(open_server.received) == 1


@pytest.mark.parametrize(
    "url",
    ["http://events.example.com", "https://user:pw@events.example.com", "ftp://x", "nope"],
)
def test_per_call_server_url_is_checked_like_the_clients(
    client: Any, open_server: EventsServer, url: str
) -> None:
    """Plain http to a remote host, userinfo, another scheme: refused before any byte."""
    with pytest.raises(errors.ValidationError) as info:
        _post(client, "post", server_url=url)
    assert info.value.field == "server_url"
    assert "pw" not in str(info.value)
    assert open_server.received == []


def test_http_headers_are_sent(client: Any, open_server: EventsServer) -> None:
    """Extra headers go out with the call; user-agent may be replaced."""
    _post(client, "post", http_headers={"X-Trace-Id": "abc-123", "User-Agent": "my-cli/1.0"})
    (request,) = open_server.received
    assert request.headers["x-trace-id"] == "abc-123"
    assert request.headers["user-agent"] == "my-cli/1.0"
    assert request.headers["x-api-key"] == KEY


@pytest.mark.parametrize(
    "name",
    [
        "x-api-key",
        "Authorization",
        "X-Workspace-Identifier",
        "content-type",
        "Content-Length",
        "transfer-encoding",
        "host",
        "accept-encoding",
        "Connection",
        # credentials of a proxy or a cookie jar, and hop-by-hop headers that change framing
        "Proxy-Authorization",
        "Cookie",
        "Expect",
        "Upgrade",
        "TE",
        "Trailer",
        "Keep-Alive",
        "Proxy-Connection",
    ],
)
def test_http_headers_cannot_replace_credentials_or_framing(
    client: Any, open_server: EventsServer, name: str
) -> None:
    """A reserved header is refused naming it, before any byte is sent."""
    with pytest.raises(errors.ValidationError) as info:
        _post(client, "post", http_headers={name: "value"})
    assert info.value.field == f"http_headers[{name!r}]"
    assert open_server.received == []


@pytest.mark.parametrize("name", ["expect", "Cookie", "PROXY-AUTHORIZATION", "upgrade"])
def test_reads_refuse_the_same_headers(client: Any, open_server: EventsServer, name: str) -> None:
    """A read (GET) checks ``http_headers`` as a post does: refused naming it, unsent."""
    with pytest.raises(errors.ValidationError) as info:
        client.events.search({"limit": 1}, http_headers={name: "value"})
    assert info.value.field == f"http_headers[{name!r}]"
    assert "value" not in str(info.value)
    assert open_server.received == []


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Evil": "a\r\nx-api-key: stolen"},
        {"X-Evil": "a\nb"},
        {"X-Evil": "nul\x00"},
        {"X-Evil": " padded"},
        {"X-Evil": "caf\u00e9"},
        {"Bad Name": "v"},
        {"X-Evil:": "v"},
        {"X-Ok": 3},
    ],
)
def test_http_headers_values_are_one_line(
    client: Any, open_server: EventsServer, headers: Any
) -> None:
    """CR, LF, NUL, outer spaces, non-ASCII, bad names and non-str values: refused, unsent."""
    with pytest.raises(errors.ValidationError) as info:
        _post(client, "post", http_headers=headers)
    assert info.value.field.startswith("http_headers")
    assert open_server.received == []


def test_error_has_the_7x_data(client: Any, open_server: EventsServer) -> None:
    """except errors.Error as e: e.data.message, e.data.status_code (as in 7.x)."""
    open_server.replies.append(
        Reply(
            503,
            body={"message": "down for maintenance", "status_code": 503},
            headers={"Content-Type": "application/json"},
        )
    )
    with pytest.raises(errors.Error) as info:
        _post(client, "post")
    data = info.value.data
    assert isinstance(data, errors.ErrorData)
    assert (data.message, data.status_code) == ("down for maintenance", 503)
    assert info.value.raw_response.status_code == 503
