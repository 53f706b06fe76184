"""Request and response of ``getWorkspaceTargets`` (5.x's, on the workspace path)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional, TypedDict

from speakeasy._codegen import Model
from speakeasy.models.operations._response import GetWorkspaceTargetsResponse

__all__ = [
    "GetWorkspaceTargetsRequest",
    "GetWorkspaceTargetsRequestTypedDict",
    "GetWorkspaceTargetsResponse",
]


class GetWorkspaceTargetsRequest(Model):
    """Optionally, since when the targets must have had events."""

    after_last_event_created_at: Optional[datetime] = None
    r"""Filter to only return targets with events created after this timestamp"""
    workspace_id: Optional[str] = None
    r"""Unique identifier of the workspace; when unset, the client's global ``workspace_id``."""


class GetWorkspaceTargetsRequestTypedDict(TypedDict, total=False):
    """``GetWorkspaceTargetsRequest`` as a ``dict``: every key optional."""

    after_last_event_created_at: Optional[datetime]
    workspace_id: Optional[str]
