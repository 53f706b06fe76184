"""The ``speakeasy`` logger: one DEBUG line per attempt, a WARNING on giving up, nothing secret."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import textwrap

import pytest

from speakeasy.models import errors
from speakeasy.testing import EventsServer, Reply
from speakeasy.utils import BackoffStrategy, RetryConfig
from tests.support.edges import BROKEN_BODY, FAULT_NAMES
from tests.support.factories import FAST_RETRIES, NO_RETRIES, run_captured
from tests.support.hostile import (
    API_KEY,
    EVENT_ID,
    RAW_COMMAND,
    MakeClient,
    Records,
    make_request,
)

#: Connection errors and statuses retried, with a budget of 0.3 s.
SHORT_BUDGET = RetryConfig("backoff", BackoffStrategy(20, 20, 1, 300), True)
PATH = "/v1/workspace/ws/events"
ATTEMPT_LINE = re.compile(
    r"^DEBUG speakeasy POST (?P<path>\S+) attempt (?P<n>\d+): (?P<result>.+) in "
    r"(?P<ms>\d+\.\d) ms; (?P<after>done|retrying in (?P<sleep>\d+\.\d{3})s)$"
)


def attempts(log: Records) -> list[re.Match[str]]:
    """The per-attempt DEBUG lines, parsed."""
    found = [ATTEMPT_LINE.match(line) for line in log.lines() if line.startswith("DEBUG")]
    assert all(found), log.lines()
    return [m for m in found if m]


def test_one_debug_line_per_attempt(
    server: EventsServer, make_client: MakeClient, sdk_log: Records
) -> None:
    """Two 503s then a 200: three lines with method, path, status, duration, attempt and sleep."""
    server.fail_next(2, status=503)
    make_client().events.post_workspace_events(make_request(), FAST_RETRIES)
    lines = attempts(sdk_log)
    assert [m["n"] for m in lines] == ["1", "2", "3"]
    assert [m["path"] for m in lines] == [PATH] * 3
    assert [m["result"] for m in lines] == ["status 503", "status 503", "status 200"]
    assert [m["after"].split(" ")[0] for m in lines] == ["retrying", "retrying", "done"]
    assert all(0 <= float(m["sleep"]) <= 0.005 for m in lines[:2])
    assert not sdk_log.lines(logging.WARNING)


def test_debug_line_names_the_exception(
    server: EventsServer, make_client: MakeClient, sdk_log: Records, edge: str
) -> None:
    """A network failure is logged by its exception class (the edge's library's)."""
    server.replies.extend([Reply(200, action="reset"), Reply(200, action="reset_mid_body")])
    make_client().events.post_workspace_events(make_request(), FAST_RETRIES)
    results = [m["result"] for m in attempts(sdk_log)]
    names = FAULT_NAMES[edge]
    assert results == [names["reset"], names["reset_mid_body"], "status 200"]


def test_warning_when_retried_status_never_clears(
    server: EventsServer, make_client: MakeClient, sdk_log: Records
) -> None:
    """Retries given up on a status: one WARNING with the path, attempts and status."""
    server.handler = lambda rec: Reply(502)
    with pytest.raises(errors.Error):
        make_client().events.post_workspace_events(make_request(), SHORT_BUDGET)
    (warning,) = sdk_log.lines(logging.WARNING)
    count = len(server.received)
    assert (
        warning == f"WARNING speakeasy POST {PATH}: giving up after {count} attempt(s): status 502"
    )
    assert len(attempts(sdk_log)) == count


def test_warning_when_connection_errors_never_clear(
    server: EventsServer, make_client: MakeClient, sdk_log: Records, edge: str
) -> None:
    """Retries given up on a network error: one WARNING naming the exception class."""
    server.handler = lambda rec: Reply(200, action="drop")
    with pytest.raises(BROKEN_BODY[edge]):
        make_client().events.post_workspace_events(make_request(), SHORT_BUDGET)
    (warning,) = sdk_log.lines(logging.WARNING)
    assert "giving up after" in warning
    assert warning.endswith(": " + FAULT_NAMES[edge]["drop"])


@pytest.mark.parametrize("reply", [Reply(503), Reply(200, action="reset")])
def test_no_warning_when_retries_are_off(
    server: EventsServer, make_client: MakeClient, sdk_log: Records, reply: Reply, edge: str
) -> None:
    """With retries off nothing is given up: the error is raised, no WARNING."""
    server.replies.append(reply)
    with pytest.raises((errors.SpeakeasyError, BROKEN_BODY[edge])):
        make_client().events.post_workspace_events(make_request(), NO_RETRIES)
    assert not sdk_log.lines(logging.WARNING)
    assert len(attempts(sdk_log)) == 1


def test_no_warning_for_a_status_that_is_not_retried(
    server: EventsServer, make_client: MakeClient, sdk_log: Records
) -> None:
    """A 400 is an answer, not a retry given up."""
    server.replies.append(Reply(400))
    with pytest.raises(errors.SDKError):
        make_client().events.post_workspace_events(make_request(), FAST_RETRIES)
    assert not sdk_log.lines(logging.WARNING)


def test_records_never_hold_the_key_or_payload(
    server: EventsServer, make_client: MakeClient, sdk_log: Records
) -> None:
    """Across successes, retries, status errors and network failures: no key, no event field."""
    client = make_client(timeout_ms=100)
    server.replies.extend(
        [
            Reply(503, body={"message": f"echo {EVENT_ID} {API_KEY}", "status_code": 503}),
            Reply(200, action="reset"),
            Reply(200, action="reset_mid_body"),
            Reply(200, delay=0.3),
        ]
    )
    client.events.post_workspace_events(make_request(), FAST_RETRIES)
    server.handler = lambda rec: Reply(500, body=f"{RAW_COMMAND} {API_KEY}")
    # (each attempt of these two may take its time: 100 ms is for the delayed reply above)
    with pytest.raises(errors.SDKError):
        client.events.post_workspace_events(make_request(), SHORT_BUDGET, timeout_ms=60_000)
    server.handler = lambda rec: Reply(400, body=f"{EVENT_ID} {API_KEY}")
    with pytest.raises(errors.SDKError):
        client.events.post_workspace_events(make_request(), NO_RETRIES, timeout_ms=60_000)
    text = sdk_log.text()
    assert len(sdk_log.records) >= 8
    for secret in (API_KEY, EVENT_ID, RAW_COMMAND, "exec-1", "key-name"):
        assert secret not in text
    for record in sdk_log.records:
        assert API_KEY not in repr(record.args) and API_KEY not in repr(record.__dict__)


SCRIPT = textwrap.dedent(
    """
    import sys
    import speakeasy
    from speakeasy.models import operations, shared
    from speakeasy.utils import BackoffStrategy, RetryConfig
    from tests.support.hostile import make_request

    s = speakeasy.Speakeasy(security=shared.Security(api_key=sys.argv[2]), server_url=sys.argv[1])
    retries = RetryConfig("backoff", BackoffStrategy(1, 2, 1.5, 50), True)
    try:
        s.events.post_workspace_events(make_request(), retries)
    except Exception as exc:
        print(type(exc).__name__)
    """
)


def run_script(server: EventsServer, level: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SPEAKEASY_LOG"}
    if level is not None:
        env["SPEAKEASY_LOG"] = level
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    command = [sys.executable, "-c", SCRIPT, server.url, API_KEY]
    return run_captured(command, cwd=root, env=env, timeout=60, check=True)


def test_speakeasy_log_debug_prints_attempts_to_stderr(server: EventsServer) -> None:
    """SPEAKEASY_LOG=debug in a fresh process: attempt lines and the give-up on stderr."""
    server.handler = lambda rec: Reply(503)
    proc = run_script(server, "debug")
    assert proc.stdout.strip() == "Error"
    assert f"POST {PATH} attempt 1: status 503" in proc.stderr
    assert "speakeasy WARNING" in proc.stderr and "giving up" in proc.stderr
    assert API_KEY not in proc.stderr and EVENT_ID not in proc.stderr


def test_speakeasy_log_info_prints_only_the_warning(server: EventsServer) -> None:
    """SPEAKEASY_LOG=info: no per-attempt lines, the give-up still shows."""
    server.handler = lambda rec: Reply(503)
    proc = run_script(server, "info")
    assert "attempt 1" not in proc.stderr
    assert "giving up" in proc.stderr


def test_without_speakeasy_log_nothing_is_printed(server: EventsServer) -> None:
    """Unset, the SDK prints nothing, not even its WARNING (no last-resort stderr output)."""
    server.handler = lambda rec: Reply(503)
    proc = run_script(server, None)
    assert proc.stdout.strip() == "Error"
    assert proc.stderr == ""
