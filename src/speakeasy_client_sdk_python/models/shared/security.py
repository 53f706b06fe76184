"""Upstream's module path
``speakeasy_client_sdk_python.models.shared.security``:
this SDK's own classes (the very objects of ``speakeasy``'s module).
"""

from speakeasy.models.shared.security import Security

__all__ = [
    "Security",
]
