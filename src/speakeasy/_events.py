"""The ``events`` sub-SDK: each operation says *what* to send, once, for both edges.

An operation is a private ``_<op>`` method that checks the caller's input and
returns the ``ApiRequest`` (with how its answer becomes the result); its two public
twins in ``_operations`` (the base class) hand it to an edge: the sync method, written
out there, to the ``requests`` edge; its ``_async`` twin, made from it, awaits the aiohttp
edge. Nothing
here sends, retries or maps errors.
"""

from __future__ import annotations

import os
import sys
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

import speakeasy
from speakeasy._build import (
    coerce,
    event_from,
    extra_headers,
    query,
    retries_of,
    segment,
    timeout_of,
)
from speakeasy._config import USER_AGENT, check_workspace_id
from speakeasy._encoding import encode_list
from speakeasy._operations import Operations
from speakeasy._pipeline import ApiRequest, Plan
from speakeasy._rawresponse import HttpResponse
from speakeasy._redact import Redactor
from speakeasy._results import (
    by_target_result,
    no_result,
    no_workspace_targets_result,
    post_result,
    search_result,
    targets_result,
)
from speakeasy._retry import READ_RETRY_STATUSES
from speakeasy.models import operations, shared
from speakeasy.models.errors import ClientClosedError, ValidationError
from speakeasy.utils.retries import RetryConfig

if sys.version_info >= (3, 11):
    from typing import Unpack
else:  # typing_extensions comes with typing-inspect, a runtime dependency
    from typing_extensions import Unpack

if TYPE_CHECKING:
    from speakeasy._async import AsyncEdge
    from speakeasy._sync import SyncEdge

    # What each operation's ``request`` may be (type-only: the models load on first use).
    PostRequest = Union[
        operations.PostWorkspaceEventsRequest, operations.PostWorkspaceEventsRequestTypedDict
    ]
    SearchRequest = Union[
        operations.SearchWorkspaceEventsRequest,
        operations.SearchWorkspaceEventsRequestTypedDict,
        None,
    ]
    ByTargetRequest = Union[
        operations.GetWorkspaceEventsByTargetRequest,
        operations.GetWorkspaceEventsByTargetRequestTypedDict,
    ]
    TargetsRequest = Union[
        operations.GetWorkspaceTargetsRequest, operations.GetWorkspaceTargetsRequestTypedDict, None
    ]
    NoWorkspaceTargetsRequest = Union[
        operations.GetTargetsRequest,
        operations.GetTargetsRequestTypedDict,
        operations.GetWorkspaceTargetsRequest,
        None,
    ]

#: The most a read may answer (10,000 full events are tens of MB); larger is an SDKError.
MAX_RESPONSE_BYTES = 256 << 20

_POST_HEADERS = {"content-type": "application/json", "Accept": "application/json"}
_GET_HEADERS = {"Accept": "application/json"}
#: The batcher runs its own retry loop: each of its sends is one attempt.
_SINGLE_ATTEMPT = RetryConfig("none")

_T = TypeVar("_T")
_F = TypeVar("_F", bound=Callable[..., Any])
#: ``server_url`` checked as the client's is: (base URL, whether it is loopback).
ServerCheck = Callable[[object], Tuple[str, bool]]


class _Route:
    """Where a call goes: the base URL, whether it is loopback (then no proxy), extra headers."""

    __slots__ = ("direct", "extra", "server_url")

    def __init__(self, server_url: str, direct: bool, extra: Mapping[str, str]) -> None:
        self.server_url = server_url
        self.direct = direct
        self.extra = extra

    @staticmethod
    def of(events: Events) -> _Route:
        return _Route(events._server_url, events._direct, {})


