"""Hooks run around every attempt; what they raise reaches the caller unchanged and unretried."""

from __future__ import annotations

from typing import List, Optional, Union

import pytest
import requests

from speakeasy.models import errors
from speakeasy.testing import EventsServer, Reply
from tests.support.edges import BROKEN_BODY, HOOK_REQUEST, RAW_RESPONSE, TIMEOUT
from tests.support.factories import FAST_RETRIES, NO_RETRIES
from tests.support.hostile import MakeClient, make_request

Outcome = Union[requests.Response, Exception]


class HookFailure(Exception):
    """Raised by a test hook."""


def test_before_request_can_add_a_header(server: EventsServer, make_client: MakeClient) -> None:
    """A header set in before_request arrives at the server."""
    client = make_client()

    @client.hooks.before_request
    def trace(request: requests.PreparedRequest) -> None:
        request.headers["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    client.events.post_workspace_events(make_request())
    assert server.received[0].headers["traceparent"].startswith("00-0af76519")


def test_before_request_runs_for_every_attempt(
    server: EventsServer, make_client: MakeClient
) -> None:
    """Two retries: the hook ran three times, and every attempt carried its header."""
    client = make_client()
    calls: List[int] = []

    @client.hooks.before_request
    def count(request: requests.PreparedRequest) -> None:
        calls.append(1)
        request.headers["x-attempt"] = str(len(calls))

    server.fail_next(2, status=503)
    client.events.post_workspace_events(make_request(), FAST_RETRIES)
    assert [r.headers["x-attempt"] for r in server.received] == ["1", "2", "3"]


def test_before_request_may_return_a_replacement(
    server: EventsServer, make_client: MakeClient, edge: str
) -> None:
    """A returned request (a PreparedRequest; async: an AsyncRequest) is the one sent."""
    client = make_client()

    def replace(request: requests.PreparedRequest) -> requests.PreparedRequest:
        assert isinstance(request, HOOK_REQUEST[edge])
        copy = request.copy()
        assert copy is not request and copy.headers is not request.headers
        copy.headers["x-replaced"] = "yes"
        return copy

    client.hooks.before_request(replace)
    client.events.post_workspace_events(make_request())
    assert server.received[0].headers["x-replaced"] == "yes"


def test_after_success_sees_the_response(make_client: MakeClient, edge: str) -> None:
    """after_success gets the 2xx raw response (requests.Response; async: DetachedResponse),
    the same one the call returns."""
    client = make_client()
    seen: List[requests.Response] = []
    client.hooks.after_success(seen.append)
    res = client.events.post_workspace_events(make_request())
    assert [r.status_code for r in seen] == [200]
    assert isinstance(seen[0], RAW_RESPONSE[edge])
    assert seen[0] is res.raw_response


def test_after_error_sees_each_failed_attempt(
    server: EventsServer, make_client: MakeClient, edge: str
) -> None:
    """A 503, a reset and a 429 before success: after_error saw all three, after_success one."""
    client = make_client()
    errors_seen: List[Outcome] = []
    successes: List[requests.Response] = []
    client.hooks.after_error(errors_seen.append)
    client.hooks.after_success(successes.append)
    server.replies.extend([Reply(503), Reply(200, action="reset"), Reply(429)])
    client.events.post_workspace_events(make_request(), FAST_RETRIES)
    first, second, third = errors_seen
    assert isinstance(first, RAW_RESPONSE[edge]) and first.status_code == 503
    assert isinstance(second, BROKEN_BODY[edge])
    assert isinstance(third, RAW_RESPONSE[edge]) and third.status_code == 429
    assert len(successes) == 1


def test_after_error_sees_the_final_error_response(
    server: EventsServer, make_client: MakeClient, edge: str
) -> None:
    """A 404 (not retried): after_error gets it, with its body read."""
    client = make_client()
    seen: List[Outcome] = []
    client.hooks.after_error(seen.append)
    server.replies.append(Reply(404, body="no such workspace"))
    with pytest.raises(errors.SDKError):
        client.events.post_workspace_events(make_request())
    (response,) = seen
    assert isinstance(response, RAW_RESPONSE[edge])
    assert response.text == "no such workspace"


def test_after_error_sees_a_timeout(
    server: EventsServer, make_client: MakeClient, edge: str
) -> None:
    """A timed-out attempt reaches after_error as the edge's timeout (the same object)."""
    client = make_client(timeout_ms=100)
    seen: List[Outcome] = []
    client.hooks.after_error(seen.append)
    server.replies.append(Reply(200, delay=0.5))
    with pytest.raises(TIMEOUT[edge]) as info:
        client.events.post_workspace_events(make_request(), NO_RETRIES)
    assert seen == [info.value]


@pytest.mark.parametrize(
    ("hook", "failure", "reply", "sent"),
    [
        pytest.param("before_request", HookFailure("tracing down"), None, 0, id="before_request"),
        # A hook's network error is the hook's failure, not the network's: not retried either.
        pytest.param(
            "before_request",
            requests.ConnectionError("from the hook"),
            None,
            0,
            id="before_request-connection-error",
        ),
        pytest.param("after_success", HookFailure("metrics down"), None, 1, id="after_success"),
        pytest.param("after_error", HookFailure("alerting down"), Reply(503), 1, id="after_error"),
        pytest.param(
            "after_error",
            HookFailure("alerting down"),
            Reply(200, action="reset"),
            1,
            id="after_error-reset",
        ),
    ],
)
def test_exception_in_a_hook_surfaces_unchanged(
    server: EventsServer,
    make_client: MakeClient,
    hook: str,
    failure: Exception,
    reply: Optional[Reply],
    sent: int,
) -> None:
    """The very exception object reaches the caller and stops the retries (the hook ran once):
    a failing before_request sends nothing; after_success and after_error fail after the one
    request."""
    client = make_client()
    calls: List[object] = []

    def fail(argument: Union[requests.PreparedRequest, Outcome]) -> None:
        calls.append(argument)
        raise failure

    getattr(client.hooks, hook)(fail)
    if reply is not None:
        server.replies.append(reply)
    with pytest.raises(type(failure)) as info:
        client.events.post_workspace_events(make_request(), FAST_RETRIES)
    assert info.value is failure
    assert len(calls) == 1
    assert len(server.received) == sent


def test_hooks_repr_counts_registrations(make_client: MakeClient) -> None:
    """repr(hooks) says how many of each are registered."""
    client = make_client()
    client.hooks.before_request(lambda r: None)
    client.hooks.after_error(lambda o: None)
    assert repr(client.hooks) == "Hooks(before_request=1, after_success=0, after_error=1)"
