"""The ``events`` sub-SDK: each operation says *what* to send, once, for both edges.

An operation is a private ``_<op>`` method that checks the caller's input and
returns the ``ApiRequest`` (with how its answer becomes the result), then two
one-line public twins: the sync one hands it to the ``requests`` edge, the
``_async`` one awaits the aiohttp edge. Nothing here sends, retries or maps
errors.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    List,
    Literal,
    Mapping,
    Optional,
    Tuple,
    TypeVar,
    Union,
)
from urllib.parse import quote

from speakeasy._answers import decode_answer
from speakeasy._build import coerce, event_from, query, retries_of, segment, timeout_of
from speakeasy._config import USER_AGENT, check_workspace_id
from speakeasy._encoding import encode_list
from speakeasy._pipeline import ApiRequest
from speakeasy._rawresponse import HttpResponse
from speakeasy._redact import Redactor
from speakeasy._retry import READ_RETRY_STATUSES
from speakeasy.models import operations, shared
from speakeasy.models.errors import ValidationError
from speakeasy.models.operations._response import http_fields
from speakeasy.utils.retries import RetryConfig

if TYPE_CHECKING:
    from speakeasy._async import AsyncEdge
    from speakeasy._batching.batcher import EventBatcher
    from speakeasy._batching.transport import ErrorCallback
    from speakeasy._sync import SyncEdge

#: The most a read may answer (10,000 full events are tens of MB); larger is an SDKError.
MAX_RESPONSE_BYTES = 256 << 20

_POST_HEADERS = {"content-type": "application/json", "Accept": "application/json"}
_GET_HEADERS = {"Accept": "application/json"}
#: The batcher runs its own retry loop: each of its sends is one attempt.
_SINGLE_ATTEMPT = RetryConfig("none")

_T = TypeVar("_T")
_M = TypeVar("_M")
#: What an operation sends, and the per-call options it is sent with.
_Plan = Tuple[ApiRequest[_T], Optional[RetryConfig], Optional[float]]

PostRequest = Union[operations.PostWorkspaceEventsRequest, Mapping[str, Any]]
SearchRequest = Union[operations.SearchWorkspaceEventsRequest, Mapping[str, Any], None]
ByTargetRequest = Union[operations.GetWorkspaceEventsByTargetRequest, Mapping[str, Any]]
TargetsRequest = Union[operations.GetWorkspaceTargetsRequest, Mapping[str, Any], None]


class Events:
    r"""REST APIs for capturing event data."""

    def __init__(
        self,
        sync: SyncEdge,
        async_edge: Callable[[], AsyncEdge],
        server_url: str,
        workspace_id: Optional[str],
    ) -> None:
        self._sync = sync
        self._async = async_edge
        self._base = server_url + "/v1/workspace/"
        self._path_start = len(server_url)
        self._workspace_id = workspace_id
        self._post_headers = {**_POST_HEADERS, "user-agent": USER_AGENT}
        self._get_headers = {**_GET_HEADERS, "user-agent": USER_AGENT}
        self._workspaces: Dict[str, str] = {}

    # -- operations: sync and async twins -------------------------------------------------

    def post_workspace_events(
        self,
        request: PostRequest,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> operations.PostWorkspaceEventsResponse:
        r"""Post events for a specific workspace.

        Sends an array of events to be stored for a particular workspace.
        Every event is checked before anything is sent.
        """
        return self._sync.send(*self._post(request, retries, timeout_ms))

    async def post_workspace_events_async(
        self,
        request: PostRequest,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> operations.PostWorkspaceEventsResponse:
        r"""Post events for a specific workspace (awaitable twin of ``post_workspace_events``)."""
        return await self._async().send(*self._post(request, retries, timeout_ms))

    def search_workspace_events(
        self,
        request: SearchRequest = None,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> operations.SearchWorkspaceEventsResponse:
        r"""Search events for a particular workspace by any field."""
        return self._sync.send(*self._search(request, retries, timeout_ms))

    async def search_workspace_events_async(
        self,
        request: SearchRequest = None,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> operations.SearchWorkspaceEventsResponse:
        r"""Search events (awaitable twin of ``search_workspace_events``)."""
        return await self._async().send(*self._search(request, retries, timeout_ms))

    def get_workspace_events_by_target(
        self,
        request: ByTargetRequest,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> operations.GetWorkspaceEventsByTargetResponse:
        r"""Load recent events for a particular workspace."""
        return self._sync.send(*self._by_target(request, retries, timeout_ms))

    async def get_workspace_events_by_target_async(
        self,
        request: ByTargetRequest,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> operations.GetWorkspaceEventsByTargetResponse:
        r"""Load a target's events (awaitable twin of ``get_workspace_events_by_target``)."""
        return await self._async().send(*self._by_target(request, retries, timeout_ms))

    def get_workspace_targets(
        self,
        request: TargetsRequest = None,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> operations.GetWorkspaceTargetsResponse:
        r"""Load targets for a particular workspace."""
        return self._sync.send(*self._targets(request, retries, timeout_ms))

    async def get_workspace_targets_async(
        self,
        request: TargetsRequest = None,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
    ) -> operations.GetWorkspaceTargetsResponse:
        r"""Load a workspace's targets (awaitable twin of ``get_workspace_targets``)."""
        return await self._async().send(*self._targets(request, retries, timeout_ms))

    # -- what each operation sends --------------------------------------------------------

    def _post(
        self, request: PostRequest, retries: object, timeout_ms: object
    ) -> _Plan[operations.PostWorkspaceEventsResponse]:
        req = coerce(request, operations.PostWorkspaceEventsRequest)
        events: object = req.request_body
        if isinstance(events, list) and any(isinstance(e, Mapping) for e in events):
            events = [event_from(e, i) for i, e in enumerate(events)]
        body = encode_list(events, shared.CliEvent, "request_body")  # type: ignore[arg-type]
        api = self._post_request(req.workspace_id, body, _post_result)
        return api, retries_of(retries), timeout_of(timeout_ms)

    def _search(
        self, request: SearchRequest, retries: object, timeout_ms: object
    ) -> _Plan[operations.SearchWorkspaceEventsResponse]:
        req = coerce(request or {}, operations.SearchWorkspaceEventsRequest)
        api = self._get(req.workspace_id, "events", query(req), _search_result)
        return api, retries_of(retries), timeout_of(timeout_ms)

    def _by_target(
        self, request: ByTargetRequest, retries: object, timeout_ms: object
    ) -> _Plan[operations.GetWorkspaceEventsByTargetResponse]:
        req = coerce(request, operations.GetWorkspaceEventsByTargetRequest)
        target = segment(req.target_id, "request.target_id")
        path = f"events/targets/{target}/events"
        api = self._get(req.workspace_id, path, query(req), _by_target_result)
        return api, retries_of(retries), timeout_of(timeout_ms)

    def _targets(
        self, request: TargetsRequest, retries: object, timeout_ms: object
    ) -> _Plan[operations.GetWorkspaceTargetsResponse]:
        req = coerce(request or {}, operations.GetWorkspaceTargetsRequest)
        api = self._get(req.workspace_id, "events/targets", query(req), _targets_result)
        return api, retries_of(retries), timeout_of(timeout_ms)

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
        spool_fsync: bool = False,
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

        template = self._post_request(workspace_id, b"", _no_result)
        send = functools.partial(
            self._sync.send, retries=_SINGLE_ATTEMPT, timeout=timeout_of(timeout_ms)
        )
        transport = Transport(
            # ``accepted`` is called once the server took the body, before any
            # after_success hook runs: a hook that raises cannot make it resent.
            send=lambda body, accepted: send(
                dataclasses.replace(template, body=body, on_accepted=lambda _: accepted())
            ),
            reset=self._sync.reset_connections,
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
            spool_fsync=spool_fsync,
            retries=retries,
            on_error=on_error,
            exit_timeout=exit_timeout,
        )

    # -- building requests ----------------------------------------------------------------

    def _post_request(
        self,
        workspace_id: Optional[str],
        body: bytes,
        result: Callable[[HttpResponse, Redactor], _T],
    ) -> ApiRequest[_T]:
        url = self._workspace_url(workspace_id) + "/events"
        return ApiRequest(
            "POST", url, url[self._path_start :], self._post_headers, body=body, result=result
        )

    def _get(
        self,
        workspace_id: Optional[str],
        path: str,
        params: List[Tuple[str, str]],
        result: Callable[[HttpResponse, Redactor], _T],
    ) -> ApiRequest[_T]:
        url = self._workspace_url(workspace_id) + "/" + path
        return ApiRequest(
            "GET",
            url,
            url[self._path_start :],
            self._get_headers,
            params=params,
            retry_statuses=READ_RETRY_STATUSES,
            max_body=MAX_RESPONSE_BYTES,
            result=result,
        )

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


# -- how each answer becomes the result ----------------------------------------------------


def _no_result(response: HttpResponse, redact: Redactor) -> None:
    return None


def _post_result(
    response: HttpResponse, redact: Redactor
) -> operations.PostWorkspaceEventsResponse:
    return operations.PostWorkspaceEventsResponse(**http_fields(response))


def _search_result(
    response: HttpResponse, redact: Redactor
) -> operations.SearchWorkspaceEventsResponse:
    return operations.SearchWorkspaceEventsResponse(
        **http_fields(response), cli_event_batch=decode_answer(response, shared.CliEvent, redact)
    )


def _by_target_result(
    response: HttpResponse, redact: Redactor
) -> operations.GetWorkspaceEventsByTargetResponse:
    return operations.GetWorkspaceEventsByTargetResponse(
        **http_fields(response), cli_event_batch=decode_answer(response, shared.CliEvent, redact)
    )


def _targets_result(
    response: HttpResponse, redact: Redactor
) -> operations.GetWorkspaceTargetsResponse:
    return operations.GetWorkspaceTargetsResponse(
        **http_fields(response), target_sdk_list=decode_answer(response, shared.TargetSDK, redact)
    )
