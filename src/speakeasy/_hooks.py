"""Hooks: user code run around every attempt, in the generated-SDK style."""

from __future__ import annotations

from typing import (
    Any,
    Callable,
    Dict,
    List,
    MutableMapping,
    Optional,
    Protocol,
    TypeVar,
    Union,
    overload,
)

from speakeasy._rawresponse import HttpResponse


class HookRequest(Protocol):
    """What a ``before_request`` hook gets, on both edges: a ``requests.PreparedRequest``
    (sync calls) or an ``AsyncRequest`` (async calls) both have all of it."""

    @property
    def method(self) -> Optional[str]: ...
    @property
    def url(self) -> Optional[str]: ...
    @property
    def headers(self) -> MutableMapping[str, str]: ...
    @property
    def body(self) -> Union[bytes, str, None]: ...
    def copy(self) -> HookRequest: ...


#: What ``after_error`` hooks get: a non-2xx response, or the network exception.
HookOutcome = Union[HttpResponse, BaseException]

# The hooks a registration accepts: one for both edges (typed with the protocols
# above), or one typed for one edge's own classes (``requests.PreparedRequest``,
# ``requests.Response``; ``AsyncRequest``, ``DetachedResponse``). A hook of the wrong
# kind (a response hook as before_request, two parameters, a ``str``) is flagged.
RequestT = TypeVar("RequestT", bound=HookRequest)
ResponseT = TypeVar("ResponseT", bound=HttpResponse)
OutcomeT = TypeVar("OutcomeT", bound=HookOutcome)
BeforeRequest = Callable[[HookRequest], Optional[HookRequest]]
AfterSuccess = Callable[[HttpResponse], Optional[HttpResponse]]
AfterError = Callable[[HookOutcome], object]

_T = TypeVar("_T")


class Hooks:
    """Callables registered on a client, run for every attempt of every call.

    - ``before_request(request)``: gets the request about to be sent (a
      ``requests.PreparedRequest`` on the sync edge, an ``AsyncRequest`` with
      the same ``method``, ``url``, ``headers`` and ``body`` on the async one);
      may change it in place or return a replacement.
    - ``after_success(response)``: gets a 2xx response (``requests.Response``,
      or ``DetachedResponse`` for async calls); may return a replacement.
    - ``after_error(response_or_exception)``: gets a non-2xx response or the
      network exception of a failed attempt (retried or not).

    The same hooks run for sync and async calls, on the event loop's thread for
    the latter: keep them quick.

    An exception raised by a hook reaches the caller unchanged and ends the
    call: it is never retried, even when it is a ``requests.ConnectionError``.
    Each registration method returns the callable, so it works as a decorator.
    """

    def __init__(self) -> None:
        # Hooks typed for one edge are kept with the others: each gets what its edge has.
        self.before_request_hooks: List[Callable[[Any], Any]] = []
        self.after_success_hooks: List[Callable[[Any], Any]] = []
        self.after_error_hooks: List[Callable[[Any], Any]] = []

    def __repr__(self) -> str:
        return (
            f"Hooks(before_request={len(self.before_request_hooks)}, "
            f"after_success={len(self.after_success_hooks)}, "
            f"after_error={len(self.after_error_hooks)})"
        )

    @overload
    def before_request(self, hook: BeforeRequest) -> BeforeRequest: ...
    @overload
    def before_request(
        self, hook: Callable[[RequestT], Optional[RequestT]]
    ) -> Callable[[RequestT], Optional[RequestT]]: ...
    def before_request(self, hook: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """Register ``hook(request)``, run before each attempt is sent."""
        self.before_request_hooks.append(hook)
        return hook

    @overload
    def after_success(self, hook: AfterSuccess) -> AfterSuccess: ...
    @overload
    def after_success(
        self, hook: Callable[[ResponseT], Optional[ResponseT]]
    ) -> Callable[[ResponseT], Optional[ResponseT]]: ...
    def after_success(self, hook: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """Register ``hook(response)``, run on each 2xx response."""
        self.after_success_hooks.append(hook)
        return hook

    @overload
    def after_error(self, hook: AfterError) -> AfterError: ...
    @overload
    def after_error(self, hook: Callable[[OutcomeT], object]) -> Callable[[OutcomeT], object]: ...
    def after_error(self, hook: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """Register ``hook(response_or_exception)``, run on each failed attempt."""
        self.after_error_hooks.append(hook)
        return hook

    def run_before_request(self, request: _T) -> _T:
        for hook in self.before_request_hooks:
            request = hook(request) or request
        return request

    def run_after_success(self, response: _T) -> _T:
        for hook in self.after_success_hooks:
            response = hook(response) or response
        return response

    def run_after_error(self, outcome: object) -> None:
        for hook in self.after_error_hooks:
            hook(outcome)


class AsyncRequest:
    """The request an async attempt is about to send, as ``before_request`` hooks see it.

    The same attributes as the sync edge's ``requests.PreparedRequest``:
    ``method``, ``url``, ``headers`` (a mutable dict) and ``body`` (bytes or None),
    and its ``copy()``, so that a hook may return a changed copy on both edges.
    """

    __slots__ = ("body", "headers", "method", "url")

    def __init__(
        self, method: str, url: str, headers: Dict[str, str], body: Optional[bytes]
    ) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body

    def copy(self) -> AsyncRequest:
        """A copy with its own headers, as ``PreparedRequest.copy()``."""
        return AsyncRequest(self.method, self.url, dict(self.headers), self.body)

    def __repr__(self) -> str:  # never the headers: they carry the key
        return f"<AsyncRequest [{self.method}]>"
