"""7.x's names for the targets read on the workspace path (``get_targets_deprecated``).

The operation is 5.x's ``get_workspace_targets``, so its models are 5.x's, under a
second name: ``GetWorkspaceTargetsDeprecatedRequest is GetWorkspaceTargetsRequest``.
"""

from __future__ import annotations

from speakeasy.models.operations.getworkspacetargets import (
    GetWorkspaceTargetsRequest,
    GetWorkspaceTargetsRequestTypedDict,
    GetWorkspaceTargetsResponse,
)

__all__ = [
    "GetWorkspaceTargetsDeprecatedRequest",
    "GetWorkspaceTargetsDeprecatedRequestTypedDict",
    "GetWorkspaceTargetsDeprecatedResponse",
]

GetWorkspaceTargetsDeprecatedRequest = GetWorkspaceTargetsRequest
GetWorkspaceTargetsDeprecatedRequestTypedDict = GetWorkspaceTargetsRequestTypedDict
GetWorkspaceTargetsDeprecatedResponse = GetWorkspaceTargetsResponse
