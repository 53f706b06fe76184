"""Odd error bodies: malformed JSON, foreign shapes, huge and endless bodies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from speakeasy._answers import MAX_BODY_BYTES
from speakeasy.models import errors
from speakeasy.testing import EventsServer, Reply
from tests.support.edges import async_pool
from tests.support.factories import NO_RETRIES
from tests.support.hostile import MakeClient, make_request

JSON = {"Content-Type": "application/json"}


def post(make_client: MakeClient) -> Any:
    return make_client().events.post_workspace_events(make_request(), NO_RETRIES)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b'{"message": "cut off',
        b"\xff\xfe\x00 not utf-8",
        b"NaN garbage",
    ],
)
def test_5xx_json_that_does_not_parse_is_sdk_error(
    server: EventsServer, make_client: MakeClient, body: bytes
) -> None:
    """Invalid JSON under application/json: SDKError with the status and the body text."""
    server.replies.append(Reply(500, body=body, headers=JSON))
    with pytest.raises(errors.SDKError) as info:
        post(make_client)
    assert info.value.status_code == 500
    assert info.value.body == body.decode("utf-8", "replace")


@pytest.mark.parametrize(
    "data",
    [
        [],
        ["message", 500],
        "just a string",
        42,
        None,
        {},
        {"message": "m"},
        {"status_code": 500},
        {"message": 5, "status_code": 500},
        {"message": "m", "status_code": "500"},
        {"message": "m", "status_code": True},
        {"message": "m", "status_code": 500.5},
        {"message": {"text": "m"}, "status_code": 500},
        {"error": {"message": "m", "status_code": 500}},
    ],
)
def test_5xx_json_of_another_shape_is_sdk_error(
    server: EventsServer, make_client: MakeClient, data: Any
) -> None:
    """JSON that is not the Error model: SDKError, never KeyError/AttributeError/TypeError."""
    server.replies.append(Reply(502, body=json.dumps(data).encode(), headers=JSON))
    with pytest.raises(errors.SDKError) as info:
        post(make_client)
    assert info.value.status_code == 502
    assert json.loads(info.value.body) == data


def test_deeply_nested_json_is_sdk_error(server: EventsServer, make_client: MakeClient) -> None:
    """200,000 nested arrays would blow the parser's stack: SDKError, not RecursionError."""
    body = b"[" * 200_000 + b"]" * 200_000
    server.replies.append(Reply(500, body=body, headers=JSON))
    with pytest.raises(errors.SDKError) as info:
        post(make_client)
    assert info.value.status_code == 500
    assert len(info.value.body) == len(body)


def test_error_model_body_is_error(server: EventsServer, make_client: MakeClient) -> None:
    """The contract's Error JSON on a 5XX becomes errors.Error (the counterpart of the above)."""
    server.replies.append(Reply(503, body={"message": "down for maintenance", "status_code": 503}))
    with pytest.raises(errors.Error) as info:
        post(make_client)
    assert info.value.message == "down for maintenance"
    assert info.value.status_code == 503


def test_json_plus_suffix_media_type_is_parsed(
    server: EventsServer, make_client: MakeClient
) -> None:
    """application/problem+json is JSON too."""
    body = b'{"message": "m", "status_code": 500}'
    server.replies.append(
        Reply(500, body=body, headers={"Content-Type": "application/problem+json"})
    )
    with pytest.raises(errors.Error):
        post(make_client)


@pytest.mark.parametrize("charset", ["no-such-charset", "zlib", "idna", "punycode", "undefined"])
def test_unusable_charset_is_read_as_utf8(
    server: EventsServer, make_client: MakeClient, charset: str
) -> None:
    """A charset Python lacks, or a codec that is not a text charset, falls back to UTF-8."""
    headers = {"Content-Type": f"text/plain; charset={charset}"}
    server.replies.append(Reply(500, body=b"broken \xe2\x82\xac", headers=headers))
    with pytest.raises(errors.SDKError) as info:
        post(make_client)
    assert info.value.body == "broken \u20ac"


