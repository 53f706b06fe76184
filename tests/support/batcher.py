"""Builders and checks shared by the batcher tests."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Tuple

import pytest

import speakeasy
from speakeasy import BatcherStats, EventBatcher
from speakeasy._encoding import encoder_for
from speakeasy.models import shared
from speakeasy.testing import EventsServer, Reply
from tests.support.factories import cli_event

#: The type of the ``make_batcher`` fixture (tests/batching/conftest.py).
MakeBatcher = Callable[..., EventBatcher]
#: What an ``on_error`` made by ``recording`` was given: (events, exception) per call.
Reported = List[Tuple[List[Any], BaseException]]


def event(i: int = 0, **overrides: Any) -> shared.CliEvent:
    """A valid event whose id is ``evt-<i>``."""
    return cli_event(**{"id": f"evt-{i}", **overrides})


def events(count: int, start: int = 0) -> List[shared.CliEvent]:
    return [event(i) for i in range(start, start + count)]


def encoded(item: shared.CliEvent) -> str:
    """The event's JSON as the batcher writes it to a spool segment (one line)."""
    return encoder_for(shared.CliEvent)(item)


def ids(items: Iterable[Dict[str, Any]]) -> List[str]:
    return [item["id"] for item in items]


def delivered(server: EventsServer) -> Counter[str]:
    """How many times the server accepted each event id."""
    return Counter(ids(server.events))


def expected_ids(count: int, start: int = 0) -> set[str]:
    return {f"evt-{i}" for i in range(start, start + count)}


def assert_balanced(stats: BatcherStats) -> None:
    assert stats.added == stats.sent + stats.failed + stats.dropped + stats.pending, stats


def assert_stats(stats: BatcherStats, **expected: int) -> None:
    """The counts named in ``expected`` are those of ``stats`` (one snapshot)."""
    assert {name: getattr(stats, name) for name in expected} == expected, stats


def segments(spool: Path) -> List[Path]:
    """The spool's segment files, by name."""
    return sorted(spool.glob("*.seg"))


def leave_segment(spool: Path, name: str, start: int, count: int) -> Path:
    """A segment as a dead process leaves it: ``count`` events from ``evt-<start>``, unlocked."""
    path = spool / name
    path.write_text("".join(encoded(event(i)) + "\n" for i in range(start, start + count)))
    return path


def recording(make_batcher: MakeBatcher, **options: Any) -> Tuple[EventBatcher, Reported]:
    """A batcher whose ``on_error`` records each call, and that record."""
    reported: Reported = []
    batcher = make_batcher(on_error=lambda items, exc: reported.append((items, exc)), **options)
    return batcher, reported


def reported_ids(reported: Reported) -> List[str]:
    """The ids of every event given to ``on_error``, sorted."""
    return sorted(i for items, _ in reported for i in ids(items))


def on_error_calling(
    make_batcher: MakeBatcher, call: Callable[[EventBatcher], Any], **options: Any
) -> Tuple[EventBatcher, List[Any]]:
    """A batcher whose ``on_error`` calls ``call`` on that very batcher; what each call returned."""
    answers: List[Any] = []
    holder: List[EventBatcher] = []
    batcher = make_batcher(on_error=lambda items, exc: answers.append(call(holder[0])), **options)
    holder.append(batcher)
    return batcher, answers


@contextlib.contextmanager
def server_down(server: EventsServer) -> Iterator[None]:
    """The server answers 503 to every request inside the block, and normally after it."""
    server.handler = lambda request: Reply(503)
    try:
        yield
    finally:
        server.handler = None


def leave_in_spool(server: EventsServer, batcher: EventBatcher, items: List[Any]) -> None:
    """Add ``items`` one by one while the server is down, then close: they stay on disk.

    Returns once the batcher has let go of its segments (see ``wait_released``).
    """
    with server_down(server):
        for item in items:
            batcher.add(item)
        assert batcher.close(timeout=0.4) is False
        # Still down: a request on the wire when close() returned gets its 503 too.
        held = batcher._spool
        assert held is not None, "leave_in_spool needs a batcher with a spool"
        wait_released(Path(held.directory))


