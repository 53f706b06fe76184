"""Request and response of ``getWorkspaceTargets``."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, List, Optional

from speakeasy.models.operations._response import Response

if TYPE_CHECKING:  # built on first use (see models.shared), not at import
    from speakeasy.models.shared.targetsdk import TargetSDK


@dataclasses.dataclass
class GetWorkspaceTargetsRequest:
    """Optionally, since when the targets must have had events."""

    after_last_event_created_at: Optional[datetime] = None
    r"""Filter to only return targets with events created after this timestamp"""
    workspace_id: Optional[str] = None
    r"""Unique identifier of the workspace; when unset, the client's global ``workspace_id``."""


@dataclasses.dataclass
class GetWorkspaceTargetsResponse(Response):
    """What the API answered: a 200 with the workspace's targets (other statuses raise)."""

    target_sdk_list: Optional[List[TargetSDK]] = None
    r"""One summary per target: its latest event and latest publish."""
