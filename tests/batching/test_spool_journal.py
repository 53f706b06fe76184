"""The spool (``_batching.spool``) alone, on files in tmp_path: segments, acks, claims, rejects."""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path
from typing import List, Tuple

import pytest

from speakeasy._batching import segment as segment_module
from speakeasy._batching import spool as spool_module
from speakeasy._batching.journal import Journal
from speakeasy._batching.spool import Segment, Spool

#: A journal, its one segment (full, so retired), and where that segment's one event ends.
Full = Tuple[Journal, Segment, int]


def _locked_by_someone(path: Path) -> bool:
    """Whether another open file description holds the segment's lock."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _segments(directory: Path) -> List[Path]:
    return sorted(directory.glob("*.seg"))


def _lines(path: Path) -> str:
    """A segment's lines: an open one ends with the zeros of its reserved blocks."""
    return path.read_bytes().rstrip(b"\0").decode()


def _append(journal: Journal, text: str) -> Tuple[Segment, int]:
    """Append one event; its segment and where it ends there."""
    segment = journal.append(text.encode())
    return segment, segment.size


def _append_many(journal: Journal, texts: List[str]) -> Tuple[Segment, int]:
    """Append events with one copy; their segment and where the last ends."""
    segment = journal.append_many([t.encode() for t in texts])
    return segment, segment.size


@pytest.fixture
def spool(tmp_path: Path) -> Spool:
    return Spool(str(tmp_path / "spool"))


@pytest.fixture
def full(spool: Spool, monkeypatch: pytest.MonkeyPatch) -> Full:
    """One event fills the segment: it is retired at once, and deleted once resolved."""
    monkeypatch.setattr(spool_module, "SEGMENT_BYTES", 4)
    journal = Journal(spool)
    segment, end = _append(journal, "abcd")
    return journal, segment, end


def test_the_directory_is_created_private(spool: Spool) -> None:
    """A missing spool directory is created 0700."""
    assert stat.S_IMODE(os.stat(spool.directory).st_mode) == 0o700


