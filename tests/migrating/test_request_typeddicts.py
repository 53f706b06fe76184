"""The newer clients' model names: ``GetTargetsRequest``, the deprecated-path aliases,
the ``...TypedDict`` form of every request model, and ``errors.ErrorData``.

A dict request is checked by ``mypy --strict`` as user code would be: every snippet
below is type-checked in one mypy run, and each wrong one must fail on its own line.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import speakeasy
from speakeasy.models import errors, operations, shared
from tests.support.factories import T0, cli_event_dict, event, run_mypy_on_folder

ROOT = Path(__file__).resolve().parents[2]

#: (model, its TypedDict): the same keys, value types and required keys.
PAIRS: List[Tuple[type, Any]] = [
    (operations.PostWorkspaceEventsRequest, operations.PostWorkspaceEventsRequestTypedDict),
    (operations.SearchWorkspaceEventsRequest, operations.SearchWorkspaceEventsRequestTypedDict),
    (
        operations.GetWorkspaceEventsByTargetRequest,
        operations.GetWorkspaceEventsByTargetRequestTypedDict,
    ),
    (operations.GetWorkspaceTargetsRequest, operations.GetWorkspaceTargetsRequestTypedDict),
    (operations.GetTargetsRequest, operations.GetTargetsRequestTypedDict),
    (
        operations.GetWorkspaceTargetsDeprecatedRequest,
        operations.GetWorkspaceTargetsDeprecatedRequestTypedDict,
    ),
    (shared.CliEvent, shared.CliEventTypedDict),
]


def _required(model: type) -> set[str]:
    return {
        f.name
        for f in dataclasses.fields(model)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }


@pytest.mark.parametrize("model, typed", PAIRS, ids=lambda p: getattr(p, "__name__", ""))
def test_typeddict_has_the_models_keys_types_and_required_keys(model: type, typed: Any) -> None:
    """Kept in step with its model: a field added to one and not the other fails here."""
    model_hints = typing.get_type_hints(model)
    typed_hints = typing.get_type_hints(typed)
    assert set(typed_hints) == {f.name for f in dataclasses.fields(model)}
    assert typed.__required_keys__ == _required(model)
    for name, hint in typed_hints.items():
        if name == "request_body":  # each event a CliEvent or its dict
            assert hint == List[typing.Union[shared.CliEvent, shared.CliEventTypedDict]]
        else:
            assert hint == model_hints[name], name


def test_get_targets_request_has_no_workspace() -> None:
    """The workspace-less read's filter: one optional date-time, no workspace_id."""
    assert [f.name for f in dataclasses.fields(operations.GetTargetsRequest)] == [
        "after_last_event_created_at"
    ]
    assert operations.GetTargetsRequest().after_last_event_created_at is None
    assert operations.GetTargetsRequest(T0).after_last_event_created_at == T0
    assert operations.GetTargetsResponse.__dataclass_fields__.keys() == (
        operations.GetWorkspaceTargetsResponse.__dataclass_fields__.keys()
    )


def test_the_deprecated_names_are_5x_workspace_path_models() -> None:
    """7.x's names for the workspace path are the 5.x classes themselves, not copies."""
    assert operations.GetWorkspaceTargetsDeprecatedRequest is operations.GetWorkspaceTargetsRequest
    assert (
        operations.GetWorkspaceTargetsDeprecatedResponse is operations.GetWorkspaceTargetsResponse
    )
    request = operations.GetWorkspaceTargetsDeprecatedRequest(workspace_id="ws-2")
    assert isinstance(request, operations.GetWorkspaceTargetsRequest)


def test_error_data_is_a_json_model_of_the_error_body() -> None:
    """``message`` and ``status_code``, read from and written to the API's error JSON."""
    data = errors.ErrorData.from_json('{"message": "boom", "status_code": 503}')
    assert data == errors.ErrorData(message="boom", status_code=503)
    assert data.to_dict() == {"message": "boom", "status_code": 503}
    assert data.to_json() == '{"message":"boom","status_code":503}'
    assert not isinstance(data, BaseException)
    assert [f.name for f in dataclasses.fields(errors.ErrorData)] == ["message", "status_code"]


def test_a_typed_dict_request_posts_like_the_model(server: Any) -> None:
    """A dict request whose events mix a CliEvent and a CliEventTypedDict is sent as the model."""
    client = speakeasy.Speakeasy(
        server_url=server.url, security=shared.Security(api_key="test-key"), workspace_id="ws-1"
    )
    as_dict = cli_event_dict()
    as_dict["id"] = "evt-2"
    as_dict["duration_ms"] = 12
    request: operations.PostWorkspaceEventsRequestTypedDict = {"request_body": [event(), as_dict]}
    with client:
        client.events.post_workspace_events(request)
        client.events.post_workspace_events(
            operations.PostWorkspaceEventsRequest(
                request_body=[event(), shared.CliEvent(**as_dict)]
            )
        )
    first, second = server.received[-2:]
    assert first.body == second.body
    assert [e["id"] for e in first.events] == ["evt-1", "evt-2"]


# -- mypy --strict on snippets ----------------------------------------------------------

_HEAD = """\
from datetime import datetime, timezone
from typing import List, Union
from speakeasy.models import operations, shared
T = datetime(2024, 5, 1, tzinfo=timezone.utc)
"""

