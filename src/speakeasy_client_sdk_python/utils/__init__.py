"""6.x/7.x's ``speakeasy_client_sdk_python.utils``: this SDK's ``speakeasy.utils`` (retries).

The names are ``speakeasy.utils``'s own objects (``is`` the same),
imported on first use.
Upstream's other helpers (``marshal_json``, ``template_url``...) are its generated
machinery, not part of this SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from speakeasy_client_sdk_python._forward import forward as _forward

if TYPE_CHECKING:
    from speakeasy.utils import (
        BackoffStrategy,
        RetryConfig,
    )

__all__ = [
    "BackoffStrategy",
    "RetryConfig",
]

__getattr__ = _forward(__name__, "speakeasy.utils", __all__)


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
