"""Python client for the Speakeasy Events API.

import speakeasy
from speakeasy.models import operations, shared

s = speakeasy.Speakeasy(security=shared.Security(api_key="..."), workspace_id="...")

The package carries a pytest plugin (speakeasy.testing.pytest_plugin). PYTEST_DONT_REWRITE:
pytest need not rewrite the SDK's asserts, and must not warn when the package was imported
before pytest started.
"""

from __future__ import annotations

from types import ModuleType as _ModuleType
from typing import TYPE_CHECKING, List

from speakeasy._lazy import lazy_attributes as _lazy_attributes
from speakeasy._version import __version__

if TYPE_CHECKING:
    from speakeasy import models, utils
    from speakeasy._batching.batcher import BatcherStats, EventBatcher
    from speakeasy._batching.notices import EventsNotDeliveredWarning
    from speakeasy._client import Speakeasy
    from speakeasy._events import Events
    from speakeasy._hooks import AsyncRequest, HookRequest, Hooks
    from speakeasy._tracking.run import Run, TrackOptions

__all__ = [
    "AsyncRequest",
    "BatcherStats",
    "EventBatcher",
    "Events",
    "EventsNotDeliveredWarning",
    "HookRequest",
    "Hooks",
    "Run",
    "Speakeasy",
    "TrackOptions",
    "__version__",
    "models",
    "utils",
]

# Everything is imported on first use: ``import speakeasy.testing`` (the local server, and
# the pytest plugin that pytest imports at start-up) must not pull in requests and the
# models; the batcher (threads, spool) is imported only by those who use it. Type
# checkers see the imports above instead, so that a misspelt name is an error there.
if not TYPE_CHECKING:
    __getattr__ = _lazy_attributes(
        __name__,
        {
            "AsyncRequest": "_hooks",
            "BatcherStats": "_batching.batcher",
            "EventBatcher": "_batching.batcher",
            "Events": "_events",
            "EventsNotDeliveredWarning": "_batching.notices",
            "HookRequest": "_hooks",
            "Hooks": "_hooks",
            "Run": "_tracking.run",
            "Speakeasy": "_client",
            "TrackOptions": "_tracking.run",
            "models": "models",
            "utils": "utils",
        },
    )


def __dir__() -> List[str]:
    """The public names only: ``__all__``, and the public subpackages already imported."""
    loaded = (n for n, v in globals().items() if n[0] != "_" and isinstance(v, _ModuleType))
    return sorted({*__all__, *loaded})
