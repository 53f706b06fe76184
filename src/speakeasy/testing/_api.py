"""What the real Events API would answer to a request: routes, credentials, body checks.

Pure functions of the recorded request and the server's options; the HTTP handler puts
the :class:`Answer` on the wire.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import unquote

from ._records import ReceivedRequest
from ._schema import check_event, json_type

logger = logging.getLogger("speakeasy.testing")

EventPredicate = Callable[[Dict[str, Any]], bool]

_EVENTS_PATH_RE = re.compile(r"^/v1/workspace/([^/]+)/events$")


@dataclass(frozen=True)
class Answer:
    """A status, its body and headers, and the events the request delivered (if any)."""

    status: int
    error: Optional[str] = None
    body: bytes = b""
    content_type: Optional[str] = None
    headers: Dict[str, str] = field(default_factory=dict)
    accepted: Optional[List[Any]] = None


def error_body(status: int, message: str) -> bytes:
    """The API's JSON error body."""
    return json.dumps({"message": message, "status_code": status}).encode("utf-8")


def error_answer(status: int, message: str, headers: Optional[Dict[str, str]] = None) -> Answer:
    return Answer(status, message, error_body(status, message), "application/json", headers or {})


def workspace_of(path: str) -> Optional[str]:
    """The decoded ``{workspaceID}`` of an events path, or None for any other path."""
    match = _EVENTS_PATH_RE.match(path)
    return unquote(match.group(1)) if match else None


def answer(
    rec: ReceivedRequest,
    parsed: Any,
    parse_error: Optional[str],
    *,
    api_key: Optional[str],
    max_body_bytes: Optional[int],
    reject_event: Optional[EventPredicate],
) -> Answer:
    """The answer to ``rec`` (whose body parsed to ``parsed``, or failed with ``parse_error``)."""
    if rec.workspace_id is None:
        return error_answer(404, f"no route for {rec.path}")
    if rec.method != "POST":
        message = f"method {rec.method} not allowed on {rec.path}"
        return error_answer(405, message, {"Allow": "POST"})
    key = rec.headers.get("x-api-key", "")
    if not key.strip():
        return error_answer(401, "missing API key (x-api-key header)")
    if api_key is not None and not hmac.compare_digest(
        key.encode("utf-8", "surrogateescape"), api_key.encode("utf-8")
    ):
        return error_answer(401, "invalid API key")
    if max_body_bytes is not None and len(rec.body) > max_body_bytes:
        return error_answer(
            413, f"request body of {len(rec.body)} bytes exceeds {max_body_bytes} bytes"
        )
    content_type = rec.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        return error_answer(
            415, f"unsupported content-type {content_type!r}, expected application/json"
        )
    if parse_error is not None:
        return error_answer(400, parse_error)
    if not isinstance(parsed, list):
        return error_answer(400, f"request body must be a JSON array, got {json_type(parsed)}")
    for index, event in enumerate(parsed):
        violation = check_event(index, event)
        if violation is not None:
            return error_answer(422, violation)
    if reject_event is not None:
        for index, event in enumerate(parsed):
            try:
                rejected = reject_event(event)
            except Exception as exc:
                logger.warning("EventsServer.reject_event raised", exc_info=True)
                return error_answer(500, f"reject_event raised {exc!r}")
            if rejected:
                return error_answer(422, f"request_body[{index}]: event rejected by the server")
    return Answer(200, accepted=parsed)
