"""openapi.yaml is a valid OpenAPI document, and assert_conforms can both pass and fail."""

from __future__ import annotations

import http.client
import json
from contextlib import closing
from dataclasses import replace
from typing import Any, Dict, Optional

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from speakeasy.testing import EventsServer, ReceivedRequest, SentResponse
from tests.support.contract import SPEC_PATH, assert_conforms
from tests.support.local_server import EVENT, PATH

TARGETS = "/v1/workspace/ws-1/events/targets"


def record(
    server: EventsServer,
    body: Any,
    *,
    path: str = PATH,
    headers: Optional[Dict[str, str]] = None,
    method: str = "POST",
) -> ReceivedRequest:
    """Send one request with http.client and return what the server recorded."""
    if headers is None:
        headers = {"x-api-key": "test-key", "content-type": "application/json"}
    before = len(server.received)
    with closing(http.client.HTTPConnection(server.host, server.port, timeout=5)) as conn:
        data = None if body is None else json.dumps(body)
        conn.request(method, path, body=data, headers=headers)
        conn.getresponse().read()
    return server.received[before]


def read(
    server: EventsServer, path: str, headers: Optional[Dict[str, str]] = None
) -> ReceivedRequest:
    """GET ``path`` and return what the server recorded (its answer included)."""
    return record(
        server, None, path=path, method="GET", headers=headers or {"x-api-key": "test-key"}
    )


def test_openapi_document_is_valid() -> None:
    spec, _ = read_from_filename(str(SPEC_PATH))
    validate(spec)


def test_openapi_document_matches_the_contract() -> None:
    spec, _ = read_from_filename(str(SPEC_PATH))
    assert spec["openapi"] == "3.0.3"
    assert spec["info"]["version"] == "0.4.0"
    assert spec["servers"][0]["url"] == "https://api.prod.speakeasy.com"
    assert spec["servers"][1]["url"] == "https://api.prod.speakeasyapi.dev"
    schemes = spec["components"]["securitySchemes"]
    assert schemes == {
        "APIKey": {"type": "apiKey", "in": "header", "name": "x-api-key"},
        "Bearer": {"type": "http", "scheme": "bearer"},
        "WorkspaceIdentifier": {"type": "apiKey", "in": "header", "name": "x-workspace-identifier"},
    }
    # Any one of them suffices.
    assert spec["security"] == [{"APIKey": []}, {"Bearer": []}, {"WorkspaceIdentifier": []}]
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
    schemas = spec["components"]["schemas"]
    cli_event = schemas["CliEvent"]
    assert cli_event["additionalProperties"] is False
    assert len(cli_event["properties"]) == 82
    assert "test_report_raw" in cli_event["properties"]
    assert len(cli_event["required"]) == 9
    assert not any(p.get("nullable") for p in cli_event["properties"].values())
    assert len(schemas["TargetSDK"]["properties"]) == 45
    assert len(schemas["TargetSDK"]["required"]) == 6
    assert len(schemas["InteractionType"]["enum"]) == 12
    assert schemas["InteractionType"]["enum"][-1] == "TEST"
    assert schemas["GenerateBumpType"]["enum"] == [
        "major",
        "minor",
        "patch",
        "custom",
        "graduate",
        "prerelease",
        "none",
    ]
    assert schemas["OpenapiDiffBumpType"]["enum"] == ["major", "minor", "patch", "none"]


def _parameters(operation: Dict[str, Any]) -> Dict[str, str]:
    """name -> location of an operation's parameters (the shared one resolved by name)."""
    found = {}
    for parameter in operation["parameters"]:
        if "$ref" in parameter:
            found["workspaceID"] = "path"
        else:
            found[parameter["name"]] = parameter["in"]
    return found


def test_the_three_reads_and_their_parameters() -> None:
    spec, _ = read_from_filename(str(SPEC_PATH))
    paths = spec["paths"]
    search = paths["/v1/workspace/{workspaceID}/events"]["get"]
    targets = paths["/v1/workspace/{workspaceID}/events/targets"]["get"]
    by_target = paths["/v1/workspace/{workspaceID}/events/targets/{targetID}/events"]["get"]
    assert search["operationId"] == "searchWorkspaceEvents"
    assert targets["operationId"] == "getWorkspaceTargets"
    assert by_target["operationId"] == "getWorkspaceEventsByTarget"
    assert list(_parameters(search).items()) == [
        ("workspaceID", "path"),
        *(
            (name, "query")
            for name in (
                "source_revision_digest",
                "lint_report_digest",
                "openapi_diff_report_digest",
                "interaction_type",
                "generate_gen_lock_id",
                "execution_id",
                "success",
                "limit",
            )
        ),
    ]
    assert _parameters(targets) == {
        "workspaceID": "path",
        "after_last_event_created_at": "query",
    }
    assert _parameters(by_target) == {
        "workspaceID": "path",
        "targetID": "path",
        "after_created_at": "query",
    }
    for operation in (search, targets, by_target):
        assert set(operation["responses"]) == {"200", "4XX", "5XX"}
        assert "requestBody" not in operation


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
            # The right key: a refused key's body is neither read nor kept.
            {"headers": {"content-type": "text/plain", "x-api-key": "test-key"}},
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


