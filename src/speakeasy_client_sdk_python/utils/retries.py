"""Upstream's module path
``speakeasy_client_sdk_python.utils.retries``:
this SDK's own classes (the very objects of ``speakeasy``'s module).
"""

from speakeasy.utils.retries import BackoffStrategy, RetryConfig

__all__ = [
    "BackoffStrategy",
    "RetryConfig",
]
