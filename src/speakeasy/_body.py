"""Reading a response body within a bound, counted after decompression.

Both I/O edges read the body as raw bytes off the wire (no decoding by the HTTP
library) and feed them here. ``gzip`` and ``deflate`` are inflated in steps that
never produce more than the bound allows, so a small compressed answer that
inflates to gigabytes costs at most the bound in memory, whatever the kind of
answer (a read, an error body, the batcher's).
"""

from __future__ import annotations

import zlib
from typing import List, Optional

#: The content codings the SDK asks for, and decodes itself.
ACCEPT_ENCODING = "gzip, deflate"


class BodyReader:
    """Collects a body of at most ``limit`` decoded bytes.

    ``feed`` returns False once the body is over the limit: the caller stops
    reading and drops the connection. ``broken_encoding`` tells that the body
    contradicted its ``Content-Encoding`` (what was decoded up to there is kept).
    """

    __slots__ = ("_chunks", "_inflate", "broken_encoding", "limit", "over", "size")

    def __init__(self, content_encoding: Optional[str], limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.over = False
        self.broken_encoding = False
        self._chunks: List[bytes] = []
        self._inflate = _decompressor(content_encoding)

    def feed(self, raw: bytes) -> bool:
        """Add raw bytes off the wire; False once the decoded body is past the limit."""
        if self.over or self.broken_encoding:
            return False
        inflate = self._inflate
        if inflate is None:
            return self._keep(raw)
        data = raw
        while data:
            room = self.limit - self.size + 1  # one byte past the limit proves it is over
            try:
                out = inflate.decompress(data, room)
            except zlib.error:
                self.broken_encoding = True
                return False
            if not self._keep(out):
                return False
            data = inflate.unconsumed_tail
            if inflate.eof:
                break
        return True

    def finish(self) -> bool:
        """The stream ended; False if what is left undecoded puts the body past the limit."""
        inflate = self._inflate
        if inflate is None or self.over or self.broken_encoding:
            return not self.over
        while True:
            try:
                out = inflate.flush(self.limit - self.size + 1)
            except zlib.error:
                self.broken_encoding = True
                return True
            if not out:
                return True
            if not self._keep(out):
                return False

    def _keep(self, data: bytes) -> bool:
        if not data:
            return True
        self.size += len(data)
        self._chunks.append(data)
        if self.size > self.limit:
            self.over = True
            return False
        return True

    def body(self) -> bytes:
        """What was read, at most ``limit`` bytes."""
        data = b"".join(self._chunks)
        return data[: self.limit] if len(data) > self.limit else data


def _decompressor(content_encoding: Optional[str]) -> Optional[_Inflater]:
    coding = (content_encoding or "").strip().lower()
    if coding in ("gzip", "x-gzip"):
        return _Inflater(zlib.MAX_WBITS | 16)
    if coding == "deflate":
        return _Inflater(None)
    return None  # identity, or a coding the SDK never asked for: kept as sent


class _Inflater:
    """zlib's decompressor; ``deflate`` may be zlib-wrapped or raw (servers send both)."""

    __slots__ = ("_obj", "_raw_fallback", "_started")

    def __init__(self, wbits: Optional[int]) -> None:
        self._raw_fallback = wbits is None
        self._obj = zlib.decompressobj(zlib.MAX_WBITS if wbits is None else wbits)
        self._started = False

    def decompress(self, data: bytes, max_length: int) -> bytes:
        try:
            out = self._obj.decompress(data, max_length)
        except zlib.error:
            if self._raw_fallback and not self._started:
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                self._raw_fallback = False
                out = self._obj.decompress(data, max_length)
            else:
                raise
        self._started = True
        return out

    def flush(self, max_length: int) -> bytes:
        # decompressobj.flush takes no bound: drain the tail through decompress instead.
        tail = self._obj.unconsumed_tail
        if tail:
            return self._obj.decompress(tail, max_length)
        return b""

    @property
    def unconsumed_tail(self) -> bytes:
        return self._obj.unconsumed_tail

    @property
    def eof(self) -> bool:
        return self._obj.eof
