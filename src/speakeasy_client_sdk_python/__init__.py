"""The Speakeasy Events SDK under the import name of upstream's 6.x and 7.x releases.

Code written for ``speakeasy-client-sdk-python`` 6.x/7.x (httpx and pydantic) imports
``speakeasy_client_sdk_python``; this package gives it the same paths over this SDK's own
objects (``speakeasy_client_sdk_python.Speakeasy is speakeasy.Speakeasy``), imported on
first use:

    from speakeasy_client_sdk_python import Speakeasy
    from speakeasy_client_sdk_python.models import errors, operations, shared

See docs/migrating-from-6x-7x.md for what differs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List

from speakeasy._version import __version__
from speakeasy_client_sdk_python._forward import forward as _forward

if TYPE_CHECKING:
    from speakeasy._client import Speakeasy as Speakeasy
    from speakeasy_client_sdk_python import models as models
    from speakeasy_client_sdk_python import types as types
    from speakeasy_client_sdk_python import utils as utils

__title__: str = "speakeasy-client-sdk-python"
VERSION: str = __version__
"""This SDK's version (upstream's ``VERSION`` is its own release's)."""

__all__ = ["VERSION", "Speakeasy", "__title__", "__version__", "models", "types", "utils"]

__getattr__ = _forward(
    __name__,
    {
        "Speakeasy": "speakeasy",
        "models": f"{__name__}.models",
        "types": f"{__name__}.types",
        "utils": f"{__name__}.utils",
    },
    ("Speakeasy", "models", "types", "utils"),
)


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
