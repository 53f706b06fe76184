"""What every operation's response carries: the HTTP status, content type and raw response."""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Optional

import requests

from speakeasy.models.shared.clievent import CliEvent


@dataclasses.dataclass
class Response:
    """The fields every operation's response starts with, as in the generated SDKs."""

    content_type: str
    r"""HTTP response content type for this operation (``""`` when the response has none)."""
    status_code: int
    r"""HTTP response status code for this operation."""
    raw_response: requests.Response = dataclasses.field(repr=False)
    r"""Raw HTTP response; suitable for custom response parsing. Its body is already read."""


@dataclasses.dataclass
class EventBatchResponse(Response):
    """A response whose body is a list of events (search, events by target)."""

    cli_event_batch: Optional[List[CliEvent]] = None
    r"""The events answered, as typed models."""


def http_fields(response: requests.Response) -> Dict[str, Any]:
    """The keyword arguments of ``Response`` for an HTTP response."""
    return {
        "content_type": response.headers.get("content-type", ""),
        "status_code": response.status_code,
        "raw_response": response,
    }
