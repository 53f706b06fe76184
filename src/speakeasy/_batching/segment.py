"""One spool segment file: appended to through a memory map, acked, trimmed, closed.

A segment this batcher writes is created with its blocks reserved
(``posix_fallocate``: a full disk is an ``OSError`` when the segment is
created, inside ``add``, never a ``SIGBUS`` later) and mapped shared: an
append is a copy into the map, no system call. The bytes are then in the
kernel's page cache, as after a ``write``: a process killed at any point,
``kill -9`` included, loses none of them (a power cut may, unless
``spool_fsync``: ``fdatasync`` of the file flushes the mapping's pages too,
one page cache on Linux). Past the last line the file holds zeros until the
segment is retired: then it is trimmed to its lines. Replay reads lines up
to the last newline and skips zero bytes, so the zero-filled tail of a
killed writer is ignored like a torn last line. The format is the old one
(JSON lines) plus, at most, that tail: old and new code read each other's
segments.

Where ``posix_fallocate`` is missing (macOS), or refused for another reason
than a full disk, the segment is appended to with ``os.write`` as before.
"""

from __future__ import annotations

import errno
import mmap
import os
import stat
import sys
from typing import Optional

SEGMENT_SUFFIX = ".seg"
ACK_SUFFIX = ".ack"

#: Map segments (``posix_fallocate`` + ``mmap``); False: one ``os.write`` per append.
USE_MMAP = hasattr(os, "posix_fallocate")
#: Linux >= 5.14 ``MADV_POPULATE_WRITE``: fault a range of the map in, writable, in one
#: call. The first write to each page of reserved (unwritten) blocks otherwise takes a
#: page fault that costs as much as the copies of ten events (measured: 1.2 to 1.9 us
#: an event mapped as is, 0.6 to 1.0 us with the range populated first, copies included).
#: Set to 0 once the kernel refuses it.
POPULATE_WRITE = 23 if sys.platform.startswith("linux") else 0
#: Populated ahead of the appends this much at a time (a multiple of the page size).
POPULATE_BYTES = 256 << 10

