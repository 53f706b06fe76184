"""Nothing reported wrongly, nothing unbounded: stalled answers, give-up notes, gzip bombs.

Each runs on both edges (the batcher, sync by nature, once).
"""

from __future__ import annotations

import gzip
import re
import socket
import time
import tracemalloc
from pathlib import Path
from typing import Any, List

import pytest

import speakeasy
from speakeasy import _events
from speakeasy._answers import MAX_BODY_BYTES
from speakeasy.models import errors, operations, shared
from speakeasy.testing import EventsServer, Reply
from speakeasy.utils import BackoffStrategy, RetryConfig
from tests.retries.test_deadlines import _drip, stalling_server
from tests.support.edges import CONNECTION_ERROR, TIMEOUT
from tests.support.factories import NO_RETRIES, cli_event
from tests.support.hostile import API_KEY, RawServer, make_request, read_head

NOTE = re.compile(
    r"^speakeasy: (?P<method>GET|POST) (?P<path>\S+): gave up after (?P<n>\d+) attempt\(s\) "
    r"over (?P<secs>\d+\.\d) s$"
)


def _client(url: str, **kwargs: Any) -> speakeasy.Speakeasy:
    kwargs.setdefault("security", shared.Security(api_key=API_KEY))
    return speakeasy.Speakeasy(server_url=url, workspace_id="ws", **kwargs)


# -- a stalled answer is a timeout, never a success ------------------------------------


