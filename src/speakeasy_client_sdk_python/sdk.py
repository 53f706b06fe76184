"""Upstream's module path ``speakeasy_client_sdk_python.sdk``: the client, ``Speakeasy``."""

from speakeasy._client import Speakeasy as Speakeasy

__all__ = ["Speakeasy"]
