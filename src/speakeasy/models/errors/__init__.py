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
from speakeasy.models.errors._errordata import ErrorData

__all__ = [
    "BatcherClosedError",
    "BrokenResponseError",
    "ClientClosedError",
    "Error",
    "ErrorData",
    "FieldTypeError",
    "SDKError",
    "SpeakeasyError",
    "ValidationError",
]
