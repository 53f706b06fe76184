"""Upstream's module path
``speakeasy_client_sdk_python.models.errors.sdkerror``:
this SDK's own classes (the very objects of ``speakeasy``'s module).
"""

from speakeasy.models.errors import SDKError

__all__ = [
    "SDKError",
]
