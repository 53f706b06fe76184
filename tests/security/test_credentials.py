"""The API key never shows: reprs, exceptions (of every kind the SDK raises), error bodies."""

from __future__ import annotations

import traceback
import types
from typing import Any, Iterator, List, Set

import pytest
import requests

import speakeasy
from speakeasy.models import errors, operations, shared
from speakeasy.testing import EventsServer, Reply
from speakeasy.utils import BackoffStrategy, RetryConfig
from tests.support.edges import BROKEN_BODY, NETWORK_ERROR, unwrap
from tests.support.factories import FAST_RETRIES, NO_RETRIES
from tests.support.hostile import API_KEY, MakeClient, make_request

BAD_KEYS = [
    API_KEY + "\r\nX-Injected: 1",
    API_KEY + "\n",
    " " + API_KEY,
    API_KEY + "\x00",
    API_KEY + "\u00e9",
]


def rendered(exc: BaseException) -> str:
    """Everything a log or a console could show of an exception: str, repr, traceback, causes."""
    return "\n".join(
        [str(exc), repr(exc), *traceback.format_exception(type(exc), exc, exc.__traceback__)]
    )


def walk(obj: Any, seen: Set[int], depth: int = 0) -> Iterator[Any]:
    """``obj`` and, recursively, the attributes of the SDK's own objects reachable from it."""
    if id(obj) in seen or depth > 6:
        return
    seen.add(id(obj))
    yield obj
    if type(obj).__module__.startswith("speakeasy") and hasattr(obj, "__dict__"):
        for value in vars(obj).values():
            yield from walk(value, seen, depth + 1)
    elif isinstance(obj, (list, tuple, set)):
        for value in obj:
            yield from walk(value, seen, depth + 1)
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from walk(value, seen, depth + 1)


def test_security_repr_and_str_hide_the_key() -> None:
    """repr(), str() and f-strings of Security mask the key."""
    sec = shared.Security(api_key=API_KEY)
    for text in (repr(sec), str(sec), f"{sec}", f"{sec!r}", repr([sec]), repr({"s": sec})):
        assert API_KEY not in text
    assert sec.api_key == API_KEY


@pytest.mark.parametrize("as_callable", [False, True])
def test_client_and_everything_it_holds_hide_the_key(
    make_client: MakeClient, as_callable: bool
) -> None:
    """repr/str of the client, its hooks, config, sub-SDK, session and every attribute within."""
    sec = shared.Security(api_key=API_KEY)
    client = make_client(
        security=(lambda: sec) if as_callable else sec,
        retry_config=FAST_RETRIES,
        workspace_id="ws",
    )
    client.events.post_workspace_events(make_request())  # caches and pools are filled
    objects = list(walk(unwrap(client), set()))
    assert len(objects) > 10
    for obj in [*objects, client.hooks, client.events, FAST_RETRIES, FAST_RETRIES.backoff]:
        assert API_KEY not in repr(obj)
        assert API_KEY not in str(obj)


def test_session_is_never_given_the_key(make_client: MakeClient, edge: str) -> None:
    """The key goes on each request, never into the session's headers (either edge's)."""
    client = make_client()
    client.events.post_workspace_events(make_request())
    session = client._sync.transport.session
    assert API_KEY not in repr(dict(session.headers))
    assert API_KEY not in repr(session.cookies)
    if edge == "async":
        aio = unwrap(client)._async.transport._session
        assert aio is not None
        assert API_KEY not in repr(dict(aio.headers))
        assert API_KEY not in repr(list(aio.cookie_jar))


@pytest.mark.parametrize("bad", BAD_KEYS)
def test_malformed_key_is_rejected_without_echo(server: EventsServer, bad: str) -> None:
    """A key requests could not send (CR/LF, padding, non-ASCII) fails before any byte, unquoted."""
    with pytest.raises(errors.ValidationError) as info:
        speakeasy.Speakeasy(security=shared.Security(api_key=bad), server_url=server.url)
    assert info.value.field == "security.api_key"
    assert API_KEY not in rendered(info.value)
    assert server.received == []


@pytest.mark.parametrize("bad", BAD_KEYS)
def test_malformed_key_from_callable_is_rejected_without_echo(
    server: EventsServer, make_client: MakeClient, bad: str
) -> None:
    """The same check applies to a key that a security callable returns at call time."""
    client = make_client(security=lambda: shared.Security(api_key=bad))
    with pytest.raises(errors.ValidationError) as info:
        client.events.post_workspace_events(make_request())
    assert API_KEY not in rendered(info.value)
    assert server.received == []


def test_requests_itself_would_echo_a_malformed_key() -> None:
    """Why the SDK checks first: requests' InvalidHeader quotes the header value."""
    request = requests.Request(
        "POST", "http://127.0.0.1:1/", headers={"x-api-key": API_KEY + "\r\nX: 1"}
    )
    with pytest.raises(requests.exceptions.InvalidHeader) as info:
        request.prepare()
    assert API_KEY in str(info.value)


