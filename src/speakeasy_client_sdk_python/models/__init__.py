"""6.x/7.x's ``speakeasy_client_sdk_python.models``: ``shared``, ``operations``, ``errors``.

Each is imported on first use and holds this SDK's own classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from speakeasy_client_sdk_python._forward import forward as _forward

if TYPE_CHECKING:
    from speakeasy_client_sdk_python.models import errors as errors
    from speakeasy_client_sdk_python.models import operations as operations
    from speakeasy_client_sdk_python.models import shared as shared

__all__ = ["errors", "operations", "shared"]

__getattr__ = _forward(__name__, {name: f"{__name__}.{name}" for name in __all__}, __all__)


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
