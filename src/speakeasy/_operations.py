"""The public operations of ``s.events``: each a method and its awaitable ``_async`` twin.

Each sync method is spelt out with its parameters, docstring and result (the per-call
options and the errors documented alike in each: tests/typing/test_twins.py compares
them), and its twin is made from it by ``_async_twin``, so the two cannot drift: the
twin has the method's signature, type hints and docstring (the example awaiting), and
refuses a wrong call with the method's own TypeError. What each operation sends is
built once, for both edges, by ``Events._<op>`` (``speakeasy._events``).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, Coroutine, Mapping, Optional, TypeVar, Union

from speakeasy.models import operations
from speakeasy.utils.retries import RetryConfig

if TYPE_CHECKING:
    import inspect

    from typing_extensions import Concatenate, ParamSpec

    from speakeasy._async import AsyncEdge
    from speakeasy._pipeline import Plan
    from speakeasy._sync import SyncEdge

    P = ParamSpec("P")

R = TypeVar("R")


def _async_twin(
    method: Callable[Concatenate[Operations, P], R], plan: str
) -> Callable[Concatenate[Operations, P], Coroutine[Any, Any, R]]:
    """The ``_async`` twin of the sync operation ``method``, which sends ``self.<plan>(...)``.

    The twin takes the method's arguments, builds the same plan from them and awaits the
    async edge with it; a call the method refuses, the twin refuses with the method's own
    TypeError (naming the twin), before anything is sent. It wraps the method (``__wrapped__``), so
    ``inspect.signature``, ``help()`` and ``typing.get_type_hints`` show the method's
    parameters; its docstring is the method's, the example awaiting the twin.
    """
    name = method.__name__

    async def twin(self: Operations, /, *args: P.args, **kwargs: P.kwargs) -> R:
        call = _bind(method, self, args, kwargs)
        build: Callable[..., Plan[R]] = getattr(self, plan)
        return await self._async().send(build(*call.args[1:], **call.kwargs))

    functools.update_wrapper(twin, method)
    twin.__name__ = f"{name}_async"
    twin.__qualname__ = f"{method.__qualname__}_async"
    twin.__doc__ = (method.__doc__ or "").replace(
        f"s.events.{name}(", f"await s.events.{name}_async("
    )
    return twin


def _bind(
    method: Callable[..., object], self: Operations, args: Any, kwargs: Any
) -> inspect.BoundArguments:
    """The arguments of ``method(self, *args, **kwargs)``, its defaults filled in. A call
    ``method`` refuses raises its own TypeError, naming the twin: Python binds a function's
    arguments before its first line runs, so the method is called only to raise it, and
    sends nothing."""
    import inspect  # here, not at import: ``import speakeasy`` does not load inspect

    try:
        call: Optional[inspect.BoundArguments] = inspect.signature(method).bind(
            self, *args, **kwargs
        )
    except TypeError:
        call = None
    if call is None:
        name = method.__name__
        try:
            method(self, *args, **kwargs)
        except TypeError as refused:
            raise TypeError(str(refused).replace(f"{name}()", f"{name}_async()")) from None
        raise AssertionError(f"{method.__qualname__} accepted a call its signature refuses")
    call.apply_defaults()
    return call


class Operations:
    """The operations of the events API; ``speakeasy.Events`` adds what each one sends."""

    if TYPE_CHECKING:  # set, and defined, by Events
        _sync: SyncEdge
        _async: Callable[[], AsyncEdge]
        # what each operation sends (its ``_<op>`` plan), given the operation's arguments:
        # request, retries, timeout_ms, server_url, http_headers (the last two by name)
        _post: Callable[..., Plan[operations.PostWorkspaceEventsResponse]]
        _search: Callable[..., Plan[operations.SearchWorkspaceEventsResponse]]
        _by_target: Callable[..., Plan[operations.GetWorkspaceEventsByTargetResponse]]
        _targets: Callable[..., Plan[operations.GetWorkspaceTargetsResponse]]
        _no_workspace_targets: Callable[..., Plan[operations.GetTargetsResponse]]

    def post_workspace_events(
        self,
        request: Union[
            operations.PostWorkspaceEventsRequest, operations.PostWorkspaceEventsRequestTypedDict
        ],
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
        *,
        server_url: Optional[str] = None,
        http_headers: Optional[Mapping[str, str]] = None,
    ) -> operations.PostWorkspaceEventsResponse:
        r"""Post events for a specific workspace.

        Sends an array of events to be stored for a particular workspace.
        Every event is checked before anything is sent.

        Args:
            request: the events (``request_body``: ``shared.CliEvent`` models or dicts of
                their fields) and ``workspace_id`` (default: the client's); a model or its
                dict form (``PostWorkspaceEventsRequestTypedDict``).
            retries: this call's ``RetryConfig`` (default: the client's ``retry_config``).
            timeout_ms: each attempt's deadline in milliseconds (default: the client's).
            server_url: keyword-only; this call's base URL, checked as the client's.
            http_headers: keyword-only; headers added to this request (some are refused).

        Returns:
            operations.PostWorkspaceEventsResponse:
                its ``status_code`` and ``raw_response``.

        Raises:
            errors.ValidationError: bad input, naming the field; nothing was sent.
            errors.Error: a 5XX answer with the API's JSON error body (``e.data``).
            errors.SDKError: any other non-2xx answer.
            errors.ClientClosedError: the client was closed.
            The edge's network exceptions, once retries are spent or off (docs/errors.md).

        Example::

            res = s.events.post_workspace_events({"request_body": [event]})
        """
        return self._sync.send(self._post(request, retries, timeout_ms, server_url, http_headers))

    post_workspace_events_async = _async_twin(post_workspace_events, "_post")

    def search_workspace_events(
        self,
        request: Union[
            operations.SearchWorkspaceEventsRequest,
            operations.SearchWorkspaceEventsRequestTypedDict,
            None,
        ] = None,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
        *,
        server_url: Optional[str] = None,
        http_headers: Optional[Mapping[str, str]] = None,
    ) -> operations.SearchWorkspaceEventsResponse:
        r"""Search events for a particular workspace by any field.

        Args:
            request: the filters (``limit``, ``success``, ``interaction_type``, the digests...)
                and ``workspace_id`` (default: the client's); a model, its dict form
                (``SearchWorkspaceEventsRequestTypedDict``) or ``None``: no filter.
            retries: this call's ``RetryConfig`` (default: the client's ``retry_config``).
            timeout_ms: each attempt's deadline in milliseconds (default: the client's).
            server_url: keyword-only; this call's base URL, checked as the client's.
            http_headers: keyword-only; headers added to this request (some are refused).

        Returns:
            operations.SearchWorkspaceEventsResponse:
                ``cli_event_batch``, the events found (``shared.CliEvent``).

        Raises:
            errors.ValidationError: bad input, naming the field; nothing was sent.
            errors.Error: a 5XX answer with the API's JSON error body (``e.data``).
            errors.SDKError: any other non-2xx answer.
            errors.ClientClosedError: the client was closed.
            The edge's network exceptions, once retries are spent or off (docs/errors.md).

        Example::

            res = s.events.search_workspace_events({"limit": 10})
        """
        return self._sync.send(self._search(request, retries, timeout_ms, server_url, http_headers))

    search_workspace_events_async = _async_twin(search_workspace_events, "_search")

    def get_workspace_events_by_target(
        self,
        request: Union[
            operations.GetWorkspaceEventsByTargetRequest,
            operations.GetWorkspaceEventsByTargetRequestTypedDict,
        ],
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
        *,
        server_url: Optional[str] = None,
        http_headers: Optional[Mapping[str, str]] = None,
    ) -> operations.GetWorkspaceEventsByTargetResponse:
        r"""Load recent events for a particular workspace.

        Args:
            request: ``target_id``, ``after_created_at`` and ``workspace_id`` (default:
                the client's); a model or its dict form
                (``GetWorkspaceEventsByTargetRequestTypedDict``).
            retries: this call's ``RetryConfig`` (default: the client's ``retry_config``).
            timeout_ms: each attempt's deadline in milliseconds (default: the client's).
            server_url: keyword-only; this call's base URL, checked as the client's.
            http_headers: keyword-only; headers added to this request (some are refused).

        Returns:
            operations.GetWorkspaceEventsByTargetResponse:
                ``cli_event_batch``, the target's events (``shared.CliEvent``).

        Raises:
            errors.ValidationError: bad input, naming the field; nothing was sent.
            errors.Error: a 5XX answer with the API's JSON error body (``e.data``).
            errors.SDKError: any other non-2xx answer.
            errors.ClientClosedError: the client was closed.
            The edge's network exceptions, once retries are spent or off (docs/errors.md).

        Example::

            res = s.events.get_workspace_events_by_target({"target_id": "lock-1"})
        """
        return self._sync.send(
            self._by_target(request, retries, timeout_ms, server_url, http_headers)
        )

    get_workspace_events_by_target_async = _async_twin(get_workspace_events_by_target, "_by_target")

    def get_workspace_targets(
        self,
        request: Union[
            operations.GetWorkspaceTargetsRequest,
            operations.GetWorkspaceTargetsRequestTypedDict,
            None,
        ] = None,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
        *,
        server_url: Optional[str] = None,
        http_headers: Optional[Mapping[str, str]] = None,
    ) -> operations.GetWorkspaceTargetsResponse:
        r"""Load targets for a particular workspace (the path with ``{workspaceID}``).

        Args:
            request: ``after_last_event_created_at`` and ``workspace_id`` (default: the
                client's); a model, its dict form (``GetWorkspaceTargetsRequestTypedDict``)
                or ``None``.
            retries: this call's ``RetryConfig`` (default: the client's ``retry_config``).
            timeout_ms: each attempt's deadline in milliseconds (default: the client's).
            server_url: keyword-only; this call's base URL, checked as the client's.
            http_headers: keyword-only; headers added to this request (some are refused).

        Returns:
            operations.GetWorkspaceTargetsResponse:
                ``target_sdk_list``, the workspace's targets (``shared.TargetSDK``).

        Raises:
            errors.ValidationError: bad input, naming the field; nothing was sent.
            errors.Error: a 5XX answer with the API's JSON error body (``e.data``).
            errors.SDKError: any other non-2xx answer.
            errors.ClientClosedError: the client was closed.
            The edge's network exceptions, once retries are spent or off (docs/errors.md).

        Example::

            res = s.events.get_workspace_targets()
        """
        return self._sync.send(
            self._targets(request, retries, timeout_ms, server_url, http_headers)
        )

    get_workspace_targets_async = _async_twin(get_workspace_targets, "_targets")

    def get_targets(
        self,
        request: Union[
            operations.GetTargetsRequest,
            operations.GetTargetsRequestTypedDict,
            operations.GetWorkspaceTargetsRequest,
            None,
        ] = None,
        retries: Optional[RetryConfig] = None,
        timeout_ms: Optional[int] = None,
        *,
        server_url: Optional[str] = None,
        http_headers: Optional[Mapping[str, str]] = None,
    ) -> operations.GetTargetsResponse:
        r"""Load targets with no workspace in the path (``/v1/workspace/events/targets``).

        The API answers the targets the credentials may see; no ``workspace_id``
        is needed (and one set on the request is refused: use ``get_targets_deprecated``).

        Args:
            request: ``after_last_event_created_at``; a model, its dict form
                (``GetTargetsRequestTypedDict``), 7.x's ``GetWorkspaceTargetsRequest``
                without a workspace, or ``None``.
            retries: this call's ``RetryConfig`` (default: the client's ``retry_config``).
            timeout_ms: each attempt's deadline in milliseconds (default: the client's).
            server_url: keyword-only; this call's base URL, checked as the client's.
            http_headers: keyword-only; headers added to this request (some are refused).

        Returns:
            operations.GetTargetsResponse:
                ``target_sdk_list``, the targets (``shared.TargetSDK``).

        Raises:
            errors.ValidationError: bad input, naming the field; nothing was sent.
            errors.Error: a 5XX answer with the API's JSON error body (``e.data``).
            errors.SDKError: any other non-2xx answer.
            errors.ClientClosedError: the client was closed.
            The edge's network exceptions, once retries are spent or off (docs/errors.md).

        Example::

            res = s.events.get_targets()
        """
        return self._sync.send(
            self._no_workspace_targets(request, retries, timeout_ms, server_url, http_headers)
        )

    get_targets_async = _async_twin(get_targets, "_no_workspace_targets")

    #: The names of the 7.x SDK and of the TypeScript SDK: the same operations.
    post = post_workspace_events
    post_async = post_workspace_events_async
    search = search_workspace_events
    search_async = search_workspace_events_async
    get_events_by_target = get_workspace_events_by_target
    get_events_by_target_async = get_workspace_events_by_target_async
    get_targets_deprecated = get_workspace_targets
    get_targets_deprecated_async = get_workspace_targets_async
