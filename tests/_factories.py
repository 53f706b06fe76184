"""The one place for test builders, shared by every test folder: events, their wire form,
retry policies, and a fresh interpreter to run code in."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from typing import Any, Dict

from speakeasy.models import shared
from speakeasy.utils import BackoffStrategy, RetryConfig

T0 = datetime(2024, 11, 21, 6, 58, 42, 120000, tzinfo=timezone.utc)

#: Millisecond backoff, connection errors retried: retry tests take no time.
FAST_RETRIES = RetryConfig("backoff", BackoffStrategy(1, 5, 1.5, 2000), True)
NO_RETRIES = RetryConfig("none")

#: An event as the API writes it: the nine required fields, one of them with an offset.
WIRE_EVENT: Dict[str, Any] = {
    "created_at": "2024-11-21T06:58:42.120Z",
    "execution_id": "exec-1",
    "id": "evt-1",
    "interaction_type": "CLI_EXEC",
    "local_started_at": "2024-05-07T12:35:47.182+02:00",
    "speakeasy_api_key_name": "key-name",
    "speakeasy_version": "1.0.0",
    "success": True,
    "workspace_id": "ws-1",
}


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


def run_in_fresh_interpreter(code: str) -> None:
    """Run ``code`` with ``python -c``, where nothing is imported yet; fail with its stderr."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
