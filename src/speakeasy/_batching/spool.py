"""The on-disk spool of an ``EventBatcher``: segments of JSON lines, their acks, rejects.

Layout of ``spool_dir`` (see docs/batching.md)::

    <pid>-<ns>-<rand>.seg   events, one JSON object per line, appended by one batcher
    <pid>-<ns>-<rand>.ack   how far the segment is resolved: byte offsets, one per line
    rejected.jsonl          events the server refused (or the batcher gave up), kept forever

A batcher holds ``flock(LOCK_EX)`` on every segment it writes or replays, for as
long as it lives; the kernel drops the lock when the process dies, even by
``kill -9``. Whoever can take the lock of a ``.seg`` may replay it, so two live
processes never send the same spooled event at once. Events in a segment are
resolved (delivered, or written to ``rejected.jsonl``) in the order they were
written, so one watermark per segment says what is done. A segment resolved to
its end is deleted.

Writes are plain ``os.write`` calls on ``O_APPEND`` descriptors: the page cache
keeps them when the process is killed (a power cut may lose them). The
journal's content is never logged; names, counts and sizes are.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
import time
from collections import deque
from typing import Deque, Dict, Iterable, List, Optional, Tuple

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: batchers work, without a spool
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger("speakeasy.batcher")

#: A segment is closed for writing once it holds this many bytes (so that
#: delivered events free their disk space while the batcher keeps running).
SEGMENT_BYTES = 4 << 20

SEGMENT_SUFFIX = ".seg"
ACK_SUFFIX = ".ack"
TMP_SUFFIX = ".tmp"
REJECTED_NAME = "rejected.jsonl"

#: Where an event ends in its segment: acking it acks everything before.
Mark = Tuple["Segment", int]

_READ_CHUNK = 1 << 20
_TMP_AGE = 60.0  # seconds


class Segment:
    """One segment file, locked by this process for as long as it is open."""

    __slots__ = ("ack_fd", "acked", "fd", "path", "size", "writing")

    def __init__(self, path: str, fd: int, size: int, acked: int, writing: bool) -> None:
        self.path = path
        self.fd = fd
        #: End of the last complete line (a torn last line is not counted).
        self.size = size
        #: Every event before this offset is resolved.
        self.acked = acked
        #: True while this batcher may still append to it.
        self.writing = writing
        self.ack_fd = -1

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    def write(self, data: bytes) -> int:
        """Append whole lines; returns the new end offset.

        On any error the segment is closed for writing, so that a torn line can
        only ever be its last one (which replay ignores).
        """
        try:
            written = os.write(self.fd, data)
            while written < len(data):  # short writes: only on a full disk, in practice
                written += os.write(self.fd, data[written:])
        except BaseException:
            self.writing = False
            raise
        self.size += written
        return self.size

    def ack(self, offset: int) -> None:
        """Record that every event before ``offset`` is resolved."""
        if offset <= self.acked:
            return
        if self.ack_fd < 0:
            self.ack_fd = os.open(
                self.path[: -len(SEGMENT_SUFFIX)] + ACK_SUFFIX,
                os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                0o600,
            )
        os.write(self.ack_fd, b"%d\n" % offset)
        self.acked = offset

    @property
    def done(self) -> bool:
        """Closed for writing and resolved to its end: may be deleted."""
        return not self.writing and self.acked >= self.size

    def release(self) -> None:
        """Close (and unlock) the segment; delete it if every event in it is resolved."""
        if self.fd < 0:
            return
        if self.acked >= self.size:
            # The .seg goes first: a process that opened it just before cannot
            # mistake the missing .ack for "nothing acked" (it checks the inode).
            _unlink(self.path)
            _unlink(self.path[: -len(SEGMENT_SUFFIX)] + ACK_SUFFIX)
        self.forget()

    def forget(self) -> None:
        """Close the descriptors without deleting anything (a forked child's copy)."""
        for fd in (self.ack_fd, self.fd):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.fd = self.ack_fd = -1


class Spool:
    """A spool directory: creates, claims and reads segments; keeps rejected events."""

    def __init__(self, directory: str) -> None:
        if fcntl is None:  # pragma: no cover - Windows
            raise OSError(errno.ENOTSUP, "a spool needs POSIX file locks (flock)")
        self.directory = directory
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if not os.path.isdir(directory):  # pragma: no cover - makedirs raised already
            raise NotADirectoryError(directory)

    def create(self) -> Segment:
        """A new segment, locked, under a name no other process uses."""
        stem = os.path.join(
            self.directory, f"{os.getpid()}-{time.time_ns():x}-{secrets.token_hex(4)}"
        )
        tmp = stem + TMP_SUFFIX
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # Locked before it gets a name that others scan: nobody can claim it empty.
            os.rename(tmp, stem + SEGMENT_SUFFIX)
        except BaseException:
            os.close(fd)
            _unlink(tmp)
            raise
        logger.debug("spool: new segment %s", os.path.basename(stem) + SEGMENT_SUFFIX)
        return Segment(stem + SEGMENT_SUFFIX, fd, 0, 0, writing=True)

    def claim(self, limit: int) -> List[Tuple[Segment, int]]:
        """Segments of dead owners with events left, locked now, and their event counts."""
        try:
            names = sorted(os.listdir(self.directory))
        except OSError as exc:
            logger.warning("spool: cannot list %s: %s", self.directory, exc.strerror)
            return []
        present = set(names)
        claimed: List[Tuple[Segment, int]] = []
        for name in names:
            path = os.path.join(self.directory, name)
            if name.endswith(ACK_SUFFIX):
                if name[: -len(ACK_SUFFIX)] + SEGMENT_SUFFIX not in present:
                    _unlink(path)  # its segment was deleted by an owner that then died
            elif name.endswith(TMP_SUFFIX):
                self._remove_if_abandoned(path)
            elif name.endswith(SEGMENT_SUFFIX) and len(claimed) < limit:
                found = self._claim_one(path)
                if found is not None:
                    claimed.append(found)
        return claimed

    def _claim_one(self, path: str) -> Optional[Tuple[Segment, int]]:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                logger.warning("spool: cannot lock %s: %s", os.path.basename(path), exc.strerror)
            return None  # its owner is alive
        try:
            if os.stat(path).st_ino != os.fstat(fd).st_ino:
                raise FileNotFoundError(path)  # deleted (and maybe renamed over) meanwhile
            acked = _read_watermark(path[: -len(SEGMENT_SUFFIX)] + ACK_SUFFIX)
            size, count = _scan_lines(fd, acked)
        except OSError as exc:
            os.close(fd)
            if not isinstance(exc, FileNotFoundError):
                logger.warning("spool: cannot read %s: %s", os.path.basename(path), exc.strerror)
            return None
        segment = Segment(path, fd, size, min(acked, size), writing=False)
        if count == 0:
            segment.acked = segment.size
            segment.release()
            return None
        logger.info(
            "spool: recovered %d events (%d bytes) from %s",
            count,
            size - segment.acked,
            segment.name,
        )
        return segment, count

    def _remove_if_abandoned(self, path: str) -> None:
        """A ``.tmp`` whose creator died before naming it holds no event.

        Only old ones: a fresh one may be between its creation and its lock.
        """
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return
        try:
            info = os.fstat(fd)
            if os.stat(path).st_ino == info.st_ino and time.time() - info.st_mtime > _TMP_AGE:
                _unlink(path)
        except OSError:
            pass
        finally:
            os.close(fd)

    def read(self, segment: Segment) -> List[Tuple[str, int]]:
        """The unresolved events of a claimed segment, with the offset ending each."""
        data = _pread_all(segment.fd, segment.acked, segment.size - segment.acked)
        out: List[Tuple[str, int]] = []
        offset = segment.acked
        # latin-1 maps bytes to str one to one: what was written is what is sent.
        for line in data.decode("latin-1").split("\n")[:-1]:
            offset += len(line) + 1
            if line:
                out.append((line, offset))
        return out

    def reject(self, parts: List[str]) -> None:
        """Append events to ``rejected.jsonl`` (one ``O_APPEND`` write: no interleaving)."""
        fd = os.open(
            os.path.join(self.directory, REJECTED_NAME),
            os.O_WRONLY | os.O_CREAT | os.O_APPEND,
            0o600,
        )
        try:
            data = ("\n".join(parts) + "\n").encode("latin-1")
            written = os.write(fd, data)
            while written < len(data):
                written += os.write(fd, data[written:])
        finally:
            os.close(fd)


class Journal:
    """One batcher's segments: the one ``add`` appends to, those it replays, every one it holds.

    Not thread-safe: the batcher calls every method with its lock held.
    """

    def __init__(self, spool: Spool) -> None:
        self.spool = spool
        self.segment: Optional[Segment] = None
        self.held: List[Segment] = []
        #: Claimed from dead owners, not read yet (each is also in ``held``).
        self.claimed: Deque[Segment] = deque()

    def append(self, part: str) -> Mark:
        """Write one event; where it ends."""
        segment = self._writable()
        end = self._write(segment, part + "\n")
        return segment, end

    def append_many(self, parts: List[str]) -> List[Mark]:
        """Write events with one system call; where each ends."""
        segment = self._writable()
        offset = segment.size
        self._write(segment, "\n".join(parts) + "\n")
        marks = []
        for part in parts:
            offset += len(part) + 1
            marks.append((segment, offset))
        return marks

    def _writable(self) -> Segment:
        if self.segment is None:
            self.segment = self.spool.create()
            self.held.append(self.segment)
        return self.segment

    def _write(self, segment: Segment, text: str) -> int:
        try:
            end = segment.write(text.encode("latin-1"))
        except OSError:
            self._retire(segment)  # a torn line may only ever be a segment's last
            raise
        if end >= SEGMENT_BYTES:
            self._retire(segment)
        return end

    def _retire(self, segment: Segment) -> None:
        """No more appends to ``segment``; it is deleted once resolved to its end."""
        segment.writing = False
        if self.segment is segment:
            self.segment = None
        if segment.done:
            self.release(segment)

    def ack(self, ends: Dict[Segment, int]) -> None:
        """Record that each segment is resolved up to its end in ``ends``; delete finished ones."""
        for segment, end in ends.items():
            if segment.fd < 0:
                continue  # closed already: nothing left to record
            try:
                segment.ack(end)
            except OSError as exc:  # delivered anyway; a later batcher may resend them
                logger.warning(
                    "spool: cannot record delivery in %s: %s", segment.name, exc.strerror
                )
                continue
            if segment.done:
                self.release(segment)

    def adopt(self, segments: Iterable[Segment]) -> None:
        """Hold segments claimed from dead owners, to be replayed."""
        for segment in segments:
            self.held.append(segment)
            self.claimed.append(segment)

    def release(self, segment: Segment) -> None:
        segment.release()
        if segment in self.held:
            self.held.remove(segment)

    def close(self) -> None:
        """Close every segment held; delete those resolved to their end."""
        held, self.held = self.held, []
        self.segment = None
        self.claimed.clear()
        for segment in held:
            segment.writing = False
            segment.release()

    def forget(self) -> None:
        """In a forked child: close our copies of the descriptors (the parent keeps its locks)."""
        for segment in self.held:
            segment.forget()


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _read_watermark(path: str) -> int:
    """The highest complete offset line of an ``.ack`` file (0 when there is none)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return 0
    best = 0
    for line in data.split(b"\n")[:-1]:  # the last piece is torn or empty
        if line.isdigit():
            best = max(best, int(line))
    return best


def _scan_lines(fd: int, start: int) -> Tuple[int, int]:
    """End of the last complete line, and how many events (non-empty lines) follow ``start``."""
    size = os.fstat(fd).st_size
    if start >= size:
        return size, 0
    data = _pread_all(fd, start, size - start)
    last = data.rfind(b"\n")
    if last < 0:
        return start, 0  # only a torn line: its add() never returned
    lines = data[: last + 1].split(b"\n")[:-1]
    return start + last + 1, len(lines) - lines.count(b"")


def _pread_all(fd: int, offset: int, length: int) -> bytes:
    parts = []
    while length > 0:
        chunk = os.pread(fd, min(length, _READ_CHUNK), offset)
        if not chunk:
            break
        parts.append(chunk)
        offset += len(chunk)
        length -= len(chunk)
    return b"".join(parts)
