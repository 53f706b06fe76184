"""Upstream's module path
``speakeasy_client_sdk_python.models.operations.searchworkspaceevents``:
this SDK's own classes (the very objects of ``speakeasy``'s module).
"""

from speakeasy.models.operations import (
    SearchWorkspaceEventsRequest,
    SearchWorkspaceEventsRequestTypedDict,
    SearchWorkspaceEventsResponse,
)

__all__ = [
    "SearchWorkspaceEventsRequest",
    "SearchWorkspaceEventsRequestTypedDict",
    "SearchWorkspaceEventsResponse",
]
