"""Upstream's module path
``speakeasy_client_sdk_python.models.shared.targetsdk``:
this SDK's own classes (the very objects of ``speakeasy``'s module).
"""

from speakeasy.models.shared.targetsdk import TargetSDK

__all__ = [
    "TargetSDK",
]
