"""Hooks: user code run around every attempt, in the generated-SDK style."""

from __future__ import annotations

from typing import Any, Callable, List, TypeVar

# What a hook gets depends on the edge (see the class docstring), so the lists are
# typed loosely; each registration returns the hook as it was given.
BeforeRequest = Callable[[Any], Any]
AfterSuccess = Callable[[Any], Any]
AfterError = Callable[[Any], Any]

_F = TypeVar("_F", bound=Callable[..., object])
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
        self.before_request_hooks: List[BeforeRequest] = []
        self.after_success_hooks: List[AfterSuccess] = []
        self.after_error_hooks: List[AfterError] = []

    def __repr__(self) -> str:
        return (
            f"Hooks(before_request={len(self.before_request_hooks)}, "
            f"after_success={len(self.after_success_hooks)}, "
            f"after_error={len(self.after_error_hooks)})"
        )

    def before_request(self, hook: _F) -> _F:
        """Register ``hook(request)``, run before each attempt is sent."""
        self.before_request_hooks.append(hook)
        return hook

    def after_success(self, hook: _F) -> _F:
        """Register ``hook(response)``, run on each 2xx response."""
        self.after_success_hooks.append(hook)
        return hook

    def after_error(self, hook: _F) -> _F:
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
