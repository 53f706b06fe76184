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
its end is deleted, even when its ``.ack`` could not be written.

The directory must be the current user's and writable by nobody else. It is
opened once (following a symlink to it then, never again), checked through
that descriptor, and held: every file in it is opened, renamed, listed and
deleted relative to the held descriptor (``dir_fd=``), so that re-pointing a
symlink, or renaming a parent, after the check moves nothing. Files in it
are opened without following symlinks, and only regular files are read (a
FIFO named ``x.seg`` must not hang us). A failure on one file is logged once
and stays with that file: the others are still delivered.

Segments are appended to through a shared memory map of blocks reserved
when the segment is created (``segment.py``): the page cache keeps them when
the process is killed (a power cut may lose them). A write
that fails is cut back off the segment. The content is never logged; names,
counts and sizes are.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
import stat
import time
import weakref
from typing import List, Optional, Set, Tuple

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: batchers work, without a spool
    fcntl = None  # type: ignore[assignment]

from speakeasy._batching import options
from speakeasy._batching import segment as segments
from speakeasy._batching.segment import ACK_SUFFIX, SEGMENT_SUFFIX, Segment, open_file
from speakeasy.models.errors import ValidationError

logger = logging.getLogger("speakeasy.batcher")

#: A segment is closed for writing once it holds this many bytes (so that
#: delivered events free their disk space while the batcher keeps running).
SEGMENT_BYTES = 4 << 20

TMP_SUFFIX = ".tmp"
REJECTED_NAME = "rejected.jsonl"

_READ_CHUNK = 1 << 20
_TMP_AGE = 60.0  # seconds
_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


class UnsafeDirectoryError(ValueError):
    """The spool directory could let another user read or plant events."""


class SpoolRemovedError(FileNotFoundError):
    """The spool directory was removed while the batcher ran: events can no longer be kept."""


