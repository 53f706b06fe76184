"""6.x/7.x's ``speakeasy_client_sdk_python.models.operations``: requests and responses.

Each operation's ``...Request``, its ``...RequestTypedDict`` and its ``...Response`` are
``speakeasy.models.operations``'s own classes (``is`` the same), imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from speakeasy.models import operations as _target
from speakeasy_client_sdk_python._forward import forward_all as _forward_all

if TYPE_CHECKING:  # the names of __all__; a misspelt one is an error
    from speakeasy.models.operations import *  # noqa: F403
else:
    __getattr__, __dir__ = _forward_all(__name__, _target)

__all__: List[str] = []
__all__ += _target.__all__
