"""The environment's rules as pure functions: CI names, GitHub fields, ids, masking."""

from __future__ import annotations

import uuid
from typing import Dict

import pytest

from speakeasy._tracking import environment, ids
from speakeasy._tracking.run import gather

GITHUB: Dict[str, str] = {
    "GITHUB_ACTIONS": "true",
    "CI": "true",
    "GITHUB_REPOSITORY": "acme/widgets",
    "GITHUB_REPOSITORY_OWNER": "acme",
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_RUN_ID": "123456789",
    "GITHUB_RUN_ATTEMPT": "2",
    "GITHUB_REF": "refs/pull/42/merge",
    "GH_ACTION_VERSION": "v15.3.0",
}


def test_github_fields_follow_the_speakeasy_action() -> None:
    assert environment.github_fields(GITHUB) == {
        "gh_action_organization": "acme",
        "gh_action_repository": "widgets",
        "gh_action_run_link": "https://github.com/acme/widgets/actions/runs/123456789",
        "gh_action_ref": "refs/pull/42/merge",
        "gh_action_version": "v15.3.0",
        "gh_pull_request": "https://github.com/acme/widgets/pull/42",
    }


def test_no_github_fields_outside_github_actions() -> None:
    assert environment.github_fields({**GITHUB, "GITHUB_ACTIONS": ""}) == {}
    branch = environment.github_fields({**GITHUB, "GITHUB_REF": "refs/heads/main"})
    assert "gh_pull_request" not in branch


def test_github_execution_id_is_the_actions_uuid5() -> None:
    """uuid5(360D564A-..., "GITHUB_RUN_ID_<id>, GITHUB_RUN_ATTEMPT_<attempt>")."""
    env = dict(GITHUB)
    expected = uuid.uuid5(
        uuid.UUID("360d564a-5583-4ef6-bc2b-99530bf036cc"),
        "GITHUB_RUN_ID_123456789, GITHUB_RUN_ATTEMPT_2",
    )
    assert ids.execution_id(env) == str(expected)
    assert env["SPEAKEASY_EXECUTION_ID"] == str(expected)  # exported to child processes


def test_execution_id_from_the_variable_first() -> None:
    assert ids.execution_id({**GITHUB, "SPEAKEASY_EXECUTION_ID": "given"}) == "given"


def test_execution_id_is_new_then_kept_for_the_process() -> None:
    env: Dict[str, str] = {}
    first = ids.execution_id(env)
    assert uuid.UUID(first).version == 4
    assert ids.execution_id(env) == first and env["SPEAKEASY_EXECUTION_ID"] == first


def test_uuid7_is_time_ordered_version_7() -> None:
    made = [ids.uuid7() for _ in range(50)]
    parsed = [uuid.UUID(u) for u in made]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    stamps = [u.int >> 80 for u in parsed]
    assert stamps == sorted(stamps) and len(set(made)) == 50


@pytest.mark.parametrize(
    ("env", "name"),
    [
        (GITHUB, "GITHUB_ACTIONS"),
        ({"GITLAB_CI": "true", "CI": "true"}, "GITLAB_CI"),
        ({"CIRCLECI": "true"}, "CIRCLECI"),
        ({"BUILDKITE": "true"}, "BUILDKITE"),
        ({"JENKINS_URL": "https://ci.example/"}, "JENKINS"),
        ({"TF_BUILD": "True"}, "AZURE_PIPELINES"),
        ({"BITBUCKET_BUILD_NUMBER": "7"}, "BITBUCKET_PIPELINES"),
        ({"CI": "true"}, "CI"),
        ({"CI": "1"}, "CI"),
        ({"CI": "false"}, None),
        ({}, None),
    ],
)
def test_ci_environment(env: Dict[str, str], name: str) -> None:
    assert environment.ci_environment(env) == name


@pytest.mark.parametrize(
    ("value", "off"),
    [("1", True), ("true", True), ("yes", True), ("", False), ("0", False), ("false", False)],
)
def test_do_not_track(value: str, off: bool) -> None:
    assert environment.tracking_off({"DO_NOT_TRACK": value}) is off
    assert environment.tracking_off({"SPEAKEASY_DO_NOT_TRACK": value}) is off


def test_secret_values_in_a_command_line_are_masked() -> None:
    argv = [
        "deploy",
        "--api-key",
        "sk-live-1",
        "--token=tok-2",
        "--password",
        "pw 3",
        "GITHUB_TOKEN=ghp_4",
        "https://user:pass5@example.com/x",
        "--name",
        "plain value",
        "the-sdk-key-6",
    ]
    masked = environment.masked_command(argv, lambda t: t.replace("the-sdk-key-6", "***"))
    for secret in ("sk-live-1", "tok-2", "pw 3", "ghp_4", "pass5", "the-sdk-key-6"):
        assert secret not in masked
    assert "--api-key *** --token=*** --password ***" in masked
    assert "GITHUB_TOKEN=***" in masked and "'plain value'" in masked


def test_gather_under_github_actions(tmp_path: object) -> None:
    fields = gather(GITHUB, str(tmp_path), ["tool", "--key", "k1"])
    assert fields["continuous_integration_environment"] == "GITHUB_ACTIONS"
    assert fields["gh_action_repository"] == "widgets"
    assert fields["raw_command"] == "tool --key ***"
    assert "commit_head" not in fields
