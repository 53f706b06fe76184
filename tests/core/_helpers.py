"""Settings shared by the core tests."""

from __future__ import annotations

from tests._factories import FAST_RETRIES, NO_RETRIES, T0, cli_event

event = cli_event
__all__ = ["FAST_RETRIES", "NO_RETRIES", "T0", "event"]
