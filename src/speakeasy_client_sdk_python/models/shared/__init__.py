"""6.x/7.x's ``speakeasy_client_sdk_python.models.shared``: this SDK's ``speakeasy.models.shared``.

The names are ``speakeasy.models.shared``'s own objects (``is`` the same),
imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from speakeasy_client_sdk_python._forward import forward as _forward

if TYPE_CHECKING:
    from speakeasy.models.shared import (
        CliEvent,
        CliEventTypedDict,
        GenerateBumpType,
        InteractionType,
        OpenapiDiffBumpType,
        Security,
        TargetSDK,
    )

__all__ = [
    "CliEvent",
    "CliEventTypedDict",
    "GenerateBumpType",
    "InteractionType",
    "OpenapiDiffBumpType",
    "Security",
    "TargetSDK",
]

__getattr__ = _forward(__name__, "speakeasy.models.shared", __all__)


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
