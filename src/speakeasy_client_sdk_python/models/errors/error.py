"""Upstream's module path
``speakeasy_client_sdk_python.models.errors.error``:
this SDK's own classes (the very objects of ``speakeasy``'s module).
"""

from speakeasy.models.errors import Error, ErrorData

__all__ = [
    "Error",
    "ErrorData",
]
