"""Hooks: user code run around every attempt, in the generated-SDK style."""

from __future__ import annotations

from typing import Callable, List, TypeVar, Union

import requests

BeforeRequest = Callable[[requests.PreparedRequest], Union[requests.PreparedRequest, None]]
AfterSuccess = Callable[[requests.Response], Union[requests.Response, None]]
AfterError = Callable[[Union[requests.Response, Exception]], None]

_F = TypeVar("_F", bound=Callable[..., object])


class Hooks:
    """Callables registered on a client, run for every attempt of every call.

    - ``before_request(request)``: gets the ``requests.PreparedRequest`` about
      to be sent; may change it in place or return a replacement.
    - ``after_success(response)``: gets a 2xx ``requests.Response``; may
      return a replacement.
    - ``after_error(response_or_exception)``: gets a non-2xx response or the
      network exception of a failed attempt (retried or not).

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
        self.before_request_hooks.append(hook)  # type: ignore[arg-type]
        return hook

    def after_success(self, hook: _F) -> _F:
        """Register ``hook(response)``, run on each 2xx response."""
        self.after_success_hooks.append(hook)  # type: ignore[arg-type]
        return hook

    def after_error(self, hook: _F) -> _F:
        """Register ``hook(response_or_exception)``, run on each failed attempt."""
        self.after_error_hooks.append(hook)  # type: ignore[arg-type]
        return hook

    def run_before_request(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        for hook in self.before_request_hooks:
            request = hook(request) or request
        return request

    def run_after_success(self, response: requests.Response) -> requests.Response:
        for hook in self.after_success_hooks:
            response = hook(response) or response
        return response

    def run_after_error(self, outcome: Union[requests.Response, Exception]) -> None:
        for hook in self.after_error_hooks:
            hook(outcome)
