"""Upstream's module path
``speakeasy_client_sdk_python.models.operations.getworkspaceeventsbytarget``:
this SDK's own classes (the very objects of ``speakeasy``'s module).
"""

from speakeasy.models.operations import (
    GetWorkspaceEventsByTargetRequest,
    GetWorkspaceEventsByTargetRequestTypedDict,
    GetWorkspaceEventsByTargetResponse,
)

__all__ = [
    "GetWorkspaceEventsByTargetRequest",
    "GetWorkspaceEventsByTargetRequestTypedDict",
    "GetWorkspaceEventsByTargetResponse",
]
