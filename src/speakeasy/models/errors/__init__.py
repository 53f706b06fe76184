"""Exceptions raised by the SDK (see the tree in ``_base``)."""

from speakeasy.models.errors._base import (
    BatcherClosedError,
    BrokenResponseError,
    ClientClosedError,
    Error,
    FieldTypeError,
    SDKError,
    SpeakeasyError,
    ValidationError,
)

__all__ = [
    "BatcherClosedError",
    "BrokenResponseError",
    "ClientClosedError",
    "Error",
    "FieldTypeError",
    "SDKError",
    "SpeakeasyError",
    "ValidationError",
]
