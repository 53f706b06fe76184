"""Request and response models of the operations, each module imported on first use."""

from typing import TYPE_CHECKING

from speakeasy._lazy import lazy_attributes as _lazy_attributes

if TYPE_CHECKING:
    from speakeasy.models.operations.getworkspaceeventsbytarget import (
        GetWorkspaceEventsByTargetRequest,
        GetWorkspaceEventsByTargetResponse,
    )
    from speakeasy.models.operations.getworkspacetargets import (
        GetWorkspaceTargetsRequest,
        GetWorkspaceTargetsResponse,
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
    "GetWorkspaceTargetsRequest",
    "GetWorkspaceTargetsResponse",
    "PostWorkspaceEventsRequest",
    "PostWorkspaceEventsResponse",
    "SearchWorkspaceEventsRequest",
    "SearchWorkspaceEventsResponse",
]

__getattr__ = _lazy_attributes(
    __name__,
    {name: name.lower().replace("request", "").replace("response", "") for name in __all__},
)
