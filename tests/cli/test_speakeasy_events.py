"""``speakeasy-events`` from the built wheel, in a fresh venv, against the local server."""

from __future__ import annotations

import csv
import io
import json
import queue
import signal
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests

from speakeasy.testing import EventsServer
from tests.cli.conftest import KEY, WORKSPACE, base_env, events_cli
from tests.support.factories import numbered_wire_event

#: A simulated GitHub Actions run (a pull request's, second attempt).
GITHUB = {
    "GITHUB_ACTIONS": "true",
    "CI": "true",
    "GITHUB_REPOSITORY": "acme/widgets",
    "GITHUB_REPOSITORY_OWNER": "acme",
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_RUN_ID": "9876543210",
    "GITHUB_RUN_ATTEMPT": "2",
    "GITHUB_REF": "refs/pull/7/merge",
    "GH_ACTION_VERSION": "v15.1.0",
}
#: uuid5(namespace, "GITHUB_RUN_ID_<id>, GITHUB_RUN_ATTEMPT_<attempt>"), as the action derives it.
GITHUB_EXECUTION_ID = str(
    uuid.uuid5(
        uuid.UUID("360D564A-5583-4EF6-BC2B-99530BF036CC"),
        "GITHUB_RUN_ID_9876543210, GITHUB_RUN_ATTEMPT_2",
    )
)


def _check_github_fields(event: Dict[str, Any]) -> None:
    assert event["execution_id"] == GITHUB_EXECUTION_ID
    assert event["continuous_integration_environment"] == "GITHUB_ACTIONS"
    assert event["gh_action_organization"] == "acme"
    assert event["gh_action_repository"] == "widgets"
    assert event["gh_action_run_link"] == "https://github.com/acme/widgets/actions/runs/9876543210"
    assert event["gh_action_ref"] == "refs/pull/7/merge"
    assert event["gh_action_version"] == "v15.1.0"
    assert event["gh_pull_request"] == "https://github.com/acme/widgets/pull/7"
    assert event["interaction_type"] == "CI_EXEC" and event["workspace_id"] == WORKSPACE
    assert uuid.UUID(event["id"]).version == 7


def test_run_records_failing_and_passing_commands_under_github_actions(
    cli_venv: Path, live: EventsServer, tmp_path: Path
) -> None:
    env = base_env(live.url, **GITHUB)
    failing = events_cli(
        cli_venv,
        ["run", "--field", "last_step=lint", "--", "sh", "-c", "echo out; echo err >&2; exit 3"],
        env,
        cwd=tmp_path,
    )
    assert failing.returncode == 3, failing.stderr
    assert (failing.stdout, failing.stderr) == ("out\n", "err\n")  # streams untouched
    passing = events_cli(cli_venv, ["run", "--", "true", f"--api-key={KEY}"], env, cwd=tmp_path)
    assert passing.returncode == 0, passing.stderr
    assert passing.stderr == ""
    first, second = live.events
    for event in (first, second):
        _check_github_fields(event)
    assert (first["success"], first["error"], first["last_step"]) == (
        False,
        "exit status 3",
        "lint",
    )
    assert first["raw_command"] == "sh -c 'echo out; echo err >&2; exit 3'"
    assert second["success"] is True and "error" not in second
    assert second["raw_command"] == "true --api-key=***"
    assert second["duration_ms"] >= 0


def test_run_passes_on_a_signal_death(cli_venv: Path, live: EventsServer) -> None:
    done = events_cli(cli_venv, ["run", "--", "sh", "-c", "kill -TERM $$"], base_env(live.url))
    assert done.returncode == 128 + 15, done.stderr
    (event,) = live.events
    assert event["error"] == "killed by signal 15 (SIGTERM)" and event["success"] is False
    assert event["interaction_type"] == "CLI_EXEC"


