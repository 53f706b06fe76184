"""What goes on the wire: body bytes, headers, path."""

from __future__ import annotations

import json
import typing
from datetime import datetime, timedelta, timezone

import dateutil.parser
from openapi_spec_validator.readers import read_from_filename

import speakeasy
from speakeasy.models import operations, shared
from speakeasy.testing._schema import CLI_EVENT_REQUIRED
from tests.support.contract import SPEC_PATH
from tests.support.factories import T0, event


def _client(sdk, server, **kwargs) -> speakeasy.Speakeasy:
    kwargs.setdefault("security", shared.Security(api_key="test-key"))
    kwargs.setdefault("workspace_id", "ws-1")
    return sdk(server_url=server.url, **kwargs)


def test_docs_example_runs_with_only_a_server_url_added(sdk, server):
    """The API docs' example, unchanged but for server_url, gets a 200."""
    s = sdk(
        security=shared.Security(
            api_key="test-key",
        ),
        workspace_id="string",
        server_url=server.url,
    )

    req = operations.PostWorkspaceEventsRequest(
        request_body=[
            shared.CliEvent(
                created_at=dateutil.parser.isoparse("2024-11-21T06:58:42.120Z"),
                execution_id="string",
                id="<ID>",
                interaction_type=shared.InteractionType.CLI_EXEC,
                local_started_at=dateutil.parser.isoparse("2024-05-07T12:35:47.182Z"),
                speakeasy_api_key_name="string",
                speakeasy_version="string",
                success=False,
                workspace_id="string",
            ),
        ],
    )

    res = s.events.post_workspace_events(req)

    assert res.status_code == 200
    assert server.events == [
        {
            "created_at": "2024-11-21T06:58:42.120000Z",
            "execution_id": "string",
            "id": "<ID>",
            "interaction_type": "CLI_EXEC",
            "local_started_at": "2024-05-07T12:35:47.182000Z",
            "speakeasy_api_key_name": "string",
            "speakeasy_version": "string",
            "success": False,
            "workspace_id": "string",
        }
    ]


def test_body_is_compact_json_with_sorted_keys(sdk, server):
    """The body bytes are a compact JSON array, keys sorted, like the generated SDKs."""
    _client(sdk, server).events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=[event(duration_ms=7)])
    )
    body = server.received[-1].body
    expected = json.dumps(server.received[-1].events, separators=(",", ":"), sort_keys=True)
    assert body == expected.encode()
    assert body.startswith(b'[{"created_at":"2024-11-21T06:58:42.120000Z","duration_ms":7,')


def test_unset_optional_fields_are_omitted_never_null(sdk, server):
    """Only the nine required keys are sent when nothing optional is set."""
    _client(sdk, server).events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=[event()])
    )
    (sent,) = server.received[-1].events
    assert sorted(sent) == sorted(CLI_EVENT_REQUIRED)  # the contract's, checked in tests/testing
    assert b"null" not in server.received[-1].body


def test_every_optional_field_is_sent_when_set(sdk, server):
    """Every optional field the server's schema knows reaches it with its value."""
    known = read_from_filename(str(SPEC_PATH))[0]["components"]["schemas"]["CliEvent"]
    hints = typing.get_type_hints(shared.CliEvent)
    values = {}
    for name in known["properties"]:
        if name in known["required"]:
            continue
        kind = typing.get_args(hints[name])[0]  # Optional[X] -> X
        if kind is str:
            values[name] = f"value-of-{name}"
        elif kind is int:
            values[name] = 2**63 - 1
        elif kind is bool:
            values[name] = True
        elif kind is datetime:
            values[name] = T0 + timedelta(seconds=3)
        else:  # an enum
            values[name] = list(kind)[-1]
    e = event(**values)
    _client(sdk, server).events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=[e])
    )
    (sent,) = server.received[-1].events
    assert len(sent) == len(known["properties"])
    for name, value in values.items():
        if isinstance(value, datetime):
            assert sent[name] == "2024-11-21T06:58:45.120000Z"
        else:
            assert sent[name] == value


def test_datetimes_keep_their_offset_and_utc_is_z(sdk, server):
    """Aware datetimes keep their offset; UTC is written with Z."""
    ist = timezone(timedelta(hours=5, minutes=30))
    e = event(
        created_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        local_started_at=datetime(2024, 1, 2, 8, 34, 5, 123456, tzinfo=ist),
    )
    _client(sdk, server).events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=[e])
    )
    (sent,) = server.received[-1].events
    assert sent["created_at"] == "2024-01-02T03:04:05Z"
    assert sent["local_started_at"] == "2024-01-02T08:34:05.123456+05:30"


def test_naive_datetime_is_sent_as_local_time_with_its_offset(sdk, server):
    """A naive datetime is taken as local time and sent with an explicit offset."""
    naive = datetime(2024, 6, 1, 12, 0, 0)
    _client(sdk, server).events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=[event(local_started_at=naive)])
    )
    (sent,) = server.received[-1].events
    parsed = dateutil.parser.isoparse(sent["local_started_at"])
    assert parsed.tzinfo is not None
    assert parsed == naive.astimezone()


def test_unknown_interaction_type_string_is_sent_as_is(sdk, server):
    """A value newer than the enum goes out unchanged."""
    _client(sdk, server).events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=[event(interaction_type="LINT")])
    )
    assert server.events[-1]["interaction_type"] == "LINT"


def test_headers_sent(sdk, server):
    """content-type, Accept, user-agent and x-api-key are set per the contract."""
    _client(sdk, server).events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=[event()])
    )
    got = server.received[-1]
    assert got.headers["content-type"] == "application/json"
    assert got.headers["accept"] == "application/json"
    assert got.headers["user-agent"].startswith(f"speakeasy-sdk/python {speakeasy.__version__} ")
    assert got.api_key == "test-key"
    assert got.method == "POST"
    assert got.path == "/v1/workspace/ws-1/events"


def test_empty_list_is_sent_as_empty_array(sdk, server):
    """An empty request body is a valid empty array."""
    _client(sdk, server).events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=[])
    )
    assert server.received[-1].body == b"[]"


def test_many_events_in_one_call_keep_their_order(sdk, server):
    """Every event of a call arrives, in order."""
    events = [event(id=f"evt-{i}") for i in range(500)]
    _client(sdk, server).events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=events)
    )
    assert [e["id"] for e in server.events] == [f"evt-{i}" for i in range(500)]


def test_response_object(sdk, server):
    """The response carries status, content type and the raw requests.Response."""
    res = _client(sdk, server).events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=[event()])
    )
    assert res.status_code == 200
    assert res.raw_response.status_code == 200
    assert isinstance(res.content_type, str)
