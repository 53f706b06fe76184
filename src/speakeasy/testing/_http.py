"""The HTTP side of the local server: reading requests (chunked bodies too), writing answers,
and carrying out scripted faults on the wire (drops, resets, truncated and endless bodies).

What to answer is not decided here: the handler asks its :class:`Backend`.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import struct
import sys
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Protocol, Tuple, cast

from ._api import Answer, error_body, workspace_of
from ._records import MaskedHeaders, ReceivedRequest, Reply, SentResponse
from ._schema import parse_json
from ._store import Slot

logger = logging.getLogger("speakeasy.testing")

_HARD_BODY_LIMIT = 256 * 1024 * 1024  # never buffer more than this, whatever max_body_bytes says
_ENDLESS_MAX_BYTES = 1024 * 1024 * 1024  # an "endless" body stops after 1 GiB ...
_ENDLESS_MAX_SECONDS = 60.0  # ... or 60 s, whichever comes first
_WRITE_CHUNK = 64 * 1024
_CHUNK_SIZE_RE = re.compile(rb"^[0-9A-Fa-f]{1,16}$")


class Backend(Protocol):
    """What the handler asks of the server that owns it."""

    @property
    def verbose(self) -> bool: ...

    @property
    def delay(self) -> float: ...

    def arrive(self, rec: ReceivedRequest) -> Slot:
        """Record a request whose body was read; returns where it is kept."""

    def finish(self, slot: Slot, rec: ReceivedRequest, accepted: Optional[List[Any]]) -> None:
        """Replace the request's record by its answered one."""

    def scripted_reply(self, rec: ReceivedRequest) -> Optional[Reply]:
        """The next scripted reply (queued, or from the handler), if any."""

    def answer(self, rec: ReceivedRequest, parsed: Any, parse_error: Optional[str]) -> Answer:
        """What the real API answers to ``rec``."""

    def page(self, method: str, path: str, query: str, headers: Dict[str, str]) -> Optional[Answer]:
        """The answer of the live page (never recorded nor scripted), or None for the API."""


