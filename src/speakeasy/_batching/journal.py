"""One batcher's part of a spool: the segment ``add`` appends to, those it replays, all it holds."""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
from collections import deque
from typing import Deque, Dict, Iterable, List, Optional, Tuple

from speakeasy._batching import spool as files
from speakeasy._batching.segment import Segment
from speakeasy._batching.spool import Mark, Spool, SpoolRemovedError

logger = logging.getLogger("speakeasy.batcher")

#: Without ``spool_fsync``, ``append`` looks at most this often (seconds) whether the
#: spool directory still exists (two ``fstat``: too dear for every event).
CHECK_INTERVAL = 0.001


class Journal:
    """Appends, acks and releases segments. Not thread-safe: called with the batcher's lock held."""

    def __init__(self, spool: Spool, fsync: bool = False) -> None:
        self.spool = spool
        #: ``spool_fsync``: ``commit`` makes what was written durable (group commit).
        self.fsync = fsync
        #: Bytes ever written; what ``commit`` has made durable; segments written since.
        self.written = 0
        self.dirty: Dict[Segment, None] = {}
        self.new_names = False
        self._synced = 0
        self._syncing = False
        self._commit = threading.Condition(threading.Lock())
        self.segment: Optional[Segment] = None
        self.held: List[Segment] = []
        #: Claimed from dead owners, not read yet (each is also in ``held``).
        self.claimed: Deque[Segment] = deque()
        #: Why events can no longer be spooled (the directory was removed), else None.
        self.lost: Optional[str] = None
        self._next_check = 0.0

    def append(self, part: str) -> Mark:
        """Write one event; where it ends. Raises ``OSError``; then nothing was written."""
        return self._write(part + "\n")

    def append_many(self, parts: List[str]) -> List[Mark]:
        """Write events with one system call; where each ends. All or nothing, as ``append``."""
        segment, end = self._write("\n".join(parts) + "\n")
        offset = end - sum(map(len, parts)) - len(parts)
        marks = []
        for part in parts:
            offset += len(part) + 1
            marks.append((segment, offset))
        return marks

    def _write(self, text: str) -> Tuple[Segment, int]:
        data = text.encode("latin-1")
        self.check()
        segment = self.segment
        if segment is not None and not segment.fits(len(data)):
            self._retire(segment)  # full: trimmed (and deleted, if all delivered)
            segment = None
        if segment is None:
            segment = self._writable(len(data))
        try:
            end = segment.write(data)
        except OSError:
            # A full disk: if this segment was all delivered, deleting it frees
            # room now, and the write goes to a new segment.
            if not (self._retire(segment) and segment.size):
                raise
            segment = self._writable(len(data))
            try:
                end = segment.write(data)
            except OSError:
                self._retire(segment)
                raise
        if self.fsync:
            self.written += len(data)
            self.dirty[segment] = None
        if end >= max(files.SEGMENT_BYTES, segment.capacity):
            self._retire(segment)
        return segment, end

    def check(self, now: bool = False) -> None:
        """Raise ``SpoolRemovedError`` once the spool directory is gone (``rm -rf``).

        Events written then would have no name on disk: a ``kill -9`` would
        lose them although ``add`` returned. Looked at on every write with
        ``spool_fsync`` (or ``now``), else at most every ``CHECK_INTERVAL``: the
        held directory's link count, and the open segment's. A segment deleted
        alone is retired (its events are kept in memory; the next write starts
        a new segment); a directory deleted stays so: every write raises.
        """
        if self.lost is None:
            clock = time.monotonic()
            if not (now or self.fsync) and clock < self._next_check:
                return
            self._next_check = clock + CHECK_INTERVAL
            if not self.gone():
                segment = self.segment
                if segment is not None and _unlinked(segment):
                    logger.warning(
                        "spool: segment %s was deleted by someone else; its events are "
                        "kept in memory only (a new segment is started)",
                        segment.name,
                    )
                    self._retire(segment)
                return
        assert self.lost is not None
        raise SpoolRemovedError(errno.ENOENT, self.lost)

    def gone(self) -> bool:
        """Whether the spool directory was removed (looked at now; any thread, no lock)."""
        if self.lost is None:
            if os.fstat(self.spool.fd).st_nlink > 0:
                return False
            self.lost = (
                f"spool_dir {self.spool.directory!r} was removed while the batcher ran: "
                "events added now could not survive the process, so add() refuses them "
                "(those accepted before are still delivered while this process lives); "
                "build a new batcher to spool again"
            )
            logger.error("spool: %s", self.lost)
        return True

    def _writable(self, need: int) -> Segment:
        if self.segment is None:
            self.segment = self.spool.create(need)
            self.held.append(self.segment)
            self.new_names = True
        return self.segment

    def _retire(self, segment: Segment) -> bool:
        """No more appends to ``segment`` (trimmed); True when it was resolved, so deleted now."""
        segment.seal()
        if self.segment is segment:
            self.segment = None
        if segment.done:
            self.release(segment)
            return True
        return False

    def commit(self, target: int, lock: threading.Lock) -> None:
        """Return once the first ``target`` bytes written are on stable storage.

        Group commit: one caller (the leader) ``fdatasync``s every segment
        written since the last commit, and the directory when it got a new
        name, outside ``lock``; the callers that wrote meanwhile wait for that
        same sync and are released together. Raises ``OSError`` when the sync
        fails (the next commit syncs those segments again).
        """
        cond = self._commit
        with cond:
            while self._synced < target:
                if not self._syncing:
                    self._syncing = True
                    break
                cond.wait()
            else:
                return
        upto = self._synced
        try:
            upto = self._sync(lock)
        finally:
            with cond:
                self._syncing = False
                self._synced = max(self._synced, upto)
                cond.notify_all()
        if upto < target:  # pragma: no cover - the leader syncs all written before it
            self.commit(target, lock)

    def _sync(self, lock: threading.Lock) -> int:
        with lock:
            upto = self.written
            segments = [s for s in self.dirty if s.fd >= 0]
            self.dirty.clear()
            directory, self.new_names = self.new_names, False
            # Our own descriptors: a segment released meanwhile cannot close them under us.
            fds = [os.dup(s.fd) for s in segments]
        try:
            datasync = getattr(os, "fdatasync", os.fsync)  # the data and the size, not the times
            for fd in fds:
                datasync(fd)
            if directory:
                self.spool.sync_directory()
            with lock:
                self.check(now=True)  # synced into a file without a name is not durable
        except BaseException:
            with lock:
                for s in segments:
                    self.dirty[s] = None
                self.new_names = self.new_names or directory
            raise
        finally:
            for fd in fds:
                os.close(fd)
        return upto

    def ack(self, ends: Dict[Segment, int]) -> None:
        """Each segment is resolved up to its end in ``ends``; finished ones are deleted.

        Never raises: an ``.ack`` that cannot be written is logged once, and a
        finished segment is deleted all the same (which frees a full disk).
        """
        for segment, end in ends.items():
            if segment.fd < 0:
                continue  # closed already: nothing left to record
            if self.lost is not None:
                segment.acked = max(segment.acked, end)  # no file left to record it in
                continue
            try:
                segment.ack(end)
            except OSError as exc:  # delivered anyway; a later batcher may resend them
                self.spool.note(segment.name, "record delivery in", exc)
            if segment.done:
                self.release(segment)

    def adopt(self, segments: Iterable[Segment]) -> None:
        """Hold segments claimed from dead owners, to be replayed."""
        for segment in segments:
            self.held.append(segment)
            self.claimed.append(segment)

    def release(self, segment: Segment) -> None:
        self.spool.release(segment)
        if segment in self.held:
            self.held.remove(segment)

    def close(self) -> None:
        """Close every segment held; delete those resolved to their end."""
        held, self.held = self.held, []
        self.segment = None
        self.claimed.clear()
        for segment in held:
            segment.seal()
            self.spool.release(segment)

    def forget(self) -> None:
        """In a forked child: close our copies of the descriptors (the parent keeps its locks)."""
        for segment in self.held:
            segment.forget()


def _unlinked(segment: Segment) -> bool:
    """Whether the segment lost its name (an error here is the write's to report)."""
    try:
        return os.fstat(segment.fd).st_nlink == 0
    except OSError:
        return False
