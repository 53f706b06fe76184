"""The ``user-agent`` keeps the generated SDKs' five space-separated slots, on the wire."""

from __future__ import annotations

from typing import Any, List

import speakeasy
from speakeasy.models import operations, shared
from tests.support.factories import event

#: What a parser that splits the header by spaces reads in each position.
SLOTS = ["speakeasy-sdk/python", "<sdk version>", "<generator>", "0.4.0", "<package>"]


def _slots(user_agent: str) -> List[str]:
    return user_agent.split(" ")


def test_every_request_sends_five_slots_doc_version_fourth_package_fifth(sdk, server: Any) -> None:
    """Post and a read send the same header; position 4 is the doc version, 5 the package."""
    client = sdk(
        server_url=server.url, security=shared.Security(api_key="test-key"), workspace_id="ws-1"
    )
    with client:
        client.events.post_workspace_events(
            operations.PostWorkspaceEventsRequest(request_body=[event()])
        )
        client.events.search_workspace_events(operations.SearchWorkspaceEventsRequest())
    agents = {request.headers["user-agent"] for request in server.received}
    assert len(server.received) == 2 and len(agents) == 1
    slots = _slots(agents.pop())
    assert len(slots) == len(SLOTS), slots
    assert slots[0] == "speakeasy-sdk/python"
    assert slots[1] == speakeasy.__version__
    assert slots[2] == "handwritten"  # no generator made this SDK (docs/wire-format.md)
    assert slots[3] == "0.4.0"
    assert slots[4] == "speakeasy-client-sdk-python"
