"""The ``events`` sub-SDK: each operation says *what* to send, once, for both edges.

An operation is a private ``_<op>`` method that checks the caller's input and
returns the ``ApiRequest`` (with how its answer becomes the result), then two
one-line public twins: the sync one hands it to the ``requests`` edge, the
``_async`` one awaits the aiohttp edge. Nothing here sends, retries or maps
errors. The names of the newer SDKs (``post``, ``search``, ``get_events_by_target``,
``get_targets``, ``get_targets_deprecated``) are the same methods under a second name.
"""

from __future__ import annotations

import os
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Coroutine,
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

if TYPE_CHECKING:
    from typing_extensions import Concatenate, ParamSpec

    from speakeasy._async import AsyncEdge
    from speakeasy._batching.batcher import EventBatcher
    from speakeasy._batching.transport import ErrorCallback
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
if TYPE_CHECKING:
    _P = ParamSpec("_P")
#: ``server_url`` checked as the client's is: (base URL, whether it is loopback).
ServerCheck = Callable[[object], Tuple[str, bool]]
Headers = Optional[Mapping[str, str]]


def _awaitable(
    method: Callable[Concatenate[Events, _P], _T], plan: str
) -> Callable[Concatenate[Events, _P], Coroutine[Any, Any, _T]]:
    """The ``_async`` twin of an operation: the same parameters, awaited on the async edge."""

    async def twin(self: Events, /, *args: Any, **kwargs: Any) -> Any:
        return await self._async().send(getattr(self, plan)(*args, **kwargs))

    twin.__name__ = twin.__qualname__ = f"{method.__name__}_async"
    twin.__doc__ = f"Awaitable twin of ``{method.__name__}``: same parameters, same result."
    twin.__wrapped__ = method  # type: ignore[attr-defined]  # inspect.signature follows it
    return twin


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


class Events:
    r"""REST APIs for capturing event data."""

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

    # -- operations: sync and async twins -------------------------------------------------
    # Per-call options: ``retries``, ``timeout_ms`` (each attempt's deadline), and,
    # keyword-only, ``server_url`` (checked like the client's) and ``http_headers``
    # (added to the request; they may not replace credentials or framing headers).
    # Each ``<op>_async`` is made from ``<op>`` by ``_awaitable``: the same signature,
    # the same plan (``_<op>``), awaited on the aiohttp edge.

    def post_workspace_events(
        self,
        request: PostRequest,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
        *,
        server_url: Optional[str] = None,
        http_headers: Headers = None,
    ) -> operations.PostWorkspaceEventsResponse:
        r"""Post events for a specific workspace.

        Sends an array of events to be stored for a particular workspace.
        Every event is checked before anything is sent.
        """
        return self._sync.send(self._post(request, retries, timeout_ms, server_url, http_headers))

    def search_workspace_events(
        self,
        request: SearchRequest = None,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
        *,
        server_url: Optional[str] = None,
        http_headers: Headers = None,
    ) -> operations.SearchWorkspaceEventsResponse:
        r"""Search events for a particular workspace by any field."""
        plan = self._search(request, retries, timeout_ms, server_url, http_headers)
        return self._sync.send(plan)

    def get_workspace_events_by_target(
        self,
        request: ByTargetRequest,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
        *,
        server_url: Optional[str] = None,
        http_headers: Headers = None,
    ) -> operations.GetWorkspaceEventsByTargetResponse:
        r"""Load recent events for a particular workspace."""
        plan = self._by_target(request, retries, timeout_ms, server_url, http_headers)
        return self._sync.send(plan)

    def get_workspace_targets(
        self,
        request: TargetsRequest = None,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
        *,
        server_url: Optional[str] = None,
        http_headers: Headers = None,
    ) -> operations.GetWorkspaceTargetsResponse:
        r"""Load targets for a particular workspace (the path with ``{workspaceID}``)."""
        plan = self._targets(request, retries, timeout_ms, server_url, http_headers)
        return self._sync.send(plan)

    def get_targets(
        self,
        request: NoWorkspaceTargetsRequest = None,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
        *,
        server_url: Optional[str] = None,
        http_headers: Headers = None,
    ) -> operations.GetTargetsResponse:
        r"""Load targets with no workspace in the path (``/v1/workspace/events/targets``).

        The API answers the targets the credentials may see; no ``workspace_id``
        is needed (and one set on the request is refused: use ``get_targets_deprecated``).
        """
        plan = self._no_workspace_targets(request, retries, timeout_ms, server_url, http_headers)
        return self._sync.send(plan)

    post_workspace_events_async = _awaitable(post_workspace_events, "_post")
    search_workspace_events_async = _awaitable(search_workspace_events, "_search")
    get_workspace_events_by_target_async = _awaitable(get_workspace_events_by_target, "_by_target")
    get_workspace_targets_async = _awaitable(get_workspace_targets, "_targets")
    get_targets_async = _awaitable(get_targets, "_no_workspace_targets")

    #: The names of the 7.x SDK and of the TypeScript SDK: the same operations.
    post = post_workspace_events
    post_async = post_workspace_events_async
    search = search_workspace_events
    search_async = search_workspace_events_async
    get_events_by_target = get_workspace_events_by_target
    get_events_by_target_async = get_workspace_events_by_target_async
    get_targets_deprecated = get_workspace_targets
    get_targets_deprecated_async = get_workspace_targets_async

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
        if isinstance(events, list) and any(isinstance(e, Mapping) for e in events):
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
        api = self._get(route, url, query(req), by_target_result)
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
