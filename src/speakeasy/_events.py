"""The ``events`` sub-SDK: REST APIs for capturing event data."""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any, Dict, Literal, Optional, Tuple, Union
from urllib.parse import quote

from speakeasy._config import USER_AGENT, check_workspace_id, timeout_seconds
from speakeasy._encoding import encode_list
from speakeasy.models import operations, shared
from speakeasy.models.errors import FieldTypeError, ValidationError
from speakeasy.utils.retries import RetryConfig

if TYPE_CHECKING:
    from speakeasy._batching.batcher import EventBatcher
    from speakeasy._batching.transport import ErrorCallback
    from speakeasy._http import HttpClient

_HEADERS = {"content-type": "application/json", "Accept": "application/json"}
#: The batcher runs its own retry loop: each of its sends is one attempt.
_SINGLE_ATTEMPT = RetryConfig("none")


class Events:
    """REST APIs for capturing event data."""

    def __init__(self, http: HttpClient, server_url: str, workspace_id: Optional[str]) -> None:
        self._http = http
        self._base = server_url + "/v1/workspace/"
        self._workspace_id = workspace_id
        self._headers = {**_HEADERS, "user-agent": USER_AGENT}
        self._urls: Dict[str, Tuple[str, str]] = {}

    def post_workspace_events(
        self,
        request: operations.PostWorkspaceEventsRequest,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> operations.PostWorkspaceEventsResponse:
        r"""Post events for a specific workspace.

        Sends an array of events to be stored for a particular workspace.
        Every event is checked before anything is sent.
        """
        if not isinstance(request, operations.PostWorkspaceEventsRequest):
            raise FieldTypeError(
                "request", f"expected PostWorkspaceEventsRequest, got {type(request).__name__}"
            )
        body = encode_list(request.request_body, shared.CliEvent, "request_body")
        response = self._post_body(
            body, request.workspace_id, retries=retries, timeout_ms=timeout_ms
        )
        return operations.PostWorkspaceEventsResponse(
            content_type=response.headers.get("content-type", ""),
            status_code=response.status_code,
            raw_response=response,
        )

    def _post_body(
        self,
        body: bytes,
        workspace_id: Optional[str],
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> Any:
        """Send an already encoded JSON array (the batcher's entry to the send path)."""
        url, path = self._url(workspace_id)
        if retries is not None and not isinstance(retries, RetryConfig):
            raise FieldTypeError("retries", f"expected RetryConfig, got {type(retries).__name__}")
        timeout = timeout_seconds(timeout_ms, "timeout_ms") if timeout_ms is not None else None
        return self._http.send(url, path, body, self._headers, retries, timeout)

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

        url, path = self._url(workspace_id)
        post = functools.partial(
            self._http.send,
            url,
            path,
            headers=self._headers,
            retries=_SINGLE_ATTEMPT,
            timeout=timeout_seconds(timeout_ms, "timeout_ms"),
        )
        transport = Transport(
            # The send path cannot say yet that the server accepted a body before
            # an after_success hook raised: ``accepted`` goes unused until it can.
            send=lambda body, accepted: post(body),
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

    def _url(self, workspace_id: Optional[str]) -> Tuple[str, str]:
        """URL and path for a workspace, percent-encoded as one path segment."""
        wid = self._workspace_id if workspace_id is None else workspace_id
        try:
            return self._urls[wid]  # type: ignore[index]
        except (KeyError, TypeError):
            pass
        if wid is None:
            raise ValidationError(
                "workspace_id",
                "is required: set it on the request or on the client (Speakeasy(workspace_id=...))",
            )
        check_workspace_id(wid, "workspace_id")
        url = self._base + quote(wid, safe="") + "/events"
        entry = (url, url[url.index("/v1/") :])
        if len(self._urls) < 1024:
            self._urls[wid] = entry
        return entry
