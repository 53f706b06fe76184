"""Settings shared by the client and its sub-SDKs, and their checks."""

from __future__ import annotations

from typing import Optional

from speakeasy._version import __version__
from speakeasy.models.errors import FieldTypeError, ValidationError

OPENAPI_DOC_VERSION = "0.4.0"
#: The generator slot of the User-Agent. Generated SDKs put the generator's version there
#: (5.9.15: ``2.342.6``); no generator made this SDK, so it says so, as one token.
GENERATOR_SLOT = "handwritten"
#: Upstream's five space-separated slots: ``speakeasy-sdk/python``, the SDK version, the
#: generator, the OpenAPI doc version, the package; a parser reading by position finds each.
USER_AGENT = (
    f"speakeasy-sdk/python {__version__} {GENERATOR_SLOT} {OPENAPI_DOC_VERSION}"
    " speakeasy-client-sdk-python"
)

#: Per attempt, for connecting and for each wait for data (not the whole call).
DEFAULT_TIMEOUT_MS = 30_000


#: Path segments that URL normalisation (RFC 3986 5.2.4, done by urllib3 and most
#: servers) would resolve, moving the request to another path: refused, never sent.
DOT_SEGMENTS = frozenset({".", ".."})


def check_workspace_id(value: object, field: str) -> str:
    """A path parameter (a workspace or target id): a non-empty string, not a dot segment."""
    if not isinstance(value, str):
        raise FieldTypeError(field, f"expected str, got {type(value).__name__}")
    if not value:
        raise ValidationError(field, "must not be empty")
    if value in DOT_SEGMENTS:
        raise ValidationError(
            field, f"must not be {value!r}: a dot segment would change the request's path"
        )
    return value


def timeout_seconds(timeout_ms: object, field: str) -> Optional[float]:
    """``timeout_ms`` as seconds for requests, after checking it."""
    if timeout_ms is None:
        return None
    if isinstance(timeout_ms, bool) or not isinstance(timeout_ms, (int, float)):
        raise FieldTypeError(
            field, f"expected milliseconds as int, got {type(timeout_ms).__name__}"
        )
    if not 0 < timeout_ms < float("inf"):
        raise ValidationError(field, "must be a positive number of milliseconds")
    return timeout_ms / 1000
