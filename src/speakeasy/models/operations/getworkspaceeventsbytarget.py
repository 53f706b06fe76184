"""Request and response of ``getWorkspaceEventsByTarget``."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, List, Optional

from speakeasy.models.shared.clievent import CliEvent

if TYPE_CHECKING:
    import requests


@dataclasses.dataclass
class GetWorkspaceEventsByTargetRequest:
    """The target whose events to load, and optionally since when."""

    target_id: str
    r"""Filter to only return events corresponding to a particular gen_lock_id
    (gen_lock_id uniquely identifies a target)"""
    after_created_at: Optional[datetime] = None
    r"""Filter to only return events created after this timestamp"""
    workspace_id: Optional[str] = None
    r"""Unique identifier of the workspace; when unset, the client's global ``workspace_id``."""


@dataclasses.dataclass
class GetWorkspaceEventsByTargetResponse:
    """What the API answered: a 200 with the target's events (other statuses raise)."""

    content_type: str
    r"""HTTP response content type for this operation."""
    status_code: int
    r"""HTTP response status code for this operation."""
    raw_response: requests.Response = dataclasses.field(repr=False)
    r"""Raw HTTP response; suitable for custom response parsing."""
    cli_event_batch: Optional[List[CliEvent]] = None
    r"""The target's events."""
