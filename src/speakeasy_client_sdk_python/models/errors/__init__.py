"""6.x/7.x's ``speakeasy_client_sdk_python.models.errors``: this SDK's ``speakeasy.models.errors``.

The names are ``speakeasy.models.errors``'s own objects (``is`` the same),
imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from speakeasy.models import errors as _target
from speakeasy_client_sdk_python._forward import forward as _forward

if TYPE_CHECKING:
    from speakeasy.models.errors import *  # noqa: F403 (the names of __all__)

__all__: List[str] = []
__all__ += _target.__all__

__getattr__ = _forward(__name__, _target.__name__, __all__)


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
