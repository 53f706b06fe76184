"""The ``events`` sub-SDK: each operation says *what* to send; ``_http`` does the sending."""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import os
from datetime import datetime
from enum import Enum
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Literal,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
)
from urllib.parse import quote

from speakeasy._config import USER_AGENT, check_workspace_id, timeout_seconds
from speakeasy._datetime import datetime_to_wire
from speakeasy._decoding import DecodeError, decode_list
from speakeasy._encoding import encode_list
from speakeasy._http import MAX_BODY_BYTES, ApiRequest, error_text, is_json
from speakeasy._retry import READ_RETRY_STATUSES
from speakeasy.models import operations, shared
from speakeasy.models.errors import FieldTypeError, SDKError, ValidationError
from speakeasy.models.operations._response import http_fields
from speakeasy.utils.retries import RetryConfig

if TYPE_CHECKING:
    import requests

    from speakeasy._batching.batcher import EventBatcher
    from speakeasy._batching.transport import ErrorCallback
    from speakeasy._http import HttpClient

#: The most a read may answer (10,000 full events are tens of MB); larger is an SDKError.
MAX_RESPONSE_BYTES = 256 << 20

_POST_HEADERS = {"content-type": "application/json", "Accept": "application/json"}
_GET_HEADERS = {"Accept": "application/json"}
#: The batcher runs its own retry loop: each of its sends is one attempt.
_SINGLE_ATTEMPT = RetryConfig("none")

_R = TypeVar("_R")
_M = TypeVar("_M")


