"""A hostile spool: a full disk, files that cannot be written or deleted, planted symlinks and
FIFOs, a directory others can write, hundreds of segments left by short-lived processes.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Iterator, List

import pytest

from speakeasy import EventsNotDeliveredWarning
from speakeasy._batching import worker as worker_module
from speakeasy.models import errors
from speakeasy.testing import EventsServer
from tests.support.batcher import (
    Gate,
    MakeBatcher,
    assert_balanced,
    assert_logged_once,
    assert_stats,
    delivered,
    event,
    events,
    expected_ids,
    freezable,
    ids,
    is_root,
    leave_in_spool,
    leave_segment,
    resend_left,
    segments,
    server_down,
    tmpfs,
    wait_released,
)

# -- a full disk -------------------------------------------------------------------------


def test_a_full_disk_recovers_once_events_are_delivered(
    server: EventsServer, make_batcher: MakeBatcher
) -> None:
    """The disk fills while the server is down: add raises OSError (nothing counted); once the
    server is back, delivered segments are deleted even though no .ack fits, and adds work again.
    """
    with tmpfs("128k") as mount:
        spool = mount / "spool"
        batcher = make_batcher(spool_dir=spool, flush_interval=600)
        added = 0
        with server_down(server), pytest.raises(OSError) as info:
            for i in range(10_000):
                batcher.add(event(i))
                added += 1
        assert info.value.errno == errno.ENOSPC
        assert added > 50
        assert batcher.stats.added == added  # the event that did not fit is not counted
        assert batcher.flush(timeout=30)
        assert set(delivered(server)) == expected_ids(added)
        for i in range(added, added + 20):  # room again: the delivered segment is gone
            assert batcher.add(event(i))
        assert batcher.close(timeout=30)
        assert set(delivered(server)) == expected_ids(added + 20)
        assert os.listdir(spool) == []
        assert_balanced(batcher.stats)


def test_a_full_disk_reuses_the_room_of_delivered_events(
    server: EventsServer, make_batcher: MakeBatcher
) -> None:
    """The open segment keeps delivered events until it is 4 MiB: on a small disk, the write
    that does not fit retires it (deleting it) and goes to a new segment instead of failing.
    """
    with tmpfs("32k") as mount:
        spool = mount / "spool"
        batcher = make_batcher(spool_dir=spool, flush_interval=600)
        for i in range(200):  # over 50 KB of events through a 32 KiB disk
            assert batcher.add(event(i))
            assert batcher.flush(timeout=30)
        assert batcher.close(timeout=30)
        assert set(delivered(server)) == expected_ids(200)
        assert os.listdir(spool) == []


def test_add_many_on_a_full_disk_queues_nothing(
    server: EventsServer, make_batcher: MakeBatcher
) -> None:
    """A write that does not fit is cut off again: no event of the call is queued or recovered."""
    with tmpfs("64k") as mount:
        spool = mount / "spool"
        batcher = make_batcher(spool_dir=spool, flush_interval=600)
        with server_down(server):
            batcher.add_many(events(50))
            with pytest.raises(OSError):
                batcher.add_many(events(1000, start=50))
            assert batcher.stats.added == 50
            assert batcher.close(timeout=0.2) is False
            # Under load its last request may still be on the wire when close(0.2) returns,
            # the segment locked until it is answered: wait for that (issue 23 item 10).
            wait_released(spool)
        again = resend_left(make_batcher, spool, 50)
        assert again.close(timeout=30)
        assert set(delivered(server)) == expected_ids(50)


# -- files that cannot be written, deleted or read ---------------------------------------


def test_a_read_only_spool_still_delivers_and_counts_everything(
    server: EventsServer,
    make_batcher: MakeBatcher,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    small_segments: None,
) -> None:
    """Segments that can be read but neither acked nor deleted: every event is sent and counted,
    each file is logged once, and the batcher stays open.
    """
    caplog.set_level(logging.WARNING, logger="speakeasy.batcher")
    with freezable(tmp_path) as (spool, freeze):
        leave_in_spool(server, make_batcher(spool_dir=spool, flush_interval=600), events(30))
        leftovers = [p.name for p in segments(spool)]
        assert len(leftovers) > 2
        freeze()
        second = make_batcher(spool_dir=spool, flush_interval=600, max_batch_events=3)
        assert second.flush(timeout=30)
        assert not second.closed
        with pytest.raises(OSError):  # no new segment can be made: add says so
            second.add(event(99))
        assert second.close(timeout=10)
    assert_stats(second.stats, recovered=30, sent=30, failed=0, pending=0)
    assert delivered(server) == {i: 1 for i in expected_ids(30)}
    assert_logged_once(caplog.records, leftovers)


@contextlib.contextmanager
def _undeletable(spool: Path, names: List[str]) -> Iterator[None]:
    """Files that can be read and written but not deleted, even by root.

    As root: each is bind-mounted onto itself (a mount point cannot be
    unlinked: EBUSY). Otherwise: the directory is made 0500.
    """
    if is_root():
        bound: List[Path] = []
        try:
            for name in names:
                path = spool / name
                subprocess.run(["mount", "--bind", str(path), str(path)], check=True)
                bound.append(path)
            yield
        finally:
            for path in bound:
                subprocess.run(["umount", "-l", str(path)], capture_output=True)
        return
    os.chmod(spool, 0o500)
    try:
        yield
    finally:
        os.chmod(spool, 0o700)


def test_a_delivered_segment_that_cannot_be_deleted_is_counted_sent(
    server: EventsServer,
    make_batcher: MakeBatcher,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Deleting a finished segment fails: the batch still counts as sent, the failure is
    logged once for that file, and the other segments are delivered; the batcher stays open.
    """
    caplog.set_level(logging.WARNING, logger="speakeasy.batcher")
    # As root the bind mounts need a tmpfs of their own (never mount in tmp_path).
    with tmpfs("1m") if is_root() else contextlib.nullcontext(tmp_path) as home:
        spool = home / "spool"
        spool.mkdir(mode=0o700)
        names = [f"1-{n}-dead.seg" for n in range(3)]
        for n, name in enumerate(names):
            leave_segment(spool, name, 4 * n, 4)
            (spool / name.replace(".seg", ".ack")).write_text("")
        with _undeletable(spool, names):
            batcher = make_batcher(spool_dir=spool, flush_interval=600, max_batch_events=2)
            assert batcher.flush(timeout=30)
            assert not batcher.closed
            assert batcher.close(timeout=10)
    assert_stats(batcher.stats, recovered=12, sent=12, failed=0, pending=0)
    assert delivered(server) == {i: 1 for i in expected_ids(12)}
    assert_logged_once(caplog.records, names)