def test_undeclared_charset_is_read_as_utf8(server: EventsServer, make_client: MakeClient) -> None:
    """Without a charset the body is UTF-8 (with replacement), never a charset guess."""
    server.replies.append(Reply(500, body="Überlastet €".encode()))  # application/octet-stream
    with pytest.raises(errors.SDKError) as info:
        post(make_client)
    assert info.value.body == "Überlastet €"


@pytest.mark.parametrize("status", [500, 404])
def test_huge_error_body_is_capped(
    server: EventsServer, make_client: MakeClient, status: int
) -> None:
    """A 50 MB error body: SDKError.body holds the first 1 MiB only."""
    server.replies.append(Reply(status, body_size=50_000_000))
    with pytest.raises(errors.SDKError) as info:
        post(make_client)
    assert info.value.status_code == status
    assert len(info.value.body) == MAX_BODY_BYTES == 1024 * 1024
    assert info.value.raw_response is not None
    assert len(info.value.raw_response.content) == MAX_BODY_BYTES


def test_endless_error_body_is_capped(server: EventsServer, make_client: MakeClient) -> None:
    """A body that never ends: the call returns with 1 MiB of it (no hang, no memory blow-up)."""
    server.replies.append(Reply(503, action="endless"))
    with pytest.raises(errors.SDKError) as info:
        post(make_client)
    assert len(info.value.body) == MAX_BODY_BYTES


def test_endless_success_body_is_capped(server: EventsServer, make_client: MakeClient) -> None:
    """A 200 with an endless body still returns the response, its content capped."""
    server.replies.append(Reply(200, action="endless"))
    res = post(make_client)
    assert res.status_code == 200
    assert len(res.raw_response.content) == MAX_BODY_BYTES


@pytest.mark.parametrize("reply", [Reply(500, body_size=50_000_000), Reply(500, action="endless")])
def test_connection_of_capped_body_is_closed(
    server: EventsServer, make_client: MakeClient, reply: Reply, edge: str
) -> None:
    """The unread rest is not drained: the connection is closed, not put back in the pool."""
    server.replies.append(reply)
    client = make_client()
    with pytest.raises(errors.SDKError) as info:
        client.events.post_workspace_events(make_request(), NO_RETRIES)
    assert info.value.raw_response is not None
    if edge == "sync":
        assert info.value.raw_response.raw.closed
    else:
        assert async_pool(client) == (0, 0)


@pytest.mark.parametrize("reply", [Reply(500, body_size=50_000_000), Reply(500, action="endless")])
def test_next_call_works_after_capped_body(
    server: EventsServer, make_client: MakeClient, reply: Reply
) -> None:
    """The same client posts successfully after a capped body (a new connection is made)."""
    client = make_client()
    server.replies.append(reply)
    with pytest.raises(errors.SDKError):
        client.events.post_workspace_events(make_request(), NO_RETRIES)
    assert client.events.post_workspace_events(make_request(), NO_RETRIES).status_code == 200
    assert server.received[-1].status == 200


def test_body_of_exactly_the_cap_is_kept_whole(
    server: EventsServer, make_client: MakeClient
) -> None:
    """Exactly 1 MiB is kept whole."""
    server.replies.append(Reply(500, body_size=MAX_BODY_BYTES))
    with pytest.raises(errors.SDKError) as info:
        post(make_client)
    assert info.value.body == "x" * MAX_BODY_BYTES


def test_lying_content_encoding_keeps_the_status(
    server: EventsServer, make_client: MakeClient
) -> None:
    """A body that is not the gzip it claims: the status still decides (SDKError 500)."""
    headers = {"Content-Type": "text/plain", "Content-Encoding": "gzip"}
    server.replies.append(Reply(500, body=b"this is not gzip", headers=headers))
    with pytest.raises(errors.SDKError) as info:
        post(make_client)
    assert info.value.status_code == 500


def test_lying_content_encoding_on_success_still_succeeds(
    server: EventsServer, make_client: MakeClient
) -> None:
    """A 200 with an undecodable body is a success: the events were accepted."""
    server.replies.append(Reply(200, body=b"not gzip", headers={"Content-Encoding": "gzip"}))
    assert post(make_client).status_code == 200
