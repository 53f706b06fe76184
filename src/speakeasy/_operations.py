"""The public operations of ``s.events``: each a method and its awaitable ``_async`` twin.

Below the marker comment in the class, written by scripts/gen_operations.py (edit its
table, not this file; the head above the marker is written here by hand): the twins are
spelt out so that editors, ``help()`` and ``typing.get_type_hints`` see their
parameters, docstrings and results; tests/typing/test_twins.py checks that each twin
takes exactly its sync method's arguments. What each operation sends is built once,
for both edges, by ``Events._<op>`` (``speakeasy._events``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping, Optional, Union

from speakeasy.models import operations
from speakeasy.utils.retries import RetryConfig

if TYPE_CHECKING:
    from speakeasy._async import AsyncEdge
    from speakeasy._pipeline import Plan
    from speakeasy._sync import SyncEdge


class Operations:
    """The operations of the events API; ``speakeasy.Events`` adds what each one sends."""

    if TYPE_CHECKING:  # set, and defined, by Events
        _sync: SyncEdge
        _async: Callable[[], AsyncEdge]
        # what each operation sends (its ``_<op>`` plan): request, retries, timeout_ms,
        # server_url, http_headers, positionally
        # (below: written by scripts/gen_operations.py from its table)
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

    async def post_workspace_events_async(
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

            res = await s.events.post_workspace_events_async({"request_body": [event]})
        """
        return await self._async().send(
            self._post(request, retries, timeout_ms, server_url, http_headers)
        )

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

    async def search_workspace_events_async(
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

            res = await s.events.search_workspace_events_async({"limit": 10})
        """
        return await self._async().send(
            self._search(request, retries, timeout_ms, server_url, http_headers)
        )

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

    async def get_workspace_events_by_target_async(
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

            res = await s.events.get_workspace_events_by_target_async({"target_id": "lock-1"})
        """
        return await self._async().send(
            self._by_target(request, retries, timeout_ms, server_url, http_headers)
        )

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

    async def get_workspace_targets_async(
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

            res = await s.events.get_workspace_targets_async()
        """
        return await self._async().send(
            self._targets(request, retries, timeout_ms, server_url, http_headers)
        )

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

    async def get_targets_async(
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

            res = await s.events.get_targets_async()
        """
        return await self._async().send(
            self._no_workspace_targets(request, retries, timeout_ms, server_url, http_headers)
        )

    #: The names of the 7.x SDK and of the TypeScript SDK: the same operations.
    post = post_workspace_events
    post_async = post_workspace_events_async
    search = search_workspace_events
    search_async = search_workspace_events_async
    get_events_by_target = get_workspace_events_by_target
    get_events_by_target_async = get_workspace_events_by_target_async
    get_targets_deprecated = get_workspace_targets
    get_targets_deprecated_async = get_workspace_targets_async