# Never follow a symlink; never wait on a FIFO's other end.
_SAFE = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def reserve(fd: int, want: int, need: int) -> int:
    """Reserve the blocks of ``want`` bytes, or fewer on a fuller disk (never under ``need``).

    Returns the size reserved; 0 when this file system cannot (write instead).
    Raises ``OSError`` (``ENOSPC``) when not even ``need`` bytes fit.
    """
    size = max(want, need)
    while True:
        try:
            os.posix_fallocate(fd, 0, size)
            return size
        except OSError as exc:
            os.ftruncate(fd, 0)  # give back what a failed attempt may have taken
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                return 0
            if size <= need:
                raise
            size = max(need, size // 2)


class Segment:
    """One segment file, locked by this process for as long as it is open."""

    __slots__ = (
        "ack_fd",
        "acked",
        "capacity",
        "dir_fd",
        "events",
        "fd",
        "map",
        "path",
        "ready",
        "size",
        "writing",
    )

    def __init__(
        self, path: str, fd: int, size: int, acked: int, writing: bool, dir_fd: Optional[int]
    ) -> None:
        #: For messages; the file is reached by its name in ``dir_fd`` (the held directory).
        self.path = path
        self.dir_fd = dir_fd
        self.fd = fd
        #: End of the last complete line (a torn last line is not counted).
        self.size = size
        #: Every event before this offset is resolved (recorded on disk when possible).
        self.acked = acked
        #: True while this batcher may still append to it.
        self.writing = writing
        self.ack_fd = -1
        #: Events found unresolved when claimed (a recovered segment).
        self.events = 0
        #: The shared map appended to (None: ``os.write``), and the bytes reserved.
        self.map: Optional[mmap.mmap] = None
        self.capacity = 0
        #: The map is populated (faulted in, writable) up to here: appends below it are copies.
        self.ready = 0

    def mapped(self, capacity: int) -> None:
        """Append through a shared map of the ``capacity`` bytes reserved from now on."""
        self.map = mmap.mmap(self.fd, capacity, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        self.capacity = capacity

    def prepare(self, end: int) -> None:
        """Populate the map past ``end`` (``POPULATE_BYTES`` at a time, up to the capacity).

        Only the page tables change: the content stays zeros, the blocks were
        reserved already. Without ``MADV_POPULATE_WRITE`` it does nothing (the
        pages fault in as they are written).
        """
        global POPULATE_WRITE
        view = self.map
        if view is None:
            return
        while self.ready < end:
            start = self.ready
            length = min(POPULATE_BYTES, self.capacity - start)
            if length <= 0:
                self.ready = self.capacity
                return
            self.ready = start + length
            if POPULATE_WRITE:
                try:
                    view.madvise(POPULATE_WRITE, start, length)
                except (OSError, ValueError):
                    POPULATE_WRITE = 0  # an older kernel: pages fault in as written

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    @property
    def ack_path(self) -> str:
        return self.path[: -len(SEGMENT_SUFFIX)] + ACK_SUFFIX

    @property
    def ack_name(self) -> str:
        return os.path.basename(self.ack_path)

    @property
    def done(self) -> bool:
        """Closed for writing and resolved to its end: may be deleted."""
        return not self.writing and self.acked >= self.size

    def fits(self, length: int) -> bool:
        """Whether ``length`` more bytes go in (always, when written with ``os.write``)."""
        return self.map is None or self.size + length <= self.capacity

    def write_line(self, line: bytes) -> int:
        """Append one line (``line`` and a newline); returns the new end offset.

        As ``write``, without building ``line + b"\\n"``: mapped, the newline is
        copied after the line (a process killed between the two leaves a torn
        line, which replay skips: its ``add`` never returned).
        """
        view = self.map
        if view is None:
            return self.write(line + b"\n")
        start = self.size
        end = start + len(line)
        view[start:end] = line
        view[end] = 10  # b"\n"
        self.size = end = end + 1
        return end

    def write(self, data: bytes) -> int:
        """Append whole lines; returns the new end offset.

        Mapped: a copy, after ``fits``. Otherwise ``os.write``: on any error
        the segment is closed for writing and what was written of ``data`` is
        cut off again, so that a failed append leaves nothing behind.
        """
        view = self.map
        if view is not None:
            end = self.size + len(data)
            view[self.size : end] = data
            self.size = end
            return end
        try:
            written = os.write(self.fd, data)
            while written < len(data):  # short writes: only on a full disk, in practice
                written += os.write(self.fd, data[written:])
        except BaseException:
            self.writing = False
            try:
                os.ftruncate(self.fd, self.size)
            except OSError:
                pass  # a torn last line is ignored by replay anyway
            raise
        self.size += written
        return self.size

    def seal(self) -> None:
        """No more appends: unmap, and trim the reserved tail off (the file ends at its lines)."""
        self.writing = False
        view, self.map = self.map, None
        if view is not None:
            view.close()
            try:
                os.ftruncate(self.fd, self.size)
            except OSError:
                pass  # zeros after the last line: replay skips them

    def ack(self, offset: int) -> None:
        """Record that every event before ``offset`` is resolved: in memory, then on disk.

        Raises ``OSError`` when the ``.ack`` cannot be written; the segment
        counts as resolved that far anyway (a later batcher may resend those).
        """
        if offset <= self.acked:
            return
        self.acked = offset
        if self.ack_fd < 0:
            self.ack_fd = open_file(
                self.ack_name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, self.dir_fd
            )
        os.write(self.ack_fd, b"%d\n" % offset)

    def forget(self) -> None:
        """Close the map and the descriptors (and so the lock) without deleting anything."""
        view, self.map = self.map, None
        if view is not None:
            view.close()
        for fd in (self.ack_fd, self.fd):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.fd = self.ack_fd = -1


def open_file(path: str, flags: int, dir_fd: Optional[int] = None) -> int:
    """``os.open`` of a regular file only, never through a symlink; created ``0600``.

    ``path`` is a name in the directory ``dir_fd`` when given.
    """
    fd = os.open(path, flags | _SAFE, 0o600, dir_fd=dir_fd)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", os.path.basename(path))
        # Plain blocking I/O from now on (O_NONBLOCK was only against FIFOs).
        if _SAFE & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd
