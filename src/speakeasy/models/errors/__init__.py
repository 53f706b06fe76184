"""Exceptions raised by the SDK (see the tree in ``_base``)."""

# ``Optional`` and ``DetachedResponse``: the transport errors' ``__module__`` is this package
# (their public home), so ``typing.get_type_hints`` reads their annotations here.
from typing import TYPE_CHECKING, Optional  # noqa: F401

from speakeasy._rawresponse import DetachedResponse, HttpResponse
from speakeasy.models.errors._base import (
    BatcherClosedError,
    ClientClosedError,
    Error,
    FieldTypeError,
    SDKError,
    SpeakeasyError,
    ValidationError,
)
from speakeasy.models.errors._transport import (
    BrokenResponseError,
    ConnectError,
    DeadlineError,
    TransportError,
)

if TYPE_CHECKING:
    from speakeasy.models.errors._errordata import ErrorData


if not TYPE_CHECKING:  # type checkers see the imports above: a misspelt name is an error

    def __getattr__(name: str) -> object:
        if name == "ErrorData":  # a model (7.x's ``e.data``): built on first use
            from speakeasy.models.errors._errordata import ErrorData

            return ErrorData
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BatcherClosedError",
    "BrokenResponseError",
    "ClientClosedError",
    "ConnectError",
    "DeadlineError",
    "DetachedResponse",
    "Error",
    "ErrorData",
    "FieldTypeError",
    "HttpResponse",
    "SDKError",
    "SpeakeasyError",
    "TransportError",
    "ValidationError",
]
