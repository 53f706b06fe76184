"""The live page of the local server: ``GET /`` in a browser shows what arrived.

Routes (GET and HEAD only; they are never recorded, never scripted, never delayed):

* ``/``: the page (static HTML; the filters in its query string are read by its script);
* ``/_page/app.js``, ``/_page/app.css``, ``/_page/icon.svg``: its script, style and icon,
  served from this package (nothing is loaded from anywhere else);
* ``/_page/events``: the rows as JSON, newest first, filtered and paged on the server;
* ``/favicon.ico``: 204, so that a browser's guess is not recorded as a request.

Every answer carries a strict Content-Security-Policy (scripts, styles, images and fetches
from this origin only, no inline script or style). The page shows event fields and why a
request was refused, never a header: no credential ever reaches it. With
``ui_requires_key`` and an ``api_key`` set, it asks for the key (HTTP Basic, any user name;
or ``x-api-key`` / ``Authorization: Bearer`` from scripts).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from functools import cache
from importlib import resources
from typing import Any, Dict, Iterator, List, Optional, Protocol, Tuple

from . import _reads
from ._api import Answer
from ._records import ReceivedRequest
from ._schema import INTERACTION_TYPES, STRING


class EventsServer(Protocol):
    """What the page reads of :class:`~speakeasy.testing.EventsServer`."""

    @property
    def api_key(self) -> Optional[str]: ...

    @property
    def ui_requires_key(self) -> bool: ...

    @property
    def received(self) -> List[ReceivedRequest]: ...

    @property
    def request_count(self) -> int: ...

    @property
    def event_count(self) -> int: ...


#: The JSON endpoint's page size: default and most (the page holds at most this many rows).
PAGE_SIZE = 200
MAX_PAGE_SIZE = 500
#: How much of a refused request's body its row shows.
BODY_PREVIEW = 4096

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: Dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}

_ASSETS: Dict[str, Tuple[str, str]] = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/_page/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/_page/app.css": ("app.css", "text/css; charset=utf-8"),
    "/_page/icon.svg": ("icon.svg", "image/svg+xml"),
}
EVENTS_PATH = "/_page/events"
PAGE_PATHS = frozenset({*_ASSETS, EVENTS_PATH, "/favicon.ico"})

#: The page's routes, for people (``--help``): (method, path, what it serves).
PAGE_ROUTE_LIST: Tuple[Tuple[str, str, str], ...] = (
    ("GET", "/", "the live page: what arrives, newest first; filters in the query string"),
    (
        "GET",
        EVENTS_PATH,
        "its rows as JSON: the search filters, workspace, offset, limit; 500 rows at most",
    ),
    ("GET", "/_page/app.js", "its script; also /_page/app.css, /_page/icon.svg"),
    ("GET", "/favicon.ico", "204, so that a browser's guess is not recorded"),
)

#: The filters of the JSON endpoint: the search endpoint's, plus the workspace.
FILTERS: Dict[str, str] = {
    **{k: v for k, v in _reads.SEARCH_PARAMETERS.items() if k != _reads.LIMIT},
    "workspace": STRING,
}
_PARAMETERS: Dict[str, str] = {
    **FILTERS,
    _reads.LIMIT: _reads.LIMIT,
    "offset": STRING,
    "since": STRING,
}


def is_page_request(method: str, path: str) -> bool:
    """Whether the request is for the page (never recorded) rather than for the API."""
    return method in ("GET", "HEAD") and path in PAGE_PATHS


@cache
def _asset(name: str) -> bytes:
    return resources.files("speakeasy.testing").joinpath("page", name).read_bytes()


def serve(server: EventsServer, path: str, query: str, headers: Dict[str, str]) -> Answer:
    """The answer to a page request (see :func:`is_page_request`)."""
    refused = _refusal(server, headers)
    if refused is not None:
        return refused
    if path == "/favicon.ico":
        return Answer(204, headers=dict(SECURITY_HEADERS))
    if path == EVENTS_PATH:
        return _events(server, query)
    name, content_type = _ASSETS[path]
    return Answer(200, body=_asset(name), content_type=content_type, headers=dict(SECURITY_HEADERS))


def _json(status: int, payload: Any) -> Answer:
    body = json.dumps(payload, separators=(",", ":"), default=str).encode("utf-8")
    return Answer(
        status, body=body, content_type="application/json", headers=dict(SECURITY_HEADERS)
    )


def _refusal(server: EventsServer, headers: Dict[str, str]) -> Optional[Answer]:
    """401 when the key is required and absent. (A foreign Host on a loopback server was
    refused before: ``_hosts``.)"""
    key = server.api_key
    if not (server.ui_requires_key and key):
        return None
    if _sent_key(headers, key):
        return None
    answer = _json(401, {"message": "the page needs the server's API key (user name: any)"})
    answer.headers["WWW-Authenticate"] = 'Basic realm="Speakeasy local events", charset="UTF-8"'
    return answer


def _sent_key(headers: Dict[str, str], key: str) -> bool:
    expected = key.encode("utf-8")
    sent: List[bytes] = []
    if "x-api-key" in headers:
        sent.append(headers["x-api-key"].strip().encode("utf-8", "surrogateescape"))
    scheme, _, rest = headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer":
        sent.append(rest.strip().encode("utf-8", "surrogateescape"))
    elif scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(rest.strip(), validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
        sent.append(decoded.partition(b":")[2])
    return any(hmac.compare_digest(value, expected) for value in sent)


# -- the rows --------------------------------------------------------------------------------


def _events(server: EventsServer, query: str) -> Answer:
    try:
        values = _reads.parse_query(query, _PARAMETERS)
        offset = _offset(values.pop("offset", "0"))
    except _reads.QueryError as exc:
        return _json(400, {"message": str(exc), "status_code": 400})
    size = min(values.pop(_reads.LIMIT, PAGE_SIZE), MAX_PAGE_SIZE)
    since = values.pop("since", None)
    received = server.received
    total = 0
    rows: List[Dict[str, Any]] = []
    for row in _rows(received, values):
        if offset <= total < offset + size:
            rows.append(row)
        total += 1
    payload: Dict[str, Any] = {
        "total": total,
        "offset": offset,
        "limit": size,
        "rows": rows,
        "requests": server.request_count,
        "events": server.event_count,
    }
    version = hashlib.sha1(
        json.dumps(payload, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()
    if since == version:
        return _json(200, {"version": version, "unchanged": True})
    payload["version"] = version
    payload["interaction_types"] = list(INTERACTION_TYPES)
    return _json(200, payload)


def _offset(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise _reads.QueryError(f"offset: expected a whole number >= 0, got {text!r}")
    return int(text)


def _rows(received: List[ReceivedRequest], filters: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    """The rows of ``received`` that match ``filters``, newest first: one per event posted
    (accepted or not), one per other request that was refused or faulted."""
    workspace = filters.pop("workspace", None)
    for rec in reversed(received):
        if rec.status == 0 and rec.action == "respond" and rec.error is None:
            continue  # still being answered: shown on the next poll
        if workspace is not None and rec.workspace_id != workspace:
            continue
        items = rec.events if rec.method == "POST" else None
        if items:
            for place in range(len(items) - 1, -1, -1):
                item = items[place]
                event = item if isinstance(item, dict) else {}
                if all(name in event and event[name] == value for name, value in filters.items()):
                    yield _row(rec, place, item)
        elif not filters and (rec.status >= 300 or rec.status == 0 or rec.method == "POST"):
            yield _row(rec, -1, None)


def _row(rec: ReceivedRequest, place: int, item: Any) -> Dict[str, Any]:
    event: Dict[str, Any] = item if isinstance(item, dict) else {}
    row: Dict[str, Any] = {
        "key": f"{rec.received_at!r}/{place}",
        "created_at": event.get("created_at"),
        "interaction_type": event.get("interaction_type"),
        "execution_id": event.get("execution_id"),
        "success": event.get("success"),
        "workspace": rec.workspace_id,
        "event_workspace": event.get("workspace_id"),
        "target": event.get("generate_gen_lock_id"),
        "generate_target": event.get("generate_target"),
        "status": rec.status,
        "reason": rec.error,
        "method": rec.method,
        "path": rec.path,
    }
    if place >= 0:
        row["event"] = item
    else:
        body = rec.body[:BODY_PREVIEW].decode("utf-8", "replace")
        row["request"] = {
            "method": rec.method,
            "path": rec.path,
            "status": rec.status,
            "reason": rec.error,
            "action": rec.action,
            "body_bytes": len(rec.body),
            "body": body + ("…" if len(rec.body) > BODY_PREVIEW else ""),
        }
    return row
