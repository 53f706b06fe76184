"""Stdlib-only clients and events for the tests of the local events server (not the SDK)."""

from __future__ import annotations

import http.client
import json
import time
from contextlib import closing
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

from speakeasy.testing import EventsServer

KEY = "test-key"


def serving(**options: Any) -> Iterator[EventsServer]:
    """A fixture's body: ``yield from serving(api_key=...)`` runs a server for its scope."""
    with EventsServer(**options) as srv:
        yield srv


PATH = "/v1/workspace/ws-1/events"
EVENT: Dict[str, Any] = {
    "created_at": "2024-11-21T06:58:42.120Z",
    "execution_id": "string",
    "id": "evt-0",
    "interaction_type": "CLI_EXEC",
    "local_started_at": "2024-05-07T12:35:47.182Z",
    "speakeasy_api_key_name": "string",
    "speakeasy_version": "string",
    "success": False,
    "workspace_id": "string",
}
JSON_HEADERS = {"x-api-key": KEY, "content-type": "application/json"}
NO_KEY = {"content-type": "application/json"}


def event(**changes: Any) -> Dict[str, Any]:
    return {**EVENT, **changes}


Response = Tuple[int, Dict[str, str], bytes]


def connect(server: EventsServer, timeout: float = 5.0) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(server.host, server.port, timeout=timeout)


def send(
    conn: http.client.HTTPConnection,
    body: Union[bytes, str, List[Any], Dict[str, Any], None] = None,
    *,
    method: str = "POST",
    path: str = PATH,
    headers: Optional[Dict[str, str]] = None,
) -> Response:
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    conn.request(method, path, body=body, headers=JSON_HEADERS if headers is None else headers)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


def post(
    server: EventsServer,
    body: Union[bytes, str, List[Any], Dict[str, Any], None] = None,
    **kwargs: Any,
) -> Response:
    with closing(connect(server)) as conn:
        return send(conn, [EVENT] if body is None else body, **kwargs)


def error_of(response: Response) -> str:
    status, headers, data = response
    assert headers["content-type"] == "application/json"
    payload = json.loads(data)
    assert set(payload) == {"message", "status_code"}
    assert payload["status_code"] == status
    assert isinstance(payload["message"], str)
    return str(payload["message"])


def wait_until(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return bool(predicate())


def get(server: EventsServer, path: str, headers: Optional[Dict[str, str]] = None) -> Response:
    """GET ``path`` with the test key (or ``headers``)."""
    with closing(connect(server)) as conn:
        return send(
            conn,
            None,
            method="GET",
            path=path,
            headers={"x-api-key": KEY} if headers is None else headers,
        )


def read(server: EventsServer, path: str, headers: Optional[Dict[str, str]] = None) -> Any:
    """GET ``path``, check it answered 200 with JSON, and return the parsed answer."""
    status, response_headers, data = get(server, path, headers)
    assert status == 200, data
    assert response_headers["content-type"] == "application/json"
    return json.loads(data)


def ids(events: List[Dict[str, Any]]) -> List[str]:
    return [e["id"] for e in events]
