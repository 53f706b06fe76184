"""Tests of the local events server itself, with stdlib clients only (not the SDK)."""

from __future__ import annotations

import http.client
import json
import logging
import re
import socket
import threading
import time
from contextlib import closing
from typing import Any, Dict, List, Optional, Tuple

import pytest

from speakeasy.testing import EventsServer, ReceivedRequest, Reply
from tests.support.local_server import (
    EVENT,
    JSON_HEADERS,
    KEY,
    NO_KEY,
    PATH,
    connect,
    error_of,
    event,
    post,
    send,
    wait_until,
)

# ----------------------------------------------------------------------------------------
# Normal handling
# ----------------------------------------------------------------------------------------


def test_valid_post_is_answered_200_and_stored(srv: EventsServer) -> None:
    events = [event(id="a"), event(id="b", duration_ms=12, generate_bump_type="minor")]
    status, headers, data = post(srv, events, path="/v1/workspace/team%2Fone/events?x=1")
    assert (status, data, headers["content-length"]) == (200, b"", "0")
    assert srv.events == events
    [rec] = srv.received
    assert isinstance(rec, ReceivedRequest)
    assert rec.method == "POST"
    assert rec.path == "/v1/workspace/team%2Fone/events"
    assert rec.query == "x=1"
    assert rec.workspace_id == "team/one"
    assert rec.events == events
    assert json.loads(rec.body) == events
    assert rec.json() == events
    assert rec.headers["content-type"] == "application/json"
    assert all(name == name.lower() for name in rec.headers)
    assert rec.api_key == KEY
    assert (rec.status, rec.error, rec.action) == (200, None, "respond")
    assert rec.received_at <= time.monotonic()


def test_keep_alive_reuses_one_connection(own_srv: EventsServer) -> None:
    srv = own_srv
    with closing(connect(srv)) as conn:
        for i in range(5):
            assert send(conn, [event(id=str(i))])[0] == 200
            assert srv.active_connections == 1
    assert [e["id"] for e in srv.events] == ["0", "1", "2", "3", "4"]


def test_empty_array_and_new_interaction_types_are_accepted(srv: EventsServer) -> None:
    assert post(srv, [])[0] == 200
    assert post(srv, [event(interaction_type="LINT")])[0] == 200
    assert [e["interaction_type"] for e in srv.events] == ["LINT"]


def test_chunked_request_body(srv: EventsServer) -> None:
    body = json.dumps([event(id="chunked")]).encode()
    with closing(connect(srv)) as conn:
        conn.putrequest("POST", PATH)
        for name, value in {**JSON_HEADERS, "transfer-encoding": "chunked"}.items():
            conn.putheader(name, value)
        conn.endheaders()
        for piece in (body[:10], body[10:50], body[50:]):
            conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
        conn.send(b"0\r\n\r\n")
        resp = conn.getresponse()
        assert (resp.status, resp.read()) == (200, b"")
        assert send(conn, [event(id="after")])[0] == 200  # the connection is still usable
    assert [e["id"] for e in srv.events] == ["chunked", "after"]
    assert srv.received[0].body == body


def test_concurrent_clients_are_all_recorded(srv: EventsServer) -> None:
    def client(n: int) -> None:
        with closing(connect(srv)) as conn:
            for i in range(10):
                assert send(conn, [event(id=f"{n}-{i}")])[0] == 200

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(srv.received) == 60
    assert sorted(e["id"] for e in srv.events) == sorted(
        f"{n}-{i}" for n in range(6) for i in range(10)
    )


def test_received_and_events_are_snapshots(srv: EventsServer) -> None:
    post(srv)
    srv.received.clear()
    srv.events.clear()
    assert len(srv.received) == 1 and len(srv.events) == 1


# ----------------------------------------------------------------------------------------
# Rejections, each answered like the API with an Error JSON body
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        pytest.param({"headers": NO_KEY}, 401, "missing API key", id="no-key"),
        pytest.param({"headers": {**NO_KEY, "x-api-key": ""}}, 401, "missing", id="empty-key"),
        pytest.param({"headers": {**NO_KEY, "x-api-key": "nope"}}, 401, "invalid", id="wrong-key"),
        pytest.param({"path": "/v1/workspace/ws/event"}, 404, "no route", id="other-path"),
        pytest.param({"path": "/v1/workspace//events"}, 404, "no route", id="empty-id"),
        pytest.param({"method": "PUT"}, 405, "not allowed", id="put"),
        pytest.param(
            {"headers": {**JSON_HEADERS, "content-type": "text/plain"}},
            415,
            "content-type",
            id="text",
        ),
        pytest.param({"headers": {"x-api-key": KEY}}, 415, "content-type", id="no-content-type"),
    ],
)
def test_request_level_rejections(
    srv: EventsServer, kwargs: Dict[str, Any], status: int, message: str
) -> None:
    response = post(srv, [EVENT], **kwargs)
    assert response[0] == status
    assert message in error_of(response)
    [rec] = srv.received
    assert rec.status == status and rec.error is not None and message in rec.error
    assert srv.events == []


