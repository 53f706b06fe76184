"""The one builder of valid test events, shared by every test folder."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from speakeasy.models import shared

T0 = datetime(2024, 11, 21, 6, 58, 42, 120000, tzinfo=timezone.utc)


def cli_event(**overrides: Any) -> shared.CliEvent:
    """A valid event with the nine required fields, changed by ``overrides``."""
    fields: dict[str, Any] = {
        "created_at": T0,
        "execution_id": "exec-1",
        "id": "evt-1",
        "interaction_type": shared.InteractionType.CLI_EXEC,
        "local_started_at": T0,
        "speakeasy_api_key_name": "key-name",
        "speakeasy_version": "1.0.0",
        "success": True,
        "workspace_id": "ws-1",
    }
    fields.update(overrides)
    return shared.CliEvent(**fields)
