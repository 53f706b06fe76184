"""A user's test file for the installed package's pytest plugin (run by scripts/check-install
in each fresh environment, with no conftest): only the fixtures, nothing from this tree."""

import sys
from datetime import datetime, timezone


def test_start_up_imported_nothing_heavy(request):
    assert request.config.pluginmanager.has_plugin("speakeasy")
    assert "requests" not in sys.modules


def test_posts_through_the_fixtures(speakeasy_server, speakeasy_client):
    from speakeasy.models import operations, shared

    now = datetime.now(timezone.utc)
    event = shared.CliEvent(
        created_at=now,
        execution_id="exec-1",
        id="evt-1",
        interaction_type=shared.InteractionType.CLI_EXEC,
        local_started_at=now,
        speakeasy_api_key_name="key-name",
        speakeasy_version="1.0.0",
        success=True,
        workspace_id="ws-1",
    )
    request = operations.PostWorkspaceEventsRequest(request_body=[event])
    assert speakeasy_client.events.post_workspace_events(request).status_code == 200
    assert [e["id"] for e in speakeasy_server.events] == ["evt-1"]


def test_each_test_starts_empty(speakeasy_server):
    assert speakeasy_server.events == [] and speakeasy_server.received == []
