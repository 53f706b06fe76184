"""Request and response of ``postWorkspaceEvents``."""

from __future__ import annotations

from typing import List, Optional, TypedDict, Union

from speakeasy._codegen import Model
from speakeasy.models.operations._response import PostWorkspaceEventsResponse
from speakeasy.models.shared.clievent import CliEvent, CliEventTypedDict

__all__ = [
    "PostWorkspaceEventsRequest",
    "PostWorkspaceEventsRequestTypedDict",
    "PostWorkspaceEventsResponse",
]


class PostWorkspaceEventsRequest(Model):
    """The events to post, and optionally the workspace to post them to."""

    request_body: List[CliEvent]
    r"""The events, sent as one JSON array."""

    workspace_id: Optional[str] = None
    r"""The workspace's unique identifier; when unset, the client's global ``workspace_id``."""


class _PostWorkspaceEventsRequiredKeys(TypedDict):
    """The key a ``PostWorkspaceEventsRequestTypedDict`` must have."""

    request_body: List[Union[CliEvent, CliEventTypedDict]]


class PostWorkspaceEventsRequestTypedDict(_PostWorkspaceEventsRequiredKeys, total=False):
    """``PostWorkspaceEventsRequest`` as a ``dict``; each event a ``CliEvent`` or its dict."""

    workspace_id: Optional[str]