def test_405_names_the_allowed_method_and_head_gets_no_body(srv: EventsServer) -> None:
    status, headers, _ = post(srv, None, method="PUT")
    assert (status, headers["allow"]) == (405, "GET, POST")
    status, headers, _ = post(srv, None, method="POST", path="/v1/workspace/ws-1/events/targets")
    assert (status, headers["allow"]) == (405, "GET")
    with closing(connect(srv)) as conn:
        conn.request("HEAD", PATH, headers=JSON_HEADERS)
        resp = conn.getresponse()
        assert (resp.status, resp.read()) == (405, b"")


def test_charset_parameter_is_accepted(srv: EventsServer) -> None:
    headers = {**JSON_HEADERS, "content-type": "application/json; charset=utf-8"}
    assert post(srv, [EVENT], headers=headers)[0] == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[{", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[NaN]", "not valid JSON"),
        (b"\xff[]", "UTF-8"),
        (json.dumps(EVENT).encode(), "must be a JSON array, got object"),
    ],
)
def test_body_rejections_400(srv: EventsServer, body: bytes, message: str) -> None:
    response = post(srv, body)
    assert response[0] == 400
    assert message in error_of(response)


@pytest.mark.parametrize(
    ("events", "message"),
    [
        pytest.param(
            [EVENT, EVENT, event(success="no")],
            "request_body[2].success: expected boolean",
            id="field-named",
        ),
        pytest.param([event(commit_head=None)], "request_body[0].commit_head: expected string, got null", id="null-optional"),  # noqa: E501
        pytest.param([event(success=None)], "request_body[0].success: expected boolean, got null", id="null-required"),  # noqa: E501
        pytest.param([event(surprise=1)], "request_body[0].surprise: unknown field", id="unknown-key"),  # noqa: E501
        pytest.param([{k: v for k, v in EVENT.items() if k != "id"}], "request_body[0].id: required field missing", id="missing"),  # noqa: E501
        pytest.param([event(created_at="2024-11-21T06:58:42.120")], "request_body[0].created_at", id="naive-date-time"),  # noqa: E501
        pytest.param([event(local_completed_at="2024-11-21 06:58:42Z")], "request_body[0].local_completed_at", id="space-date-time"),  # noqa: E501
        pytest.param([event(created_at="2024-02-30T06:58:42Z")], "request_body[0].created_at", id="no-such-day"),  # noqa: E501
        pytest.param([event(created_at="2024-11-21T06:58:42+24:00")], "request_body[0].created_at", id="bad-offset"),  # noqa: E501
        pytest.param([event(created_at=1732172322)], "request_body[0].created_at: expected string", id="epoch"),  # noqa: E501
        pytest.param([event(duration_ms=True)], "request_body[0].duration_ms: expected integer", id="bool-duration"),  # noqa: E501
        pytest.param([event(duration_ms=1.0)], "request_body[0].duration_ms: expected integer", id="float-duration"),  # noqa: E501
        pytest.param([event(duration_ms=2**63)], "request_body[0].duration_ms: integer out of int64", id="big-duration"),  # noqa: E501
        pytest.param([event(generate_bump_type="huge")], "request_body[0].generate_bump_type: expected one of", id="bump"),  # noqa: E501
        pytest.param([event(interaction_type="")], "request_body[0].interaction_type: expected a non-empty", id="empty-interaction"),  # noqa: E501
        pytest.param([event(generate_published="true")], "request_body[0].generate_published: expected boolean", id="str-bool"),  # noqa: E501
        pytest.param([EVENT, [EVENT]], "request_body[1]: expected object, got array", id="not-object"),  # noqa: E501
    ],
)  # fmt: skip
def test_event_violations_422(srv: EventsServer, events: List[Any], message: str) -> None:
    response = post(srv, events)
    assert response[0] == 422
    assert message in error_of(response)
    assert srv.received[0].error is not None and message in srv.received[0].error
    assert srv.events == []  # nothing of a rejected batch is stored


