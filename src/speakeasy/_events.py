"""The ``events`` sub-SDK: REST APIs for capturing event data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple
from urllib.parse import quote

from speakeasy._config import USER_AGENT, check_workspace_id, timeout_seconds
from speakeasy._encoding import encode_list
from speakeasy.models import operations, shared
from speakeasy.models.errors import FieldTypeError, ValidationError
from speakeasy.utils.retries import RetryConfig

if TYPE_CHECKING:
    from speakeasy._batcher import EventBatcher
    from speakeasy._http import HttpClient

_HEADERS = {"content-type": "application/json", "Accept": "application/json"}


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

    def batcher(self, **options: Any) -> EventBatcher:
        """A background batcher posting events through this client (see Batching)."""
        from speakeasy._batcher import EventBatcher

        return EventBatcher(self, **options)

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
