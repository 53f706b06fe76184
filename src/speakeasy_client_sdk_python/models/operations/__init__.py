"""6.x/7.x's ``speakeasy_client_sdk_python.models.operations``: ``speakeasy.models.operations``.

The names are ``speakeasy.models.operations``'s own objects (``is`` the same),
imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from speakeasy_client_sdk_python._forward import forward as _forward

if TYPE_CHECKING:
    from speakeasy.models.operations import (
        GetTargetsRequest,
        GetTargetsRequestTypedDict,
        GetTargetsResponse,
        GetWorkspaceEventsByTargetRequest,
        GetWorkspaceEventsByTargetRequestTypedDict,
        GetWorkspaceEventsByTargetResponse,
        GetWorkspaceTargetsDeprecatedRequest,
        GetWorkspaceTargetsDeprecatedRequestTypedDict,
        GetWorkspaceTargetsDeprecatedResponse,
        GetWorkspaceTargetsRequest,
        GetWorkspaceTargetsRequestTypedDict,
        GetWorkspaceTargetsResponse,
        PostWorkspaceEventsRequest,
        PostWorkspaceEventsRequestTypedDict,
        PostWorkspaceEventsResponse,
        SearchWorkspaceEventsRequest,
        SearchWorkspaceEventsRequestTypedDict,
        SearchWorkspaceEventsResponse,
    )

__all__ = [
    "GetTargetsRequest",
    "GetTargetsRequestTypedDict",
    "GetTargetsResponse",
    "GetWorkspaceEventsByTargetRequest",
    "GetWorkspaceEventsByTargetRequestTypedDict",
    "GetWorkspaceEventsByTargetResponse",
    "GetWorkspaceTargetsDeprecatedRequest",
    "GetWorkspaceTargetsDeprecatedRequestTypedDict",
    "GetWorkspaceTargetsDeprecatedResponse",
    "GetWorkspaceTargetsRequest",
    "GetWorkspaceTargetsRequestTypedDict",
    "GetWorkspaceTargetsResponse",
    "PostWorkspaceEventsRequest",
    "PostWorkspaceEventsRequestTypedDict",
    "PostWorkspaceEventsResponse",
    "SearchWorkspaceEventsRequest",
    "SearchWorkspaceEventsRequestTypedDict",
    "SearchWorkspaceEventsResponse",
]

__getattr__ = _forward(__name__, "speakeasy.models.operations", __all__)


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
