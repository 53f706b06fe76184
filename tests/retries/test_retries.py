"""The retry loop on real sockets. Pure policy is tested in test_retry_policy.py."""

from __future__ import annotations

import socket

import pytest

import speakeasy
from speakeasy import utils
from speakeasy.models import errors, operations, shared
from speakeasy.testing import Reply
from tests.support.edges import CONNECTION_ERROR, TIMEOUT
from tests.support.factories import FAST_RETRIES, NO_RETRIES, event
from tests.support.hostile import API_KEY


def _client(sdk, url: str, **kwargs) -> speakeasy.Speakeasy:
    return sdk(
        security=shared.Security(api_key=API_KEY), workspace_id="w", server_url=url, **kwargs
    )


def _request() -> operations.PostWorkspaceEventsRequest:
    return operations.PostWorkspaceEventsRequest(request_body=[event()])


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503])
def test_transient_status_is_retried_until_success(sdk, server, status):
    """Retried statuses are retried; the call succeeds once the server recovers."""
    server.fail_next(2, status=status)
    res = _client(sdk, server.url).events.post_workspace_events(_request(), FAST_RETRIES)
    assert res.status_code == 200
    assert [r.status for r in server.received] == [status, status, 200]
    assert len(server.events) == 1


@pytest.mark.parametrize("status", [501, 504])
def test_a_post_is_not_retried_on_504_or_501_but_a_read_is_on_504(sdk, server, status):
    """retries.md: posts are not retried on 504 (the events may have been stored) nor 501;
    the idempotent reads are retried on 504."""
    client = _client(sdk, server.url)
    server.fail_next(1, status=status)
    with pytest.raises(errors.Error) as info:  # a 5xx answer, as 5.x maps it
        client.events.post_workspace_events(_request(), FAST_RETRIES)
    assert info.value.status_code == status
    assert [r.status for r in server.received] == [status]
    server.reset()
    server.fail_next(1, status=status)
    if status == 504:
        client.events.search_workspace_events(None, FAST_RETRIES)
        assert [r.status for r in server.received] == [504, 200]
    else:
        with pytest.raises(errors.Error):
            client.events.search_workspace_events(None, FAST_RETRIES)
        assert [r.status for r in server.received] == [501]


def test_retried_status_that_never_clears_is_mapped(sdk, server):
    """When retries run out the last response is mapped like any other."""
    # A budget of 1 s at 50 ms intervals: a second attempt even when a busy machine makes
    # the first take long (a 60 ms budget saw one attempt only, at load 12).
    quick = utils.RetryConfig("backoff", utils.BackoffStrategy(50, 50, 1.0, 1000), False)
    server.fail_next(1000, status=503)
    with pytest.raises(errors.Error) as info:
        _client(sdk, server.url).events.post_workspace_events(_request(), quick)
    assert info.value.status_code == 503
    assert len(server.received) >= 2
    server.replies.clear()


def test_default_policy_retries_5xx(sdk, server):
    """Without any retry setting the contract's policy applies."""
    server.fail_next(1, status=500)
    assert _client(sdk, server.url).events.post_workspace_events(_request()).status_code == 200
    assert len(server.received) == 2


def test_per_call_retries_override_the_client_config(sdk, server):
    """retries passed to the call beat the client's retry_config."""
    server.fail_next(1, status=503)
    s = _client(sdk, server.url, retry_config=FAST_RETRIES)
    with pytest.raises(errors.Error):
        s.events.post_workspace_events(_request(), retries=NO_RETRIES)
    assert len(server.received) == 1


def test_client_retry_config_overrides_the_default(sdk, server):
    """The client's retry_config replaces the default policy."""
    server.fail_next(1, status=503)
    with pytest.raises(errors.Error):
        _client(sdk, server.url, retry_config=NO_RETRIES).events.post_workspace_events(_request())
    assert len(server.received) == 1


def test_retries_may_be_passed_positionally(sdk, server):
    """post_workspace_events(req, RetryConfig(...)) as in the API docs."""
    server.fail_next(1, status=503)
    res = _client(sdk, server.url).events.post_workspace_events(
        _request(), utils.RetryConfig("backoff", utils.BackoffStrategy(1, 50, 1.1, 1000), False)
    )
    assert res.status_code == 200


def test_retries_of_the_wrong_type_are_rejected(sdk, server):
    """retries must be a RetryConfig."""
    with pytest.raises(errors.FieldTypeError, match="retries"):
        _client(sdk, server.url).events.post_workspace_events(_request(), "backoff")
    assert server.received == []


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_connection_refused_raises_requests_connection_error_after_retries(sdk, edge):
    """Refused connections are retried, then the edge's exception (requests') surfaces."""
    quick = utils.RetryConfig("backoff", utils.BackoffStrategy(50, 50, 1.0, 1000), True)
    attempts = []
    s = _client(sdk, _closed_port_url())
    s.hooks.after_error(attempts.append)
    with pytest.raises(CONNECTION_ERROR[edge]):
        s.events.post_workspace_events(_request(), quick)
    assert len(attempts) >= 2
    assert all(isinstance(a, CONNECTION_ERROR[edge]) for a in attempts)


def test_connection_errors_not_retried_when_disabled(sdk, edge):
    """retry_connection_errors=False gives one attempt."""
    attempts = []
    s = _client(sdk, _closed_port_url())
    s.hooks.after_error(attempts.append)
    no_conn = utils.RetryConfig("backoff", utils.BackoffStrategy(1, 5, 1.5, 1000), False)
    with pytest.raises(CONNECTION_ERROR[edge]):
        s.events.post_workspace_events(_request(), no_conn)
    assert len(attempts) == 1


@pytest.mark.parametrize("action", ["drop", "reset"])
def test_connection_reset_is_retried(sdk, server, action):
    """A connection closed or reset before the response is retried."""
    server.replies.append(Reply(action=action))
    res = _client(sdk, server.url).events.post_workspace_events(_request(), FAST_RETRIES)
    assert res.status_code == 200
    assert len(server.events) == 1


def test_timeout_raises_requests_timeout_when_retries_off(sdk, server, edge):
    """A server slower than timeout_ms raises the edge's timeout (requests.Timeout)."""
    server.replies.append(Reply(delay=1.0))
    with pytest.raises(TIMEOUT[edge]):
        _client(sdk, server.url, timeout_ms=100).events.post_workspace_events(
            _request(), NO_RETRIES
        )


def test_timeout_is_retried(sdk, server):
    """A timed-out attempt is retried like a connection error."""
    server.replies.append(Reply(delay=1.0))
    res = _client(sdk, server.url).events.post_workspace_events(
        _request(), FAST_RETRIES, timeout_ms=200
    )
    assert res.status_code == 200


def test_default_timeout_is_finite(sdk):
    """No request can hang forever: the default per-attempt timeout is 30 s."""
    assert _client(sdk, "http://127.0.0.1:1")._pipeline.timeout == 30.0
