"""``limit`` means the same to the SDK and to the local server: the number of results to
return, at least 1; unset returns every match. ``0`` is refused by both (docs/reliability.md,
docs/testing.md): the contract leaves its meaning open, and a server reading it as "no
limit" would answer the opposite of what the caller asked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable, Dict, List

import pytest
import requests

from speakeasy.models import errors, operations, shared
from speakeasy.testing import EventsServer
from tests.support.factories import NO_RETRIES, T0, cli_event


def _client(sdk: Callable[..., Any], server: EventsServer) -> Any:
    return sdk(
        server_url=server.url,
        security=shared.Security(api_key="test-key"),
        workspace_id="ws-1",
        retry_config=NO_RETRIES,
    )


def _post_three(client: Any) -> None:
    events = [cli_event(id=f"evt-{n}", created_at=T0 + timedelta(seconds=n)) for n in range(3)]
    client.events.post_workspace_events(operations.PostWorkspaceEventsRequest(request_body=events))


@pytest.mark.parametrize("limit", [0, -1])
@pytest.mark.parametrize("form", ["model", "dict"])
def test_a_limit_below_1_is_refused_naming_it_before_anything_is_sent(
    sdk: Callable[..., Any], server: EventsServer, limit: int, form: str
) -> None:
    client = _client(sdk, server)
    request: Any = (
        operations.SearchWorkspaceEventsRequest(limit=limit)
        if form == "model"
        else {"limit": limit}
    )
    with pytest.raises(errors.ValidationError) as raised:
        client.events.search_workspace_events(request)
    assert raised.value.field == "request.limit"
    assert "must be >= 1" in str(raised.value)
    assert server.received == []


@pytest.mark.parametrize(("limit", "expected"), [(1, ["evt-2"]), (2, ["evt-2", "evt-1"])])
def test_a_limit_of_1_or_more_returns_at_most_that_many_newest_first(
    sdk: Callable[..., Any], server: EventsServer, limit: int, expected: List[str]
) -> None:
    client = _client(sdk, server)
    _post_three(client)
    res = client.events.search_workspace_events({"limit": limit})
    assert [e.id for e in res.cli_event_batch or []] == expected
    assert server.received[-1].query == f"limit={limit}"


def test_no_limit_returns_every_match(sdk: Callable[..., Any], server: EventsServer) -> None:
    client = _client(sdk, server)
    _post_three(client)
    res = client.events.search_workspace_events({})
    assert [e.id for e in res.cli_event_batch or []] == ["evt-2", "evt-1", "evt-0"]


@pytest.mark.no_contract_check  # limit=0 breaks openapi.yaml's minimum: 1 on purpose
@pytest.mark.parametrize("value", ["0", "-1", "01x", ""])
def test_the_local_server_refuses_what_the_sdk_refuses(server: EventsServer, value: str) -> None:
    """Another client (not the SDK) sending limit=0 gets the 400 the docs name."""
    headers: Dict[str, str] = {"x-api-key": "test-key"}
    answer = requests.get(
        f"{server.url}/v1/workspace/ws-1/events?limit={value}", headers=headers, timeout=10
    )
    assert answer.status_code == 400
    assert answer.json()["message"] == f"limit: expected a positive integer, got {value!r}"
