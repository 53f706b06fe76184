"""The four operations, called through upstream 5.9.15 and through this SDK, on the wire.

Both SDKs send the same calls to the same local events server; the requests it
received must be the same: method, path, query (names, values, order), body
bytes and the headers the API reads. Only the ``user-agent`` differs (it names
each SDK). Where this SDK differs on purpose, a test below says so.
"""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

import speakeasy
from speakeasy.models import operations, shared
from speakeasy.testing import EventsServer, ReceivedRequest
from tests.migrating.upstream._their_side import build_kwargs
from tests.migrating.upstream.conftest import Upstream

#: Headers compared (the API reads these); ``user-agent`` names each SDK and differs.
COMPARED = ("accept", "content-type", "x-api-key", "content-length")

EVENT = {
    "created_at": {"kind": "datetime", "value": [2024, 11, 21, 6, 58, 42, 120000, 0]},
    "execution_id": {"kind": "str", "value": "exec-1"},
    "id": {"kind": "str", "value": "evt-1"},
    "interaction_type": {"kind": "enum", "enum": "InteractionType", "value": "TARGET_GENERATE"},
    "local_started_at": {"kind": "datetime", "value": [2024, 11, 21, 7, 58, 42, 0, 60]},
    "speakeasy_api_key_name": {"kind": "str", "value": "key"},
    "speakeasy_version": {"kind": "str", "value": "1.453.2"},
    "success": {"kind": "bool", "value": False},
    "workspace_id": {"kind": "str", "value": "ws-1"},
    "generate_gen_lock_id": {"kind": "str", "value": "lock-1"},
    "generate_bump_type": {"kind": "enum", "enum": "GenerateBumpType", "value": "minor"},
    "lint_report_digest": {"kind": "str", "value": "sha256:abc"},
    "duration_ms": {"kind": "int", "value": 1234},
}
AFTER = {"kind": "datetime", "value": [2024, 5, 1, 12, 0, 0, 123000, 0]}
AFTER_OFFSET = {"kind": "datetime", "value": [2024, 5, 1, 12, 0, 0, 0, 600]}

CALLS: List[Dict[str, Any]] = [
    {
        "op": "post_workspace_events",
        "request": "PostWorkspaceEventsRequest",
        "fields": {},
        "events": [EVENT],
    },
    {
        "op": "post_workspace_events",
        "request": "PostWorkspaceEventsRequest",
        "fields": {"workspace_id": {"kind": "str", "value": "ws-other"}},
        "events": [EVENT, EVENT],
    },
    {"op": "search_workspace_events", "request": "SearchWorkspaceEventsRequest", "fields": {}},
    {
        "op": "search_workspace_events",
        "request": "SearchWorkspaceEventsRequest",
        "fields": {
            "generate_gen_lock_id": {"kind": "str", "value": "lock 1+2"},
            "interaction_type": {"kind": "enum", "enum": "InteractionType", "value": "LINT"},
            "lint_report_digest": {"kind": "str", "value": "sha256:abc"},
            "openapi_diff_report_digest": {"kind": "str", "value": "d&e=f"},
            "source_revision_digest": {"kind": "str", "value": "rev"},
        },
    },
    {
        "op": "get_workspace_events_by_target",
        "request": "GetWorkspaceEventsByTargetRequest",
        "fields": {"target_id": {"kind": "str", "value": "lock-1"}, "after_created_at": AFTER},
    },
    {
        "op": "get_workspace_events_by_target",
        "request": "GetWorkspaceEventsByTargetRequest",
        "fields": {
            "target_id": {"kind": "str", "value": "lock-1"},
            "after_created_at": AFTER_OFFSET,
            "workspace_id": {"kind": "str", "value": "ws-other"},
        },
    },
    {"op": "get_workspace_targets", "request": "GetWorkspaceTargetsRequest", "fields": {}},
    {
        "op": "get_workspace_targets",
        "request": "GetWorkspaceTargetsRequest",
        "fields": {"after_last_event_created_at": AFTER},
    },
]


def _wire(requests: List[ReceivedRequest]) -> List[Dict[str, Any]]:
    return [
        {
            "method": r.method,
            "path": r.path,
            "query": r.query,
            "body": r.body,
            "headers": {name: r.headers.get(name) for name in COMPARED},
        }
        for r in requests
    ]


def _ours(server: EventsServer, api_key: str) -> None:
    s = speakeasy.Speakeasy(
        security=shared.Security(api_key=api_key), workspace_id="ws-1", server_url=server.url
    )
    for call in CALLS:
        kwargs = build_kwargs(shared, call["fields"])
        if call["op"] == "post_workspace_events":
            kwargs["request_body"] = [
                shared.CliEvent(**build_kwargs(shared, e)) for e in call["events"]
            ]
        request = getattr(operations, call["request"])(**kwargs)
        assert getattr(s.events, call["op"])(request).status_code == 200


def test_every_operation_sends_the_same_request_as_5_9_15(
    upstream: Upstream, server: EventsServer, api_key: str
) -> None:
    """Posts, searches, events by target and targets: the same requests on the wire."""
    statuses = upstream.run(
        {
            "op": "calls",
            "server_url": server.url,
            "api_key": api_key,
            "workspace_id": "ws-1",
            "calls": CALLS,
        }
    )
    assert statuses == [200] * len(CALLS)
    theirs = _wire(server.received)
    server.reset()
    _ours(server, api_key)
    ours = _wire(server.received)
    assert len(ours) == len(theirs) == len(CALLS)
    for index, (mine, their) in enumerate(zip(ours, theirs)):
        assert mine == their, f"call {index} ({CALLS[index]['op']})"


@pytest.mark.no_contract_check  # 5.9.15's request has a path no operation matches
def test_a_slash_in_a_target_id_is_where_this_sdk_differs_on_purpose(
    upstream: Upstream, server: EventsServer, api_key: str
) -> None:
    """5.9.15 sends a / in target_id raw (a new path segment); this SDK keeps it in one."""
    call = {
        "op": "get_workspace_events_by_target",
        "request": "GetWorkspaceEventsByTargetRequest",
        "fields": {"target_id": {"kind": "str", "value": "a/b"}},
    }
    statuses = upstream.run(
        {
            "op": "calls",
            "server_url": server.url,
            "api_key": api_key,
            "workspace_id": "ws-1",
            "calls": [call],
        }
    )
    assert statuses == [404]  # a path of two segments: no such route
    assert server.received[-1].path == "/v1/workspace/ws-1/events/targets/a/b/events"
    s = speakeasy.Speakeasy(
        security=shared.Security(api_key=api_key), workspace_id="ws-1", server_url=server.url
    )
    s.events.get_workspace_events_by_target({"target_id": "a/b"})
    assert server.received[-1].path == "/v1/workspace/ws-1/events/targets/a%2Fb/events"
