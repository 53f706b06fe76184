"""What the real Events API would answer to a request: routes, credentials, body and query
checks, and the reads.

Pure functions of the recorded request, the server's settings and its stored events; the
HTTP handler puts the :class:`Answer` on the wire.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple
from urllib.parse import unquote

from . import _reads
from ._records import ReceivedRequest
from ._schema import check_event, json_type
from ._store import StoredEvent

logger = logging.getLogger("speakeasy.testing")

EventPredicate = Callable[[Dict[str, Any]], bool]

#: (pattern, operation per method); group 1 is the workspace, group 2 the target.
_ROUTES: Tuple[Tuple[re.Pattern[str], Dict[str, str]], ...] = (
    # The targets the caller may see, in every workspace (no workspace segment).
    (re.compile(r"^/v1/workspace/events/targets$"), {"GET": "targets"}),
    (re.compile(r"^/v1/workspace/([^/]+)/events$"), {"GET": "search", "POST": "post"}),
    (re.compile(r"^/v1/workspace/([^/]+)/events/targets$"), {"GET": "targets"}),
    (
        re.compile(r"^/v1/workspace/([^/]+)/events/targets/([^/]+)/events$"),
        {"GET": "events_by_target"},
    ),
)


#: What the server serves, for people: (method, path template, what it does).
ROUTE_LIST: Tuple[Tuple[str, str, str], ...] = (
    ("POST", "/v1/workspace/{workspaceID}/events", "post events"),
    ("GET", "/v1/workspace/{workspaceID}/events", "search events"),
    ("GET", "/v1/workspace/{workspaceID}/events/targets", "targets of a workspace"),
    (
        "GET",
        "/v1/workspace/{workspaceID}/events/targets/{targetID}/events",
        "events of a target",
    ),
    ("GET", "/v1/workspace/events/targets", "targets of every workspace the caller may see"),
)


#: A path segment that is a template placeholder left unfilled, e.g. ``{workspaceID}`` (what
#: generated 5.x clients send when no workspace is set) or ``{workspace_id}``.
_WORKSPACE_PLACEHOLDER = re.compile(r"^\{\s*workspace_?id\s*\}$", re.IGNORECASE)
_TARGET_PLACEHOLDER = re.compile(r"^\{\s*target_?id\s*\}$", re.IGNORECASE)


@dataclass(frozen=True)
class Answer:
    """A status, its body and headers, and the events the request delivered (if any)."""

    status: int
    error: Optional[str] = None
    body: bytes = b""
    content_type: Optional[str] = None
    headers: Dict[str, str] = field(default_factory=dict)
    accepted: Optional[List[Any]] = None


@dataclass(frozen=True)
class Settings:
    """The server options that decide an answer."""

    api_key: Optional[str] = None
    max_body_bytes: Optional[int] = None
    reject_event: Optional[EventPredicate] = None


@dataclass(frozen=True)
class Route:
    """A path of the API: its operations by method, its workspace and target."""

    operations: Dict[str, str]
    workspace_id: Optional[str]  # None: the workspace-less targets path
    target_id: Optional[str] = None


def error_body(status: int, message: str) -> bytes:
    """The API's JSON error body."""
    return json.dumps({"message": message, "status_code": status}).encode("utf-8")


def error_answer(status: int, message: str, headers: Optional[Dict[str, str]] = None) -> Answer:
    return Answer(status, message, error_body(status, message), "application/json", headers or {})


def json_answer(payload: Any) -> Answer:
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return Answer(200, body=body, content_type="application/json")


def route(path: str) -> Optional[Route]:
    """The API path ``path`` (raw, percent-encoded) names, or None."""
    for pattern, operations in _ROUTES:
        match = pattern.match(path)
        if match is not None:
            workspace = unquote(match.group(1)) if pattern.groups > 0 else None
            target = unquote(match.group(2)) if pattern.groups > 1 else None
            return Route(operations, workspace, target)
    return None


def workspace_of(path: str) -> Optional[str]:
    """The decoded ``{workspaceID}`` of an API path, or None for any other path."""
    found = route(path)
    return None if found is None else found.workspace_id


def _unfilled(found: Route) -> Optional[str]:
    """Why a path with an unfilled placeholder is refused, or None."""
    if found.workspace_id is not None and _WORKSPACE_PLACEHOLDER.match(found.workspace_id):
        return (
            f"workspaceID: the path holds the unfilled placeholder {found.workspace_id!r}, "
            "not a workspace: set workspace_id on the request or on the client"
        )
    if found.target_id is not None and _TARGET_PLACEHOLDER.match(found.target_id):
        return (
            f"targetID: the path holds the unfilled placeholder {found.target_id!r}, "
            "not a target: set target_id on the request"
        )
    return None


