"""Upstream's module path
``speakeasy_client_sdk_python.models.shared.interactiontype``:
this SDK's own classes (the very objects of ``speakeasy``'s module).
"""

from speakeasy.models.shared.interactiontype import InteractionType

__all__ = [
    "InteractionType",
]