TARGETED = {
    **EVENT,
    "generate_gen_lock_id": "target/1",
    "generate_target": "python",
    "interaction_type": "PUBLISH",
    "gh_action_run_link": "https://example.test/run/1",
    "publish_package_version": "1.2.3",
}
READS = [
    "/v1/workspace/ws-1/events",
    "/v1/workspace/ws-1/events?source_revision_digest=sha256%3Aab&lint_report_digest=l"
    "&openapi_diff_report_digest=o&interaction_type=TEST&generate_gen_lock_id=g"
    "&execution_id=e&success=true&limit=10",
    "/v1/workspace/ws-1/events?interaction_type=NEWER_THAN_THE_ENUM",
    "/v1/workspace/ws-1/events/targets",
    "/v1/workspace/ws-1/events/targets?after_last_event_created_at=2024-01-01T00%3A00%3A00%2B10%3A00",
    "/v1/workspace/ws-1/events/targets/target%2F1/events",
    "/v1/workspace/ws-1/events/targets/target%2F1/events?after_created_at=2024-01-01T00%3A00%3A00Z",
]


@pytest.mark.parametrize("path", READS)
def test_reads_and_their_answers_conform(server: EventsServer, path: str) -> None:
    assert record(server, [EVENT, TARGETED]).status == 200
    rec = read(server, path)
    assert rec.status == 200 and rec.response is not None
    assert_conforms(rec, server.url)
    # The `server` fixture checks it again after the test.


@pytest.mark.parametrize(
    "headers",
    [
        {"authorization": "Bearer a-token"},
        {"x-workspace-identifier": "ws-ident"},
        {"x-api-key": "test-key", "authorization": "Bearer test-key"},
    ],
    ids=["bearer", "workspace-identifier", "key-and-bearer"],
)
def test_any_one_credential_conforms(server: EventsServer, headers: Dict[str, str]) -> None:
    rec = read(server, "/v1/workspace/ws-1/events", headers=headers)
    assert_conforms(rec, server.url)


def test_error_answers_conform(server: EventsServer) -> None:
    """A 4XX answer of normal handling (here, a 401 for a wrong key) is checked too."""
    rec = read(server, "/v1/workspace/ws-1/events", headers={"x-api-key": "wrong"})
    assert rec.status == 401 and rec.response is not None
    assert rec.response.json()["status_code"] == 401
    assert_conforms(rec, server.url)


@pytest.mark.parametrize(
    ("path", "headers", "expected"),
    [
        pytest.param("/v1/workspace/ws-1/events?limit=0", None, "query.limit", id="limit-0"),
        pytest.param("/v1/workspace/ws-1/events?limit=ten", None, "limit", id="limit-text"),
        pytest.param("/v1/workspace/ws-1/events?success=yes", None, "success", id="bool"),
        pytest.param(
            "/v1/workspace/ws-1/events?interaction_type=", None, "interaction_type", id="empty-it"
        ),
        pytest.param(
            "/v1/workspace/ws-1/events/targets/t/events?after_created_at=2024-01-01T00%3A00%3A00",
            None,
            "after_created_at",
            id="naive-date-time",
        ),
        pytest.param(
            "/v1/workspace/ws-1/events", {"authorization": "Bearer "}, "Bearer", id="empty-bearer"
        ),
        pytest.param(
            "/v1/workspace/ws-1/events", {"authorization": "Basic dTpw"}, "Bearer", id="basic"
        ),
        pytest.param(
            "/v1/workspace/ws-1/events",
            {"x-workspace-identifier": ""},
            "x-workspace",
            id="empty-wi",
        ),
        pytest.param("/v1/workspace/ws-1/events", {}, "Security", id="no-credential"),
    ],
)
@pytest.mark.no_contract_check
def test_invalid_reads_fail(
    server: EventsServer, path: str, headers: Optional[Dict[str, str]], expected: str
) -> None:
    rec = record(server, None, path=path, method="GET", headers=headers)
    with pytest.raises(AssertionError, match=expected):
        assert_conforms(rec, server.url)


def _answer(rec: ReceivedRequest, status: int, body: Any, content_type: str) -> ReceivedRequest:
    """``rec`` with a doctored answer, as a broken server would have sent it."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"content-type": content_type, "content-length": str(len(data))}
    return replace(rec, status=status, response=SentResponse(status, headers, data))


TARGET = {
    "generate_gen_lock_id": "t",
    "generate_target": "python",
    "id": "t",
    "last_event_created_at": "2024-11-21T06:58:42.120Z",
    "last_event_id": "evt-1",
    "last_event_interaction_type": "CLI_EXEC",
}


def _without(model: Dict[str, Any], name: str) -> Dict[str, Any]:
    return {k: v for k, v in model.items() if k != name}


def _broken(
    name: str,
    body: Any,
    expected: str,
    *,
    path: str = PATH,
    status: int = 200,
    content_type: str = "application/json",
) -> Any:
    """A doctored answer to GET ``path`` that must fail, with ``expected`` in the message."""
    return pytest.param(path, status, body, content_type, expected, id=name)


@pytest.mark.parametrize(
    ("path", "status", "body", "content_type", "expected"),
    [
        _broken("event-missing-field", [_without(EVENT, "created_at")], "created_at"),
        _broken("event-wrong-type", [{**EVENT, "success": "no"}], "success"),
        _broken("not-json", b"[]", "text/plain", content_type="text/plain"),
        _broken("obj", {"events": []}, "array"),
        _broken("target-unknown-field", [{**TARGET, "surprise": 1}], "surprise", path=TARGETS),
        _broken(
            "target-missing-field",
            [_without(TARGET, "last_event_id")],
            "last_event_id",
            path=TARGETS,
        ),
        _broken("error-body", {"message": "boom"}, "status_code", path=TARGETS, status=500),
        _broken("status", b"", "302", status=302, content_type="text/plain"),
    ],
)
def test_broken_answers_fail(
    server: EventsServer, path: str, status: int, body: Any, content_type: str, expected: str
) -> None:
    rec = _answer(read(server, path), status, body, content_type)
    with pytest.raises(AssertionError, match=expected) as info:
        assert_conforms(rec, server.url)
    assert "answer to GET" in str(info.value)
