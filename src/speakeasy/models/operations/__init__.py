"""Request and response models of the operations."""

from speakeasy.models.operations.getworkspaceeventsbytarget import (
    GetWorkspaceEventsByTargetRequest,
    GetWorkspaceEventsByTargetResponse,
)
from speakeasy.models.operations.postworkspaceevents import (
    PostWorkspaceEventsRequest,
    PostWorkspaceEventsResponse,
)
from speakeasy.models.operations.searchworkspaceevents import (
    SearchWorkspaceEventsRequest,
    SearchWorkspaceEventsResponse,
)

__all__ = [
    "GetWorkspaceEventsByTargetRequest",
    "GetWorkspaceEventsByTargetResponse",
    "PostWorkspaceEventsRequest",
    "PostWorkspaceEventsResponse",
    "SearchWorkspaceEventsRequest",
    "SearchWorkspaceEventsResponse",
]
