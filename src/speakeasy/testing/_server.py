"""A local, standard-library-only HTTP server that answers like the Speakeasy Events API.

It validates every request against the wire contract (``CliEvent``) on its own, without
importing the SDK's models, records what it received, and can be scripted to fail in the
ways a real network and server fail (error statuses, dropped and reset connections,
truncated and endless bodies, slow answers).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import socket
import struct
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple, Union, cast
from urllib.parse import unquote

__all__ = ["EventsServer", "ReceivedRequest", "Reply"]

logger = logging.getLogger("speakeasy.testing")

#: The actions a scripted :class:`Reply` can take.
ACTIONS = frozenset({"respond", "drop", "reset", "reset_mid_body", "endless"})

_MASKED_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie"})
_HARD_BODY_LIMIT = 256 * 1024 * 1024  # never buffer more than this, whatever max_body_bytes says
_ENDLESS_MAX_BYTES = 1024 * 1024 * 1024  # an "endless" body stops after 1 GiB ...
_ENDLESS_MAX_SECONDS = 60.0  # ... or 60 s, whichever comes first
_WRITE_CHUNK = 64 * 1024
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_PATH_RE = re.compile(r"^/v1/workspace/([^/]+)/events$")
_CHUNK_SIZE_RE = re.compile(rb"^[0-9A-Fa-f]{1,16}$")
_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$"
)

# Field kinds of the contract's CliEvent.
_STRING = "string"
_BOOLEAN = "boolean"
_INT64 = "integer"
_DATETIME = "date-time"
_BUMP = "GenerateBumpType"
_INTERACTION = "InteractionType"

_REQUIRED_FIELDS: Tuple[str, ...] = (
    "created_at",
    "execution_id",
    "id",
    "interaction_type",
    "local_started_at",
    "speakeasy_api_key_name",
    "speakeasy_version",
    "success",
    "workspace_id",
)
_FIELD_KINDS: Dict[str, str] = {
    "created_at": _DATETIME,
    "execution_id": _STRING,
    "id": _STRING,
    "interaction_type": _INTERACTION,
    "local_started_at": _DATETIME,
    "speakeasy_api_key_name": _STRING,
    "speakeasy_version": _STRING,
    "success": _BOOLEAN,
    "workspace_id": _STRING,
    "commit_head": _STRING,
    "duration_ms": _INT64,
    "generate_bump_type": _BUMP,
    "generate_config_post_checksum": _STRING,
    "generate_config_post_raw": _STRING,
    "generate_config_post_version": _STRING,
    "generate_config_pre_checksum": _STRING,
    "generate_config_pre_raw": _STRING,
    "generate_config_pre_version": _STRING,
    "generate_gen_lock_id": _STRING,
    "generate_gen_lock_post_features": _STRING,
    "generate_gen_lock_pre_doc_checksum": _STRING,
    "generate_gen_lock_pre_doc_version": _STRING,
    "generate_gen_lock_pre_features": _STRING,
    "generate_gen_lock_pre_version": _STRING,
    "generate_output_tests": _BOOLEAN,
    "generate_published": _BOOLEAN,
    "generate_repo_url": _STRING,
    "generate_target": _STRING,
    "generate_target_version": _STRING,
    "generate_version": _STRING,
    "gh_action_organization": _STRING,
    "gh_action_repository": _STRING,
    "gh_action_run_link": _STRING,
    "gh_action_version": _STRING,
    "git_relative_cwd": _STRING,
    "git_remote_default_owner": _STRING,
    "git_remote_default_repo": _STRING,
    "git_user_email": _STRING,
    "git_user_name": _STRING,
    "hostname": _STRING,
    "local_completed_at": _DATETIME,
    "management_doc_checksum": _STRING,
    "management_doc_version": _STRING,
    "raw_command": _STRING,
    "repo_label": _STRING,
}
_BUMP_TYPES = ("major", "minor", "patch", "custom", "none")


# --------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------


@dataclass
class Reply:
    """A scripted answer, consumed by one request (see :attr:`EventsServer.replies`).

    ``body``: ``bytes`` and ``str`` are sent as they are (``application/octet-stream`` and
    ``text/plain; charset=utf-8`` unless ``headers`` set a Content-Type); a ``dict`` or
    ``list`` is sent as JSON (``application/json``); ``None`` sends no body, except for
    ``status >= 400`` where it sends the default ``{"message": ..., "status_code": status}``
    JSON error. ``body_size`` > 0 instead sends a body of that many ``b"x"`` bytes
    (``text/plain`` unless overridden), streamed.

    ``headers`` are added to the response and override the defaults (case-insensitively),
    e.g. ``Retry-After``, ``Location`` or ``Content-Type``.

    ``action``:

    * ``"respond"``: answer normally with ``status``, ``headers`` and the body.
    * ``"drop"``: close the connection without sending a single byte.
    * ``"reset"``: abort the connection with a TCP RST, without sending a byte.
    * ``"reset_mid_body"``: send the status line and headers with a Content-Length larger
      than the body bytes that follow, some body bytes, then a TCP RST.
    * ``"endless"``: send the status with ``Transfer-Encoding: chunked`` and an endless body
      of ``b"x"`` chunks until the client goes away (bounded to 1 GiB or 60 s).

    ``delay`` is waited (in seconds) before the answer, after the server-wide delay.
    """

    status: int = 200
    body: Union[bytes, str, Dict[str, Any], List[Any], None] = None
    headers: Dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    action: str = "respond"
    body_size: int = 0

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}; expected one of {sorted(ACTIONS)}")
        if not 100 <= self.status <= 999:
            raise ValueError(f"status must be a 3-digit HTTP status code, got {self.status!r}")
        if self.body_size < 0:
            raise ValueError("body_size must be >= 0")
        if self.body_size and self.body is not None:
            raise ValueError("give either body or body_size, not both")
        if self.delay < 0:
            raise ValueError("delay must be >= 0")


class _MaskedHeaders(Dict[str, str]):
    """A plain ``dict`` of headers whose repr never shows secret values."""

    def __repr__(self) -> str:
        items = ", ".join(
            f"{key!r}: {repr('***') if key.lower() in _MASKED_HEADERS else repr(value)}"
            for key, value in self.items()
        )
        return "{" + items + "}"

    __str__ = __repr__


@dataclass(frozen=True, repr=False)
class ReceivedRequest:
    """One request the server received (valid or not).

    ``path`` is the raw (still percent-encoded) path without the query; ``query`` the raw
    query string ("" when none); ``headers`` has lower-case names (repeated headers joined
    with ", "); ``workspace_id`` is the decoded ``{workspaceID}`` path segment, or None when
    the path is not the events path; ``events`` is the parsed body when it is a JSON array
    (whether or not its items are valid events), else None.

    ``status`` is the status answered (0 while the request is still being answered, and when
    a scripted ``drop``/``reset`` answered no status); ``error`` says why the server rejected
    it (None when accepted); ``action`` is the scripted action taken ("respond" normally);
    ``received_at`` is the :func:`time.monotonic` time when the request line arrived.

    The repr masks ``x-api-key`` (and other credentials) as ``'***'``; use :attr:`api_key`
    to check the key that was sent.
    """

    method: str
    path: str
    query: str
    headers: Dict[str, str]
    body: bytes
    workspace_id: Optional[str] = None
    events: Optional[List[Any]] = None
    status: int = 0
    error: Optional[str] = None
    action: str = "respond"
    received_at: float = 0.0

    @property
    def api_key(self) -> Optional[str]:
        """The ``x-api-key`` header as received (None when absent)."""
        return self.headers.get("x-api-key")

    def json(self) -> Any:
        """The body parsed as JSON (raises ``ValueError`` when it is not JSON)."""
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self) -> str:
        headers = _MaskedHeaders(self.headers)
        events = "None" if self.events is None else f"<{len(self.events)} events>"
        return (
            f"ReceivedRequest(method={self.method!r}, path={self.path!r}, query={self.query!r}, "
            f"headers={headers!r}, body=<{len(self.body)} bytes>, "
            f"workspace_id={self.workspace_id!r}, events={events}, status={self.status!r}, "
            f"error={self.error!r}, action={self.action!r})"
        )

    __str__ = __repr__


Handler = Callable[[ReceivedRequest], Optional[Reply]]
EventPredicate = Callable[[Dict[str, Any]], bool]


# --------------------------------------------------------------------------------------
# Contract validation (independent of the SDK's models)
# --------------------------------------------------------------------------------------


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__  # pragma: no cover - json.loads yields nothing else


@lru_cache(maxsize=4096)
def _is_rfc3339(value: str) -> bool:
    """True for an RFC 3339 date-time with an explicit offset (``Z`` or ``+hh:mm``)."""
    match = _DATETIME_RE.match(value)
    if match is None or not value.isascii():
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.group(1, 2, 3, 4, 5, 6))
    if second == 60:  # a leap second is valid RFC 3339
        second = 59
    try:
        offset = timezone.utc
        if match.group(8) != "Z":
            off_h, off_m = int(match.group(10)), int(match.group(11))
            if off_h > 23 or off_m > 59:
                return False
            delta = timedelta(hours=off_h, minutes=off_m)
            offset = timezone(-delta if match.group(9) == "-" else delta)
        datetime(year, month, day, hour, minute, second, tzinfo=offset)
    except ValueError:
        return False
    return True


def _check_event(index: int, event: Any) -> Optional[str]:
    """The first contract violation of one event, or None when it conforms."""
    where = f"request_body[{index}]"
    if not isinstance(event, dict):
        return f"{where}: expected object, got {_json_type(event)}"
    for key, value in event.items():
        kind = _FIELD_KINDS.get(key)
        if kind is None:
            return f"{where}.{key}: unknown field"
        if kind == _STRING:
            if type(value) is not str:
                return f"{where}.{key}: expected string, got {_json_type(value)}"
        elif kind == _DATETIME:
            if type(value) is not str:
                return f"{where}.{key}: expected string (date-time), got {_json_type(value)}"
            if not _is_rfc3339(value):
                return f"{where}.{key}: expected an RFC 3339 date-time with offset, got {value!r}"
        elif kind == _BOOLEAN:
            if type(value) is not bool:
                return f"{where}.{key}: expected boolean, got {_json_type(value)}"
        elif kind == _INT64:
            if type(value) is not int:
                return f"{where}.{key}: expected integer (int64), got {_json_type(value)}"
            if not _INT64_MIN <= value <= _INT64_MAX:
                return f"{where}.{key}: integer out of int64 range"
        elif kind == _BUMP:
            if type(value) is not str:
                return f"{where}.{key}: expected string (GenerateBumpType), got {_json_type(value)}"
            if value not in _BUMP_TYPES:
                return f"{where}.{key}: expected one of {', '.join(_BUMP_TYPES)}, got {value!r}"
        elif kind == _INTERACTION:
            if type(value) is not str:
                return f"{where}.{key}: expected string (InteractionType), got {_json_type(value)}"
            if not value:
                return f"{where}.{key}: expected a non-empty string"
    for key in _REQUIRED_FIELDS:
        if key not in event:
            return f"{where}.{key}: required field missing"
    return None


# --------------------------------------------------------------------------------------
# HTTP machinery
# --------------------------------------------------------------------------------------


class _BodyError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, owner: EventsServer, address: Tuple[str, int], family: int) -> None:
        self.address_family = family
        self.owner = owner
        self.stopping = threading.Event()
        self.connections: set[socket.socket] = set()
        self.connections_changed = threading.Condition()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_changed:
            self.connections.add(request)
        if self.stopping.is_set():
            _shutdown_socket(request)
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


def _shutdown_socket(sock: socket.socket) -> None:
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
    def _srv(self) -> _HTTPServer:
        return cast(_HTTPServer, self.server)

    def log_message(self, format: str, *args: Any) -> None:
        # Replaces BaseHTTPRequestHandler's stderr output (e.g. malformed request lines).
        if self._srv.owner.verbose:
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
        headers: Dict[str, str] = _MaskedHeaders()
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
                raise _BodyError(400, f"unsupported transfer-encoding {transfer_encoding!r}")
            if "content-length" in headers:
                self.close_connection = True  # RFC 9112: a request with both is suspect
            return self._read_chunked()
        length_header = headers.get("content-length")
        if length_header is None:
            return b""
        if not length_header.strip().isdigit():
            self.close_connection = True
            raise _BodyError(400, f"invalid content-length {length_header!r}")
        length = int(length_header)
        if length > _HARD_BODY_LIMIT:
            self.close_connection = True
            raise _BodyError(413, f"request body larger than {_HARD_BODY_LIMIT} bytes")
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
                raise _BodyError(400, "malformed chunked request body")
            size = int(size_text, 16)
            if size == 0:
                break
            total += size
            if total > _HARD_BODY_LIMIT:
                self.close_connection = True
                raise _BodyError(413, f"request body larger than {_HARD_BODY_LIMIT} bytes")
            data = self.rfile.read(size)
            if len(data) < size:
                raise ConnectionError("client closed the connection inside a chunked body")
            parts.append(data)
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                self.close_connection = True
                raise _BodyError(400, "malformed chunked request body")
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

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: Optional[str],
        extra: Optional[Dict[str, str]] = None,
    ) -> None:
        defaults = self._base_headers()
        if content_type is not None:
            defaults.append(("Content-Type", content_type))
        defaults.append(("Content-Length", str(len(body))))
        head = self._head(status, self._merge(defaults, extra or {}))
        self.wfile.write(head if self.command == "HEAD" else head + body)

    def _send_error_json(
        self, status: int, message: str, extra: Optional[Dict[str, str]] = None
    ) -> None:
        self._send(status, _error_body(status, message), "application/json", extra)

    # -- handling ---------------------------------------------------------------------

    def _handle(self, started: float) -> None:
        owner = self._srv.owner
        raw_path, _, query = self.path.partition("?")
        headers = self._header_dict()
        match = _PATH_RE.match(raw_path)
        workspace_id = unquote(match.group(1)) if match else None
        rec = ReceivedRequest(
            method=self.command,
            path=raw_path,
            query=query,
            headers=headers,
            body=b"",
            workspace_id=workspace_id,
            received_at=started,
        )
        try:
            body = self._read_body(headers)
        except _BodyError as exc:
            rec = replace(rec, status=exc.status, error=exc.message)
            owner._finish(owner._record(rec), rec, None)
            self._log(rec)
            self._send_error_json(exc.status, exc.message)
            return
        except ConnectionError as exc:
            rec = replace(rec, error=f"incomplete request: {exc}")
            owner._finish(owner._record(rec), rec, None)
            self._log(rec)
            raise

        parsed, parse_error = _parse_json(body)
        events = parsed if isinstance(parsed, list) else None
        rec = replace(rec, body=body, events=events)
        slot = owner._record(rec)

        reply: Optional[Reply] = None
        try:
            reply = owner.replies.popleft()
        except IndexError:
            handler = owner.handler
            if handler is not None:
                try:
                    reply = handler(rec)
                except Exception as exc:
                    logger.warning("EventsServer.handler raised", exc_info=True)
                    reply = Reply(500, {"message": f"handler raised {exc!r}", "status_code": 500})

        self._wait(owner.delay)
        if reply is not None:
            self._wait(reply.delay)
            self._reply(reply, rec, slot)
            return

        status, error = self._judge(rec, match is not None, parsed, parse_error)
        rec = replace(rec, status=status, error=error)
        owner._finish(slot, rec, events if status == 200 else None)
        self._log(rec)
        if status == 200:
            self._send(200, b"", None)
        elif status == 405:
            self._send_error_json(405, error or "method not allowed", {"Allow": "POST"})
        else:
            self._send_error_json(status, error or "error")

    def _judge(
        self, rec: ReceivedRequest, path_ok: bool, parsed: Any, parse_error: Optional[str]
    ) -> Tuple[int, Optional[str]]:
        """The status and error message the real API would answer."""
        owner = self._srv.owner
        if not path_ok:
            return 404, f"no route for {rec.path}"
        if rec.method != "POST":
            return 405, f"method {rec.method} not allowed on {rec.path}"
        key = rec.headers.get("x-api-key", "")
        if not key.strip():
            return 401, "missing API key (x-api-key header)"
        if owner.api_key is not None and not hmac.compare_digest(
            key.encode("utf-8", "surrogateescape"), owner.api_key.encode("utf-8")
        ):
            return 401, "invalid API key"
        limit = owner.max_body_bytes
        if limit is not None and len(rec.body) > limit:
            return 413, f"request body of {len(rec.body)} bytes exceeds {limit} bytes"
        content_type = rec.headers.get("content-type", "")
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type != "application/json":
            return 415, f"unsupported content-type {content_type!r}, expected application/json"
        if parse_error is not None:
            return 400, parse_error
        if not isinstance(parsed, list):
            return 400, f"request body must be a JSON array, got {_json_type(parsed)}"
        for index, event in enumerate(parsed):
            violation = _check_event(index, event)
            if violation is not None:
                return 422, violation
        reject = owner.reject_event
        if reject is not None:
            for index, event in enumerate(parsed):
                try:
                    rejected = reject(event)
                except Exception as exc:
                    logger.warning("EventsServer.reject_event raised", exc_info=True)
                    return 500, f"reject_event raised {exc!r}"
                if rejected:
                    return 422, f"request_body[{index}]: event rejected by the server"
        return 200, None

    def _reply(self, reply: Reply, rec: ReceivedRequest, slot: Tuple[int, int]) -> None:
        owner = self._srv.owner
        action = reply.action
        if action in ("drop", "reset"):
            rec = replace(rec, status=0, error=f"scripted {action}", action=action)
            owner._finish(slot, rec, None)
            self._log(rec)
            self.close_connection = True
            if action == "reset":
                self._abort()
            return

        error = f"scripted {reply.status} reply" if reply.status >= 400 else None
        if action != "respond":
            error = f"scripted {action} ({reply.status})"
        rec = replace(rec, status=reply.status, error=error, action=action)
        owner._finish(slot, rec, None)
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
            if not body:
                body = b"x" * 64
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
            return

        # "endless"
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
        if self._srv.owner.verbose:
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


def _parse_json(body: bytes) -> Tuple[Any, Optional[str]]:
    """The parsed body (or None) and, when it is not valid JSON, why."""

    def reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        return json.loads(body.decode("utf-8"), parse_constant=reject_constant), None
    except UnicodeDecodeError:
        return None, "request body is not valid UTF-8"
    except ValueError as exc:
        return None, f"request body is not valid JSON: {exc}"
    except RecursionError:
        return None, "request body is nested too deeply"


def _error_body(status: int, message: str) -> bytes:
    return json.dumps({"message": message, "status_code": status}).encode("utf-8")


def _encode_reply_body(reply: Reply) -> Tuple[bytes, Optional[str]]:
    body = reply.body
    if body is None:
        if reply.status >= 400 and not reply.body_size:
            default = _error_body(reply.status, f"scripted {reply.status} reply")
            return default, "application/json"
        return b"", None
    if isinstance(body, bytes):
        return body, "application/octet-stream"
    if isinstance(body, str):
        return body.encode("utf-8"), "text/plain; charset=utf-8"
    return json.dumps(body).encode("utf-8"), "application/json"


# --------------------------------------------------------------------------------------
# The public server
# --------------------------------------------------------------------------------------


class EventsServer:
    """A local Events API server for tests, on real loopback sockets.

    ``api_key``: the accepted ``x-api-key``; None accepts any non-empty key. ``port=0``
    picks a free port. ``verbose=True`` logs one line per request to the
    ``speakeasy.testing`` logger (method, path, event count, byte count, status; never
    bodies or keys).

    Use as a context manager, or call :meth:`start` and :meth:`stop`.

    Options (plain attributes, restored by :meth:`reset`): ``replies`` (a deque of scripted
    :class:`Reply`, consumed one per request), ``max_body_bytes`` (larger bodies get 413),
    ``reject_event`` (a predicate; a batch with a matching event gets 422), ``delay`` (seconds
    before every answer), ``handler`` (``ReceivedRequest -> Optional[Reply]``, asked when no
    scripted reply is queued; a Reply overrides normal handling) and ``record`` (False keeps
    no requests nor events in memory, only :attr:`request_count` and :attr:`event_count`).
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        verbose: bool = False,
    ) -> None:
        self.api_key = api_key
        self.verbose = verbose
        self._host = host
        self._port = port
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._received: List[ReceivedRequest] = []
        self._events: List[Dict[str, Any]] = []
        self._generation = 0
        self._request_count = 0
        self._event_count = 0
        self._httpd: Optional[_HTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        #: Scripted replies, consumed one per request, first in first out.
        self.replies: deque[Reply] = deque()
        self.max_body_bytes: Optional[int] = None
        self.reject_event: Optional[EventPredicate] = None
        self.delay: float = 0.0
        self.handler: Optional[Handler] = None
        #: False: keep no requests nor events (only the counts), for long benchmarks.
        self.record: bool = True

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> EventsServer:
        """Bind and serve in a background thread; returns self."""
        if self._httpd is not None:
            raise RuntimeError("EventsServer is already running")
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        httpd = _HTTPServer(self, (self._host, self._port), family)
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"EventsServer:{self.port}",
            daemon=True,
        )
        self._thread.start()
        if self.verbose:
            logger.info("listening on %s", self.url)
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop serving and close every connection (also keep-alive ones). Idempotent."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        httpd.shutdown()  # no new connections after this
        if thread is not None:
            thread.join(timeout)
        with httpd.connections_changed:
            # Shut the open connections first, so that requests in flight get no answer, then
            # wake the handlers that wait (delays) so that their threads end.
            for sock in list(httpd.connections):
                _shutdown_socket(sock)
            httpd.stopping.set()
            deadline = time.monotonic() + timeout
            while httpd.connections:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                httpd.connections_changed.wait(remaining)
        httpd.server_close()
        self._httpd = None
        self._thread = None

    def __enter__(self) -> EventsServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- addresses --------------------------------------------------------------------

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The bound port (the one picked when constructed with ``port=0``)."""
        if self._httpd is None:
            if self._port == 0:
                raise RuntimeError("EventsServer is not running; its port is not known yet")
            return self._port
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """``http://HOST:PORT``, without a trailing slash."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def active_connections(self) -> int:
        """How many client connections are open right now."""
        httpd = self._httpd
        if httpd is None:
            return 0
        with httpd.connections_changed:
            return len(httpd.connections)

    # -- recordings -------------------------------------------------------------------

    @property
    def received(self) -> List[ReceivedRequest]:
        """A snapshot of every request received, in arrival order."""
        with self._lock:
            return list(self._received)

    @property
    def events(self) -> List[Dict[str, Any]]:
        """A snapshot of every event of every request answered 200 by normal handling."""
        with self._lock:
            return list(self._events)

    @property
    def request_count(self) -> int:
        """How many requests arrived since the last reset (counted even when not recording)."""
        with self._lock:
            return self._request_count

    @property
    def event_count(self) -> int:
        """How many events were accepted (answered 200) since the last reset."""
        with self._lock:
            return self._event_count

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> List[ReceivedRequest]:
        """Wait until ``count`` requests were answered; returns :attr:`received`.

        Raises ``TimeoutError`` when fewer arrived within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        with self._arrived:
            while sum(1 for r in self._received if r.status or r.action != "respond") < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"{len(self._received)} request(s) received, expected {count}"
                    )
                self._arrived.wait(remaining)
            return list(self._received)

    def fail_next(
        self,
        count: int = 1,
        status: int = 503,
        headers: Optional[Dict[str, str]] = None,
        *,
        body: Union[bytes, str, Dict[str, Any], List[Any], None] = None,
        action: str = "respond",
        delay: float = 0.0,
    ) -> None:
        """Script the next ``count`` requests to get the same failing reply."""
        for _ in range(count):
            self.replies.append(
                Reply(
                    status=status,
                    body=body,
                    headers=dict(headers or {}),
                    delay=delay,
                    action=action,
                )
            )

    def reset(self) -> None:
        """Forget what was received and scripted; restore the default options."""
        with self._lock:
            self._received.clear()
            self._events.clear()
            self._generation += 1
            self._request_count = 0
            self._event_count = 0
        self.replies.clear()
        self.max_body_bytes = None
        self.reject_event = None
        self.delay = 0.0
        self.handler = None
        self.record = True

    def _record(self, rec: ReceivedRequest) -> Tuple[int, int]:
        with self._lock:
            self._request_count += 1
            if not self.record:
                return self._generation, -1
            self._received.append(rec)
            return self._generation, len(self._received) - 1

    def _finish(
        self,
        slot: Tuple[int, int],
        rec: ReceivedRequest,
        accepted: Optional[List[Any]],
    ) -> None:
        with self._arrived:
            generation, index = slot
            if generation != self._generation:
                return  # reset() ran while this request was in flight
            if accepted:
                self._event_count += len(accepted)
            if index < 0:
                return  # not recording
            self._received[index] = rec
            if accepted:
                self._events.extend(accepted)
            self._arrived.notify_all()

    def __repr__(self) -> str:
        state = f"url={self.url!r}" if self.running else "stopped"
        key = "any" if self.api_key is None else "configured"
        return f"EventsServer({state}, api_key={key}, received={len(self._received)})"
