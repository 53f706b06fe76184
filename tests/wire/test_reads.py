"""The three reads on the wire: query, path, retries, decoding, and every way an answer fails."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List
from urllib.parse import parse_qsl

import pytest

import speakeasy
from speakeasy.models import errors, operations, shared
from speakeasy.testing import EventsServer, Reply
from tests.support.edges import BROKEN_BODY
from tests.support.factories import FAST_RETRIES, NO_RETRIES, T0, cli_event


def _client(sdk, server: EventsServer, **kwargs: Any) -> speakeasy.Speakeasy:
    kwargs.setdefault("security", shared.Security(api_key="test-key"))
    kwargs.setdefault("workspace_id", "ws-1")
    kwargs.setdefault("retry_config", FAST_RETRIES)
    return sdk(server_url=server.url, **kwargs)


def _post(client: speakeasy.Speakeasy, *events: shared.CliEvent, **kwargs: Any) -> None:
    client.events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=list(events), **kwargs)
    )


def _query(server: EventsServer) -> List[tuple[str, str]]:
    return parse_qsl(server.received[-1].query, keep_blank_values=True)


def wire_event(**overrides: Any) -> Dict[str, Any]:
    """An event as the API sends it."""
    data: Dict[str, Any] = {
        "created_at": "2024-11-21T06:58:42.120Z",
        "execution_id": "exec-1",
        "id": "evt-1",
        "interaction_type": "CLI_EXEC",
        "local_started_at": "2024-11-21T06:58:42+01:00",
        "speakeasy_api_key_name": "key",
        "speakeasy_version": "1.0.0",
        "success": True,
        "workspace_id": "ws-1",
    }
    data.update(overrides)
    return data


# --------------------------------------------------------------------------- the request


def test_search_sends_set_filters_in_model_order_as_the_contract_spells_them(
    sdk,
    server: EventsServer,
) -> None:
    """Booleans true/false, enums by value, ints as digits; unset filters are not sent."""
    _client(sdk, server).events.search_workspace_events(
        operations.SearchWorkspaceEventsRequest(
            limit=5,
            success=False,
            interaction_type=shared.InteractionType.TARGET_GENERATE,
            generate_gen_lock_id="lock 1/2",
            execution_id="exec-9",
        )
    )
    assert server.received[-1].method == "GET"
    assert server.received[-1].path == "/v1/workspace/ws-1/events"
    assert _query(server) == [
        ("generate_gen_lock_id", "lock 1/2"),
        ("interaction_type", "TARGET_GENERATE"),
        ("execution_id", "exec-9"),
        ("success", "false"),
        ("limit", "5"),
    ]
    assert server.received[-1].headers["accept"] == "application/json"
    assert "content-type" not in server.received[-1].headers


def test_search_without_filters_sends_no_query(sdk, server: EventsServer) -> None:
    """An empty request (or none at all) sends the bare path."""
    _client(sdk, server).events.search_workspace_events()
    _client(sdk, server).events.search_workspace_events(operations.SearchWorkspaceEventsRequest())
    assert [r.query for r in server.received] == ["", ""]


@pytest.mark.parametrize(
    ("when", "wire"),
    [
        (
            datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=timezone.utc),
            "2024-05-01T12:00:00.123000Z",
        ),
        (
            datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=10))),
            "2024-05-01T12:00:00+10:00",
        ),
    ],
)
def test_date_time_filters_are_rfc3339(
    sdk, server: EventsServer, when: datetime, wire: str
) -> None:
    """after_created_at is RFC 3339 with its offset, UTC as Z (percent-encoded in the URL)."""
    _client(sdk, server).events.get_workspace_events_by_target(
        operations.GetWorkspaceEventsByTargetRequest(target_id="t", after_created_at=when)
    )
    assert _query(server) == [("after_created_at", wire)]


def test_a_target_id_stays_one_path_segment(sdk, server: EventsServer) -> None:
    """A / in a target id is percent-encoded, not a new segment (the anchors send it raw)."""
    _client(sdk, server).events.get_workspace_events_by_target(
        operations.GetWorkspaceEventsByTargetRequest(target_id="t/1 x", workspace_id="w s")
    )
    assert server.received[-1].path == ("/v1/workspace/w%20s/events/targets/t%2F1%20x/events")


def test_request_workspace_wins_then_the_clients(sdk, server: EventsServer) -> None:
    """workspace_id on the request, else the client's."""
    client = _client(sdk, server)
    client.events.search_workspace_events({"workspace_id": "ws-req"})
    client.events.search_workspace_events({})
    assert [r.path for r in server.received] == [
        "/v1/workspace/ws-req/events",
        "/v1/workspace/ws-1/events",
    ]


