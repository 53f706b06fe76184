"""Upstream's module path ``speakeasy_client_sdk_python.types.basemodel`` (its sentinel)."""

from speakeasy._upstream import UNSET as UNSET
from speakeasy._upstream import UNSET_SENTINEL as UNSET_SENTINEL
from speakeasy._upstream import Nullable as Nullable
from speakeasy._upstream import OptionalNullable as OptionalNullable
from speakeasy._upstream import Unset as Unset

__all__ = ["UNSET", "UNSET_SENTINEL", "Nullable", "OptionalNullable", "Unset"]
