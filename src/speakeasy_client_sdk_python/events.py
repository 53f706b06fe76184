"""Upstream's module path ``speakeasy_client_sdk_python.events``: the ``Events`` sub-SDK."""

from speakeasy._events import Events as Events

__all__ = ["Events"]
