"""The one place for test builders, shared by every test folder: events and retry policies."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from speakeasy.models import shared
from speakeasy.utils import BackoffStrategy, RetryConfig

T0 = datetime(2024, 11, 21, 6, 58, 42, 120000, tzinfo=timezone.utc)

#: Millisecond backoff, connection errors retried: retry tests take no time.
FAST_RETRIES = RetryConfig("backoff", BackoffStrategy(1, 5, 1.5, 2000), True)
NO_RETRIES = RetryConfig("none")


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
