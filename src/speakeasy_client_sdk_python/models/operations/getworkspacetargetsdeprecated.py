"""Upstream's module path
``speakeasy_client_sdk_python.models.operations.getworkspacetargetsdeprecated``:
this SDK's own classes (the very objects of ``speakeasy``'s module).
"""

from speakeasy.models.operations import (
    GetWorkspaceTargetsDeprecatedRequest,
    GetWorkspaceTargetsDeprecatedRequestTypedDict,
    GetWorkspaceTargetsDeprecatedResponse,
)

__all__ = [
    "GetWorkspaceTargetsDeprecatedRequest",
    "GetWorkspaceTargetsDeprecatedRequestTypedDict",
    "GetWorkspaceTargetsDeprecatedResponse",
]