class Events(Operations):
    r"""REST APIs for capturing event data: the type of ``Speakeasy(...).events``.

    Made by the client (never built by users); annotate with ``speakeasy.Events``.
    """

    def __init__(
        self,
        sync: SyncEdge,
        async_edge: Callable[[], AsyncEdge],
        server_url: str,
        direct: bool,
        workspace_id: Optional[str],
        check_server: ServerCheck,
    ) -> None:
        self._sync = sync
        self._async = async_edge
        self._server_url = server_url
        self._direct = direct
        self._check_server = check_server
        self._workspace_id = workspace_id
        self._post_headers = {**_POST_HEADERS, "user-agent": USER_AGENT}
        self._get_headers = {**_GET_HEADERS, "user-agent": USER_AGENT}
        self._workspaces: Dict[Tuple[str, str], str] = {}

    # -- operations: the public methods are in ``_operations``, each ``_async`` twin
    # made from its sync method.
    # Per-call options: ``retries``, ``timeout_ms`` (each attempt's deadline), and,
    # keyword-only, ``server_url`` (checked like the client's) and ``http_headers`` (added
    # to the request; they may not replace credentials or framing headers). Each calls its
    # plan below, on its edge.

    # -- what each operation sends --------------------------------------------------------

    def _route(self, server_url: object, http_headers: object) -> _Route:
        if server_url is None:
            base, direct = self._server_url, self._direct
        else:
            base, direct = self._check_server(server_url)
        return _Route(base, direct, extra_headers(http_headers))

    def _post(
        self,
        request: PostRequest,
        retries: object = None,
        timeout_ms: object = None,
        server_url: object = None,
        http_headers: object = None,
    ) -> Plan[operations.PostWorkspaceEventsResponse]:
        route = self._route(server_url, http_headers)
        req = coerce(request, operations.PostWorkspaceEventsRequest)
        events: object = req.request_body
        if (
            isinstance(events, list)
            and not set(map(type, events)) <= {shared.CliEvent}  # fast path: all events
            and any(isinstance(e, Mapping) for e in events)
        ):
            events = [event_from(e, i) for i, e in enumerate(events)]
        body = encode_list(events, shared.CliEvent, "request_body")  # type: ignore[arg-type]
        api = self._post_request(route, req.workspace_id, body, post_result)
        return api, retries_of(retries), timeout_of(timeout_ms)

    def _search(
        self,
        request: SearchRequest = None,
        retries: object = None,
        timeout_ms: object = None,
        server_url: object = None,
        http_headers: object = None,
    ) -> Plan[operations.SearchWorkspaceEventsResponse]:
        route = self._route(server_url, http_headers)
        req = coerce(request or {}, operations.SearchWorkspaceEventsRequest)
        url = self._workspace_url(route, req.workspace_id) + "/events"
        api = self._get(route, url, query(req), search_result)
        return api, retries_of(retries), timeout_of(timeout_ms)

    def _by_target(
        self,
        request: ByTargetRequest,
        retries: object = None,
        timeout_ms: object = None,
        server_url: object = None,
        http_headers: object = None,
    ) -> Plan[operations.GetWorkspaceEventsByTargetResponse]:
        route = self._route(server_url, http_headers)
        req = coerce(request, operations.GetWorkspaceEventsByTargetRequest)
        target = segment(req.target_id, "request.target_id")
        url = self._workspace_url(route, req.workspace_id) + f"/events/targets/{target}/events"
        api = self._get(
            route, url, query(req, path=("workspace_id", "target_id")), by_target_result
        )
        return api, retries_of(retries), timeout_of(timeout_ms)

    def _targets(
        self,
        request: TargetsRequest = None,
        retries: object = None,
        timeout_ms: object = None,
        server_url: object = None,
        http_headers: object = None,
    ) -> Plan[operations.GetWorkspaceTargetsResponse]:
        route = self._route(server_url, http_headers)
        req = coerce(request or {}, operations.GetWorkspaceTargetsRequest)
        url = self._workspace_url(route, req.workspace_id) + "/events/targets"
        api = self._get(route, url, query(req), targets_result)
        return api, retries_of(retries), timeout_of(timeout_ms)

    def _no_workspace_targets(
        self,
        request: NoWorkspaceTargetsRequest = None,
        retries: object = None,
        timeout_ms: object = None,
        server_url: object = None,
        http_headers: object = None,
    ) -> Plan[operations.GetTargetsResponse]:
        route = self._route(server_url, http_headers)
        if isinstance(request, operations.GetWorkspaceTargetsRequest):
            # 7.x names this request GetWorkspaceTargetsRequest: accepted without a workspace.
            if request.workspace_id is not None:
                raise ValidationError(
                    "request.workspace_id",
                    "get_targets has no workspace in its path: "
                    "use get_targets_deprecated for a workspace's targets",
                )
            request = operations.GetTargetsRequest(request.after_last_event_created_at)
        req = coerce(request or {}, operations.GetTargetsRequest)
        url = route.server_url + "/v1/workspace/events/targets"
        api = self._get(route, url, query(req), no_workspace_targets_result)
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
        on_error: Optional[Callable[[List[Dict[str, Any]], BaseException], object]] = None,
        exit_timeout: float = 5.0,
        timeout_ms: Optional[int] = None,
    ) -> speakeasy.EventBatcher:
        """A background batcher posting events through this client (see docs/batching.md).

        ``workspace_id`` (default: the client's) and ``timeout_ms`` (per
        request, default: the client's) are checked here, before any event is
        added; the other options are the batcher's own.
        """
        from speakeasy._batching.batcher import EventBatcher
        from speakeasy._batching.transport import Transport

        pipeline = self._sync.pipeline
        if pipeline.closed:
            raise ClientClosedError("the Speakeasy client is closed: create a new one")
        template = self._post_request(_Route.of(self), workspace_id, b"", no_result)
        timeout = timeout_of(timeout_ms)
        send = self._sync.send
        transport = Transport(
            # ``accepted`` is called once the server took the body, before any
            # after_success hook runs: a hook that raises cannot make it resent.
            send=lambda body, accepted: send(
                (
                    template.replace(body=body, on_accepted=lambda _: accepted()),
                    _SINGLE_ATTEMPT,
                    timeout,
                )
            ),
            reset=self._sync.reset_connections,
            workspace_id=self._workspace_id if workspace_id is None else workspace_id,
            closed=lambda: pipeline.closed,
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

    # -- tracking runs (docs/tracking.md) -------------------------------------------------

    def track(
        self,
        interaction_type: Union[shared.InteractionType, str],
        **options: Unpack[speakeasy.TrackOptions],
    ) -> speakeasy.Run:
        """A run recorded as one event when its ``with`` / ``async with`` block ends."""
        from speakeasy._tracking.run import start

        if self._sync.pipeline.closed:  # its event could never be delivered
            raise ClientClosedError("the Speakeasy client is closed: create a new one")
        auth = self._sync.pipeline.auth_headers
        return start(self, interaction_type, options, self._workspace_id, auth)

    def tracked(
        self,
        interaction_type: Union[shared.InteractionType, str],
        **options: Unpack[speakeasy.TrackOptions],
    ) -> Callable[[_F], _F]:
        """``track`` as a decorator of a function, sync or async: one event per call."""
        from speakeasy._tracking.run import tracked

        self.track(interaction_type, **options)  # the options are checked now
        return tracked(lambda: self.track(interaction_type, **options))

    # -- building requests ----------------------------------------------------------------

    def _post_request(
        self,
        route: _Route,
        workspace_id: Optional[str],
        body: bytes,
        result: Callable[[HttpResponse, Redactor], _T],
    ) -> ApiRequest[_T]:
        url = self._workspace_url(route, workspace_id) + "/events"
        headers = {**self._post_headers, **route.extra} if route.extra else self._post_headers
        return ApiRequest(
            "POST",
            url,
            url[len(route.server_url) :],
            headers,
            body=body,
            result=result,
            direct=route.direct,
        )

    def _get(
        self,
        route: _Route,
        url: str,
        params: List[Tuple[str, str]],
        result: Callable[[HttpResponse, Redactor], _T],
    ) -> ApiRequest[_T]:
        headers = {**self._get_headers, **route.extra} if route.extra else self._get_headers
        return ApiRequest(
            "GET",
            url,
            url[len(route.server_url) :],
            headers,
            params=params,
            retry_statuses=READ_RETRY_STATUSES,
            max_body=MAX_RESPONSE_BYTES,
            result=result,
            direct=route.direct,
        )

    def _workspace_url(self, route: _Route, workspace_id: Optional[str]) -> str:
        """The workspace URL: the request's workspace, else the client's."""
        wid = self._workspace_id if workspace_id is None else workspace_id
        key = (route.server_url, wid)
        try:
            return self._workspaces[key]  # type: ignore[index]
        except (KeyError, TypeError):
            pass
        if wid is None:
            raise ValidationError(
                "workspace_id",
                "is required: set it on the request or on the client (Speakeasy(workspace_id=...))",
            )
        check_workspace_id(wid, "workspace_id")
        url = route.server_url + "/v1/workspace/" + quote(wid, safe="")
        if len(self._workspaces) < 1024:
            self._workspaces[key] = url  # type: ignore[index]
        return url
