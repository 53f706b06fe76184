"""Every operation's response: the HTTP status, content type and raw response, then its payload.

They differ only by their payload, so they are defined together here (each
operation's module re-exports its own, as the generated SDKs lay them out).
"""

from __future__ import annotations

from typing import List, Optional

from speakeasy._codegen import Model, field
from speakeasy._rawresponse import HttpResponse
from speakeasy.models import shared  # shared.TargetSDK is built on first use, not at import


class Response(Model):
    """The fields every operation's response starts with, as in the generated SDKs."""

    content_type: str
    r"""HTTP response content type for this operation (``""`` when the response has none)."""
    status_code: int
    r"""HTTP response status code for this operation."""
    raw_response: HttpResponse = field(repr=False)
    r"""Raw HTTP response; suitable for custom response parsing. Its body is already read.

    A ``requests.Response`` for sync calls (as in 5.x), a ``DetachedResponse`` for
    async calls: both have ``status_code``, ``headers``, ``content``, ``text``,
    ``json()`` and ``url``."""


class EventBatchResponse(Response):
    """A response whose body is a list of events (search, events by target)."""

    cli_event_batch: Optional[List[shared.CliEvent]] = None
    r"""The events answered, as typed models."""


class PostWorkspaceEventsResponse(Response):
    """What the API answered (a 2xx; other statuses raise)."""


class SearchWorkspaceEventsResponse(EventBatchResponse):
    """What the API answered: a 200 with the events found in ``cli_event_batch``."""


class GetWorkspaceEventsByTargetResponse(EventBatchResponse):
    """What the API answered: a 200 with the target's events in ``cli_event_batch``."""


class TargetListResponse(Response):
    """A response whose body is a list of targets (both targets reads)."""

    target_sdk_list: Optional[List[shared.TargetSDK]] = None
    r"""One summary per target: its latest event and latest publish."""


class GetWorkspaceTargetsResponse(TargetListResponse):
    """What the API answered: a 200 with the workspace's targets (other statuses raise)."""


class GetTargetsResponse(TargetListResponse):
    """What the API answered to ``get_targets``: a 200 with the targets (other statuses raise)."""
