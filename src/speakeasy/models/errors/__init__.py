"""Exceptions raised by the SDK (see the tree in ``_base``)."""

from speakeasy.models.errors._base import (
    Error,
    FieldTypeError,
    SDKError,
    SpeakeasyError,
    ValidationError,
)

__all__ = ["Error", "FieldTypeError", "SDKError", "SpeakeasyError", "ValidationError"]
