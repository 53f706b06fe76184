"""Request and response of ``getWorkspaceEventsByTarget``."""

from __future__ import annotations

from datetime import datetime
from typing import Optional, TypedDict

from speakeasy._codegen import Model
from speakeasy.models.operations._response import GetWorkspaceEventsByTargetResponse

__all__ = [
    "GetWorkspaceEventsByTargetRequest",
    "GetWorkspaceEventsByTargetRequestTypedDict",
    "GetWorkspaceEventsByTargetResponse",
]


class GetWorkspaceEventsByTargetRequest(Model):
    """The target whose events to load, and optionally since when."""

    target_id: str
    r"""Filter to only return events corresponding to a particular gen_lock_id
    (gen_lock_id uniquely identifies a target)"""
    after_created_at: Optional[datetime] = None
    r"""Filter to only return events created after this timestamp"""
    workspace_id: Optional[str] = None
    r"""Unique identifier of the workspace; when unset, the client's global ``workspace_id``."""


class _GetWorkspaceEventsByTargetRequiredKeys(TypedDict):
    """The key a ``GetWorkspaceEventsByTargetRequestTypedDict`` must have."""

    target_id: str


class GetWorkspaceEventsByTargetRequestTypedDict(
    _GetWorkspaceEventsByTargetRequiredKeys, total=False
):
    """``GetWorkspaceEventsByTargetRequest`` as a ``dict``: ``target_id`` is required."""

    after_created_at: Optional[datetime]
    workspace_id: Optional[str]
