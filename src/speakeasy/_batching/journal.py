"""One batcher's part of a spool: the segment ``add`` appends to, those it replays, all it holds."""

from __future__ import annotations

import errno
import logging
import os
import threading
import time
from collections import deque
from typing import Deque, Dict, Iterable, List, Optional

from speakeasy._batching import spool as files
from speakeasy._batching.segment import Segment
from speakeasy._batching.spool import Spool, SpoolRemovedError

logger = logging.getLogger("speakeasy.batcher")

_monotonic = time.monotonic

#: Without ``spool_fsync``, ``append`` looks at most this often (seconds) whether the
#: spool directory still exists (two ``fstat``: too dear for every event).
CHECK_INTERVAL = 0.001
#: With ``spool_fsync``, the longest a sync waits for the adds of as many callers as the
#: last one served (seconds): far below one ``fdatasync`` of a disk (0.1 to a few ms).
GATHER = 0.0005
#: With ``spool_fsync``, at most this many syncs run at once (each a group commit).
MAX_SYNCS = 1
_ALL = 1 << 62  # a sync not started yet covers every byte written so far


class Journal:
    """Appends, acks and releases segments. Not thread-safe: called with the batcher's lock held."""

    def __init__(self, spool: Spool, fsync: bool = False) -> None:
        self.spool = spool
        #: ``spool_fsync``: ``commit`` makes what was written durable (group commit).
        self.fsync = fsync
        #: Bytes ever written; what ``commit`` has made durable; segments written since.
        self.written = 0
        #: Segments written and not synced since: the ``written`` count at their last write.
        self.dirty: Dict[Segment, int] = {}
        #: A segment got a name not synced yet (and the ``written`` count then).
        self.new_names = False
        self.names_at = 0
        self._synced = 0
        #: The syncs in flight, each a one-item list: the ``written`` count it covers.
        self._flying: List[List[int]] = []
        #: What callers waiting for a sync wait for; how many callers the last sync served.
        self._waiting: List[int] = []
        self._group = 1
        self._gathering = False
        self._commit = threading.Condition(threading.Lock())
        self.segment: Optional[Segment] = None
        self.held: List[Segment] = []
        #: Claimed from dead owners, not read yet (each is also in ``held``).
        self.claimed: Deque[Segment] = deque()
        #: Why events can no longer be spooled (the directory was removed), else None.
        self.lost: Optional[str] = None
        self._next_check = 0.0

    def append(self, line: bytes) -> Segment:
        """Write one encoded event as a line; the segment it went to (it ends at its ``size``).

        Raises ``OSError``; then nothing was written. The common case (room
        left in the mapped segment, the directory looked at recently) is a
        copy into the map and nothing else.
        """
        segment = self.segment
        if segment is not None:
            # ``Segment.write_line``, inlined: this runs once per event.
            start = segment.size
            end = start + len(line)
            view = segment.map
            if end < segment.ready and view is not None and _monotonic() < self._next_check:
                view[start:end] = line
                view[end] = 10  # b"\n"
                segment.size = end + 1
                return segment
        return self._write(line)

    def append_many(self, lines: List[bytes]) -> Segment:
        """Write encoded events with one copy (or system call), all to one segment.

        All or nothing, as ``append``; they end at the segment's ``size``.
        """
        return self._write(b"\n".join(lines))

    def _write(self, data: bytes) -> Segment:
        """Append ``data`` (one line or several) and a newline: ``append``'s slow path."""
        self.check()
        length = len(data) + 1
        segment = self.segment
        if segment is not None and not segment.fits(length):
            self._retire(segment)  # full: trimmed (and deleted, if all delivered)
            segment = None
        if segment is None:
            segment = self._writable(length)
        if segment.size + length > segment.ready:
            segment.prepare(segment.size + length)
        try:
            end = segment.write_line(data)
        except OSError:
            # A full disk: if this segment was all delivered, deleting it frees
            # room now, and the write goes to a new segment.
            if not (self._retire(segment) and segment.size):
                raise
            segment = self._writable(length)
            segment.prepare(length)
            try:
                end = segment.write_line(data)
            except OSError:
                self._retire(segment)
                raise
        if self.fsync:
            self.written += length
            self.dirty[segment] = self.written
        if end >= max(files.SEGMENT_BYTES, segment.capacity):
            self._retire(segment)
        return segment

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
            if not self.fsync:  # with spool_fsync every write looks: no fast path
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
        self._next_check = 0.0  # every write looks again (and raises): none takes the fast path
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
            self._next_check = 0.0  # no more writes on the fast path
            logger.error("spool: %s", self.lost)
        return True

    def _writable(self, need: int) -> Segment:
        if self.segment is None:
            self.segment = self.spool.create(need)
            self.held.append(self.segment)
            self.new_names = True
            self.names_at = self.written + need
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
        name, outside ``lock``; one sync covers every add that landed before
        it started, and the callers that wrote meanwhile wait for the next
        one instead of each issuing their own. Before it syncs, the leader
        waits (at most ``GATHER`` seconds) until as many callers wait as the
        last sync served: threads released together by one sync add again
        together, and their adds go to one sync rather than alternate
        between two half-full ones. Raises ``OSError`` when the sync fails
        (those segments stay dirty: the next commit syncs them again).
        """
        cond = self._commit
        waiting = self._waiting
        flying = self._flying
        with cond:
            if self._synced >= target:
                return
            waiting.append(target)
            if self._gathering:
                cond.notify_all()  # the leader counts those who wait: one more
            try:
                while self._synced < target:
                    if not any(sync[0] >= target for sync in flying):
                        if len(flying) < MAX_SYNCS:
                            break
                    cond.wait()
                else:
                    return
            finally:
                waiting.remove(target)
            mine = [_ALL]  # what this sync covers: all written until it starts (known then)
            flying.append(mine)
            deadline = 0.0
            self._gathering = True
            while True:
                synced = self._synced
                group = 1 + sum(1 for t in waiting if t > synced)  # those this sync serves
                if group >= self._group:
                    break
                if not deadline:
                    deadline = time.monotonic() + GATHER
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                cond.wait(left)
            self._gathering = False
            self._group = group
        try:
            self._sync(lock, cond, mine)
        finally:
            with cond:
                flying.remove(mine)
                cond.notify_all()

    def _sync(self, lock: threading.Lock, cond: threading.Condition, mine: List[int]) -> None:
        with lock:
            upto = self.written
            segments = [s for s in self.dirty if s.fd >= 0]
            directory = self.new_names
            # Our own descriptors: a segment released meanwhile cannot close them under us.
            fds = [os.dup(s.fd) for s in segments]
        with cond:
            mine[0] = upto
        try:
            datasync = getattr(os, "fdatasync", os.fsync)  # the data and the size, not the times
            for fd in fds:
                datasync(fd)
            if directory:
                self.spool.sync_directory()
            with lock:
                self.check(now=True)  # synced into a file without a name is not durable
                for s in segments:
                    if self.dirty.get(s, upto + 1) <= upto:
                        del self.dirty[s]  # nothing written to it since this sync began
                if directory and self.names_at <= upto:
                    self.new_names = False
        finally:
            for fd in fds:
                os.close(fd)
        with cond:
            self._synced = max(self._synced, upto)

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