def wait_released(spool: Path, timeout: float = 60.0) -> None:
    """Wait until no batcher holds the lock of any segment in ``spool``.

    ``close(timeout)`` returns when its time is up, even while a request is
    still on the wire (a loaded machine, a slow server): that batch's worker
    keeps its segments locked until the answer comes, so a batcher built at
    once would find them taken ("owner alive") and leave them to its next
    re-scan, 30 seconds later. Nothing is lost (they are pending, on disk):
    a test that wants the next batcher to recover them waits for this first,
    while the server still refuses (else that last request may deliver them).
    """
    deadline = time.monotonic() + timeout
    for path in segments(spool):
        while True:
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                break
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                assert time.monotonic() < deadline, f"{path.name} is still locked"
                time.sleep(0.01)
            finally:
                os.close(fd)


def resend_left(make_batcher: MakeBatcher, spool: Path, count: int) -> EventBatcher:
    """A new batcher on ``spool``: it finds the ``count`` events left there and delivers them.

    It is built once the batchers that left them have let go of their segments.
    """
    wait_released(spool)
    batcher = make_batcher(spool_dir=spool, flush_interval=600)
    assert batcher.stats.recovered == count
    assert batcher.flush(timeout=10)
    return batcher


def assert_logged_once(records: Iterable[logging.LogRecord], names: Iterable[str]) -> None:
    """Each of ``names`` (spool files) is in exactly one log message."""
    messages = [r.getMessage() for r in records]
    for name in names:
        logged = [m for m in messages if name in m]
        assert len(logged) == 1, logged


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``predicate`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


class Gate:
    """A server handler that holds the first ``hold`` requests until ``open()``.

    A held request stays on the wire; once opened, it is answered normally (200).
    """

    def __init__(self, hold: int = 1) -> None:
        self._hold = hold
        self._seen = 0
        self._lock = threading.Lock()
        self.arrived = threading.Event()
        self._opened = threading.Event()

    def __call__(self, request: Any) -> Any:
        with self._lock:
            held = self._seen < self._hold
            self._seen += 1
        if held:
            self.arrived.set()
            self._opened.wait(60)
        return None

    def open(self) -> None:
        self._opened.set()


@contextlib.contextmanager
def tmpfs(size: str) -> Iterator[Path]:
    """A fresh tmpfs of ``size`` (say "256k"), outside pytest's tmp_path; root only.

    Unmounted lazily (``umount -l``) whatever happens.
    """
    if not is_root() or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    where = Path(tempfile.mkdtemp(prefix="speakeasy-tmpfs-"))
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
            capture_output=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode(errors='replace').strip()}")
        try:
            yield where
        finally:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)
    finally:
        os.rmdir(where)


def is_root() -> bool:
    """Whether this process is root: it may mount, and file modes do not stop it."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


@contextlib.contextmanager
def freezable(tmp_path: Path) -> Iterator[Tuple[Path, Callable[[], None]]]:
    """A spool directory, and a function that makes it refuse new and deleted files.

    As root (whom permissions do not stop) the spool is on a tmpfs of its own,
    remounted read-only; otherwise it is in ``tmp_path``, made 0500.
    """
    if is_root():
        with tmpfs("4m") as mount:
            spool = mount / "spool"
            yield spool, lambda: _remount_read_only(mount)
        return
    spool = tmp_path / "spool"
    spool.mkdir(mode=0o700)
    try:
        yield spool, lambda: os.chmod(spool, 0o500)
    finally:
        os.chmod(spool, 0o700)


def _remount_read_only(mount: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True, capture_output=True)


def build_batcher(client: speakeasy.Speakeasy, **options: Any) -> EventBatcher:
    """``client.events.batcher(**options)``."""
    return client.events.batcher(**options)
