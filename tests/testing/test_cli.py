"""``python -m speakeasy.testing``, run as users run it: a subprocess on a free port."""

from __future__ import annotations

import errno
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from typing import Iterator, List, Tuple

import pytest

from speakeasy.testing import EventsServer
from speakeasy.testing.__main__ import DEFAULT_MAX_KEPT_BYTES, _listen_failure, _parse_args
from tests.support.local_server import EVENT, NO_KEY, Response, error_of, event, send

_LISTENING = re.compile(r"Speakeasy local events server listening on (http://127\.0\.0\.1:(\d+))\n")


class Cli:
    """A running ``python -m speakeasy.testing``; ``stderr`` is filled once it stopped."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int) -> None:
        self.proc = proc
        self.port = port
        self.stderr = ""

    def request(self, method: str, path: str, body: object = None, key: str = "k") -> Response:
        with closing(http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)) as conn:
            return send(conn, body, method=method, path=path, headers={**NO_KEY, "x-api-key": key})


@contextmanager
def cli(*args: str) -> Iterator[Cli]:
    """Start the server with ``args`` on a free port; stop it with SIGINT on exit."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "speakeasy.testing", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        match = _LISTENING.fullmatch(line)
        if match is None:
            _, err = proc.communicate(timeout=10)
            raise AssertionError(f"no listening line: {line!r}\n{err.decode()}")
        running = Cli(proc, int(match.group(2)))
        yield running
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
        running.stderr = err.decode()
        assert proc.returncode == 0, running.stderr
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def run_cli_expecting_failure(*args: str) -> Tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "speakeasy.testing", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return result.returncode, result.stderr


def test_cli_serves_until_interrupted() -> None:
    with cli("--api-key", "cli-secret") as server:
        assert server.request("POST", "/v1/workspace/ws-1/events", [EVENT], "cli-secret")[0] == 200
        assert server.request("POST", "/v1/workspace/ws-1/events", [EVENT], "bad")[0] == 401
        status, _, data = server.request("GET", "/v1/workspace/ws-1/events", key="cli-secret")
        assert (status, json.loads(data)) == (200, [EVENT])
    log = server.stderr
    assert "POST /v1/workspace/ws-1/events events=1 bytes=" in log and "-> 200" in log
    assert "-> 401" in log
    assert "cli-secret" not in log


