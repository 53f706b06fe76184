"""The models: ``shared`` (wire models), ``operations`` (requests, responses), ``errors``.

Each subpackage is imported on first use, so that a module of the machinery can
import ``speakeasy.models.errors`` without pulling in (and cycling through) the
wire models.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["errors", "operations", "shared"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