class Events:
    r"""REST APIs for capturing event data."""

    def __init__(self, http: HttpClient, server_url: str, workspace_id: Optional[str]) -> None:
        self._http = http
        self._base = server_url + "/v1/workspace/"
        self._path_start = len(server_url)
        self._workspace_id = workspace_id
        self._post_headers = {**_POST_HEADERS, "user-agent": USER_AGENT}
        self._get_headers = {**_GET_HEADERS, "user-agent": USER_AGENT}
        self._workspaces: Dict[str, str] = {}

    # -- operations -----------------------------------------------------------------------

    def post_workspace_events(
        self,
        request: Union[operations.PostWorkspaceEventsRequest, Mapping[str, Any]],
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> operations.PostWorkspaceEventsResponse:
        r"""Post events for a specific workspace.

        Sends an array of events to be stored for a particular workspace.
        Every event is checked before anything is sent.
        """
        req = _coerce(request, operations.PostWorkspaceEventsRequest)
        events: object = req.request_body
        if isinstance(events, list) and any(isinstance(e, Mapping) for e in events):
            events = [_event_from(e, i) for i, e in enumerate(events)]
        body = encode_list(events, shared.CliEvent, "request_body")  # type: ignore[arg-type]
        response = self._http.send(
            self._post_request(req.workspace_id, body), _retries(retries), _timeout(timeout_ms)
        )
        return operations.PostWorkspaceEventsResponse(**http_fields(response))

    def search_workspace_events(
        self,
        request: Union[operations.SearchWorkspaceEventsRequest, Mapping[str, Any], None] = None,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> operations.SearchWorkspaceEventsResponse:
        r"""Search events for a particular workspace by any field."""
        req = _coerce(request or {}, operations.SearchWorkspaceEventsRequest)
        response = self._get(req.workspace_id, "events", _query(req), retries, timeout_ms)
        return operations.SearchWorkspaceEventsResponse(
            **http_fields(response), cli_event_batch=_decode(response, shared.CliEvent)
        )

    def get_workspace_events_by_target(
        self,
        request: Union[operations.GetWorkspaceEventsByTargetRequest, Mapping[str, Any]],
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> operations.GetWorkspaceEventsByTargetResponse:
        r"""Load recent events for a particular workspace."""
        req = _coerce(request, operations.GetWorkspaceEventsByTargetRequest)
        target = _segment(req.target_id, "request.target_id")
        path = f"events/targets/{target}/events"
        response = self._get(req.workspace_id, path, _query(req), retries, timeout_ms)
        return operations.GetWorkspaceEventsByTargetResponse(
            **http_fields(response), cli_event_batch=_decode(response, shared.CliEvent)
        )

    def get_workspace_targets(
        self,
        request: Union[operations.GetWorkspaceTargetsRequest, Mapping[str, Any], None] = None,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> operations.GetWorkspaceTargetsResponse:
        r"""Load targets for a particular workspace."""
        req = _coerce(request or {}, operations.GetWorkspaceTargetsRequest)
        response = self._get(req.workspace_id, "events/targets", _query(req), retries, timeout_ms)
        return operations.GetWorkspaceTargetsResponse(
            **http_fields(response), target_sdk_list=_decode(response, shared.TargetSDK)
        )

    # -- the batcher ----------------------------------------------------------------------

    def batcher(
        self,
        *,
        workspace_id: Optional[str] = None,
        max_batch_events: int = 1000,
        max_batch_bytes: int = 1_000_000,
        flush_interval: float = 1.0,
        max_queue_events: int = 100_000,
        max_queue_bytes: int = 64 << 20,
        on_full: Literal["block", "drop"] = "block",
        spool_dir: Optional[Union[str, os.PathLike[str]]] = None,
        retries: Optional[RetryConfig] = None,
        on_error: Optional[ErrorCallback] = None,
        exit_timeout: float = 5.0,
        timeout_ms: Optional[int] = None,
    ) -> EventBatcher:
        """A background batcher posting events through this client (see docs/batching.md).

        ``workspace_id`` (default: the client's) and ``timeout_ms`` (per
        request, default: the client's) are checked here, before any event is
        added; the other options are the batcher's own.
        """
        from speakeasy._batching.batcher import EventBatcher
        from speakeasy._batching.transport import Transport

        template = self._post_request(workspace_id, b"")
        send = functools.partial(
            self._http.send, retries=_SINGLE_ATTEMPT, timeout=_timeout(timeout_ms)
        )
        transport = Transport(
            # ``accepted`` is called once the server took the body, before any
            # after_success hook runs: a hook that raises cannot make it resent.
            send=lambda body, accepted: send(
                dataclasses.replace(template, body=body, on_accepted=lambda _: accepted())
            ),
            reset=self._http.reset_connections,
            workspace_id=self._workspace_id if workspace_id is None else workspace_id,
        )
        return EventBatcher(
            transport,
            max_batch_events=max_batch_events,
            max_batch_bytes=max_batch_bytes,
            flush_interval=flush_interval,
            max_queue_events=max_queue_events,
            max_queue_bytes=max_queue_bytes,
            on_full=on_full,
            spool_dir=spool_dir,
            retries=retries,
            on_error=on_error,
            exit_timeout=exit_timeout,
        )

    # -- building requests ----------------------------------------------------------------

    def _post_request(self, workspace_id: Optional[str], body: bytes) -> ApiRequest:
        url = self._workspace_url(workspace_id) + "/events"
        return ApiRequest("POST", url, url[self._path_start :], self._post_headers, body=body)

    def _get(
        self,
        workspace_id: Optional[str],
        path: str,
        params: List[Tuple[str, str]],
        retries: Optional[RetryConfig],
        timeout_ms: Optional[int],
    ) -> requests.Response:
        url = self._workspace_url(workspace_id) + "/" + path
        request = ApiRequest(
            "GET",
            url,
            url[self._path_start :],
            self._get_headers,
            params=params,
            retry_statuses=READ_RETRY_STATUSES,
            max_body=MAX_RESPONSE_BYTES,
        )
        return self._http.send(request, _retries(retries), _timeout(timeout_ms))

    def _workspace_url(self, workspace_id: Optional[str]) -> str:
        """The workspace URL: the request's workspace, else the client's."""
        wid = self._workspace_id if workspace_id is None else workspace_id
        try:
            return self._workspaces[wid]  # type: ignore[index]
        except (KeyError, TypeError):
            pass
        if wid is None:
            raise ValidationError(
                "workspace_id",
                "is required: set it on the request or on the client (Speakeasy(workspace_id=...))",
            )
        check_workspace_id(wid, "workspace_id")
        url = self._base + quote(wid, safe="")
        if len(self._workspaces) < 1024:
            self._workspaces[wid] = url
        return url


# -- request checks and query serialisation ------------------------------------------------


def _coerce(request: object, cls: Type[_R]) -> _R:
    """The request model itself, or one built from a dict of the same fields."""
    if isinstance(request, cls):
        return request
    if isinstance(request, Mapping):
        return _from_fields(cls, request, "request")
    raise FieldTypeError(
        "request", f"expected {cls.__name__} or a dict of its fields, got {type(request).__name__}"
    )


def _event_from(value: object, index: int) -> object:
    if isinstance(value, Mapping):
        return _from_fields(shared.CliEvent, value, f"request_body[{index}]")
    return value


def _from_fields(cls: Type[_M], data: Mapping[str, Any], where: str) -> _M:
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    for key in data:
        if key not in names:
            raise ValidationError(f"{where}.{key}", f"is not a field of {cls.__name__}")
    missing = [
        f.name
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.name not in data
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise ValidationError(f"{where}.{missing[0]}", "is required")
    return cls(**data)


def _segment(value: object, field: str) -> str:
    """A path parameter, percent-encoded as one segment (a ``/`` stays inside it)."""
    if not isinstance(value, str):
        raise FieldTypeError(field, f"expected str, got {type(value).__name__}")
    if not value:
        raise ValidationError(field, "must not be empty")
    return quote(value, safe="")


def _query(request: object) -> List[Tuple[str, str]]:
    """The query of a read: set fields in model order, ``workspace_id`` (a path value) aside."""
    params = []
    for f in dataclasses.fields(request):  # type: ignore[arg-type]
        name = f.name
        if name in ("workspace_id", "target_id"):
            continue
        value = getattr(request, name)
        if value is not None:
            params.append((name, _query_value(value, f"request.{name}", _QUERY_KINDS.get(name))))
    return params


#: Query parameters that are not plain strings, by name (the same in every operation).
_QUERY_KINDS = {
    "after_created_at": "datetime",
    "after_last_event_created_at": "datetime",
    "success": "bool",
    "limit": "int",
}


def _query_value(value: object, field: str, kind: Optional[str]) -> str:
    """``true``/``false``, RFC 3339 (UTC as ``Z``), an enum's value, or the text."""
    if kind == "bool":
        if isinstance(value, bool):
            return "true" if value else "false"
        raise FieldTypeError(field, f"expected bool, got {type(value).__name__}")
    if kind == "datetime":
        if isinstance(value, datetime):
            return datetime_to_wire(value)
        raise FieldTypeError(field, f"expected datetime, got {type(value).__name__}")
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 0:
                raise ValidationError(field, "must be >= 0")
            return str(value)
        raise FieldTypeError(field, f"expected int, got {type(value).__name__}")
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, str):
        return value
    raise FieldTypeError(field, f"expected str, got {type(value).__name__}")


def _retries(retries: object) -> Optional[RetryConfig]:
    if retries is not None and not isinstance(retries, RetryConfig):
        raise FieldTypeError("retries", f"expected RetryConfig, got {type(retries).__name__}")
    return retries


def _timeout(timeout_ms: object) -> Optional[float]:
    return timeout_seconds(timeout_ms, "timeout_ms") if timeout_ms is not None else None


def _decode(response: requests.Response, cls: Type[_M]) -> List[_M]:
    """A read's JSON array as models; anything else is an ``SDKError`` saying what and where."""
    status = response.status_code
    content_type = response.headers.get("content-type", "")
    if status != 200 or not is_json(content_type):
        raise SDKError(
            f"unexpected response (status {status}, content-type {content_type!r})",
            status,
            _excerpt(response),
            response,
        )
    try:
        data = json.loads(response.content)
    except (ValueError, RecursionError) as exc:
        raise SDKError(
            f"response is not valid JSON ({exc})", status, _excerpt(response), response
        ) from None
    try:
        return decode_list(data, cls)
    except DecodeError as exc:
        raise SDKError(
            f"response does not match a list of {cls.__name__}: {exc}",
            status,
            _excerpt(response),
            response,
        ) from None


def _excerpt(response: requests.Response) -> str:
    """At most the first MiB of a body, as text, secrets redacted, for an error."""
    keep = MAX_BODY_BYTES + MAX_BODY_BYTES // 16  # a key across the cut is still redacted
    if len(response.content) > keep:
        response = copy.copy(response)
        response._content = response.content[:keep]
    return error_text(response)
