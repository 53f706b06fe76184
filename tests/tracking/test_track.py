"""``events.track()`` end to end, through the sync (``with``) and async (``async with``)
edge, against the local events server: what the event says and that it arrives."""

from __future__ import annotations

import os
import sys
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

import speakeasy
from speakeasy.models import errors, shared
from speakeasy.testing import EventsServer
from tests.support.git_repos import git, make_repo

KEY = "test-key"


@pytest.fixture
def client(server: EventsServer, on_edge: Callable[[Any], Any]) -> Any:
    return on_edge(
        speakeasy.Speakeasy(
            security=shared.Security(api_key=KEY), workspace_id="ws-1", server_url=server.url
        )
    )


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("DO_NOT_TRACK", "SPEAKEASY_DO_NOT_TRACK", "SPEAKEASY_EXECUTION_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SPEAKEASY_EXECUTION_ID", "exec-test")
    yield


def tracked(client: Any, body: Callable[[Any], None], kind: str = "LINT", **options: Any) -> Any:
    """Run ``body(run)`` inside ``track`` on the client's edge; the run."""
    runs: List[Any] = []
    if client.edge == "sync":
        with client.events.track(kind, **options) as run:
            runs.append(run)
            body(run)
    else:

        async def go() -> None:
            async with client.events.track(kind, **options) as run:
                runs.append(run)
                body(run)

        client.run(go())
    return runs[0]


def delivered(client: Any, server: EventsServer, count: int = 1) -> List[Dict[str, Any]]:
    """Close the client (which delivers tracked events) and return what the server stored."""
    client.close()
    assert len(server.events) == count, server.received
    return server.events


def test_success(client: Any, server: EventsServer) -> None:
    def body(run: Any) -> None:
        run.event.lint_report_error_count = 3
        run.step("parse")

    run = tracked(client, body, version="2.1.0", api_key_name="ci-key")
    assert run.recorded
    (event,) = delivered(client, server)
    assert event["success"] is True and "error" not in event
    assert event["interaction_type"] == "LINT" and event["lint_report_error_count"] == 3
    assert event["last_step"] == "parse" and event["workspace_id"] == "ws-1"
    assert (event["speakeasy_version"], event["speakeasy_api_key_name"]) == ("2.1.0", "ci-key")
    assert event["execution_id"] == "exec-test"
    assert uuid.UUID(event["id"]).version == 7
    started = datetime.fromisoformat(event["local_started_at"].replace("Z", "+00:00"))
    completed = datetime.fromisoformat(event["local_completed_at"].replace("Z", "+00:00"))
    assert started.tzinfo is not None and completed >= started
    assert event["duration_ms"] >= 0 and event["hostname"]


def test_an_exception_fails_the_run_and_is_raised_again(client: Any, server: EventsServer) -> None:
    def body(run: Any) -> None:
        raise ValueError(f"cannot parse (key {KEY}, url https://u:pw@h.example/)")

    with pytest.raises(ValueError, match="cannot parse"):
        tracked(client, body)
    (event,) = delivered(client, server)
    assert event["success"] is False
    assert event["error"] == "ValueError: cannot parse (key ***, url https://***@h.example/)"


def test_explicit_success_wins(client: Any, server: EventsServer) -> None:
    def failed_quietly(run: Any) -> None:
        run.event.success = False

    def expected_error(run: Any) -> None:
        run.event.success = True
        raise KeyError("known")

    tracked(client, failed_quietly)
    with pytest.raises(KeyError):
        tracked(client, expected_error)
    quiet, expected = delivered(client, server, 2)
    assert quiet["success"] is False and "error" not in quiet
    assert expected["success"] is True and expected["error"] == "KeyError: 'known'"


