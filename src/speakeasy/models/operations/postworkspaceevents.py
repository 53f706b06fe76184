"""Request and response of ``postWorkspaceEvents``."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, List, Optional

from speakeasy.models.shared.clievent import CliEvent

if TYPE_CHECKING:
    import requests


@dataclasses.dataclass
class PostWorkspaceEventsRequest:
    """The events to post, and optionally the workspace to post them to."""

    request_body: List[CliEvent]
    r"""The events, sent as one JSON array."""

    workspace_id: Optional[str] = None
    r"""The workspace's unique identifier; when unset, the client's global ``workspace_id``."""


@dataclasses.dataclass
class PostWorkspaceEventsResponse:
    """What the API answered (a 2xx; other statuses raise)."""

    content_type: str
    r"""HTTP response content type for this operation."""

    status_code: int
    r"""HTTP response status code for this operation."""

    raw_response: requests.Response = dataclasses.field(repr=False)
    r"""Raw HTTP response; suitable for custom response parsing."""