def status_line_then_drip(conn: socket.socket) -> None:
    """``HTTP/1.1 200 OK`` at once, then one header byte every 0.1 s, forever (20 s)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    _drip(conn, b"X-Drip: " + b"a" * 1000)


@pytest.fixture
def dripping() -> Any:
    server = stalling_server(status_line_then_drip)
    yield server
    server.close()


@pytest.mark.parametrize("operation", ["post", "read"])
def test_a_status_line_then_a_dripping_header_is_a_timeout(
    dripping: RawServer, on_edge: Any, edge: str, operation: str
) -> None:
    """At timeout_ms the call raises the edge's timeout: what was parsed of the remains
    (a 200 status line) is never taken for an answer."""
    client = on_edge(_client(dripping.url(), retry_config=NO_RETRIES))
    began = time.monotonic()
    with pytest.raises(TIMEOUT[edge], match=r"deadline of 0\.5 s"):
        if operation == "post":
            client.events.post_workspace_events(make_request(), timeout_ms=500)
        else:
            client.events.search_workspace_events(timeout_ms=500)
    assert 0.4 < time.monotonic() - began < 5


def test_the_batcher_keeps_a_stalled_batch_pending(dripping: RawServer, tmp_path: Path) -> None:
    """The batcher's attempt times out: the batch is not counted sent, it stays pending.

    Sync only: the batcher sends from its own thread through the sync edge."""
    client = _client(dripping.url())
    retries = RetryConfig("backoff", BackoffStrategy(50, 100, 1.5, 60_000), True)
    batcher = client.events.batcher(
        timeout_ms=300, retries=retries, spool_dir=tmp_path / "spool", flush_interval=0.05
    )
    try:
        batcher.add(cli_event())
        assert batcher.flush(timeout=1.5) is False
        stats = batcher.stats
        assert stats.sent == 0
        assert stats.pending == 1
        assert stats.retried >= 1
    finally:
        batcher.close(timeout=0.5)
        client.close()
    assert batcher.stats.sent == 0


# -- a give-up error says what happened --------------------------------------------------


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_a_give_up_note_counts_attempts_and_time(on_edge: Any, edge: str) -> None:
    """After retries against a refused port: the same exception type as before (the
    edge's ConnectionError), with a PEP 678 note giving the attempts and the time."""
    attempts: List[object] = []
    client = on_edge(_client(_closed_port_url()))
    client.hooks.after_error(attempts.append)
    retries = RetryConfig("backoff", BackoffStrategy(10, 20, 1.5, 300), True)
    began = time.monotonic()
    with pytest.raises(CONNECTION_ERROR[edge]) as info:
        client.events.post_workspace_events(make_request(), retries)
    elapsed = time.monotonic() - began
    notes = getattr(info.value, "__notes__", [])
    (note,) = [n for n in notes if n.startswith("speakeasy:")]
    match = NOTE.match(note)
    assert match, note
    assert match["method"] == "POST" and match["path"] == "/v1/workspace/ws/events"
    assert int(match["n"]) == len(attempts) >= 2
    assert 0.25 <= float(match["secs"]) <= elapsed + 0.05
    assert all(isinstance(a, CONNECTION_ERROR[edge]) for a in attempts)
    assert API_KEY not in note


def test_with_retries_off_the_note_says_so_and_the_error_pickles_with_it(
    on_edge: Any, edge: str
) -> None:
    """errors.md: with retries off the note ends in ``, retries off``; network errors
    pickle with their class, message, note and (no answer arrived) ``raw_response`` None."""
    import pickle

    client = on_edge(_client(_closed_port_url()))
    with pytest.raises(errors.ConnectError) as info:
        client.events.post_workspace_events(make_request(), NO_RETRIES)
    (note,) = [n for n in getattr(info.value, "__notes__", []) if n.startswith("speakeasy:")]
    assert note.endswith(", retries off"), note
    copy = pickle.loads(pickle.dumps(info.value))
    assert isinstance(copy, errors.ConnectError) and isinstance(copy, CONNECTION_ERROR[edge])
    assert str(copy) == str(info.value) and copy.raw_response is None
    assert (copy.host, copy.port) == (info.value.host, info.value.port)
    assert note in getattr(copy, "__notes__", [])


def test_a_give_up_note_on_a_status_error(server: EventsServer, on_edge: Any) -> None:
    """Retried 503s that never clear: errors.Error as before, with the same note."""
    server.handler = lambda rec: Reply(503, body={"message": "down", "status_code": 503})
    client = on_edge(_client(server.url))
    retries = RetryConfig("backoff", BackoffStrategy(5, 10, 1.5, 150), False)
    with pytest.raises(errors.Error) as info:
        client.events.post_workspace_events(make_request(), retries)
    (note,) = info.value.__notes__
    match = NOTE.match(note)
    assert match, note
    assert int(match["n"]) == len(server.received) >= 2


def test_a_single_attempt_has_no_note_on_an_http_error(server: EventsServer, on_edge: Any) -> None:
    """An answer that was never retried speaks for itself: no note."""
    server.replies.append(Reply(400, body="bad"))
    with pytest.raises(errors.SDKError) as info:
        on_edge(_client(server.url)).events.post_workspace_events(make_request(), NO_RETRIES)
    assert not getattr(info.value, "__notes__", [])


# -- a compressed answer never inflates past its bound ----------------------------------

#: A small gzip body that inflates to 64 MiB (of JSON-ish spaces).
INFLATED = 64 << 20


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = gzip.compress(b"[" + b" " * (INFLATED - 2) + b"]", compresslevel=9)
    assert len(data) < INFLATED // 500
    return data


def _peak(call: Any) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        outcome: Any = call()
    except Exception as exc:
        outcome = exc
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return outcome, peak


def test_a_gzip_read_past_the_bound_is_refused_without_inflating_it(
    server: EventsServer, on_edge: Any, bomb: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 200 read whose gzip body inflates to 64 MiB, against a 1 MiB read bound: SDKError,
    and the process's peak allocation stays near the bound (not near 64 MiB)."""
    bound = 1 << 20
    monkeypatch.setattr(_events, "MAX_RESPONSE_BYTES", bound)
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    server.replies.append(Reply(200, body=bomb, headers=headers))
    client = on_edge(_client(server.url, retry_config=NO_RETRIES))
    outcome, peak = _peak(lambda: client.events.search_workspace_events())
    assert isinstance(outcome, errors.SDKError), outcome
    assert f"larger than {bound} bytes" in str(outcome)
    print(f"peak {peak} bytes for a {bound}-byte bound")
    assert peak < 6 * bound, f"peak {peak} bytes"


def test_a_gzip_error_body_is_cut_at_its_bound_without_inflating_it(
    server: EventsServer, on_edge: Any, bomb: bytes
) -> None:
    """The same bomb as a 500's body: SDKError with at most MAX_BODY_BYTES of it, and the
    peak allocation stays near that bound."""
    headers = {"Content-Type": "text/plain", "Content-Encoding": "gzip"}
    server.replies.append(Reply(500, body=bomb, headers=headers))
    client = on_edge(_client(server.url, retry_config=NO_RETRIES))
    outcome, peak = _peak(lambda: client.events.post_workspace_events(make_request()))
    assert isinstance(outcome, errors.SDKError), outcome
    assert outcome.status_code == 500
    assert len(outcome.body) <= MAX_BODY_BYTES
    print(f"peak {peak} bytes for a {MAX_BODY_BYTES}-byte bound")
    assert peak < 8 * MAX_BODY_BYTES, f"peak {peak} bytes"


def test_a_gzip_read_within_the_bound_is_decoded(server: EventsServer, on_edge: Any) -> None:
    """The bound counts decoded bytes, and a compressed answer within it reads normally."""
    body = b"[" + b" " * 100_000 + b"]"
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    server.replies.append(Reply(200, body=gzip.compress(body), headers=headers))
    client = on_edge(_client(server.url, retry_config=NO_RETRIES))
    res = client.events.search_workspace_events(operations.SearchWorkspaceEventsRequest())
    assert res.status_code == 200
    assert res.cli_event_batch == []


# -- a 1 GiB gzip answer: peak memory stays under the cap plus 64 MiB ----------------------

#: What the bomb inflates to.
GIB = 1 << 30
#: The documented cap of a read (``_events.MAX_RESPONSE_BYTES``), and the slack allowed.
CAP_SLACK = 64 << 20

_BOMB_CLIENT = r"""
import asyncio, json, resource, sys

import speakeasy
from speakeasy.models import errors, shared
from speakeasy.utils import RetryConfig

edge, url = sys.argv[1], sys.argv[2]
client = speakeasy.Speakeasy(
    security=shared.Security(api_key="k"), server_url=url, workspace_id="ws",
    retry_config=RetryConfig("none"), timeout_ms=120_000,
)

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux

async def on_async():
    await client.events.search_workspace_events_async()  # warm-up: every module loaded
    before = peak()
    try:
        await client.events.search_workspace_events_async()
    except errors.SDKError as exc:
        return before, str(exc).splitlines()[0]
    return before, "no error"

def on_sync():
    client.events.search_workspace_events()
    before = peak()
    try:
        client.events.search_workspace_events()
    except errors.SDKError as exc:
        return before, str(exc).splitlines()[0]
    return before, "no error"

before, outcome = asyncio.run(on_async()) if edge == "async" else on_sync()
print(json.dumps({"before": before, "after": peak(), "outcome": outcome}))
"""


@pytest.fixture(scope="module")
def gib_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A gzip stream of 1 GiB of JSON-ish spaces (about 5 MiB), made without holding it
    (at level 1: a second or two of CPU, where level 9 takes four times as long for 1 MiB)."""
    import zlib

    path = tmp_path_factory.mktemp("bomb") / "gib.gz"
    pack = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b" " * (1 << 20)
    with path.open("wb") as out:
        out.write(pack.compress(b"["))
        for _ in range(GIB >> 20):
            out.write(pack.compress(block))
        out.write(pack.compress(b"]") + pack.flush())
    return path


def test_a_gib_gzip_read_bomb_grows_memory_by_less_than_the_cap_plus_64_mib(
    edge: str, gib_bomb: Path
) -> None:
    """A search answered with 1 GiB of gzip (the first answer is a small ``[]`` to load
    every module): SDKError, and the client process's peak RSS (ru_maxrss, measured in a
    fresh interpreter) grows by less than the 256 MiB cap plus 64 MiB, on both edges."""
    import json
    import subprocess
    import sys
    import threading

    bomb = gib_bomb.read_bytes()
    calls: List[int] = []

    def answer(conn: socket.socket) -> None:
        with conn:
            read_head(conn)
            calls.append(1)
            if len(calls) == 1:
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 2\r\nConnection: close\r\n\r\n[]"
                )
                return
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip"
                b"\r\nContent-Length: " + str(len(bomb)).encode() + b"\r\nConnection: close\r\n\r\n"
            )
            try:
                conn.sendall(bomb)
            except OSError:
                pass  # the client stopped reading at its bound: what is tested

    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]

        def serve() -> None:
            for _ in range(2):
                conn, _ = listener.accept()
                threading.Thread(target=answer, args=(conn,), daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()
        done = subprocess.run(
            [sys.executable, "-c", _BOMB_CLIENT, edge, f"http://127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    growth = result["after"] - result["before"]
    print(f"{edge}: peak RSS grew by {growth / (1 << 20):.1f} MiB for a 1 GiB gzip answer")
    assert "larger than" in result["outcome"], result
    assert growth < _events.MAX_RESPONSE_BYTES + CAP_SLACK, f"{growth / (1 << 20):.1f} MiB"
