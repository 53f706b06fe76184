"""Strict HTTP/1.1 request framing for the local server, and the connection's clock.

The rules (docs/testing.md, "Framing and time-outs"):

- the header section has no malformed line, no obsolete line folding, only token names and
  no control characters in values (other than horizontal tab);
- ``Content-Length`` is ASCII digits only (optional spaces or tabs around them);
- ``Transfer-Encoding`` is exactly ``chunked`` (optional spaces or tabs around it); any
  other value, other case or list is refused, and so is a request with both headers;
- a chunk-size line is at most :data:`MAX_CHUNK_LINE` bytes and ends with CRLF, chunk data
  is followed by CRLF, the trailer section is at most :data:`MAX_TRAILER_BYTES`.

Anything else is a :class:`FramingError` (400, or 413 for a body over the hard limit) that
the handler answers and records, then closes the connection.
"""

from __future__ import annotations

import io
import re
import socket
import time
from email.message import Message
from typing import TYPE_CHECKING, Dict, Optional, Tuple

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

HARD_BODY_LIMIT = 256 * 1024 * 1024  # never read more than this, whatever max_body_bytes says
MAX_CHUNK_LINE = 1024
MAX_TRAILER_BYTES = 8 * 1024
#: A connection that sends nothing for this long is closed; a request must arrive in full
#: within this long of its first byte (``idle_timeout``, ``--idle-timeout``).
DEFAULT_IDLE_TIMEOUT = 30.0

_OWS = " \t"
_DIGITS = re.compile(r"[0-9]{1,19}")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_VALUE_CHAR = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
_BLOCK = 64 * 1024

#: How a request's body is framed: ("none", 0), ("length", n) or ("chunked", -1).
Framing = Tuple[str, int]


class FramingError(Exception):
    """A request that cannot be read as HTTP/1.1: answered with ``status``, then closed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def check_head(message: Message) -> None:
    """Refuse a header section that the parser could not split cleanly."""
    if message.defects or message.get_payload():
        raise FramingError(400, "malformed header section (a line that is not 'name: value')")
    for name, value in message.items():
        if not _TOKEN.fullmatch(name):
            raise FramingError(400, f"invalid header name {name!r}")
        if "\r" in value or "\n" in value:
            raise FramingError(400, f"{name}: obsolete line folding is not accepted")
        if _BAD_VALUE_CHAR.search(value):
            raise FramingError(400, f"{name}: control character in the header value")


def body_framing(headers: Dict[str, str]) -> Framing:
    """How the body of a request with ``headers`` (lower-case names) is framed."""
    transfer_encoding = headers.get("transfer-encoding")
    length_header = headers.get("content-length")
    if transfer_encoding is not None:
        if transfer_encoding.strip(_OWS) != "chunked":
            raise FramingError(
                400,
                f"Transfer-Encoding: only 'chunked' (lower case, alone) is accepted, "
                f"got {transfer_encoding!r}",
            )
        if length_header is not None:
            raise FramingError(400, "both Transfer-Encoding and Content-Length were sent")
        return "chunked", -1
    if length_header is None:
        return "none", 0
    text = length_header.strip(_OWS)
    if not _DIGITS.fullmatch(text):
        raise FramingError(400, f"Content-Length must be ASCII digits, got {length_header!r}")
    length = int(text)
    if length > HARD_BODY_LIMIT:
        raise FramingError(413, f"request body larger than {HARD_BODY_LIMIT} bytes")
    return "length", length


def read_body(rfile: io.BufferedIOBase, framing: Framing, keep: bool) -> bytes:
    """The body (``b""`` when not ``keep``: read and dropped, never held whole).

    Raises :class:`FramingError`, or ``ConnectionError`` when the client closed early.
    """
    kind, length = framing
    if kind == "none":
        return b""
    if kind == "length":
        return _read_exactly(rfile, length, keep)
    return _read_chunked(rfile, keep)


def _read_exactly(rfile: io.BufferedIOBase, size: int, keep: bool) -> bytes:
    if keep:
        data = rfile.read(size) if size else b""
        if len(data) < size:
            raise ConnectionError("client closed the connection before the body was complete")
        return data
    remaining = size
    while remaining > 0:
        block = rfile.read(min(remaining, _BLOCK))
        if not block:
            raise ConnectionError("client closed the connection before the body was complete")
        remaining -= len(block)
    return b""


def _read_chunked(rfile: io.BufferedIOBase, keep: bool) -> bytes:
    parts = []
    total = 0
    while True:
        line = rfile.readline(MAX_CHUNK_LINE + 1)
        if not line.endswith(b"\n"):
            if len(line) > MAX_CHUNK_LINE:
                raise FramingError(400, f"chunk-size line longer than {MAX_CHUNK_LINE} bytes")
            raise ConnectionError("client closed the connection inside a chunked body")
        if not line.endswith(b"\r\n"):
            raise FramingError(400, "chunk-size line not ended by CRLF")
        size_text = line[:-2].split(b";", 1)[0].rstrip(b" \t")
        if not _CHUNK_SIZE.fullmatch(size_text):
            raise FramingError(400, f"malformed chunk size {size_text[:40]!r}")
        size = int(size_text, 16)
        if size == 0:
            break
        total += size
        if total > HARD_BODY_LIMIT:
            raise FramingError(413, f"request body larger than {HARD_BODY_LIMIT} bytes")
        data = _read_exactly(rfile, size, keep)
        if keep:
            parts.append(data)
        end = rfile.read(2)
        if end != b"\r\n":
            if len(end) < 2:
                raise ConnectionError("client closed the connection inside a chunked body")
            raise FramingError(400, "chunk data not followed by CRLF")
    trailer_bytes = 0
    while True:
        line = rfile.readline(MAX_TRAILER_BYTES + 1)
        if line == b"\r\n":
            break
        trailer_bytes += len(line)
        if trailer_bytes > MAX_TRAILER_BYTES:
            raise FramingError(
                400, f"chunked trailer section longer than {MAX_TRAILER_BYTES} bytes"
            )
        if not line.endswith(b"\n"):
            raise ConnectionError("client closed the connection inside a chunked trailer")
        if not line.endswith(b"\r\n") or b":" not in line:
            raise FramingError(400, "malformed chunked trailer line")
    return b"".join(parts)


class ConnectionReader(io.RawIOBase):
    """The socket as a raw stream, on a clock.

    Between requests, a read waits at most ``idle_timeout`` (then ``socket.timeout``); the
    first byte of a request starts its own budget: the whole request must arrive within
    ``idle_timeout`` of it. None waits for ever.
    """

    def __init__(self, sock: socket.socket, idle_timeout: Optional[float]) -> None:
        super().__init__()
        self._sock = sock
        self._idle = idle_timeout
        self._deadline: Optional[float] = None
        #: True until a byte of the current request arrived.
        self.waiting = True

    def readable(self) -> bool:
        return True

    def expect_request(self) -> None:
        """Start waiting for the next request."""
        self.waiting = True
        self._deadline = None if self._idle is None else time.monotonic() + self._idle

    def request_started(self) -> None:
        """A request began (its bytes may have been buffered already): start its budget."""
        if self.waiting:
            self.waiting = False
            self._deadline = None if self._idle is None else time.monotonic() + self._idle

    def readinto(self, buffer: WriteableBuffer) -> int:
        deadline = self._deadline
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout("timed out")
            self._sock.settimeout(remaining)
        received = self._sock.recv_into(buffer)
        if received:
            self.request_started()
        return received