class Spool:
    """A spool directory: creates, claims, reads and deletes segments; keeps rejected events."""

    def __init__(self, directory: str) -> None:
        if fcntl is None:  # pragma: no cover - Windows
            raise OSError(errno.ENOTSUP, "a spool needs POSIX file locks (flock)")
        self.directory = directory
        os.makedirs(directory, mode=0o700, exist_ok=True)
        # Resolved once (a symlink to it is followed now, never again) and held.
        fd = os.open(directory, _DIRECTORY)
        try:
            check_directory(fd)
        except BaseException:
            os.close(fd)
            raise
        #: The directory, held open: every file is reached relative to it.
        self.fd = fd
        weakref.finalize(self, _close, fd)
        #: Files that failed once: logged then, and left alone since.
        self._failed: Set[str] = set()

    def note(self, name: str, action: str, exc: OSError) -> None:
        """Log a failure on one file, once; that file is left alone from now on."""
        if name not in self._failed:
            self._failed.add(name)
            logger.error("spool: cannot %s %s: %s", action, name, exc.strerror or exc)

    def create(self, need: int = 0) -> Segment:
        """A new segment, locked, under a name no other process uses.

        Mapped, its blocks reserved: ``SEGMENT_BYTES``, fewer on a fuller disk,
        at least ``need``; ``OSError`` (``ENOSPC``) when not even that fits.
        """
        stem = f"{os.getpid()}-{time.time_ns():x}-{secrets.token_hex(4)}"
        tmp = stem + TMP_SUFFIX
        mapped = segments.USE_MMAP
        flags = os.O_RDWR if mapped else os.O_WRONLY | os.O_APPEND
        fd = open_file(tmp, flags | os.O_CREAT | os.O_EXCL, self.fd)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            capacity = segments.reserve(fd, SEGMENT_BYTES, need) if mapped else 0
            # Locked before it gets a name that others scan: nobody can claim it empty.
            os.rename(tmp, stem + SEGMENT_SUFFIX, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException:
            os.close(fd)
            _unlink(tmp, self.fd)
            raise
        logger.debug("spool: new segment %s", stem + SEGMENT_SUFFIX)
        path = os.path.join(self.directory, stem + SEGMENT_SUFFIX)
        segment = Segment(path, fd, 0, 0, writing=True, dir_fd=self.fd)
        if capacity:
            try:
                segment.mapped(capacity)
            except BaseException:
                segment.forget()
                _unlink(stem + SEGMENT_SUFFIX, self.fd)
                raise
        return segment

    def sync_directory(self) -> None:
        """``fsync`` the directory itself: the names of new segments survive a power cut."""
        os.fsync(self.fd)

    def listdir(self) -> List[str]:
        """The names in the held directory (through a descriptor of our own: no shared offset)."""
        fd = os.open(".", _DIRECTORY, dir_fd=self.fd)
        try:
            return os.listdir(fd)
        finally:
            os.close(fd)

    def claim(self, limit: int) -> Tuple[List[Tuple[Segment, int]], bool]:
        """Segments of dead owners with events left, locked now, and their event counts.

        Also says whether more might be claimed (the ``limit`` was reached).
        """
        try:
            names = sorted(self.listdir())
        except OSError as exc:
            self.note(".", "list the spool directory", exc)
            return [], False
        present = set(names)
        claimed: List[Tuple[Segment, int]] = []
        for name in names:
            if name in self._failed:
                continue
            if name.endswith(ACK_SUFFIX):
                if name[: -len(ACK_SUFFIX)] + SEGMENT_SUFFIX not in present:
                    self.unlink(name)  # its segment was deleted by an owner that then died
            elif name.endswith(TMP_SUFFIX):
                self._remove_if_abandoned(name)
            elif name.endswith(SEGMENT_SUFFIX):
                if len(claimed) == limit:
                    return claimed, True
                found = self._claim_one(name)
                if found is not None:
                    claimed.append(found)
        return claimed, False

    def _claim_one(self, name: str) -> Optional[Tuple[Segment, int]]:
        try:
            fd = open_file(name, os.O_RDONLY, self.fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.note(name, "open", exc)
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                self.note(name, "lock", exc)
            return None  # its owner is alive
        try:
            here = os.stat(name, dir_fd=self.fd, follow_symlinks=False)
            if here.st_ino != os.fstat(fd).st_ino:
                raise FileNotFoundError(name)  # deleted (and maybe renamed over) meanwhile
            acked = _read_watermark(name[: -len(SEGMENT_SUFFIX)] + ACK_SUFFIX, self.fd)
            size, count = _scan_lines(fd, acked)
        except OSError as exc:
            os.close(fd)
            if not isinstance(exc, FileNotFoundError):
                self.note(name, "read", exc)
            return None
        path = os.path.join(self.directory, name)
        segment = Segment(path, fd, size, min(acked, size), writing=False, dir_fd=self.fd)
        segment.events = count
        if count == 0:
            segment.acked = segment.size
            self.release(segment)
            return None
        logger.info(
            "spool: recovered %d events (%d bytes) from %s", count, size - segment.acked, name
        )
        return segment, count

    def _remove_if_abandoned(self, name: str) -> None:
        """A ``.tmp`` whose creator died before naming it holds no event.

        Only old ones: a fresh one may be between its creation and its lock.
        """
        try:
            fd = open_file(name, os.O_RDONLY, self.fd)
        except OSError:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return
        try:
            info = os.fstat(fd)
            here = os.stat(name, dir_fd=self.fd, follow_symlinks=False)
            if here.st_ino == info.st_ino and time.time() - info.st_mtime > _TMP_AGE:
                self.unlink(name)
        except OSError:
            pass
        finally:
            os.close(fd)

    def read(self, segment: Segment) -> List[Tuple[bytes, int]]:
        """The unresolved events of a claimed segment, with the offset ending each.

        Each event is the line's bytes as written: what is posted, unchanged.
        """
        data = _pread_all(segment.fd, segment.acked, segment.size - segment.acked)
        out: List[Tuple[bytes, int]] = []
        offset = segment.acked
        for line in data.split(b"\n")[:-1]:
            offset += len(line) + 1
            if line and line.strip(b"\0"):  # zeros: a reserved tail, never an event
                out.append((line, offset))
        return out

    def release(self, segment: Segment) -> None:
        """Close (and unlock) the segment; delete it if every event in it is resolved.

        A segment that cannot be deleted is left alone by this spool from now
        on (a later process may send its events again: at least once).
        """
        if segment.fd < 0:
            return
        if segment.acked >= segment.size:
            # The .seg goes first: a process that opened it just before cannot
            # mistake the missing .ack for "nothing acked" (it checks the inode).
            if self.unlink(segment.name):
                self.unlink(segment.ack_name)
        segment.forget()

    def unlink(self, name: str) -> bool:
        """Delete a file of the spool; False (logged once) when it cannot be."""
        try:
            os.unlink(name, dir_fd=self.fd)
        except FileNotFoundError:
            pass
        except OSError as exc:
            self.note(name, "delete", exc)
            return False
        return True

    def reject(self, parts: List[bytes], sync: bool = False) -> None:
        """Append events to ``rejected.jsonl`` (one ``O_APPEND`` write: no interleaving).

        ``sync``: ``fsync`` it before the events' segment may be acked and deleted.
        """
        fd = open_file(REJECTED_NAME, os.O_WRONLY | os.O_CREAT | os.O_APPEND, self.fd)
        try:
            data = b"\n".join(parts) + b"\n"
            written = os.write(fd, data)
            while written < len(data):
                written += os.write(fd, data[written:])
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)


def open_spool(spool_dir: object) -> Spool:
    """The ``spool_dir`` option, checked and held; ``ValidationError`` naming it otherwise."""
    path = options.directory("spool_dir", spool_dir)
    try:
        return Spool(path)
    except UnsafeDirectoryError as exc:
        raise ValidationError("spool_dir", f"{path!r} {exc}") from None
    except OSError as exc:
        raise ValidationError(
            "spool_dir", f"cannot be used as a spool directory: {exc.strerror}"
        ) from exc


def check_directory(fd: int) -> None:
    """Raise ``UnsafeDirectoryError`` unless the open ``fd`` is a directory only we can write."""
    info = os.fstat(fd)  # the directory held, whatever path led to it
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeDirectoryError("is not a directory")
    uid = os.geteuid() if hasattr(os, "geteuid") else info.st_uid
    if info.st_uid != uid:
        raise UnsafeDirectoryError(
            f"is owned by another user (uid {info.st_uid}); use a directory of your own"
        )
    if info.st_mode & 0o022:
        raise UnsafeDirectoryError(
            f"is writable by other users (mode {stat.S_IMODE(info.st_mode):o}); "
            "use a directory only you can write (chmod go-w)"
        )


def _unlink(name: str, dir_fd: int) -> None:
    try:
        os.unlink(name, dir_fd=dir_fd)
    except OSError:
        pass


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _read_watermark(name: str, dir_fd: int) -> int:
    """The highest complete offset line of an ``.ack`` file (0 when there is none)."""
    try:
        fd = open_file(name, os.O_RDONLY, dir_fd)
    except FileNotFoundError:
        return 0
    try:
        data = _pread_all(fd, 0, os.fstat(fd).st_size)
    finally:
        os.close(fd)
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
    return start + last + 1, sum(1 for line in lines if line.strip(b"\0"))


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