@pytest.mark.parametrize(
    "value",
    [
        "2024-11-21T06:58:42Z",
        "2024-11-21T06:58:42.1Z",
        "2024-11-21T06:58:42.123456789Z",
        "2024-11-21T06:58:42+05:30",
        "2024-11-21T06:58:42.120-08:00",
        "2016-12-31T23:59:60Z",
    ],
)
def test_rfc3339_date_times_are_accepted(srv: EventsServer, value: str) -> None:
    assert post(srv, [event(created_at=value, local_completed_at=value)])[0] == 200


# ----------------------------------------------------------------------------------------
# Options
# ----------------------------------------------------------------------------------------


def test_max_body_bytes_413(srv: EventsServer) -> None:
    srv.max_body_bytes = 100
    response = post(srv, [EVENT])
    assert response[0] == 413
    assert "exceeds 100 bytes" in error_of(response)
    srv.max_body_bytes = 10_000
    assert post(srv, [EVENT])[0] == 200


def test_reject_event_422_stores_nothing_of_the_batch(srv: EventsServer) -> None:
    srv.reject_event = lambda e: str(e["id"]).startswith("poison")
    response = post(srv, [event(id="ok-1"), event(id="poison-1"), event(id="ok-2")])
    assert response[0] == 422
    assert "request_body[1]" in error_of(response)
    assert srv.events == []
    assert post(srv, [event(id="ok-3")])[0] == 200
    assert [e["id"] for e in srv.events] == ["ok-3"]


def test_record_false_keeps_only_counts(srv: EventsServer) -> None:
    srv.record = False
    assert post(srv, [EVENT, EVENT])[0] == 200
    assert post(srv, [event(success=1)])[0] == 422
    assert (srv.received, srv.events, srv.request_count, srv.event_count) == ([], [], 2, 2)
    srv.reset()
    assert (srv.record, srv.request_count, srv.event_count) == (True, 0, 0)


def test_server_delay(srv: EventsServer) -> None:
    srv.delay = 0.2
    started = time.monotonic()
    assert post(srv)[0] == 200
    assert time.monotonic() - started >= 0.2


def test_handler_overrides_normal_handling(srv: EventsServer) -> None:
    seen: List[ReceivedRequest] = []

    def handler(req: ReceivedRequest) -> Optional[Reply]:
        seen.append(req)
        return Reply(status=418) if req.workspace_id == "teapot" else None

    srv.handler = handler
    response = post(srv, path="/v1/workspace/teapot/events")
    assert response[0] == 418
    assert post(srv)[0] == 200
    assert [r.workspace_id for r in seen] == ["teapot", "ws-1"]
    assert [r.status for r in srv.received] == [418, 200]
    assert len(srv.events) == 1  # the handler's reply stored nothing


def test_handler_that_raises_gives_500(srv: EventsServer) -> None:
    def handler(req: ReceivedRequest) -> Optional[Reply]:
        raise RuntimeError("boom")

    srv.handler = handler
    logging.getLogger("speakeasy.testing").disabled = True
    try:
        response = post(srv)
    finally:
        logging.getLogger("speakeasy.testing").disabled = False
    assert response[0] == 500
    assert "boom" in error_of(response)


def test_reset_restores_defaults(srv: EventsServer) -> None:
    post(srv)
    srv.fail_next(2)
    srv.max_body_bytes = 1
    srv.reject_event = lambda e: True
    srv.delay = 5.0
    srv.handler = lambda r: Reply(500)
    srv.reset()
    assert srv.received == [] and srv.events == [] and len(srv.replies) == 0
    assert options(srv) == (None, None, 0.0, None)
    assert post(srv)[0] == 200


def options(server: EventsServer) -> Tuple[Any, ...]:
    return (server.max_body_bytes, server.reject_event, server.delay, server.handler)


def test_any_key_is_accepted_without_api_key() -> None:
    with EventsServer() as server:
        assert post(server, headers={**NO_KEY, "x-api-key": "whatever"})[0] == 200
        assert post(server, headers=NO_KEY)[0] == 401


def test_wait_for_requests(srv: EventsServer) -> None:
    srv.delay = 0.1
    thread = threading.Thread(target=post, args=(srv,))
    thread.start()
    try:
        assert [r.status for r in srv.wait_for_requests(1, timeout=5)] == [200]
        with pytest.raises(TimeoutError):
            srv.wait_for_requests(2, timeout=0.05)
    finally:
        thread.join()


# ----------------------------------------------------------------------------------------
# Scripted replies
# ----------------------------------------------------------------------------------------