def test_nested_runs_are_two_events_of_one_execution(client: Any, server: EventsServer) -> None:
    events = client.client.events
    if client.edge == "sync":
        with events.track("TARGET_GENERATE"), events.track("CLI_EXEC") as inner:
            inner.step("inner")
    else:

        async def go() -> None:
            async with events.track("TARGET_GENERATE"), events.track("CLI_EXEC") as inner:
                inner.step("inner")

        client.run(go())
    inner, outer_event = delivered(client, server, 2)  # the inner block ends first
    assert (inner["last_step"], outer_event["interaction_type"]) == ("inner", "TARGET_GENERATE")
    assert inner["execution_id"] == outer_event["execution_id"] == "exec-test"
    assert inner["id"] != outer_event["id"]
    assert outer_event["local_started_at"] <= inner["local_started_at"]


def test_secrets_in_the_command_line_are_masked(
    client: Any, server: EventsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["tool", "--api-key", "sk-1", f"--other={KEY}", "DB_PASSWORD=hunter2"]
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.setattr(sys, "orig_argv", ["python", *argv], raising=False)
    tracked(client, lambda run: None)
    (event,) = delivered(client, server)
    assert event["raw_command"] == "python tool --api-key *** --other=*** DB_PASSWORD=***"


def test_outside_a_repository(
    client: Any, server: EventsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tracked(client, lambda run: None)
    (event,) = delivered(client, server)
    assert not {"commit_head", "git_relative_cwd", "git_remote_default_owner"} & set(event)


def test_in_a_worktree(
    client: Any, server: EventsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "r", "https://github.com/acme/widgets.git")
    git(repo, "worktree", "add", "-q", "-b", "feature", str(tmp_path / "wt"))
    monkeypatch.chdir(tmp_path / "wt" / "sub")
    tracked(client, lambda run: None, git_user=False)
    (event,) = delivered(client, server)
    assert event["commit_head"] == git(tmp_path / "wt", "rev-parse", "HEAD")
    assert event["git_relative_cwd"] == "sub"
    assert (event["git_remote_default_owner"], event["git_remote_default_repo"]) == (
        "acme",
        "widgets",
    )
    assert "git_user_name" not in event


def test_do_not_track_runs_the_block_and_sends_nothing(
    client: Any, server: EventsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    ran: List[bool] = []
    run = tracked(client, lambda r: ran.append(True))
    assert ran == [True] and not run.recorded
    delivered(client, server, 0)
    assert server.received == []


def test_the_decorator(client: Any, server: EventsServer) -> None:
    """``@tracked`` on a sync function, or (async edge) a coroutine function."""
    if client.edge == "sync":

        @client.client.events.tracked("RUN")
        def work(x: int) -> int:
            return x * 2

        assert work(21) == 42
    else:

        @client.client.events.tracked("RUN")
        async def work_async(x: int) -> int:
            return x * 2

        assert client.run(work_async(21)) == 42
    (event,) = delivered(client, server)
    assert event["interaction_type"] == "RUN" and event["success"] is True


def test_bad_options_are_refused_before_the_block(client: Any) -> None:
    with pytest.raises(errors.ValidationError, match="colour"):
        client.events.track("LINT", colour="red")
    with pytest.raises(errors.FieldTypeError, match="interaction_type"):
        client.events.track(3)
    no_workspace = speakeasy.Speakeasy(
        security=shared.Security(api_key=KEY), server_url=client.server_url
    )
    with pytest.raises(errors.ValidationError, match="workspace_id"):
        no_workspace.events.track("LINT")
    no_workspace.close()


def test_a_closed_client_refuses_to_track_and_sends_nothing(
    client: Any, server: EventsServer
) -> None:
    """errors.md: any call after close() raises ClientClosedError; a run started then
    could never be delivered, so track and tracked refuse at once (the block never runs)."""
    client.close()
    ran: List[bool] = []
    with pytest.raises(errors.ClientClosedError):
        tracked(client, lambda run: ran.append(True))
    with pytest.raises(errors.ClientClosedError):
        client.events.tracked("LINT")
    assert ran == [] and server.received == []


def test_a_given_batcher_gets_the_event(client: Any, server: EventsServer) -> None:
    with client.client.events.batcher() as batcher:
        tracked(client, lambda run: None, batcher=batcher)
    assert len(server.events) == 1
    assert os.environ["SPEAKEASY_EXECUTION_ID"] == "exec-test"