def test_run_with_the_server_down_keeps_the_commands_status(cli_venv: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{sock.getsockname()[1]}"
    started = time.monotonic()
    done = events_cli(
        cli_venv, ["run", "--timeout", "1", "--", "sh", "-c", "exit 4"], base_env(down), timeout=60
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 4
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "not recorded" in lines[0], done.stderr
    assert KEY not in done.stderr
    assert elapsed < 30  # the 1 s bound, plus start-up on a loaded machine


def test_do_not_track_runs_the_command_and_sends_nothing(
    cli_venv: Path, live: EventsServer
) -> None:
    done = events_cli(
        cli_venv, ["run", "--", "sh", "-c", "echo hi; exit 5"], base_env(live.url, DO_NOT_TRACK="1")
    )
    assert (done.returncode, done.stdout, done.stderr) == (5, "hi\n", "")
    assert live.received == []


def test_run_usage_errors_exit_2(cli_venv: Path, live: EventsServer) -> None:
    env = base_env(live.url)
    assert events_cli(cli_venv, ["run"], env).returncode == 2
    bad = events_cli(cli_venv, ["run", "--field", "nope=1", "--", "true"], env)
    assert bad.returncode == 2 and "nope" in bad.stderr
    assert live.received == []


def test_post_reports_every_bad_line_and_sends_nothing(
    cli_venv: Path, live: EventsServer, tmp_path: Path
) -> None:
    good = numbered_wire_event(1, "2024-11-21T06:58:42.120Z")
    missing = {k: v for k, v in good.items() if k != "success"}
    wrong = {**good, "id": "x-3", "duration_ms": "slow"}
    lines = [json.dumps(good), json.dumps(missing), json.dumps(wrong), "{not json"]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    done = events_cli(cli_venv, ["post", str(path)], base_env(live.url))
    assert done.returncode == 2
    assert f"{path}:2: success: is required" in done.stderr
    assert f"{path}:3: duration_ms:" in done.stderr
    assert f"{path}:4: not JSON" in done.stderr
    assert live.received == []


def test_post_sends_an_array_from_stdin(cli_venv: Path, live: EventsServer) -> None:
    events = [numbered_wire_event(n, "2024-11-21T06:58:42.120Z") for n in range(3)]
    done = events_cli(cli_venv, ["post", "-"], base_env(live.url), stdin=json.dumps(events))
    assert done.returncode == 0, done.stderr
    assert "sent 3 event(s), 0 failed" in done.stdout
    assert sorted(e["id"] for e in live.events) == sorted(e["id"] for e in events)


def _api_search(live: EventsServer) -> List[Dict[str, Any]]:
    answer = requests.get(
        f"{live.url}/v1/workspace/{WORKSPACE}/events",
        headers={"x-api-key": KEY},
        params={"interaction_type": "CLI_EXEC"},
        timeout=30,
    )
    assert answer.status_code == 200
    rows: List[Dict[str, Any]] = answer.json()
    return rows


def test_search_json_and_csv_equal_the_api(cli_venv: Path, live: EventsServer) -> None:
    events = [
        numbered_wire_event(n, f"2024-11-21T06:58:4{n}.120Z", duration_ms=n, error='a,b"c')
        for n in range(3)
    ] + [numbered_wire_event(9, "2024-11-21T07:00:00Z", "LINT")]
    assert requests.post(
        f"{live.url}/v1/workspace/{WORKSPACE}/events",
        headers={"x-api-key": KEY},
        json=events,
        timeout=30,
    ).ok
    api = _api_search(live)
    assert len(api) == 3
    env = base_env(live.url)
    as_json = events_cli(cli_venv, ["search", "--type", "CLI_EXEC", "--format", "json"], env)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == api
    as_csv = events_cli(cli_venv, ["search", "--type", "CLI_EXEC", "--format", "csv"], env)
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == len(api)
    for row, wire in zip(rows, api):
        assert {k: v for k, v in row.items() if v != ""} == {
            k: v if isinstance(v, str) else json.dumps(v) for k, v in wire.items()
        }
    table = events_cli(cli_venv, ["search"], {**env, "COLUMNS": "60"})
    assert table.returncode == 0 and "\x1b[" not in table.stdout
    assert all(len(line) <= 60 for line in table.stdout.splitlines())


def test_missing_settings_are_named(cli_venv: Path, live: EventsServer) -> None:
    env = base_env(live.url)
    del env["SPEAKEASY_API_KEY"]
    done = events_cli(cli_venv, ["search"], env)
    assert done.returncode == 2 and "SPEAKEASY_API_KEY" in done.stderr
    ran = events_cli(cli_venv, ["run", "--", "sh", "-c", "exit 6"], env)
    assert ran.returncode == 6 and "SPEAKEASY_API_KEY" in ran.stderr


def test_help_lists_every_command(cli_venv: Path) -> None:
    done = events_cli(cli_venv, ["--help"], {"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0
    for command in ("run", "post", "search", "targets", "tail", "serve", "NO_COLOR"):
        assert command in done.stdout


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_targets(cli_venv: Path, live: EventsServer, fmt: str) -> None:
    done = events_cli(cli_venv, ["targets", "--format", fmt], base_env(live.url))
    assert done.returncode == 0, done.stderr
    if fmt == "json":
        assert json.loads(done.stdout) == []


def _lines(stream: Any) -> queue.Queue[str]:
    """The lines of ``stream`` as they come, read by a thread (a pipe's reads block)."""
    found: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            found.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return found


def _start(cli_venv: Path, args: List[str], env: Dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(cli_venv / "bin" / "speakeasy-events"), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_tail_prints_new_events_until_interrupted(cli_venv: Path, live: EventsServer) -> None:
    tail = _start(cli_venv, ["tail", "--format", "jsonl", "--interval", "0.2"], base_env(live.url))
    try:
        event = numbered_wire_event(5, "2024-11-21T06:58:42.120Z")
        posted = requests.post(
            f"{live.url}/v1/workspace/{WORKSPACE}/events",
            headers={"x-api-key": KEY},
            json=[event],
            timeout=30,
        )
        assert posted.ok
        line = _lines(tail.stdout).get(timeout=60)
        assert json.loads(line)["id"] == event["id"]
    finally:
        tail.send_signal(signal.SIGINT)
        _, err = tail.communicate(timeout=60)
    assert tail.returncode == 0, err


def test_serve_answers_until_interrupted(cli_venv: Path) -> None:
    serve = _start(cli_venv, ["serve", "--port", "0"], {"PATH": "/usr/bin:/bin"})
    try:
        lines = _lines(serve.stdout)
        url = lines.get(timeout=60).split()[3]
        assert url.startswith("http://127.0.0.1:")
        assert "Live page" in lines.get(timeout=60)
        answer = requests.get(
            f"{url}/v1/workspace/w/events", headers={"x-api-key": "k"}, timeout=30
        )
        assert answer.status_code == 200 and answer.json() == []
    finally:
        serve.send_signal(signal.SIGINT)
        serve.communicate(timeout=60)
    assert serve.returncode == 0


def test_run_exits_127_for_a_command_not_found(cli_venv: Path, live: EventsServer) -> None:
    """docs/cli.md: ``run`` exits 127 when the command is not found, as a shell does, and
    records the run as failed."""
    done = events_cli(cli_venv, ["run", "--", "no-such-command-5f3a"], base_env(live.url))
    assert done.returncode == 127, done.stderr
    (event,) = live.events
    assert event["success"] is False and "no-such-command-5f3a" in event["raw_command"]


def test_search_exits_1_when_the_server_cannot_be_reached(cli_venv: Path) -> None:
    """docs/cli.md: exit 1 on an unreachable server once ``--timeout`` of retries is spent,
    with a message that never shows the key."""
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{sock.getsockname()[1]}"
    started = time.monotonic()
    done = events_cli(cli_venv, ["search", "--limit", "1", "--timeout", "1"], base_env(down))
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert time.monotonic() - started < 30  # the 1 s budget, plus start-up on a busy machine
    assert done.stderr.strip() and KEY not in done.stderr + done.stdout