def test_an_entry_that_cannot_be_read_stays_with_that_entry(
    server: EventsServer, make_batcher: MakeBatcher, spool: Path
) -> None:
    """A directory named like a segment is skipped; the good segments are delivered."""
    spool.mkdir(mode=0o700)
    (spool / "1-0-adir.seg").mkdir()
    leave_segment(spool, "1-1-good.seg", 0, 4)
    batcher = make_batcher(spool_dir=spool)
    assert batcher.stats.recovered == 4
    assert batcher.close(timeout=10)
    assert set(delivered(server)) == expected_ids(4)
    assert [p.name for p in spool.iterdir()] == ["1-0-adir.seg"]


def test_flush_is_false_when_recovered_events_vanish_before_they_are_read(
    server: EventsServer, make_batcher: MakeBatcher, spool: Path
) -> None:
    """A claimed segment emptied by someone else: flush() returns, False, without waiting."""
    spool.mkdir(mode=0o700)
    leave_segment(spool, "1-0-first.seg", 0, 2)
    leave_segment(spool, "1-1-second.seg", 2, 2)
    gate = Gate()
    server.handler = gate
    try:
        batcher = make_batcher(spool_dir=spool, flush_interval=600)
        assert gate.arrived.wait(10)  # the first segment is on the wire, the second not read
        os.truncate(spool / "1-1-second.seg", 0)
    finally:
        gate.open()
    assert batcher.flush(timeout=30) is False
    assert_stats(batcher.stats, recovered=4, sent=2, pending=2)
    assert not batcher.closed


# -- planted files, a directory others can write ------------------------------------------


def test_a_spool_dir_others_can_write_is_refused(make_batcher: MakeBatcher, spool: Path) -> None:
    """Group- or world-writable: anyone could plant or read events there."""
    spool.mkdir()
    os.chmod(spool, 0o777)
    with pytest.raises(errors.ValidationError) as info:
        make_batcher(spool_dir=spool)
    assert info.value.field == "spool_dir"
    assert "writable by other users" in str(info.value)


def test_a_spool_dir_of_another_user_is_refused(make_batcher: MakeBatcher, spool: Path) -> None:
    if not is_root():
        pytest.skip("giving a directory to another user needs root")
    spool.mkdir(mode=0o700)
    os.chown(spool, 65534, 65534)
    with pytest.raises(errors.ValidationError) as info:
        make_batcher(spool_dir=spool)
    assert info.value.field == "spool_dir"
    assert "another user" in str(info.value)