def test_cli_keeps_at_most_max_kept_bytes_dropping_the_oldest() -> None:
    padding = "x" * 400  # each body is about 700 bytes
    bodies: List[bytes] = [
        json.dumps([event(id=f"e{i}", raw_command=padding)]).encode() for i in range(6)
    ]
    with cli("--max-kept-bytes", "12K", "--quiet") as server:
        for body in bodies:
            assert server.request("POST", "/v1/workspace/ws-1/events", body)[0] == 200
        found = json.loads(server.request("GET", "/v1/workspace/ws-1/events")[2])
    kept = [e["id"] for e in found]
    # The newest requests that fit in 12 KiB (records, parsed events, the search answer).
    assert kept and kept == [f"e{i}" for i in range(5, 5 - len(kept), -1)]
    assert len(kept) < 6 and sum(len(bodies[int(i[1:])]) for i in kept) <= 12 * 1024
    warnings = [line for line in server.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1, server.stderr  # once, not per dropped request
    assert "--max-kept-bytes" in warnings[0] and "12288 bytes" in warnings[0]


def test_cli_bound_defaults_to_64_mib_and_none_keeps_all() -> None:
    assert _parse_args([]).max_kept_bytes == DEFAULT_MAX_KEPT_BYTES == 64 * 1024 * 1024
    assert _parse_args(["--max-kept-bytes", "none"]).max_kept_bytes is None
    assert _parse_args(["--max-kept-bytes", "512K"]).max_kept_bytes == 512 * 1024
    assert _parse_args(["--max-kept-bytes", "1000"]).max_kept_bytes == 1000


def test_cli_fail_next_with_a_status_and_retry_after() -> None:
    with cli("--fail-next", "2", "--fail-status", "429", "--retry-after", "0") as server:
        answers = [server.request("POST", "/v1/workspace/ws-1/events", [EVENT]) for _ in range(3)]
        found = json.loads(server.request("GET", "/v1/workspace/ws-1/events")[2])
    assert [status for status, _, _ in answers] == [429, 429, 200]
    for failed in answers[:2]:
        assert failed[1]["retry-after"] == "0"
        assert error_of(failed) == "scripted 429 reply"
    assert "retry-after" not in answers[2][1]
    assert found == [EVENT]  # the failed posts stored nothing


def test_cli_delay_holds_every_answer() -> None:
    with cli("--delay", "0.3", "--quiet") as server:
        started = time.monotonic()
        assert server.request("GET", "/v1/workspace/ws-1/events")[0] == 200
        assert time.monotonic() - started >= 0.3


def test_cli_names_an_unfilled_workspace() -> None:
    with cli("--quiet") as server:
        status, _, data = server.request("POST", "/v1/workspace/%7BworkspaceID%7D/events", [EVENT])
    assert status == 400
    assert "{workspaceID}" in json.loads(data)["message"]


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--max-kept-bytes", "lots"], "--max-kept-bytes"),
        (["--fail-status", "42"], "--fail-status"),
        (["--fail-next", "-1"], "--fail-next"),
        (["--delay", "-1"], "--delay"),
        (["--delay", "nan"], "--delay"),
        (["--idle-timeout", "0"], "--idle-timeout"),
        (["--idle-timeout", "-2"], "--idle-timeout"),
    ],
)
def test_cli_bad_flag_values_exit_2_naming_the_flag(
    args: List[str], flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        _parse_args(args)
    assert info.value.code == 2
    assert flag in capsys.readouterr().err


def test_cli_bad_flag_value_as_a_process() -> None:
    code, err = run_cli_expecting_failure("--max-kept-bytes", "lots")
    assert code == 2
    assert "--max-kept-bytes" in err and "'lots'" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--port", "80000"], "from 0 to 65535"),
        (["--port", "-1"], "from 0 to 65535"),
        (["--port", "65536"], "from 0 to 65535"),
        (["--port", "8o8o"], "from 0 to 65535"),
        (["--port", ""], "from 0 to 65535"),
        (["--host", ""], "an address or a host name"),
        (["--host", "[::1]"], "without brackets"),
        (["--host", "192.0.2.1"], "is not an address of this machine"),  # TEST-NET-1
        (["--api-key", ""], "visible ASCII"),
        (["--api-key", " padded "], "visible ASCII"),
        (["--api-key", "line\nbreak"], "visible ASCII"),
        (["--max-kept-bytes", "-5"], "a size"),
        (["--max-kept-bytes", "1.5G"], "a size"),
        (["--fail-next", "99999999999"], "from 0 to 1000000"),
        (["--fail-next", "\u0663"], "from 0 to 1000000"),  # an Arabic-Indic 3
        (["--fail-status", "1000"], "an HTTP status code"),
        (["--retry-after", "1\r\nX-Injected: y"], "one line of visible ASCII"),
        (["--retry-after", ""], "one line of visible ASCII"),
        (["--delay", "1e300"], "from 0 to 86400"),
        (["--delay", "inf"], "from 0 to 86400"),
        (["--idle-timeout", "86401"], "at most 86400"),
        (["--idle-timeout", "nan"], "at most 86400"),
        (["--ui-requires-key"], "--ui-requires-key needs --api-key"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_cli_every_flag_out_of_range_exits_2_naming_it_without_a_traceback(
    args: List[str], expected: str
) -> None:
    """As a process, as users run it: status 2, the flag and the fault in one message."""
    code, err = run_cli_expecting_failure(*args)
    assert code == 2, err
    assert "Traceback" not in err
    assert args[0] in err and expected in err, err


def test_cli_on_a_port_in_use_says_so_and_suggests_port_0() -> None:
    with closing(socket.socket()) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, err = run_cli_expecting_failure("--port", str(port))
    assert code == 1, err
    assert "Traceback" not in err
    assert f"argument --port: 127.0.0.1:{port} is already in use" in err
    assert "--port 0 for a free one" in err


def test_cli_listen_failures_name_the_flag() -> None:
    """The failures a test cannot provoke here (root may bind port 80; a name lookup would
    leave the machine), mapped by the same function the command uses."""
    status, message = _listen_failure(PermissionError(errno.EACCES, "denied"), "127.0.0.1", 80)
    assert status == 1 and "--port" in message and "needs privileges" in message
    assert "--port 0" in message
    failure = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    status, message = _listen_failure(failure, "no.such.host", 8080)
    assert status == 2 and "--host" in message and "'no.such.host'" in message
    status, message = _listen_failure(OSError(errno.EADDRINUSE, "in use"), "::1", 8080)
    assert status == 1 and "[::1]:8080 is already in use" in message


@pytest.mark.parametrize("port", [-1, 65536, 80000, True, "8080", 1.0])
def test_events_server_refuses_a_port_out_of_range(port: object) -> None:
    with pytest.raises(ValueError, match="port must be an int from 0 to 65535"):
        EventsServer(port=port)  # type: ignore[arg-type]


ROUTES = [
    "POST /v1/workspace/{workspaceID}/events",
    "GET  /v1/workspace/{workspaceID}/events",
    "GET  /v1/workspace/{workspaceID}/events/targets",
    "GET  /v1/workspace/{workspaceID}/events/targets/{targetID}/events",
    "GET  /v1/workspace/events/targets",
]
PAGE_ROUTES = ["GET  /  (the live page", "GET  /_page/events", "GET  /_page/app.js", "/favicon.ico"]


def test_cli_lists_its_routes_and_serves_workspace_less_targets() -> None:
    with cli("--quiet") as server:
        targeted = event(generate_gen_lock_id="t-1", generate_target="python")
        assert server.request("POST", "/v1/workspace/ws-9/events", [targeted])[0] == 200
        status, _, data = server.request("GET", "/v1/workspace/events/targets")
    assert status == 200 and [t["id"] for t in json.loads(data)] == ["t-1"]
    for route in ROUTES:
        assert route in server.stderr
    help_text = subprocess.run(
        [sys.executable, "-m", "speakeasy.testing", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    assert all(route in help_text for route in ROUTES)
    assert "--idle-timeout" in help_text
    for route in PAGE_ROUTES:  # issue 25: the live page's routes too
        assert route in help_text and route in server.stderr
    assert "exit status: 0" in help_text and "421" in help_text


def test_cli_idle_timeout_closes_silent_connections() -> None:
    with cli("--idle-timeout", "0.3", "--quiet") as server:
        with closing(socket.create_connection(("127.0.0.1", server.port), timeout=5)) as sock:
            started = time.monotonic()
            assert sock.recv(10) == b""
            assert time.monotonic() - started < 3
    assert _parse_args([]).idle_timeout == 30.0
    assert _parse_args(["--idle-timeout", "none"]).idle_timeout is None