def test_append_writes_one_line_per_event_and_locks_the_segment(spool: Spool) -> None:
    """Each event is one line, ending at its segment's size then; the file is locked, 0600."""
    journal = Journal(spool)
    first = _append(journal, '{"a":1}')
    second = _append(journal, '{"b":2}')
    [path] = _segments(Path(spool.directory))
    assert _lines(path) == '{"a":1}\n{"b":2}\n'
    assert (first[1], second[1]) == (8, 16) and first[0] is second[0]
    assert _locked_by_someone(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_append_many_writes_every_line_and_gives_each_end(spool: Spool) -> None:
    journal = Journal(spool)
    _, end = _append_many(journal, ["x", "yy", "zzz"])
    assert end == 9
    [path] = _segments(Path(spool.directory))
    assert _lines(path) == "x\nyy\nzzz\n"


def test_a_full_segment_is_retired_and_a_new_one_started(
    spool: Spool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past SEGMENT_BYTES, appends go to a new segment; the old one takes no more."""
    monkeypatch.setattr(spool_module, "SEGMENT_BYTES", 10)
    journal = Journal(spool)
    old, _ = _append_many(journal, ["0123456789"])
    new, _ = _append_many(journal, ["abc"])
    assert old is not new and not old.writing and new.writing
    assert len(_segments(Path(spool.directory))) == 2


def test_a_retired_segment_resolved_to_its_end_is_deleted(spool: Spool, full: Full) -> None:
    """Once every event of a retired segment is acked, the .seg and its .ack go."""
    journal, segment, end = full
    journal.ack({segment: end})
    assert os.listdir(spool.directory) == []
    assert segment not in journal.held


def test_ack_records_a_watermark_that_a_later_claim_honours(spool: Spool) -> None:
    """Only the events after the acked offset are recovered, with the offset ending each."""
    journal = Journal(spool)
    segment, _ = _append(journal, "one")
    _append_many(journal, ["two", "three"])
    journal.ack({segment: 4})
    journal.forget()  # the owner dies: its lock goes with its descriptors
    [(segment, count)], _ = spool.claim(limit=16)
    assert count == 2
    assert spool.read(segment) == [(b"two", 8), (b"three", 14)]


def test_a_live_owners_segment_is_not_claimed(spool: Spool) -> None:
    journal = Journal(spool)
    _append(journal, "x")
    assert spool.claim(limit=16) == ([], False)


def test_claim_stops_at_the_limit(spool: Spool) -> None:
    directory = Path(spool.directory)
    for n in range(5):
        (directory / f"1-{n}-dead.seg").write_text("x\n")
    found, more = spool.claim(limit=3)
    assert (len(found), more) == (3, True)


def test_a_torn_last_line_is_not_counted(spool: Spool) -> None:
    """A write cut short leaves half a line at the end: replay ignores it."""
    (Path(spool.directory) / "1-0-dead.seg").write_text('{"a":1}\n{"b"')
    [(segment, count)], _ = spool.claim(limit=16)
    assert count == 1
    assert spool.read(segment) == [(b'{"a":1}', 8)]


def test_a_segment_acked_to_its_end_is_deleted_when_found(spool: Spool) -> None:
    directory = Path(spool.directory)
    (directory / "1-0-dead.seg").write_text("x\n")
    (directory / "1-0-dead.ack").write_text("2\n")
    assert spool.claim(limit=16) == ([], False)
    assert os.listdir(directory) == []


def test_debris_is_cleaned_but_a_fresh_tmp_is_kept(spool: Spool) -> None:
    """An .ack without its .seg and an old .tmp go; a fresh .tmp may be being created."""
    directory = Path(spool.directory)
    for name in ("1-a.ack", "1-old.tmp", "1-new.tmp"):
        (directory / name).write_text("")
    os.utime(directory / "1-old.tmp", (0, 0))
    spool.claim(limit=16)
    assert os.listdir(directory) == ["1-new.tmp"]


def test_reject_appends_lines_to_a_private_file(spool: Spool) -> None:
    spool.reject([b"a", b"b"])
    spool.reject([b"c"])
    path = Path(spool.directory) / "rejected.jsonl"
    assert path.read_text() == "a\nb\nc\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_close_deletes_what_is_resolved_and_keeps_the_rest(spool: Spool) -> None:
    """At close, a resolved segment goes; one with events left stays, unlocked, for later."""
    journal = Journal(spool)
    segment, end = _append(journal, "x")
    journal.ack({segment: end})
    journal.close()
    assert os.listdir(spool.directory) == []
    journal = Journal(spool)
    _append(journal, "y")
    journal.close()
    [path] = _segments(Path(spool.directory))
    assert not _locked_by_someone(path)


def test_a_failed_write_retires_the_segment(spool: Spool, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.write segments (no posix_fallocate): after a write error, the next append starts a
    new segment (a torn line ends the old)."""
    monkeypatch.setattr(segment_module, "USE_MMAP", False)
    journal = Journal(spool)
    segment, _ = _append(journal, "x")
    os.close(segment.fd)  # the next write fails with EBADF
    with pytest.raises(OSError):
        _append(journal, "y")
    segment.fd = -1
    assert not segment.writing
    new, _ = _append(journal, "z")
    assert new is not segment


def test_a_finished_segment_is_deleted_even_when_its_ack_cannot_be_written(full: Full) -> None:
    """The .ack path is taken (a directory): the write fails, the finished segment goes anyway."""
    journal, segment, end = full
    os.mkdir(segment.ack_path)
    journal.ack({segment: end})
    assert not os.path.exists(segment.path)
    assert segment not in journal.held


def test_an_ack_that_cannot_be_written_still_moves_the_watermark(spool: Spool) -> None:
    """In memory the events are resolved; only a later process may resend them."""
    journal = Journal(spool)
    segment, end = _append(journal, "x")
    os.mkdir(segment.ack_path)
    journal.ack({segment: end})
    assert segment.acked == end and segment in journal.held


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o720])
def test_a_directory_others_can_write_is_refused(tmp_path: Path, mode: int) -> None:
    directory = tmp_path / "spool"
    directory.mkdir()
    os.chmod(directory, mode)
    with pytest.raises(spool_module.UnsafeDirectoryError, match="writable by other users"):
        Spool(str(directory))


def test_a_directory_readable_by_others_is_accepted(tmp_path: Path) -> None:
    """Reading is the owner's choice; writing by others is what lets them plant events."""
    directory = tmp_path / "spool"
    directory.mkdir()
    os.chmod(directory, 0o755)
    Spool(str(directory))


def test_open_file_refuses_symlinks_and_fifos(tmp_path: Path) -> None:
    """Only regular files, never through a link, never blocking on a FIFO."""
    target = tmp_path / "target"
    target.write_text("secret")
    (tmp_path / "link").symlink_to(target)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(OSError):
        spool_module.open_file(str(tmp_path / "link"), os.O_RDONLY)
    with pytest.raises(OSError):
        spool_module.open_file(str(tmp_path / "fifo"), os.O_RDONLY)
    fd = spool_module.open_file(str(target), os.O_RDONLY)
    os.close(fd)


def test_a_failing_file_is_logged_once_and_left_alone(
    spool: Spool, caplog: pytest.LogCaptureFixture
) -> None:
    """A segment that cannot be read is skipped by every later claim, with one log line."""
    directory = Path(spool.directory)
    (directory / "1-0-adir.seg").mkdir()
    for _ in range(3):
        assert spool.claim(limit=16) == ([], False)
    assert len([r for r in caplog.records if "1-0-adir.seg" in r.getMessage()]) == 1


# -- mapped segments (issue 26 item 4) -----------------------------------------------------