def test_scripted_replies_are_fifo_then_normal_handling(srv: EventsServer) -> None:
    srv.replies.append(Reply(status=503))
    srv.replies.append(Reply(status=500, body={"message": "custom", "status_code": 500}))
    srv.replies.append(Reply(status=502, body="bad gateway", headers={"X-Extra": "1"}))
    srv.replies.append(Reply(status=200, body=b"\x00\x01"))
    with closing(connect(srv)) as conn:
        first = send(conn, [event(id="1")])
        second = send(conn, [event(id="2")])
        third = send(conn, [event(id="3")])
        fourth = send(conn, [event(id="4")])
        fifth = send(conn, [event(id="5")])
    assert error_of(first) and first[0] == 503
    assert json.loads(second[2]) == {"message": "custom", "status_code": 500}
    assert second[1]["content-type"] == "application/json"
    assert third[:1] == (502,) and third[2] == b"bad gateway"
    assert third[1]["content-type"].startswith("text/plain") and third[1]["x-extra"] == "1"
    assert fourth[0] == 200 and fourth[2] == b"\x00\x01"
    assert fifth[0] == 200
    assert [r.status for r in srv.received] == [503, 500, 502, 200, 200]
    assert srv.received[0].error is not None and srv.received[-1].error is None
    assert [r.events for r in srv.received] == [[event(id=str(i))] for i in range(1, 6)]
    assert [e["id"] for e in srv.events] == ["5"]  # scripted replies store nothing


def test_fail_next_and_retry_after_passthrough(srv: EventsServer) -> None:
    srv.fail_next(3, status=503, headers={"Retry-After": "1"})
    assert len(srv.replies) == 3
    responses = [post(srv) for _ in range(4)]
    assert [r[0] for r in responses] == [503, 503, 503, 200]
    assert [r[1].get("retry-after") for r in responses] == ["1", "1", "1", None]
    assert len(srv.events) == 1


def test_reply_headers_override_defaults(srv: EventsServer) -> None:
    srv.replies.append(
        Reply(status=503, body=b"<html/>", headers={"content-type": "text/html", "Location": "/x"})
    )
    status, headers, data = post(srv)
    assert (status, headers["content-type"], headers["location"], data) == (
        503,
        "text/html",
        "/x",
        b"<html/>",
    )


def test_scripted_reply_delay(srv: EventsServer) -> None:
    srv.replies.append(Reply(status=200, delay=0.2))
    started = time.monotonic()
    assert post(srv)[0] == 200
    assert time.monotonic() - started >= 0.2


def test_action_drop_closes_without_response(srv: EventsServer) -> None:
    srv.replies.append(Reply(action="drop"))
    with closing(connect(srv)) as conn, pytest.raises(http.client.RemoteDisconnected):
        send(conn, [EVENT])
    [rec] = srv.received
    assert (rec.status, rec.action, rec.events) == (0, "drop", [EVENT])
    assert post(srv)[0] == 200  # the server goes on


def test_action_reset_sends_rst(srv: EventsServer) -> None:
    srv.replies.append(Reply(action="reset"))
    with closing(connect(srv)) as conn, pytest.raises(ConnectionResetError):
        send(conn, [EVENT])
    assert [(r.status, r.action) for r in srv.received] == [(0, "reset")]
    assert post(srv)[0] == 200


def test_action_reset_mid_body(srv: EventsServer) -> None:
    srv.replies.append(Reply(status=200, body=b"y" * 100, action="reset_mid_body"))
    with closing(connect(srv)) as conn:
        conn.request("POST", PATH, body=json.dumps([EVENT]), headers=JSON_HEADERS)
        resp = conn.getresponse()
        assert resp.status == 200
        assert int(resp.headers["content-length"]) > 100
        with pytest.raises((http.client.IncompleteRead, ConnectionResetError)):
            resp.read()
    assert [(r.status, r.action) for r in srv.received] == [(200, "reset_mid_body")]
    assert srv.events == []


def test_action_endless_stops_when_the_client_closes(own_srv: EventsServer) -> None:
    srv = own_srv
    srv.replies.append(Reply(status=200, action="endless"))
    with closing(connect(srv)) as conn:
        conn.request("POST", PATH, body=json.dumps([EVENT]), headers=JSON_HEADERS)
        resp = conn.getresponse()
        assert resp.status == 200
        assert resp.headers["transfer-encoding"] == "chunked"
        assert resp.read(1_000_000) == b"x" * 1_000_000
        resp.close()
    assert wait_until(lambda: srv.active_connections == 0), "the server kept writing"
    assert [(r.status, r.action) for r in srv.received] == [(200, "endless")]


def test_body_size_sends_a_large_body(srv: EventsServer) -> None:
    srv.replies.append(Reply(status=500, body_size=3_000_000))
    status, headers, data = post(srv)
    assert (status, headers["content-length"], len(data)) == (500, "3000000", 3_000_000)
    assert set(data) == {ord("x")}


