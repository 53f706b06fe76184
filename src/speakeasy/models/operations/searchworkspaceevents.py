"""Request and response of ``searchWorkspaceEvents``."""

from __future__ import annotations

from typing import Optional, TypedDict, Union

from speakeasy._codegen import Model, field
from speakeasy.models.operations._response import SearchWorkspaceEventsResponse
from speakeasy.models.shared.interactiontype import InteractionType

__all__ = [
    "SearchWorkspaceEventsRequest",
    "SearchWorkspaceEventsRequestTypedDict",
    "SearchWorkspaceEventsResponse",
]


class SearchWorkspaceEventsRequest(Model):
    """Filters of a search; every one is optional, and unset ones are not sent."""

    generate_gen_lock_id: Optional[str] = None
    r"""A specific gen lock ID for the events."""
    interaction_type: Optional[Union[InteractionType, str]] = None
    r"""Specified interaction type for events."""
    lint_report_digest: Optional[str] = None
    r"""Unique identifier of the lint report digest."""
    openapi_diff_report_digest: Optional[str] = None
    r"""Unique identifier of the openapi diff report digest."""
    source_revision_digest: Optional[str] = None
    r"""Unique identifier of the source revision digest."""
    workspace_id: Optional[str] = None
    r"""Unique identifier of the workspace; when unset, the client's global ``workspace_id``."""
    execution_id: Optional[str] = None
    r"""Shared execution ID for cli events across a single action."""
    success: Optional[bool] = None
    r"""Whether the event was successful or not."""
    limit: Optional[int] = field(default=None, metadata={"minimum": 1})
    r"""Number of results to return: at least 1 (0 is refused: the API does not say what it
    means); unset, every match."""


class SearchWorkspaceEventsRequestTypedDict(TypedDict, total=False):
    """``SearchWorkspaceEventsRequest`` as a ``dict``: every key optional."""

    generate_gen_lock_id: Optional[str]
    interaction_type: Optional[Union[InteractionType, str]]
    lint_report_digest: Optional[str]
    openapi_diff_report_digest: Optional[str]
    source_revision_digest: Optional[str]
    workspace_id: Optional[str]
    execution_id: Optional[str]
    success: Optional[bool]
    limit: Optional[int]