def test_symlinks_in_the_spool_are_never_followed(
    server: EventsServer, make_batcher: MakeBatcher, tmp_path: Path, spool: Path
) -> None:
    """A .seg symlink to a secret is not read nor sent; a rejected.jsonl symlink is not written."""
    secret = tmp_path / "secret.txt"
    secret.write_text('{"id": "secret-api-key"}\n')
    elsewhere = tmp_path / "elsewhere.jsonl"
    elsewhere.write_text("")
    spool.mkdir(mode=0o700)
    (spool / "1-0-link.seg").symlink_to(secret)
    (spool / "rejected.jsonl").symlink_to(elsewhere)
    server.reject_event = lambda item: item["id"] == "evt-1"
    reported: List[Any] = []
    batcher = make_batcher(
        spool_dir=spool, flush_interval=600, on_error=lambda items, exc: reported.extend(items)
    )
    assert batcher.stats.recovered == 0
    batcher.add_many(events(3))
    assert batcher.close(timeout=10) is False  # evt-1 was given up (to on_error: no warning)
    assert b"secret" not in b"".join(r.body for r in server.received)
    assert elsewhere.read_text() == ""  # the rejected event was not written through the link
    assert ids(reported) == ["evt-1"]  # it still reached on_error
    assert secret.read_text() == '{"id": "secret-api-key"}\n'


def test_a_fifo_named_like_a_segment_does_not_hang(make_batcher: MakeBatcher, spool: Path) -> None:
    """Opening a FIFO for reading would wait for a writer forever: it is skipped."""
    spool.mkdir(mode=0o700)
    fifo = spool / "1-0-fifo.seg"
    os.mkfifo(fifo)
    built: List[Any] = []
    builder = threading.Thread(target=lambda: built.append(make_batcher(spool_dir=spool)))
    builder.start()
    builder.join(20)
    if builder.is_alive():  # release it, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        builder.join(10)
        pytest.fail("the batcher hung on a FIFO named like a segment")
    assert built[0].stats.recovered == 0


# -- many leftovers ----------------------------------------------------------------------


def test_a_backlog_of_many_segments_is_delivered_before_flush_returns_true(
    server: EventsServer, make_batcher: MakeBatcher, spool: Path
) -> None:
    """Hundreds of segments left by short-lived processes: flush() is True only once all went."""
    spool.mkdir(mode=0o700)
    for n in range(60):
        leave_segment(spool, f"1-{n:04x}-dead.seg", 2 * n, 2)
    batcher = make_batcher(spool_dir=spool, flush_interval=600)
    assert batcher.flush(timeout=60)
    assert delivered(server) == {i: 1 for i in expected_ids(120)}
    assert batcher.stats.recovered == 120
    assert segments(spool) == []
    assert batcher.close(timeout=10)


def test_a_spool_dir_symlink_re_pointed_later_moves_nothing(
    server: EventsServer,
    make_batcher: MakeBatcher,
    tmp_path: Path,
    small_segments: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """spool_dir is resolved once and held: a link re-pointed after the check changes nothing.

    The link is re-pointed at a world-writable directory (another user's, when
    root) holding a planted segment; new segments, acks, rejected events and
    rescans all stay in the directory checked at the start.
    """
    monkeypatch.setattr(worker_module, "RESCAN_INTERVAL", 0.01)  # look for leftovers constantly
    good = tmp_path / "good"
    good.mkdir(mode=0o700)
    link = tmp_path / "spool-link"
    link.symlink_to(good)
    server.reject_event = lambda item: item["id"] == "evt-7"
    batcher = make_batcher(spool_dir=link, flush_interval=600)
    batcher.add(event(0))
    evil = tmp_path / "evil"
    evil.mkdir()
    leave_segment(evil, "1-0-planted.seg", 100, 3)
    os.chmod(evil, 0o777)
    if is_root():
        os.chown(evil, 65534, 65534)
    repointed = tmp_path / "spool-link.new"
    repointed.symlink_to(evil)
    os.replace(repointed, link)  # atomically, as an attacker would
    for i in range(1, 20):  # new 1 KiB segments, acks, one rejected event
        batcher.add(event(i))
    with pytest.warns(EventsNotDeliveredWarning, match="^1 event was not delivered"):
        assert batcher.flush(timeout=10)
    time.sleep(0.1)  # several rescans
    assert batcher.close(timeout=10) is False  # evt-7 was given up
    assert sorted(os.listdir(evil)) == ["1-0-planted.seg"]
    assert delivered(server) == {f"evt-{i}": 1 for i in range(20) if i != 7}
    assert [
        json.loads(line)["id"] for line in (good / "rejected.jsonl").read_text().splitlines()
    ] == ["evt-7"]
