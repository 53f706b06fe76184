"""The models: ``shared`` (wire models), ``operations`` (requests, responses), ``errors``.

Each subpackage is imported on first use, so that a module of the machinery can
import ``speakeasy.models.errors`` without pulling in (and cycling through) the
wire models.
"""

from speakeasy._lazy import lazy_attributes as _lazy_attributes

__all__ = ["errors", "operations", "shared"]

__getattr__ = _lazy_attributes(__name__, {name: name for name in __all__})
