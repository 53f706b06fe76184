"""openapi.yaml is a valid OpenAPI document, and assert_conforms can both pass and fail."""

from __future__ import annotations

import http.client
import json
from contextlib import closing
from typing import Any, Dict, Optional

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from speakeasy.testing import EventsServer, ReceivedRequest

try:
    from tests.contract import SPEC_PATH, assert_conforms
except ImportError:  # tests/ without __init__.py: pytest puts tests/ itself on sys.path
    from contract import SPEC_PATH, assert_conforms  # type: ignore[import-not-found,no-redef]

EVENT: Dict[str, Any] = {
    "created_at": "2024-11-21T06:58:42.120Z",
    "execution_id": "string",
    "id": "evt-1",
    "interaction_type": "CLI_EXEC",
    "local_started_at": "2024-05-07T12:35:47.182Z",
    "speakeasy_api_key_name": "string",
    "speakeasy_version": "string",
    "success": False,
    "workspace_id": "string",
}
PATH = "/v1/workspace/ws-1/events"


def record(
    server: EventsServer,
    body: Any,
    *,
    path: str = PATH,
    headers: Optional[Dict[str, str]] = None,
) -> ReceivedRequest:
    """Send one request with http.client and return what the server recorded."""
    if headers is None:
        headers = {"x-api-key": "test-key", "content-type": "application/json"}
    before = len(server.received)
    with closing(http.client.HTTPConnection(server.host, server.port, timeout=5)) as conn:
        conn.request("POST", path, body=json.dumps(body), headers=headers)
        conn.getresponse().read()
    return server.received[before]


def test_openapi_document_is_valid() -> None:
    spec, _ = read_from_filename(str(SPEC_PATH))
    validate(spec)


def test_openapi_document_matches_the_contract() -> None:
    spec, _ = read_from_filename(str(SPEC_PATH))
    assert spec["openapi"] == "3.0.3"
    assert spec["info"]["version"] == "0.4.0"
    assert spec["servers"][0]["url"] == "https://api.prod.speakeasyapi.dev"
    assert spec["components"]["securitySchemes"]["APIKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "x-api-key",
    }
    assert spec["security"] == [{"APIKey": []}]
    operation = spec["paths"]["/v1/workspace/{workspaceID}/events"]["post"]
    assert operation["operationId"] == "postWorkspaceEvents"
    assert operation["x-speakeasy-retries"] == {
        "strategy": "backoff",
        "backoff": {
            "initialInterval": 100,
            "maxInterval": 2000,
            "exponent": 1.5,
            "maxElapsedTime": 30000,
        },
        "statusCodes": [408, 500, 502, 503],
        "retryConnectionErrors": True,
    }
    assert set(operation["responses"]) == {"200", "4XX", "5XX"}
    cli_event = spec["components"]["schemas"]["CliEvent"]
    assert cli_event["additionalProperties"] is False
    assert len(cli_event["properties"]) == 45
    assert len(cli_event["required"]) == 9
    assert not any(p.get("nullable") for p in cli_event["properties"].values())
    assert spec["components"]["schemas"]["GenerateBumpType"]["enum"] == [
        "major",
        "minor",
        "patch",
        "custom",
        "none",
    ]


def test_valid_request_conforms(server: EventsServer) -> None:
    full = {
        **EVENT,
        "interaction_type": "PUBLISH",  # newer than the enum: still allowed
        "duration_ms": 1234,
        "generate_bump_type": "patch",
        "local_completed_at": "2024-05-07T12:35:48.182+02:00",
        "generate_published": True,
        "repo_label": "label",
    }
    rec = record(server, [EVENT, full], path="/v1/workspace/team%2Fone/events")
    assert rec.status == 200
    assert_conforms(rec, server.url)
    # The `server` fixture checks it again after the test.


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param(
            {"headers": {"content-type": "application/json"}}, "Security", id="missing-key-header"
        ),
        pytest.param(
            {"headers": {"content-type": "application/json", "x-api-key": ""}},
            "x-api-key",
            id="empty-key-header",
        ),
        pytest.param({"body": [{**EVENT, "commit_head": None}]}, "commit_head", id="null-optional"),
        pytest.param({"body": [{**EVENT, "surprise": 1}]}, "surprise", id="unknown-key"),
        pytest.param({"path": "/v1/workspaces/ws-1/events"}, "PathNotFound", id="wrong-path"),
        pytest.param(
            {"body": [{**EVENT, "created_at": "2024-11-21T06:58:42"}]},
            "date-time",
            id="naive-date-time",
        ),
        pytest.param({"body": [{**EVENT, "duration_ms": 1.5}]}, "duration_ms", id="float"),
        pytest.param(
            {"headers": {"content-type": "text/plain", "x-api-key": "k"}},
            "text/plain",
            id="content-type",
        ),
    ],
)
@pytest.mark.no_contract_check
def test_invalid_requests_fail(server: EventsServer, kwargs: Dict[str, Any], expected: str) -> None:
    body = kwargs.pop("body", [EVENT])
    rec = record(server, body, **kwargs)
    with pytest.raises(AssertionError, match=expected) as info:
        assert_conforms(rec, server.url)
    assert "test-key" not in str(info.value)
