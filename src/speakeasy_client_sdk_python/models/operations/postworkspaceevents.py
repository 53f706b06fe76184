"""Upstream's module path
``speakeasy_client_sdk_python.models.operations.postworkspaceevents``:
this SDK's own classes (the very objects of ``speakeasy``'s module).
"""

from speakeasy.models.operations import (
    PostWorkspaceEventsRequest,
    PostWorkspaceEventsRequestTypedDict,
    PostWorkspaceEventsResponse,
)

__all__ = [
    "PostWorkspaceEventsRequest",
    "PostWorkspaceEventsRequestTypedDict",
    "PostWorkspaceEventsResponse",
]