#: Snippets that must type-check.
GOOD: Dict[str, str] = {
    "good_requests": """\
event: shared.CliEventTypedDict = {
    "created_at": T, "execution_id": "e", "id": "i",
    "interaction_type": shared.InteractionType.CLI_EXEC, "local_started_at": T,
    "speakeasy_api_key_name": "k", "speakeasy_version": "1", "success": True,
    "workspace_id": "w", "duration_ms": 3, "commit_head": None,
}
model = shared.CliEvent(
    created_at=T, execution_id="e", id="i", interaction_type="LINT", local_started_at=T,
    speakeasy_api_key_name="k", speakeasy_version="1", success=False, workspace_id="w",
)
post: operations.PostWorkspaceEventsRequestTypedDict = {"request_body": [event, model]}
post_ws: operations.PostWorkspaceEventsRequestTypedDict = {
    "request_body": [], "workspace_id": "w",
}
search: operations.SearchWorkspaceEventsRequestTypedDict = {
    "interaction_type": "TARGET_GENERATE", "success": False, "limit": 10,
}
search_enum: operations.SearchWorkspaceEventsRequestTypedDict = {
    "interaction_type": shared.InteractionType.CLI_EXEC,
}
by_target: operations.GetWorkspaceEventsByTargetRequestTypedDict = {
    "target_id": "t", "after_created_at": T,
}
targets: operations.GetWorkspaceTargetsRequestTypedDict = {"workspace_id": "w"}
targets_new: operations.GetTargetsRequestTypedDict = {"after_last_event_created_at": T}
targets_old: operations.GetWorkspaceTargetsDeprecatedRequestTypedDict = {
    "after_last_event_created_at": T, "workspace_id": "w",
}
empty: operations.GetTargetsRequestTypedDict = {}
alias: operations.GetWorkspaceTargetsDeprecatedRequest = operations.GetWorkspaceTargetsRequest()
new_model: operations.GetTargetsRequest = operations.GetTargetsRequest(T)
""",
}

#: Snippets that must fail, each with the mypy error code expected on its last line.
BAD: Dict[str, Tuple[str, str]] = {
    "bad_unknown_key": (
        'r: operations.SearchWorkspaceEventsRequestTypedDict = {"limt": 10}',
        "typeddict-unknown-key",
    ),
    "bad_value_type": (
        'r: operations.SearchWorkspaceEventsRequestTypedDict = {"limit": "10"}',
        "typeddict-item",
    ),
    "bad_missing_required": (
        'r: operations.GetWorkspaceEventsByTargetRequestTypedDict = {"after_created_at": T}',
        "typeddict-item",
    ),
    "bad_datetime_as_text": (
        'r: operations.GetTargetsRequestTypedDict = {"after_last_event_created_at": "2024-05-01"}',
        "typeddict-item",
    ),
    "bad_workspace_on_workspaceless_read": (
        'r: operations.GetTargetsRequestTypedDict = {"workspace_id": "w"}',
        "typeddict-unknown-key",
    ),
    "bad_event_value": (
        "r: operations.PostWorkspaceEventsRequestTypedDict = {'request_body': [{"
        "'created_at': T, 'execution_id': 'e', 'id': 'i', 'interaction_type': 'CLI_EXEC', "
        "'local_started_at': T, 'speakeasy_api_key_name': 'k', 'speakeasy_version': '1', "
        "'success': 'yes', 'workspace_id': 'w'}]}",
        "",  # inside a list the error code depends on the mypy version
    ),
    "bad_event_missing_key": (
        "r: shared.CliEventTypedDict = {'created_at': T, 'execution_id': 'e', 'id': 'i'}",
        "typeddict-item",
    ),
}


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, List[Tuple[int, str]]]:
    """One ``mypy --strict`` run over every snippet: (line, message) by snippet name."""
    directory = tmp_path_factory.mktemp("typeddict_snippets")
    for name, code in GOOD.items():
        (directory / f"{name}.py").write_text(_HEAD + code, encoding="utf-8")
    for name, (line, _) in BAD.items():
        (directory / f"{name}.py").write_text(_HEAD + line + "\n", encoding="utf-8")
    result = run_mypy_on_folder(directory)
    assert result.returncode in (0, 1), f"mypy did not run:\n{result.stdout}\n{result.stderr}"
    found: Dict[str, List[Tuple[int, str]]] = {name: [] for name in [*GOOD, *BAD]}
    for message in result.stdout.splitlines():
        match = re.match(r"(\w+)\.py:(\d+): (error|note): (.*)", message)
        assert match, f"unexpected mypy output: {message}"
        if match.group(3) == "error":
            found[match.group(1)].append((int(match.group(2)), match.group(4)))
    return found


@pytest.mark.parametrize("name", sorted(GOOD))
def test_a_correct_dict_request_type_checks(
    name: str, mypy_output: Dict[str, List[Tuple[int, str]]]
) -> None:
    assert mypy_output[name] == []


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_wrong_dict_request_fails_mypy_on_its_line(
    name: str, mypy_output: Dict[str, List[Tuple[int, str]]]
) -> None:
    """A wrong key, a missing key or a value of the wrong type is an error, on that line."""
    line = _HEAD.count("\n") + 1
    code = BAD[name][1]
    assert mypy_output[name], f"{name} type-checked but must not"
    assert {number for number, _ in mypy_output[name]} == {line}, mypy_output[name]
    if code:
        assert any(f"[{code}]" in message for _, message in mypy_output[name])
