"""The HTTP side of the local server: reading requests (chunked bodies too), writing answers,
and carrying out scripted faults on the wire (drops, resets, truncated and endless bodies).

What to answer is not decided here: the handler asks its :class:`Backend`.
"""

from __future__ import annotations

import io
import logging
import socket
import struct
import sys
import threading
import time
from dataclasses import replace
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple, cast

from ._api import Answer, encode_reply_body, error_body, workspace_of
from ._backend import Backend
from ._framing import ConnectionReader, FramingError, body_framing, check_head, read_body
from ._hosts import host_refusal
from ._records import MaskedHeaders, ReceivedRequest, Reply, SentResponse
from ._schema import parse_json
from ._store import Slot

logger = logging.getLogger("speakeasy.testing")

_ENDLESS_MAX_BYTES = 1024 * 1024 * 1024  # an "endless" body stops after 1 GiB ...
_ENDLESS_MAX_SECONDS = 60.0  # ... or 60 s, whichever comes first
_WRITE_CHUNK = 64 * 1024
_VERSIONS = ("HTTP/1.0", "HTTP/1.1")


class HTTPServer(ThreadingHTTPServer):
    """A threading server that tracks its connections, so that stop can close them all."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # bursts of connections (capped by the kernel somaxconn)

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

    def setup(self) -> None:
        super().setup()
        # Reads go through the connection's clock (idle and per-request time-outs).
        self.rfile.close()
        self._reader = ConnectionReader(self.connection, self._srv.backend.idle_timeout)
        self.rfile = io.BufferedReader(self._reader, self.rbufsize)
        self._expect_continue = False
        self._started = 0.0

    def handle_one_request(self) -> None:
        """Like the base class, but every method goes to :meth:`_handle`, every malformed
        request is answered 400 (recorded), and a silent or slow client is timed out."""
        self._reader.expect_request()
        self.command, self.path, self.requestline, self.request_version = "", "", "", ""
        self.headers = Message()
        self._expect_continue = False
        self._started = time.monotonic()
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return
            self._reader.request_started()
            self._started = time.monotonic()
            if len(self.raw_requestline) > 65536:
                self.send_error(414, "request line longer than 65536 bytes")
                return
            if not self._version_supported() or not self.parse_request():
                return
            if self.request_version not in _VERSIONS:  # HTTP/0.9: a request line of two words
                self.send_error(400, f"unsupported protocol version {self.request_version!r}")
                return
            if self._host_refused():
                return
            self._handle(self._started)
            self.wfile.flush()
        except socket.timeout:
            self.close_connection = True
            if not self._reader.waiting:  # a request had begun: say why it ends
                self._timed_out()
        except ConnectionError as exc:
            logger.debug("connection error: %r", exc)
            self.close_connection = True

    def _version_supported(self) -> bool:
        """False (and answered 400) when the request line names a version other than
        HTTP/1.0 and HTTP/1.1: the base class would answer ``HTTP/2.0`` with 505."""
        words = self.raw_requestline.decode("iso-8859-1").split()
        if len(words) != 3 or words[2] in _VERSIONS:
            return True  # a request line the base class parses (or refuses with 400)
        self.command, self.path = words[0], words[1]
        self.send_error(
            400,
            f"unsupported protocol version {words[2]!r}: only HTTP/1.0 and HTTP/1.1 are served",
        )
        return False

    def _host_refused(self) -> bool:
        """True (and answered 421 or 400, recorded, body unread) when the server binds
        loopback and the request's ``Host`` is not a loopback name: DNS rebinding."""
        bound = self._srv.backend.loopback_host
        if bound is None:
            return False
        hosts = self.headers.get_all("Host") or []
        refused = host_refusal([str(h) for h in hosts], self.request_version, bound)
        if refused is None:
            return False
        self.send_error(*refused)
        return True

    def handle_expect_100(self) -> bool:
        # Decided in _handle: a request refused on its head gets its answer, not a 100.
        self._expect_continue = True
        return True

    def send_error(
        self, code: int, message: Optional[str] = None, explain: Optional[str] = None
    ) -> None:
        """Answer a request that could not be parsed (the base class calls this too): the API's
        JSON error, recorded, then the connection is closed."""
        reason = message or (self.responses[code][0] if code in self.responses else "error")
        self.close_connection = True
        rec = self._bare_record(code, reason)
        backend = self._srv.backend
        backend.finish(backend.arrive(rec), rec, None)
        self._log(rec)
        try:
            self._send(code, error_body(code, reason), "application/json")
        except OSError:
            logger.debug("could not answer a malformed request", exc_info=True)

    def _timed_out(self) -> None:
        seconds = self._srv.backend.idle_timeout
        try:
            self.connection.settimeout(1.0)
        except OSError:
            return
        self.send_error(408, f"the request did not arrive in full within {seconds} s")

    def _bare_record(self, status: int, error: str) -> ReceivedRequest:
        """The record of a request known only in part (no parsed head, or a malformed one)."""
        raw_path, _, query = (self.path or "").partition("?")
        return ReceivedRequest(
            method=self.command or "",
            path=raw_path,
            query=query,
            headers=self._header_dict(),
            body=b"",
            workspace_id=workspace_of(raw_path),
            status=status,
            error=error,
            received_at=self._started,
            body_read=False,
        )

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._srv.stopping.wait(seconds)

    def _header_dict(self) -> Dict[str, str]:
        headers: Dict[str, str] = MaskedHeaders()
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        return headers

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
            check_head(self.headers)
            framing = body_framing(headers)
        except FramingError as exc:
            self.send_error(exc.status, exc.message)
            return
        # Path, method and credentials are checked on the head alone: a refused request's
        # body is read and dropped (never parsed nor kept), or, when the client waits for a
        # 100 Continue, never read (and the connection closed).
        refused = None if backend.scripted_pending() else backend.refusal(rec)
        body: Optional[bytes] = b""
        if refused is not None and self._expect_continue and framing[0] != "none":
            self.close_connection = True
        else:
            body = self._read(rec, framing, keep=refused is None)
        if body is None:
            return
        if refused is not None:
            rec = replace(rec, body_read=False)
            slot = backend.arrive(rec)
            self._wait(backend.delay)
            self._answer(rec, slot, refused)
            return
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
        self._answer(rec, slot, backend.answer(rec, parsed, parse_error))

    def _read(self, rec: ReceivedRequest, framing: Tuple[str, int], keep: bool) -> Optional[bytes]:
        """The body (read and dropped unless ``keep``: then ``b""``); None when the request
        was answered instead (a malformed body)."""
        if keep and self._expect_continue and framing[0] != "none":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.wfile.flush()
        try:
            body = read_body(self.rfile, framing, keep)
        except FramingError as exc:
            self.send_error(exc.status, exc.message)
            return None
        except ConnectionError as exc:
            backend = self._srv.backend
            rec = replace(rec, error=f"incomplete request: {exc}", body_read=False)
            backend.finish(backend.arrive(rec), rec, None)
            self._log(rec)
            raise
        # Answers are written on the idle clock, not on what was left of the request's.
        self.connection.settimeout(self._srv.backend.idle_timeout)
        return body

    def _answer(self, rec: ReceivedRequest, slot: Slot, answer: Answer) -> None:
        """Record ``answer`` (normal handling) and send it."""
        backend = self._srv.backend
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

        body, content_type = encode_reply_body(reply)
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
