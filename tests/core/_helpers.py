"""Settings shared by the core tests."""

from __future__ import annotations

from speakeasy.utils import BackoffStrategy, RetryConfig
from tests._factories import T0, cli_event

#: Retries in milliseconds, so that retry tests take no time.
FAST_RETRIES = RetryConfig("backoff", BackoffStrategy(1, 5, 1.5, 3000), True)
NO_RETRIES = RetryConfig("none")

event = cli_event
__all__ = ["FAST_RETRIES", "NO_RETRIES", "T0", "event"]
