"""Redirects are never followed, so the key never reaches another origin (or a second request)."""

from __future__ import annotations

import pytest
import requests

import speakeasy
from speakeasy.models import errors, shared
from speakeasy.testing import EventsServer, Reply
from tests.support.factories import FAST_RETRIES
from tests.support.hostile import API_KEY, MakeClient, make_request

REDIRECTS = [301, 302, 303, 307, 308]
EVENTS_PATH = "/v1/workspace/ws/events"


def _redirect_next(server: EventsServer, to: EventsServer, status: int = 307) -> str:
    """Make ``server`` answer its next request with a ``status`` to ``to``; the Location."""
    location = to.url + EVENTS_PATH
    server.replies.append(Reply(status, headers={"Location": location}))
    return location


@pytest.mark.parametrize("status", REDIRECTS)
def test_redirect_to_another_origin_is_not_followed(
    server: EventsServer, other_server: EventsServer, make_client: MakeClient, status: int
) -> None:
    """A 3xx to another port: SDKError with the status; the other server receives nothing."""
    location = _redirect_next(server, other_server, status)
    with pytest.raises(errors.SDKError) as info:
        make_client().events.post_workspace_events(make_request(), FAST_RETRIES)
    assert info.value.status_code == status
    assert info.value.raw_response is not None
    assert info.value.raw_response.headers["location"] == location
    assert other_server.received == []
    assert len(server.received) == 1


@pytest.mark.parametrize("status", [307, 308])
def test_same_origin_redirect_is_not_followed_either(
    server: EventsServer, make_client: MakeClient, status: int
) -> None:
    """POST redirects are never followed, even to the same origin: one request, SDKError."""
    server.replies.append(Reply(status, headers={"Location": EVENTS_PATH}))
    with pytest.raises(errors.SDKError) as info:
        make_client().events.post_workspace_events(make_request(), FAST_RETRIES)
    assert info.value.status_code == status
    assert len(server.received) == 1
    assert server.events == []


def test_session_redirect_settings_do_not_matter(
    server: EventsServer, other_server: EventsServer
) -> None:
    """A caller's session configured to follow redirects still does not follow the SDK's.

    Sync only: max_redirects is a requests.Session setting."""
    _redirect_next(server, other_server)
    with requests.Session() as session:
        session.max_redirects = 30
        client = speakeasy.Speakeasy(
            security=shared.Security(api_key=API_KEY), server_url=server.url, client=session
        )
        with pytest.raises(errors.SDKError):
            client.events.post_workspace_events(make_request())
    assert other_server.received == []


@pytest.mark.no_contract_check  # a bare requests.post, not the SDK: no content-type
def test_plain_requests_would_leak_the_key_on_redirect(
    server: EventsServer, other_server: EventsServer
) -> None:
    """Why: plain requests follows a 307 to another origin and re-sends x-api-key."""
    _redirect_next(server, other_server)
    with requests.Session() as session:
        response = session.post(
            server.url + EVENTS_PATH, data=b"[]", headers={"x-api-key": API_KEY}
        )
        response.close()
    assert [r.api_key for r in other_server.received] == [API_KEY]
