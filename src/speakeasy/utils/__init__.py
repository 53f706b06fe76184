"""Public utilities: the retry configuration types."""

from speakeasy.utils.retries import BackoffStrategy, RetryConfig

__all__ = ["BackoffStrategy", "RetryConfig"]
