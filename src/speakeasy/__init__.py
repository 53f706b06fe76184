"""Python client for the Speakeasy Events API.

import speakeasy
from speakeasy.models import operations, shared

s = speakeasy.Speakeasy(security=shared.Security(api_key="..."), workspace_id="...")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from speakeasy import models, utils
from speakeasy._client import Speakeasy
from speakeasy._hooks import Hooks
from speakeasy._version import __version__

if TYPE_CHECKING:
    from speakeasy._batching.batcher import BatcherStats, EventBatcher
    from speakeasy._batching.notices import EventsNotDeliveredWarning

__all__ = [
    "BatcherStats",
    "EventBatcher",
    "EventsNotDeliveredWarning",
    "Hooks",
    "Speakeasy",
    "__version__",
    "models",
    "utils",
]


def __getattr__(name: str) -> Any:
    # The batcher (threads, spool) is imported only by those who use it.
    if name in ("EventBatcher", "BatcherStats"):
        from speakeasy._batching import batcher

        return getattr(batcher, name)
    if name == "EventsNotDeliveredWarning":
        from speakeasy._batching import notices

        return notices.EventsNotDeliveredWarning
    raise AttributeError(f"module 'speakeasy' has no attribute {name!r}")
