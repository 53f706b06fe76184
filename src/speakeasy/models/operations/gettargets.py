"""Request and response of ``get_targets``: the targets read with no workspace in the path.

``GET /v1/workspace/events/targets``, as the 7.x and TypeScript clients call it
(their ``getWorkspaceTargets``; 5.x's operation of that name is on the workspace path,
``get_workspace_targets``, and keeps its models).
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional, TypedDict

from speakeasy._codegen import Model
from speakeasy.models.operations._response import GetTargetsResponse

__all__ = ["GetTargetsRequest", "GetTargetsRequestTypedDict", "GetTargetsResponse"]


class GetTargetsRequest(Model):
    """Optionally, since when the targets must have had events (no workspace: the key's)."""

    after_last_event_created_at: Optional[datetime] = None
    r"""Filter to only return targets with events created after this timestamp"""


class GetTargetsRequestTypedDict(TypedDict, total=False):
    """``GetTargetsRequest`` as a ``dict``: every key optional."""

    after_last_event_created_at: Optional[datetime]