def test_a_segment_reserves_its_blocks_and_appends_without_a_system_call(
    spool: Spool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The segment's blocks are reserved when it is created; appends then make no write()."""
    journal = Journal(spool)
    _append(journal, "first")
    [path] = _segments(Path(spool.directory))
    assert path.stat().st_size == spool_module.SEGMENT_BYTES
    assert path.stat().st_blocks * 512 >= spool_module.SEGMENT_BYTES  # allocated, not sparse

    def no_write(*args: object) -> int:
        raise AssertionError("os.write called for an append")

    monkeypatch.setattr(os, "write", no_write)
    monkeypatch.setattr(os, "pwrite", no_write)
    _, end = _append_many(journal, ["two", "three"])
    _append(journal, "four")
    monkeypatch.undo()
    assert _lines(path) == "first\ntwo\nthree\nfour\n"
    assert end == 16


def test_a_retired_segment_is_trimmed_to_its_lines(
    spool: Spool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spool_module, "SEGMENT_BYTES", 64)
    journal = Journal(spool)
    old, _ = _append_many(journal, ["x" * 40])
    new, _ = _append_many(journal, ["y" * 40])  # does not fit: old is retired
    assert old is not new and not old.writing
    assert os.path.getsize(old.path) == 41
    journal.close()
    assert os.path.getsize(new.path) == 41  # closing trims the open one too
    assert Path(new.path).read_text() == "y" * 40 + "\n"


def test_a_zero_filled_tail_and_a_torn_line_are_skipped_on_replay(spool: Spool) -> None:
    """As a writer killed mid-copy leaves it: lines, half a line, then the reserved zeros."""
    directory = Path(spool.directory)
    (directory / "1-0-dead.seg").write_bytes(b'{"a":1}\n{"b":2}\n{"c"' + b"\0" * 4096)
    [(segment, count)] = spool.claim(limit=16)[0]
    assert count == 2 and segment.size == 16
    assert spool.read(segment) == [(b'{"a":1}', 8), (b'{"b":2}', 16)]


def test_a_segment_the_old_code_wrote_is_read_as_before(spool: Spool) -> None:
    """Old spools (plain lines, no reserved tail) need no upgrade."""
    directory = Path(spool.directory)
    (directory / "1-0-old.seg").write_text('{"a":1}\n{"b":2}\n')
    (directory / "1-0-old.ack").write_text("8\n")
    [(segment, count)] = spool.claim(limit=16)[0]
    assert count == 1
    assert spool.read(segment) == [(b'{"b":2}', 16)]


def test_a_full_disk_reserves_less_and_then_refuses_at_creation(tmp_path: Path) -> None:
    """reserve() halves what it asks for on ENOSPC, down to what the event needs; below that
    it raises (the add fails then, never a SIGBUS later)."""
    asked: List[int] = []
    fd = os.open(tmp_path / "f", os.O_RDWR | os.O_CREAT, 0o600)
    real = os.posix_fallocate
    try:

        def fallocate(fd: int, offset: int, size: int) -> None:
            asked.append(size)
            if size > 5000:
                raise OSError(28, "No space left on device")
            real(fd, offset, size)

        os.posix_fallocate = fallocate  # type: ignore[assignment]
        assert segment_module.reserve(fd, 1 << 16, 100) == 4096
        assert asked == [65536, 32768, 16384, 8192, 4096]
        asked.clear()
        with pytest.raises(OSError) as info:
            segment_module.reserve(fd, 1 << 16, 6000)
        assert info.value.errno == 28
        assert asked == [65536, 32768, 16384, 8192, 6000]
        assert os.fstat(fd).st_size == 0  # nothing kept of the failed attempts
    finally:
        os.posix_fallocate = real
        os.close(fd)


@pytest.mark.parametrize("advice", [23, 9999], ids=["populate-write", "refused-by-kernel"])
def test_the_map_is_populated_ahead_of_the_appends_without_changing_the_file(
    spool: Spool, monkeypatch: pytest.MonkeyPatch, advice: int
) -> None:
    """Appends are copies below ``ready``; populating moves ``ready`` a chunk at a time and
    leaves zeros past the last line. A kernel that refuses the advice (older than 5.14, or
    an unknown value here) turns it off: the appends still land."""
    monkeypatch.setattr(segment_module, "POPULATE_WRITE", advice)
    monkeypatch.setattr(segment_module, "POPULATE_BYTES", 4096)
    journal = Journal(spool)
    lines = [f"event-{i:04d}-" + "x" * 100 for i in range(100)]  # 115 bytes a line
    for line in lines:
        segment, end = _append(journal, line)
        assert end <= segment.ready and segment.ready % 4096 == 0
    assert segment.ready == 3 * 4096  # 11,500 bytes: three chunks, not the 4 MiB reserved
    [path] = _segments(Path(spool.directory))
    data = path.read_bytes()
    assert data[:end] == "".join(line + "\n" for line in lines).encode()
    assert data[end:] == b"\0" * (len(data) - end)
    if advice == 9999:
        assert segment_module.POPULATE_WRITE == 0
    journal.close()