def test_no_workspace_anywhere_sends_nothing(sdk, server: EventsServer) -> None:
    """Neither request nor client names a workspace: ValidationError, nothing sent."""
    client = _client(sdk, server, workspace_id=None)
    with pytest.raises(errors.ValidationError, match="workspace_id"):
        client.events.search_workspace_events()
    with pytest.raises(errors.ValidationError, match="workspace_id"):
        client.events.get_workspace_events_by_target({"target_id": "t"})
    assert server.received == []


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        ({"sucess": True}, "request.sucess"),
        ({"success": "yes"}, "request.success"),
        ({"limit": "10"}, "request.limit"),
        ({"limit": True}, "request.limit"),
        ({"interaction_type": 3}, "request.interaction_type"),
    ],
)
def test_bad_filters_are_named_and_nothing_is_sent(
    sdk, server: EventsServer, request_: Dict[str, Any], field: str
) -> None:
    """An unknown key or a wrong type names the field before any byte is sent."""
    with pytest.raises(errors.ValidationError) as info:
        _client(sdk, server).events.search_workspace_events(request_)
    assert info.value.field == field
    assert server.received == []


def test_target_id_is_required(sdk, server: EventsServer) -> None:
    """A by-target request without target_id names it."""
    with pytest.raises(errors.ValidationError, match="target_id"):
        _client(sdk, server).events.get_workspace_events_by_target({})
    assert server.received == []


# --------------------------------------------------------------------------- the answer


def test_posted_events_read_back_as_models(sdk, server: EventsServer) -> None:
    """Post two events, search them back: typed models, aware datetimes, newest first."""
    client = _client(sdk, server)
    older = cli_event(id="evt-old", created_at=T0, duration_ms=12)
    newer = cli_event(id="evt-new", created_at=T0 + timedelta(seconds=1), success=False)
    _post(client, older, newer)
    res = client.events.search_workspace_events()
    assert res.status_code == 200
    assert res.content_type.startswith("application/json")
    events = res.cli_event_batch
    assert events is not None
    assert [e.id for e in events] == ["evt-new", "evt-old"]
    assert events[1] == older
    assert events[0].created_at.tzinfo is not None


def test_unknown_fields_are_ignored_and_unknown_enums_kept_as_str(
    sdk, server: EventsServer
) -> None:
    """Forward compatible: a newer server's field and interaction type do not fail the call."""
    server.replies.append(
        Reply(200, body=[wire_event(interaction_type="HOLOGRAM", brand_new_field={"x": 1})])
    )
    (event,) = _client(sdk, server).events.search_workspace_events().cli_event_batch or []
    assert event.interaction_type == "HOLOGRAM"
    assert not hasattr(event, "brand_new_field")


def test_a_large_answer_is_read_whole(sdk, server: EventsServer) -> None:
    """A 3 MB answer (far past the 1 MiB error-body cap) decodes completely."""
    body = [wire_event(id=f"evt-{i}", raw_command="x" * 1000) for i in range(3000)]
    server.replies.append(Reply(200, body=body))
    events = _client(sdk, server).events.search_workspace_events().cli_event_batch or []
    assert len(events) == 3000
    assert events[-1].id == "evt-2999"


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (Reply(200, body="<html>hi</html>", headers={"Content-Type": "text/html"}), "content-type"),
        (Reply(200, body=b"[{", headers={"Content-Type": "application/json"}), "not valid JSON"),
        (Reply(200, body={"not": "a list"}), "expected an array of CliEvent, got object"),
        (Reply(200, body=[wire_event(), {"id": "x"}]), "[1]"),
        (Reply(200, body=[wire_event(created_at=None)]), "[0].created_at"),
        (Reply(200, body=[wire_event(success="yes")]), "[0].success"),
        (Reply(204), "status 204"),
    ],
)
def test_a_malformed_answer_is_an_sdk_error_saying_what_and_where(
    sdk, server: EventsServer, reply: Reply, says: str
) -> None:
    """Never a bare KeyError or JSONDecodeError: an SDKError with raw_response attached."""
    server.replies.append(reply)
    with pytest.raises(errors.SDKError) as info:
        _client(sdk, server).events.search_workspace_events()
    assert says in str(info.value)
    assert info.value.raw_response is not None
    assert info.value.status_code == reply.status


def test_4xx_is_an_sdk_error_and_5xx_json_an_error(sdk, server: EventsServer) -> None:
    """The same error mapping as posting."""
    server.replies.append(Reply(404, body="no such workspace"))
    with pytest.raises(errors.SDKError) as sdk_error:
        _client(sdk, server).events.search_workspace_events()
    assert sdk_error.value.status_code == 404
    server.replies.append(Reply(500, body={"message": "boom", "status_code": 500}))
    with pytest.raises(errors.Error, match="boom"):
        _client(sdk, server, retry_config=NO_RETRIES).events.search_workspace_events()


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_reads_are_retried(sdk, server: EventsServer, status: int) -> None:
    """Idempotent reads retry 408, 429, 500, 502, 503 and 504 (5.9.15 never retries a read)."""
    server.replies.extend([Reply(status), Reply(status, headers={"Retry-After": "0"})])
    res = _client(sdk, server).events.search_workspace_events()
    assert res.status_code == 200
    assert [r.status for r in server.received] == [status, status, 200]


