"""Reading a response body within a bound, counted after decompression.

Both I/O edges read the body as raw bytes off the wire (no decoding by the HTTP
library) and feed them here. ``gzip`` and ``deflate`` are inflated in steps that
never produce more than the bound allows, so a small compressed answer that
inflates to gigabytes costs at most the bound in memory, whatever the kind of
answer (a read, an error body, the batcher's).

The decoded bytes go into one growing buffer (``io.BytesIO``) that is never copied
whole: inflating is done in steps of at most ``_STEP`` bytes, and ``body()`` hands
the buffer itself over (CPython's ``getvalue`` shares it). Once the body is past
its bound, all but a prefix of ``keep_over`` bytes is dropped at once, so a 1 GiB
gzip answer costs about the bound, not a multiple of it.
"""

from __future__ import annotations

import io
import zlib
from typing import Optional

#: The content codings the SDK asks for, and decodes itself.
ACCEPT_ENCODING = "gzip, deflate"
#: The most one inflating step produces (a 64 KiB chunk of a bomb inflates to ~64 MiB).
_STEP = 1 << 20


class BodyReader:
    """Collects a body of at most ``limit`` decoded bytes.

    ``feed`` returns False once the body is over the limit: the caller stops
    reading and drops the connection. ``broken_encoding`` tells that the body
    contradicted its ``Content-Encoding`` (what was decoded up to there is kept).
    """

    __slots__ = ("_buf", "_inflate", "broken_encoding", "keep_over", "limit", "over", "size")

    def __init__(
        self, content_encoding: Optional[str], limit: int, keep_over: Optional[int] = None
    ) -> None:
        self.limit = limit
        #: How much of a body past its bound is kept (for the error that says so).
        self.keep_over = limit if keep_over is None else min(keep_over, limit)
        self.size = 0
        self.over = False
        self.broken_encoding = False
        self._buf = io.BytesIO()
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
            room = min(self.limit - self.size + 1, _STEP)  # one byte past the limit proves it
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
                out = inflate.flush(min(self.limit - self.size + 1, _STEP))
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
        if self.size > self.limit:
            self.over = True
            # Keep a prefix only; the rest is freed now, not when the answer is done.
            buf = self._buf
            room = self.keep_over - buf.tell()
            if room > 0:
                buf.write(data[:room])
            buf.seek(0)
            prefix = buf.read(self.keep_over)
            buf.close()
            self._buf = io.BytesIO(prefix)
            self._buf.seek(0, io.SEEK_END)
            return False
        self._buf.write(data)
        return True

    def body(self) -> bytes:
        """What was read: the whole body, or ``keep_over`` bytes of one past its bound.

        The buffer is handed over, not copied (the reader is done with it).
        """
        return self._buf.getvalue()


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
