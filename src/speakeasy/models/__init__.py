"""The SDK's models: ``shared``, ``operations`` and ``errors``."""

from speakeasy.models import errors, operations, shared

__all__ = ["errors", "operations", "shared"]