class BodyError(Exception):
    """A request body that cannot be read: answered with ``status`` before anything else."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class HTTPServer(ThreadingHTTPServer):
    """A threading server that tracks its connections, so that stop can close them all."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, backend: Backend, address: Tuple[str, int], family: int) -> None:
        self.address_family = family
        self.backend = backend
        self.stopping = threading.Event()
        self.connections: set[socket.socket] = set()
        self.connections_changed = threading.Condition()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_changed:
            self.connections.add(request)
        if self.stopping.is_set():
            shutdown_socket(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        try:
            super().shutdown_request(request)
        finally:
            with self.connections_changed:
                self.connections.discard(request)
                self.connections_changed.notify_all()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that goes away mid-request is business as usual for this server; anything
        # else is a bug worth seeing (but never on stderr through print, as the base does).
        exc = sys.exc_info()[1]
        level = logging.DEBUG if isinstance(exc, (OSError, ValueError)) else logging.WARNING
        logger.log(level, "error handling a request from %s", client_address, exc_info=True)

    def close_all(self, timeout: float) -> None:
        """Shut every open connection, wake waiting handlers, wait for them to end."""
        with self.connections_changed:
            # Shut the open connections first, so that requests in flight get no answer, then
            # wake the handlers that wait (delays) so that their threads end.
            for sock in list(self.connections):
                shutdown_socket(sock)
            self.stopping.set()
            deadline = time.monotonic() + timeout
            while self.connections:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.connections_changed.wait(remaining)

    def connection_count(self) -> int:
        with self.connections_changed:
            return len(self.connections)


def shutdown_socket(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SpeakeasyEventsTestServer/1.0"
    disable_nagle_algorithm = True
    rbufsize = 64 * 1024

    # -- plumbing ---------------------------------------------------------------------

    def version_string(self) -> str:
        return self.server_version

    @property
    def _srv(self) -> HTTPServer:
        return cast(HTTPServer, self.server)

    def log_message(self, format: str, *args: Any) -> None:
        # Replaces BaseHTTPRequestHandler's stderr output (e.g. malformed request lines).
        if self._srv.backend.verbose:
            logger.debug("%s - " + format, self.address_string(), *args)

    def handle_one_request(self) -> None:
        """Like the base class, but every method goes to :meth:`_handle`."""
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if len(self.raw_requestline) > 65536:
                self.requestline = ""
                self.request_version = ""
                self.command = ""
                self.send_error(414)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            started = time.monotonic()
            if not self.parse_request():
                return
            self._handle(started)
            self.wfile.flush()
        except (socket.timeout, ConnectionError) as exc:
            logger.debug("connection error: %r", exc)
            self.close_connection = True

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._srv.stopping.wait(seconds)

    def _header_dict(self) -> Dict[str, str]:
        headers: Dict[str, str] = MaskedHeaders()
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        return headers

    # -- reading ----------------------------------------------------------------------

    def _read_body(self, headers: Dict[str, str]) -> bytes:
        transfer_encoding = headers.get("transfer-encoding")
        if transfer_encoding is not None:
            if transfer_encoding.strip().lower() != "chunked":
                self.close_connection = True
                raise BodyError(400, f"unsupported transfer-encoding {transfer_encoding!r}")
            if "content-length" in headers:
                self.close_connection = True  # RFC 9112: a request with both is suspect
            return self._read_chunked()
        length_header = headers.get("content-length")
        if length_header is None:
            return b""
        if not length_header.strip().isdigit():
            self.close_connection = True
            raise BodyError(400, f"invalid content-length {length_header!r}")
        length = int(length_header)
        if length > _HARD_BODY_LIMIT:
            self.close_connection = True
            raise BodyError(413, f"request body larger than {_HARD_BODY_LIMIT} bytes")
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            self.close_connection = True
            raise ConnectionError("client closed the connection before the body was complete")
        return body

    def _read_chunked(self) -> bytes:
        parts: List[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            if not line:
                raise ConnectionError("client closed the connection inside a chunked body")
            size_text = line.split(b";", 1)[0].strip()
            if not line.endswith(b"\n") or not _CHUNK_SIZE_RE.match(size_text):
                self.close_connection = True
                raise BodyError(400, "malformed chunked request body")
            size = int(size_text, 16)
            if size == 0:
                break
            total += size
            if total > _HARD_BODY_LIMIT:
                self.close_connection = True
                raise BodyError(413, f"request body larger than {_HARD_BODY_LIMIT} bytes")
            data = self.rfile.read(size)
            if len(data) < size:
                raise ConnectionError("client closed the connection inside a chunked body")
            parts.append(data)
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                self.close_connection = True
                raise BodyError(400, "malformed chunked request body")
        while True:  # trailers, ignored
            line = self.rfile.readline(65537)
            if line in (b"\r\n", b"\n", b""):
                break
        return b"".join(parts)

    # -- writing ----------------------------------------------------------------------

    def _head(self, status: int, headers: List[Tuple[str, str]]) -> bytes:
        reason = self.responses[status][0] if status in self.responses else "Unknown"
        lines = [f"HTTP/1.1 {status} {reason}\r\n"]
        lines.extend(f"{name}: {value}\r\n" for name, value in headers)
        lines.append("\r\n")
        return "".join(lines).encode("latin-1", "replace")

    def _base_headers(self) -> List[Tuple[str, str]]:
        return [("Server", self.version_string()), ("Date", self.date_time_string())]

    def _merge(
        self, defaults: List[Tuple[str, str]], overrides: Dict[str, str]
    ) -> List[Tuple[str, str]]:
        lowered = {name.lower() for name in overrides}
        merged = [(n, v) for n, v in defaults if n.lower() not in lowered]
        merged.extend(overrides.items())
        if self.close_connection and "connection" not in lowered:
            merged.append(("Connection", "close"))
        return merged

    def _response_headers(
        self, body: bytes, content_type: Optional[str], extra: Dict[str, str]
    ) -> List[Tuple[str, str]]:
        defaults = self._base_headers()
        if content_type is not None:
            defaults.append(("Content-Type", content_type))
        defaults.append(("Content-Length", str(len(body))))
        return self._merge(defaults, extra)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: Optional[str],
        extra: Optional[Dict[str, str]] = None,
    ) -> None:
        head = self._head(status, self._response_headers(body, content_type, extra or {}))
        self.wfile.write(head if self.command == "HEAD" else head + body)

    # -- handling ---------------------------------------------------------------------

    def _handle(self, started: float) -> None:
        backend = self._srv.backend
        raw_path, _, query = self.path.partition("?")
        headers = self._header_dict()
        page = backend.page(self.command, raw_path, query, headers)
        if page is not None:
            if headers.get("content-length", "0").strip() != "0" or "transfer-encoding" in headers:
                self.close_connection = True  # a body nobody reads: the connection ends here
            self._send(page.status, page.body, page.content_type, page.headers)
            return
        rec = ReceivedRequest(
            method=self.command,
            path=raw_path,
            query=query,
            headers=headers,
            body=b"",
            workspace_id=workspace_of(raw_path),
            received_at=started,
        )
        try:
            body = self._read_body(headers)
        except BodyError as exc:
            rec = replace(rec, status=exc.status, error=exc.message)
            backend.finish(backend.arrive(rec), rec, None)
            self._log(rec)
            self._send(exc.status, error_body(exc.status, exc.message), "application/json")
            return
        except ConnectionError as exc:
            rec = replace(rec, error=f"incomplete request: {exc}")
            backend.finish(backend.arrive(rec), rec, None)
            self._log(rec)
            raise

        parsed, parse_error = parse_json(body)
        events = parsed if isinstance(parsed, list) else None
        rec = replace(rec, body=body, events=events)
        slot = backend.arrive(rec)
        reply = backend.scripted_reply(rec)

        self._wait(backend.delay)
        if reply is not None:
            self._wait(reply.delay)
            self._reply(reply, rec, slot)
            return

        answer = backend.answer(rec, parsed, parse_error)
        body = b"" if self.command == "HEAD" else answer.body
        head = self._response_headers(answer.body, answer.content_type, answer.headers)
        response = SentResponse(answer.status, MaskedHeaders((n.lower(), v) for n, v in head), body)
        rec = replace(rec, status=answer.status, error=answer.error, response=response)
        # Recorded before the answer leaves: a client that has the answer sees the record.
        backend.finish(slot, rec, answer.accepted)
        self._log(rec)
        self.wfile.write(self._head(answer.status, head) + body)

    def _reply(self, reply: Reply, rec: ReceivedRequest, slot: Slot) -> None:
        """Carry out a scripted reply, faults included."""
        backend = self._srv.backend
        action = reply.action
        if action in ("drop", "reset"):
            rec = replace(rec, status=0, error=f"scripted {action}", action=action)
            backend.finish(slot, rec, None)
            self._log(rec)
            self.close_connection = True
            if action == "reset":
                self._abort()
            return

        error = f"scripted {reply.status} reply" if reply.status >= 400 else None
        if action != "respond":
            error = f"scripted {action} ({reply.status})"
        rec = replace(rec, status=reply.status, error=error, action=action)
        backend.finish(slot, rec, None)
        self._log(rec)

        body, content_type = _encode_reply_body(reply)
        if action == "respond" and not reply.body_size:
            self._send(reply.status, body, content_type, reply.headers)
            return

        if action == "respond":  # a large body, streamed
            defaults = self._base_headers()
            defaults.append(("Content-Type", content_type or "text/plain"))
            defaults.append(("Content-Length", str(reply.body_size)))
            self.wfile.write(self._head(reply.status, self._merge(defaults, reply.headers)))
            if self.command != "HEAD":
                self._write_filler(reply.body_size)
            return

        self.close_connection = True
        if action == "reset_mid_body":
            self._reset_mid_body(reply, body or b"x" * 64, content_type)
        else:
            self._endless(reply, content_type)

    def _reset_mid_body(self, reply: Reply, body: bytes, content_type: Optional[str]) -> None:
        defaults = self._base_headers()
        defaults.append(("Content-Type", content_type or "text/plain"))
        defaults.append(("Content-Length", str(len(body) + 1024)))
        head = self._head(reply.status, self._merge(defaults, reply.headers))
        try:
            self.wfile.write(head + body[: max(1, len(body) // 2)])
            # Give the client a moment to read the head before the RST arrives.
            self._wait(0.05)
        finally:
            self._abort()

    def _endless(self, reply: Reply, content_type: Optional[str]) -> None:
        defaults = self._base_headers()
        defaults.append(("Content-Type", content_type or "text/plain"))
        defaults.append(("Transfer-Encoding", "chunked"))
        self.wfile.write(self._head(reply.status, self._merge(defaults, reply.headers)))
        chunk = b"%x\r\n%s\r\n" % (_WRITE_CHUNK, b"x" * _WRITE_CHUNK)
        deadline = time.monotonic() + _ENDLESS_MAX_SECONDS
        sent = 0
        self.connection.settimeout(10.0)  # a client that stops reading but never closes
        try:
            while (
                sent < _ENDLESS_MAX_BYTES
                and time.monotonic() < deadline
                and not self._srv.stopping.is_set()
            ):
                self.wfile.write(chunk)
                sent += _WRITE_CHUNK
        except (OSError, ValueError):
            logger.debug("endless body: client went away after %d bytes", sent)

    def _write_filler(self, size: int) -> None:
        block = b"x" * min(size, _WRITE_CHUNK)
        remaining = size
        while remaining > 0:
            if remaining < len(block):
                block = block[:remaining]
            self.wfile.write(block)
            remaining -= len(block)

    def _abort(self) -> None:
        """Close the connection with a TCP RST (SO_LINGER on, zero timeout)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        # The buffered reader holds a reference to the socket; release it so close() is real
        # now, before socketserver's shutdown(SHUT_WR) could send a FIN first.
        self.rfile.close()
        self.connection.close()

    def _log(self, rec: ReceivedRequest) -> None:
        """One line per request: method, path, event count, byte count, outcome."""
        if self._srv.backend.verbose:
            count = "-" if rec.events is None else str(len(rec.events))
            outcome = str(rec.status) if rec.status else "no status"
            if rec.action != "respond":
                outcome += f" ({rec.action})"
            elif rec.error:
                outcome += f" ({rec.error})"
            logger.info(
                "%s %s events=%s bytes=%d -> %s",
                rec.method,
                rec.path,
                count,
                len(rec.body),
                outcome,
            )


def _encode_reply_body(reply: Reply) -> Tuple[bytes, Optional[str]]:
    body = reply.body
    if body is None:
        if reply.status >= 400 and not reply.body_size:
            default = error_body(reply.status, f"scripted {reply.status} reply")
            return default, "application/json"
        return b"", None
    if isinstance(body, bytes):
        return body, "application/octet-stream"
    if isinstance(body, str):
        return body.encode("utf-8"), "text/plain; charset=utf-8"
    return json.dumps(body).encode("utf-8"), "application/json"
