"""Request and response of ``postWorkspaceEvents``."""

from __future__ import annotations

import dataclasses
from typing import List, Optional

from speakeasy.models.operations._response import PostWorkspaceEventsResponse
from speakeasy.models.shared.clievent import CliEvent

__all__ = ["PostWorkspaceEventsRequest", "PostWorkspaceEventsResponse"]


@dataclasses.dataclass
class PostWorkspaceEventsRequest:
    """The events to post, and optionally the workspace to post them to."""

    request_body: List[CliEvent]
    r"""The events, sent as one JSON array."""

    workspace_id: Optional[str] = None
    r"""The workspace's unique identifier; when unset, the client's global ``workspace_id``."""
