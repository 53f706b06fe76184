"""A user's test file for the installed package's pytest plugin (run by scripts/check-install
in each fresh environment and by tests/test_packaging.py against the built wheel, with no
conftest): only the fixtures, nothing from this tree.

``new_event`` and ``post`` are also the helpers of the suites that tests/testing/
test_pytest_plugin.py writes (tests/support/factories.py takes their source from here)."""

import sys
from datetime import datetime, timezone


def new_event(event_id="evt-1", execution_id="exec-1", workspace_id="ws-1"):
    from speakeasy.models import shared

    now = datetime.now(timezone.utc)
    return shared.CliEvent(
        created_at=now,
        execution_id=execution_id,
        id=event_id,
        interaction_type=shared.InteractionType.CLI_EXEC,
        local_started_at=now,
        speakeasy_api_key_name="key-name",
        speakeasy_version="1.0.0",
        success=True,
        workspace_id=workspace_id,
    )


def post(client, event_id="evt-1"):
    from speakeasy.models import operations

    request = operations.PostWorkspaceEventsRequest(request_body=[new_event(event_id)])
    return client.events.post_workspace_events(request)


def test_start_up_imported_nothing_heavy(request):
    assert request.config.pluginmanager.has_plugin("speakeasy")
    assert "requests" not in sys.modules and "speakeasy.testing._server" not in sys.modules


def test_posts_through_the_fixtures(speakeasy_server, speakeasy_client):
    import speakeasy

    assert "/site-packages/speakeasy/" in speakeasy.__file__  # installed, not a source tree
    assert post(speakeasy_client).status_code == 200
    assert [e["id"] for e in speakeasy_server.events] == ["evt-1"]


def test_each_test_starts_empty(speakeasy_server):
    assert speakeasy_server.events == [] and speakeasy_server.received == []


def test_a_give_up_note_reads_in_the_message_before_3_11():
    """docs/errors.md "Give-up notes": on 3.9 and 3.10, which print no PEP 678 notes, the
    note is also folded into the message; on 3.11+ it is a note only (run by
    scripts/check-install on Python 3.9 and 3.13)."""
    import socket

    import pytest

    import speakeasy
    from speakeasy.models import errors, shared
    from speakeasy.utils import BackoffStrategy, RetryConfig

    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = speakeasy.Speakeasy(
        security=shared.Security(api_key="key"),
        workspace_id="ws-1",
        server_url=f"http://127.0.0.1:{port}",
        retry_config=RetryConfig("backoff", BackoffStrategy(1, 5, 1.5, 200), True),
    )
    with pytest.raises(errors.ConnectError) as info:
        post(client)
    notes = getattr(info.value, "__notes__", [])
    assert len(notes) == 1 and "gave up after" in notes[0], notes
    assert (notes[0] in str(info.value)) == (sys.version_info < (3, 11)), str(info.value)
