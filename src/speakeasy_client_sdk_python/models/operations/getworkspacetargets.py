"""Upstream's module path
``speakeasy_client_sdk_python.models.operations.getworkspacetargets``:
this SDK's own classes (the very objects of ``speakeasy``'s module).
"""

from speakeasy.models.operations import (
    GetWorkspaceTargetsRequest,
    GetWorkspaceTargetsRequestTypedDict,
    GetWorkspaceTargetsResponse,
)

__all__ = [
    "GetWorkspaceTargetsRequest",
    "GetWorkspaceTargetsRequestTypedDict",
    "GetWorkspaceTargetsResponse",
]
