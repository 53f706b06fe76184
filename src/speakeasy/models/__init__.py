"""The models: ``shared`` (wire models), ``operations`` (requests, responses), ``errors``.

Each subpackage is imported on first use, so that a module of the machinery can
import ``speakeasy.models.errors`` without pulling in (and cycling through) the
wire models.
"""

from typing import TYPE_CHECKING

from speakeasy._lazy import lazy_attributes as _lazy_attributes

if TYPE_CHECKING:
    from speakeasy.models import errors, operations, shared

__all__ = ["errors", "operations", "shared"]

# Hidden from type checkers (they see the imports above): a misspelt name is an error.
if not TYPE_CHECKING:
    __getattr__ = _lazy_attributes(__name__, {name: name for name in __all__})