def test_per_call_retries_override_the_clients(sdk, server: EventsServer) -> None:
    """retries=RetryConfig("none") on the call: one attempt, the 503 raised."""
    server.replies.append(Reply(503, body="down"))
    with pytest.raises(errors.SDKError):
        _client(sdk, server).events.search_workspace_events({}, NO_RETRIES)
    assert server.request_count == 1


def test_connection_errors_are_retried_on_reads(sdk, server: EventsServer) -> None:
    """A reset before the answer is retried like on posting."""
    server.replies.append(Reply(200, action="reset"))
    assert _client(sdk, server).events.search_workspace_events().status_code == 200
    assert server.request_count == 2


def test_a_400_on_a_read_is_not_retried(sdk, server: EventsServer) -> None:
    """A refused query is not repeated."""
    server.replies.append(Reply(400, body="bad limit"))
    with pytest.raises(errors.SDKError):
        _client(sdk, server).events.search_workspace_events()
    assert server.request_count == 1


def test_requests_session_errors_are_not_swallowed(sdk, server: EventsServer, edge: str) -> None:
    """With retries off, a network failure surfaces as the edge's exception (requests')."""
    server.replies.append(Reply(200, action="drop"))
    with pytest.raises(BROKEN_BODY[edge]):
        _client(sdk, server, retry_config=NO_RETRIES).events.search_workspace_events()
    # One attempt: nothing underneath resends the read (aiohttp would, by default).
    assert len(server.received) == 1


def test_answer_bytes_round_trip(sdk, server: EventsServer) -> None:
    """What the server answered is on raw_response, untouched."""
    body = [wire_event()]
    server.replies.append(Reply(200, body=body))
    res = _client(sdk, server).events.search_workspace_events()
    assert json.loads(res.raw_response.content) == body


def test_targets_read_back_as_models(sdk, server: EventsServer) -> None:
    """Targets built by the server from posted events arrive as TargetSDK models."""
    client = _client(sdk, server)
    _post(
        client,
        cli_event(id="g1", generate_gen_lock_id="lock-1", generate_target="python"),
        cli_event(
            id="p1",
            created_at=T0 + timedelta(seconds=5),
            generate_gen_lock_id="lock-1",
            interaction_type=shared.InteractionType.PUBLISH,
            publish_package_version="1.2.3",
        ),
    )
    res = client.events.get_workspace_targets(
        operations.GetWorkspaceTargetsRequest(after_last_event_created_at=T0)
    )
    assert _query(server) == [("after_last_event_created_at", "2024-11-21T06:58:42.120000Z")]
    (target,) = res.target_sdk_list or []
    assert isinstance(target, shared.TargetSDK)
    assert target.id == target.generate_gen_lock_id == "lock-1"
    assert target.last_event_id == "p1"
    assert target.last_event_interaction_type == shared.InteractionType.PUBLISH
    assert target.last_publish_created_at == T0 + timedelta(seconds=5)


def test_a_malformed_target_names_the_field(sdk, server: EventsServer) -> None:
    """A target without its required last_event_id: SDKError naming [0].last_event_id."""
    server.replies.append(
        Reply(
            200,
            body=[
                {
                    "generate_gen_lock_id": "l",
                    "generate_target": "python",
                    "id": "l",
                    "last_event_created_at": "2024-11-21T06:58:42Z",
                    "last_event_interaction_type": "CLI_EXEC",
                }
            ],
        )
    )
    with pytest.raises(errors.SDKError, match=r"\[0\]\.last_event_id: missing"):
        _client(sdk, server).events.get_workspace_targets()


def test_an_answer_over_the_read_bound_is_refused_unread(
    sdk, server: EventsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past MAX_RESPONSE_BYTES (256 MiB; 1 MiB here) the read stops: SDKError, not retried."""
    import speakeasy._events

    monkeypatch.setattr(speakeasy._events, "MAX_RESPONSE_BYTES", 1 << 20)
    server.replies.append(
        Reply(200, body_size=5 << 20, headers={"Content-Type": "application/json"})
    )
    with pytest.raises(errors.SDKError, match="larger than 1048576 bytes") as info:
        _client(sdk, server).events.search_workspace_events()
    assert info.value.status_code == 200
    assert server.request_count == 1