def test_reply_validates_its_fields() -> None:
    with pytest.raises(ValueError):
        Reply(action="explode")
    with pytest.raises(ValueError):
        Reply(status=20)
    with pytest.raises(ValueError):
        Reply(body=b"x", body_size=10)


# ----------------------------------------------------------------------------------------
# Secrets, logging, lifecycle
# ----------------------------------------------------------------------------------------


def test_api_key_never_in_repr_or_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    secret = "sk-very-secret-0123"
    with EventsServer(api_key=secret, verbose=True) as server:
        with caplog.at_level(logging.DEBUG, logger="speakeasy.testing"):
            post(server, headers={**NO_KEY, "x-api-key": secret})
            post(server, headers={**NO_KEY, "x-api-key": secret}, path="/nope")
            post(server, headers={**NO_KEY, "x-api-key": "wrong-" + secret})
        rec = server.received[0]
        assert rec.api_key == secret and rec.headers["x-api-key"] == secret
        for text in (repr(rec), str(rec), repr(rec.headers), repr(server), str(server)):
            assert secret not in text
        assert "'x-api-key': '***'" in repr(rec)
        assert secret not in repr(server.received)
    lines = [r.getMessage() for r in caplog.records]
    assert any(
        "POST /v1/workspace/ws-1/events events=1" in line and "200" in line for line in lines
    )
    assert any("/nope" in line and "404" in line for line in lines)
    assert not any(secret in line or "speakeasy_api_key_name" in line for line in lines)


def test_quiet_by_default(caplog: pytest.LogCaptureFixture, srv: EventsServer) -> None:
    with caplog.at_level(logging.DEBUG, logger="speakeasy.testing"):
        post(srv)
        post(srv, path="/nope")
    assert caplog.records == []


def test_stop_is_prompt_with_open_keep_alive_connections() -> None:
    server = EventsServer(api_key=KEY).start()
    url = server.url
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
    idle = connect(server)
    busy = connect(server)
    try:
        assert send(idle, [EVENT])[0] == 200  # keep-alive: the connection stays open
        server.replies.append(Reply(delay=30))
        busy.request("POST", PATH, body=json.dumps([EVENT]), headers=JSON_HEADERS)
        assert wait_until(lambda: len(server.received) == 1 + 1)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 2.0
        assert not server.running and server.active_connections == 0
        with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
            busy.getresponse().read()
    finally:
        idle.close()
        busy.close()
    server.stop()  # idempotent
    with (
        pytest.raises(OSError),
        socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=1),
    ):
        pass


# ----------------------------------------------------------------------------------------
# Unfilled path placeholders (what generated 5.x clients send when no workspace is set)
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "named"),
    [
        ("POST", "/v1/workspace/%7BworkspaceID%7D/events", "workspaceID"),
        ("POST", "/v1/workspace/%7Bworkspace_id%7D/events", "workspaceID"),
        ("POST", "/v1/workspace/{workspaceID}/events", "workspaceID"),
        ("GET", "/v1/workspace/%7BworkspaceID%7D/events", "workspaceID"),
        ("GET", "/v1/workspace/%7Bworkspace_id%7D/events/targets", "workspaceID"),
        ("GET", "/v1/workspace/%7BworkspaceID%7D/events/targets/t/events", "workspaceID"),
        ("GET", "/v1/workspace/ws-1/events/targets/%7BtargetID%7D/events", "targetID"),
        ("GET", "/v1/workspace/ws-1/events/targets/%7Btarget_id%7D/events", "targetID"),
    ],
)
@pytest.mark.parametrize("headers", [JSON_HEADERS, NO_KEY], ids=["key", "no-key"])
def test_unfilled_placeholder_gets_400_naming_it(
    srv: EventsServer, method: str, path: str, named: str, headers: Dict[str, str]
) -> None:
    response = post(srv, [EVENT], method=method, path=path, headers=headers)
    assert response[0] == 400
    message = error_of(response)
    assert message.startswith(f"{named}: the path holds the unfilled placeholder")
    placeholder = path.replace("%7B", "{").replace("%7D", "}").split("/")
    assert any(f"'{segment}'" in message for segment in placeholder if segment.startswith("{"))
    assert srv.events == []


def test_names_that_only_look_like_placeholders_are_fine(srv: EventsServer) -> None:
    for workspace in ("workspaceID", "%7Bws%7D", "%7BworkspaceID%7D-2"):
        assert post(srv, [EVENT], path=f"/v1/workspace/{workspace}/events")[0] == 200
