"""6.x/7.x's ``speakeasy_client_sdk_python.models.errors``: this SDK's ``speakeasy.models.errors``.

The names are ``speakeasy.models.errors``'s own objects (``is`` the same),
imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from speakeasy_client_sdk_python._forward import forward as _forward

if TYPE_CHECKING:
    from speakeasy.models.errors import (
        BatcherClosedError,
        BrokenResponseError,
        ClientClosedError,
        DetachedResponse,
        Error,
        ErrorData,
        FieldTypeError,
        HttpResponse,
        SDKError,
        SpeakeasyError,
        ValidationError,
    )

__all__ = [
    "BatcherClosedError",
    "BrokenResponseError",
    "ClientClosedError",
    "DetachedResponse",
    "Error",
    "ErrorData",
    "FieldTypeError",
    "HttpResponse",
    "SDKError",
    "SpeakeasyError",
    "ValidationError",
]

__getattr__ = _forward(__name__, "speakeasy.models.errors", __all__)


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
