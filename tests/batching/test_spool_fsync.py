"""``spool_fsync=True``: each event is on stable storage before ``add`` returns, by group commit.

Observed by wrapping ``os.fdatasync``/``os.fsync``: each call records which file
it synced and how large that file was then; after ``add`` returns, a sync of
the segment must have covered every byte written so far.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path
from typing import Any, Callable, List, Tuple

import pytest

from speakeasy._batching import segment as segment_module
from speakeasy.models import errors
from speakeasy.testing import EventsServer
from tests.support import batcher as support

#: (inode, size when synced, is a directory) of each sync call.
Synced = List[Tuple[int, int, bool]]


def _observe(monkeypatch: pytest.MonkeyPatch, delay: float = 0.0) -> Synced:
    calls: Synced = []
    lock = threading.Lock()

    def wrap(real: Callable[[int], None]) -> Callable[[int], None]:
        def sync(fd: int) -> None:
            info = os.fstat(fd)
            size = info.st_size
            if stat.S_ISREG(info.st_mode):  # what is written: a mapped segment ends in zeros
                size = len(os.pread(fd, size, 0).rstrip(b"\0"))
            if delay:
                time.sleep(delay)
            real(fd)
            with lock:
                calls.append((info.st_ino, size, stat.S_ISDIR(info.st_mode)))

        return sync

    monkeypatch.setattr(os, "fsync", wrap(os.fsync))
    if hasattr(os, "fdatasync"):
        monkeypatch.setattr(os, "fdatasync", wrap(os.fdatasync))
    return calls


def _written(path: Path) -> int:
    """How many bytes of lines the segment holds (past them: the zeros of reserved room)."""
    return len(path.read_bytes().rstrip(b"\0"))


def _synced_size(calls: Synced, path: Path) -> int:
    """The largest size of ``path`` that a sync covered."""
    inode = path.stat().st_ino
    return max((size for ino, size, _ in calls if ino == inode), default=-1)


def test_each_add_is_synced_before_it_returns(
    server: EventsServer,
    make_batcher: support.MakeBatcher,
    spool: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _observe(monkeypatch)
    batcher = make_batcher(spool_dir=spool, spool_fsync=True, flush_interval=600)
    for i in range(5):
        assert batcher.add(support.event(i))
        [segment] = support.segments(spool)
        assert _synced_size(calls, segment) == _written(segment) > 0
    spool_inode = spool.stat().st_ino
    assert any(ino == spool_inode and is_dir for ino, _, is_dir in calls)  # the new name too
    assert batcher.close(timeout=10)
    assert support.delivered(server) == {i: 1 for i in support.expected_ids(5)}


def test_add_many_is_one_write_and_one_sync(
    make_batcher: support.MakeBatcher, spool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _observe(monkeypatch)
    batcher = make_batcher(spool_dir=spool, spool_fsync=True, flush_interval=600)
    batcher.add(support.event(0))  # the segment and its directory entry exist from here
    calls.clear()
    writes: List[int] = []
    real_write = os.write
    [segment] = support.segments(spool)
    inode = segment.stat().st_ino

    def counting_write(fd: int, data: Any) -> int:
        if os.fstat(fd).st_ino == inode:
            writes.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", counting_write)
    assert batcher.add_many(support.events(100, start=1)) == 100
    monkeypatch.setattr(os, "write", real_write)
    assert len(writes) == (0 if segment_module.USE_MMAP else 1)  # a copy into the map
    assert [(ino, size) for ino, size, _ in calls] == [(inode, _written(segment))]
    assert batcher.close(timeout=10)


def test_concurrent_adds_share_one_sync(
    make_batcher: support.MakeBatcher, spool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adders waiting on the same sync are released together: far fewer syncs than adds."""
    calls = _observe(monkeypatch, delay=0.02)
    batcher = make_batcher(spool_dir=spool, spool_fsync=True, flush_interval=600)
    returned: List[Tuple[int, int]] = []  # (where the event ends in its segment, synced then)
    lock = threading.Lock()

    def adder(start: int) -> None:
        for i in range(start, start + 10):
            batcher.add(support.event(i))
            [segment] = support.segments(spool)
            synced = _synced_size(calls, segment)
            line = (support.encoded(support.event(i)) + "\n").encode("latin-1")
            ends = segment.read_bytes().index(line) + len(line)
            with lock:
                returned.append((ends, synced))

    threads = [threading.Thread(target=adder, args=(n * 10,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    file_syncs = [c for c in calls if not c[2]]
    assert len(returned) == 80
    assert all(synced >= ends for ends, synced in returned), returned  # each add was covered
    assert len(file_syncs) <= 40, len(file_syncs)  # 80 adds; one sync serves many
    [segment] = support.segments(spool)
    assert _synced_size(calls, segment) == _written(segment)
    assert batcher.flush(timeout=10)


def test_without_spool_fsync_nothing_is_synced(
    make_batcher: support.MakeBatcher, spool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _observe(monkeypatch)
    batcher = make_batcher(spool_dir=spool, flush_interval=600)
    batcher.add_many(support.events(10))
    batcher.add(support.event(10))
    assert batcher.close(timeout=10)
    assert calls == []


def test_spool_fsync_is_checked(make_batcher: support.MakeBatcher) -> None:
    with pytest.raises(errors.FieldTypeError) as info:
        make_batcher(spool_fsync="yes")
    assert info.value.field == "spool_fsync"
    with pytest.raises(errors.ValidationError) as info2:
        make_batcher(spool_fsync=True)
    assert info2.value.field == "spool_fsync"