@pytest.mark.parametrize("value", [12345, b"bytes-key"])
def test_key_of_wrong_type_is_rejected(value: Any) -> None:
    """A non-string key names the field and the type, not the value."""
    with pytest.raises(errors.FieldTypeError) as info:
        speakeasy.Speakeasy(security=shared.Security(api_key=value), server_url="https://h")
    assert info.value.field == "security.api_key"
    assert "bytes-key" not in str(info.value)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, action="drop"),
        Reply(200, action="reset"),
        Reply(200, action="reset_mid_body"),
        Reply(200, delay=0.5),
    ],
)
def test_network_exceptions_hide_the_key(
    server: EventsServer, make_client: MakeClient, reply: Reply, edge: str
) -> None:
    """Connection errors and timeouts, with their whole cause chain, never quote the key."""
    server.replies.append(reply)
    with pytest.raises(NETWORK_ERROR[edge]) as info:
        make_client(timeout_ms=100).events.post_workspace_events(make_request(), NO_RETRIES)
    assert API_KEY not in rendered(info.value)


def test_retried_then_exhausted_exception_hides_the_key(
    server: EventsServer, make_client: MakeClient, edge: str
) -> None:
    """The exception that ends a run of retries is as clean as a first one."""
    server.handler = lambda rec: Reply(200, action="reset")
    quick = RetryConfig("backoff", BackoffStrategy(1, 2, 1, 50), True)
    with pytest.raises(BROKEN_BODY[edge]) as info:
        make_client().events.post_workspace_events(make_request(), quick)
    assert API_KEY not in rendered(info.value)


@pytest.mark.parametrize("status", [400, 401, 404, 500, 503])
def test_status_errors_hide_the_key(
    server: EventsServer, make_client: MakeClient, status: int
) -> None:
    """SDKError and Error, as raised for ordinary statuses, never quote the key."""
    server.replies.append(Reply(status))
    with pytest.raises(errors.SpeakeasyError) as info:
        make_client().events.post_workspace_events(make_request(), NO_RETRIES)
    assert API_KEY not in rendered(info.value)


def test_key_echoed_in_an_error_body_is_redacted(
    server: EventsServer, make_client: MakeClient
) -> None:
    """A server that quotes the key back: SDKError.body and str() show *** instead."""
    server.replies.append(Reply(401, body=f"invalid key {API_KEY!r} for this workspace"))
    with pytest.raises(errors.SDKError) as info:
        make_client().events.post_workspace_events(make_request(), NO_RETRIES)
    assert info.value.body == "invalid key '***' for this workspace"
    assert API_KEY not in rendered(info.value)


def test_key_echoed_in_an_error_message_is_redacted(
    server: EventsServer, make_client: MakeClient
) -> None:
    """The same for the message of an Error model body."""
    server.replies.append(Reply(500, body={"message": f"bad key {API_KEY}", "status_code": 500}))
    with pytest.raises(errors.Error) as info:
        make_client().events.post_workspace_events(make_request(), NO_RETRIES)
    assert info.value.message == "bad key ***"
    assert API_KEY not in rendered(info.value)


def test_wrong_key_is_not_echoed_by_the_local_server(make_client: MakeClient) -> None:
    """A 401 for a wrong key: the exception names neither key."""
    client = make_client(security=shared.Security(api_key="sk-wrong-" + API_KEY[::-1]))
    with pytest.raises(errors.SDKError) as info:
        client.events.post_workspace_events(make_request(), NO_RETRIES)
    assert info.value.status_code == 401
    assert API_KEY[::-1] not in rendered(info.value)


def test_response_repr_hides_the_key(make_client: MakeClient) -> None:
    """The returned response's repr leaves out raw_response (whose request carries the key)."""
    res = make_client().events.post_workspace_events(make_request())
    assert isinstance(res, operations.PostWorkspaceEventsResponse)
    assert API_KEY not in repr(res)


def test_key_is_sent_only_as_the_header(server: EventsServer, make_client: MakeClient) -> None:
    """The key travels in x-api-key and nowhere else: not in the URL, not in the body."""
    make_client().events.post_workspace_events(make_request())
    (rec,) = server.received
    assert rec.api_key == API_KEY
    others: List[str] = [v for k, v in rec.headers.items() if k != "x-api-key"]
    assert all(API_KEY not in v for v in others)
    assert API_KEY not in rec.path + rec.query
    assert API_KEY.encode() not in rec.body


@pytest.mark.parametrize("header", ["Authorization", "proxy-authorization", "Cookie"])
def test_a_session_whose_headers_carry_credentials_is_refused_before_sending(
    server: EventsServer, edge: str, header: str
) -> None:
    """A caller's session (``client=`` or ``async_client=``) whose default headers carry
    credentials would send them with the SDK's key: refused on both edges, naming the
    setting and the header, before any byte is sent."""
    import asyncio

    import aiohttp

    request = make_request()
    if edge == "sync":
        session = requests.Session()
        session.headers[header] = "Bearer someone-elses"
        client = speakeasy.Speakeasy(
            security=shared.Security(api_key=API_KEY), server_url=server.url, client=session
        )
        with pytest.raises(errors.ValidationError) as info:
            client.events.post_workspace_events(request)
        session.close()
    else:

        async def main() -> errors.ValidationError:
            async with aiohttp.ClientSession(headers={header: "Bearer someone-elses"}) as mine:
                client = speakeasy.Speakeasy(
                    security=shared.Security(api_key=API_KEY),
                    server_url=server.url,
                    async_client=mine,
                )
                try:
                    await client.events.post_workspace_events_async(request)
                except errors.ValidationError as exc:
                    return exc
                raise AssertionError("not refused")

        info = types.SimpleNamespace(value=asyncio.run(main()))
    assert info.value.field == ("client" if edge == "sync" else "async_client")
    assert header in str(info.value)
    assert server.received == []
