"""Retry configuration, as the generated SDKs spell it (intervals in milliseconds)."""

from __future__ import annotations

import math
from typing import Literal, Optional

from speakeasy._codegen import Model
from speakeasy.models.errors import ValidationError


class BackoffStrategy(Model, frozen=True):
    """Exponential backoff: ``initial_interval * exponent**n`` ms, capped and jittered."""

    initial_interval: int
    r"""First wait, in milliseconds."""
    max_interval: int
    r"""Longest single wait, in milliseconds."""
    exponent: float
    r"""Growth factor between waits."""
    max_elapsed_time: int
    r"""No retry starts, and no wait ends, later than this after the first attempt (ms)."""

    def __post_init__(self) -> None:
        for name in ("initial_interval", "max_interval", "max_elapsed_time", "exponent"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValidationError(f"BackoffStrategy.{name}", "must be a number")
            if not math.isfinite(value) or value < 0:
                raise ValidationError(f"BackoffStrategy.{name}", "must be a finite number >= 0")
        if self.exponent < 1:
            raise ValidationError("BackoffStrategy.exponent", "must be >= 1")
        if self.max_interval < self.initial_interval:
            raise ValidationError("BackoffStrategy.max_interval", "must be >= initial_interval")


class RetryConfig(Model, frozen=True):
    """Whether and how to retry: ``RetryConfig("backoff", BackoffStrategy(...), True)``.

    ``strategy`` is ``"backoff"`` or ``"none"`` (no retries at all); type checkers
    see the ``Literal``, and a value from outside typed code is checked at run time.
    """

    strategy: Literal["backoff", "none"]
    backoff: Optional[BackoffStrategy] = None
    retry_connection_errors: bool = False

    def __post_init__(self) -> None:
        if self.strategy not in ("backoff", "none"):
            raise ValidationError(
                "RetryConfig.strategy", f"must be 'backoff' or 'none', not {self.strategy!r}"
            )
        if self.strategy == "backoff" and not isinstance(self.backoff, BackoffStrategy):
            raise ValidationError("RetryConfig.backoff", "a BackoffStrategy is required")
        if not isinstance(self.retry_connection_errors, bool):
            raise ValidationError("RetryConfig.retry_connection_errors", "must be a bool")