def check_credentials(headers: Dict[str, str], api_key: Optional[str]) -> Optional[str]:
    """Why the request's credentials are refused (401), or None when they are accepted.

    Any one of ``x-api-key``, ``Authorization: Bearer <token>`` or
    ``x-workspace-identifier`` suffices; each one sent must be non-empty. With ``api_key``
    set, a key or bearer token must be sent and every one sent must equal it.
    """
    key = headers.get("x-api-key")
    authorization = headers.get("authorization")
    workspace_identifier = headers.get("x-workspace-identifier")
    token: Optional[str] = None
    if authorization is not None:
        scheme, _, rest = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not rest.strip():
            return "Authorization must be 'Bearer <token>'"
        token = rest.strip()
    if key is not None and not key.strip():
        return "missing API key (the x-api-key header is empty)"
    if workspace_identifier is not None and not workspace_identifier.strip():
        return "the x-workspace-identifier header is empty"
    if key is None and token is None and workspace_identifier is None:
        return (
            "missing API key (x-api-key header; or Authorization: Bearer, "
            "or x-workspace-identifier)"
        )
    if api_key is None:
        return None
    if key is None and token is None:
        return "missing API key (x-api-key header or Authorization: Bearer)"
    expected = api_key.encode("utf-8")
    for name, value in (("API key", key), ("bearer token", token)):
        if value is not None and not hmac.compare_digest(
            value.encode("utf-8", "surrogateescape"), expected
        ):
            return f"invalid {name}"
    return None


#: The events a read answers from: those of one workspace, or of all (None).
Stored = Callable[[Optional[str]], Sequence[StoredEvent]]


def refusal(rec: ReceivedRequest, settings: Settings) -> Optional[Answer]:
    """The answer to ``rec`` when its head alone refuses it (path, placeholder, method,
    credentials), else None: what is checked before the body is read."""
    found = route(rec.path)
    if found is None:
        return error_answer(404, f"no route for {rec.path}")
    unfilled = _unfilled(found)
    if unfilled is not None:
        return error_answer(400, unfilled)
    if rec.method not in found.operations:
        message = f"method {rec.method} not allowed on {rec.path}"
        return error_answer(405, message, {"Allow": ", ".join(sorted(found.operations))})
    refused = check_credentials(rec.headers, settings.api_key)
    if refused is not None:
        return error_answer(401, refused)
    return None


def answer(
    rec: ReceivedRequest,
    parsed: Any,
    parse_error: Optional[str],
    settings: Settings,
    stored: Stored,
) -> Answer:
    """The answer to ``rec`` (whose body parsed to ``parsed``, or failed with ``parse_error``).

    ``stored(workspace_id)`` gives the events a read answers from (None: every workspace's).
    """
    refused = refusal(rec, settings)
    if refused is not None:
        return refused
    found = route(rec.path)
    assert found is not None  # refusal() answers 404 otherwise
    operation = found.operations[rec.method]
    if operation == "post":
        return _post(rec, parsed, parse_error, settings)
    workspace = found.workspace_id
    if workspace is None:
        # The workspace-less targets path: every workspace's targets, or only those of
        # the workspace the caller names with x-workspace-identifier.
        identifier = rec.headers.get("x-workspace-identifier")
        workspace = None if identifier is None else identifier.strip()
    return _read(operation, rec.query, found, stored(workspace))


def _post(
    rec: ReceivedRequest, parsed: Any, parse_error: Optional[str], settings: Settings
) -> Answer:
    limit = settings.max_body_bytes
    if limit is not None and len(rec.body) > limit:
        return error_answer(413, f"request body of {len(rec.body)} bytes exceeds {limit} bytes")
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
    reject = settings.reject_event
    if reject is not None:
        for index, event in enumerate(parsed):
            try:
                rejected = reject(event)
            except Exception as exc:
                logger.warning("EventsServer.reject_event raised", exc_info=True)
                return error_answer(500, f"reject_event raised {exc!r}")
            if rejected:
                return error_answer(422, f"request_body[{index}]: event rejected by the server")
    return Answer(200, accepted=parsed)


def _read(operation: str, query: str, found: Route, events: Sequence[StoredEvent]) -> Answer:
    parameters = {
        "search": _reads.SEARCH_PARAMETERS,
        "targets": _reads.TARGETS_PARAMETERS,
        "events_by_target": _reads.BY_TARGET_PARAMETERS,
    }[operation]
    try:
        values = _reads.parse_query(query, parameters)
    except _reads.QueryError as exc:
        return error_answer(400, str(exc))
    if operation == "search":
        return json_answer(_reads.search(events, values))
    if operation == "targets":
        return json_answer(_reads.targets(events, values))
    assert found.target_id is not None
    return json_answer(_reads.events_by_target(events, found.target_id, values))
