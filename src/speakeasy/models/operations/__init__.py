"""Request and response models of the operations."""

from speakeasy.models.operations.postworkspaceevents import (
    PostWorkspaceEventsRequest,
    PostWorkspaceEventsResponse,
)

__all__ = ["PostWorkspaceEventsRequest", "PostWorkspaceEventsResponse"]
