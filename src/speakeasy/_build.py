"""From the caller's input to an ``ApiRequest``'s parts: checks, path segments, queries.

Every check runs before any byte is sent and names the offending field.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from typing import Any, Dict, List, Mapping, Optional, Tuple, Type, TypeVar
from urllib.parse import quote

from speakeasy._codegen import MISSING, model_fields
from speakeasy._config import check_workspace_id, timeout_seconds
from speakeasy._datetime import datetime_to_wire
from speakeasy._upstream import UNSET
from speakeasy.models import shared
from speakeasy.models.errors import FieldTypeError, ValidationError
from speakeasy.utils.retries import RetryConfig

_R = TypeVar("_R")
_M = TypeVar("_M")


def coerce(request: object, cls: Type[_R]) -> _R:
    """The request model itself, or one built from a dict of the same fields."""
    if isinstance(request, cls):
        return request
    if isinstance(request, Mapping):
        return _from_fields(cls, request, "request")
    raise FieldTypeError(
        "request", f"expected {cls.__name__} or a dict of its fields, got {type(request).__name__}"
    )


def event_from(value: object, index: int) -> object:
    if isinstance(value, Mapping):
        return _from_fields(shared.CliEvent, value, f"request_body[{index}]")
    return value


def _from_fields(cls: Type[_M], data: Mapping[str, Any], where: str) -> _M:
    fields = model_fields(cls)
    names = {f.name for f in fields}
    for key in data:
        if key not in names:
            raise ValidationError(f"{where}.{key}", f"is not a field of {cls.__name__}")
    missing = [
        f.name
        for f in fields
        if f.name not in data and f.default is MISSING and f.default_factory is MISSING
    ]
    if missing:
        raise ValidationError(f"{where}.{missing[0]}", "is required")
    return cls(**data)


def segment(value: object, field: str) -> str:
    """A path parameter, percent-encoded as one segment (a ``/`` stays inside it)."""
    return quote(check_workspace_id(value, field), safe="")


def query(request: object, path: Tuple[str, ...] = ("workspace_id",)) -> List[Tuple[str, str]]:
    """The query of a read: its set fields in model order, but the ``path`` parameters.

    How a value is written follows the field's declared type (``bool``, ``datetime``,
    ``int``, else an enum's value or the text), and a ``minimum`` in the field's metadata
    is checked: a new read operation needs no change here.
    """
    params = []
    for f in model_fields(type(request)):
        name = f.name
        if name in path:
            continue
        value = getattr(request, name)
        if value is not None:
            where = f"request.{name}"
            text = _query_value(value, where, _kind(f.type))
            minimum = f.metadata.get("minimum")
            if minimum is not None and value < minimum:
                raise ValidationError(where, f"must be >= {minimum} (unset: every match)")
            params.append((name, text))
    return params


def _kind(annotation: object) -> Optional[str]:
    """``bool``, ``datetime`` or ``int`` when the declared type is (an Optional of) one."""
    text = str(annotation)
    for kind in ("bool", "datetime", "int"):
        if text in (kind, f"Optional[{kind}]"):
            return kind
    return None


def _query_value(value: object, field: str, kind: Optional[str]) -> str:
    """``true``/``false``, RFC 3339 (UTC as ``Z``), an enum's value, or the text."""
    if kind == "bool":
        if isinstance(value, bool):
            return "true" if value else "false"
        raise FieldTypeError(field, f"expected bool, got {type(value).__name__}")
    if kind == "datetime":
        if isinstance(value, datetime):
            return datetime_to_wire(value)
        raise FieldTypeError(field, f"expected datetime, got {type(value).__name__}")
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise FieldTypeError(field, f"expected int, got {type(value).__name__}")
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, str):
        return value
    raise FieldTypeError(field, f"expected str, got {type(value).__name__}")


def retries_of(retries: object) -> Optional[RetryConfig]:
    if retries is UNSET:  # 7.x's default: the client's policy, as None
        return None
    if retries is not None and not isinstance(retries, RetryConfig):
        raise FieldTypeError("retries", f"expected RetryConfig, got {type(retries).__name__}")
    return retries


def timeout_of(timeout_ms: object) -> Optional[float]:
    return timeout_seconds(timeout_ms, "timeout_ms") if timeout_ms is not None else None


#: Headers a caller's ``http_headers`` may not set: the credentials (the SDK's own and a
#: proxy's or a cookie), what frames or encodes the request and its answer (the SDK
#: decodes bodies itself, within bounds), and the hop-by-hop ones that change how the
#: connection behaves (``Expect: 100-continue`` waits, ``Upgrade`` switches protocols).
RESERVED_HEADERS = frozenset(
    {
        "x-api-key",
        "authorization",
        "x-workspace-identifier",
        "proxy-authorization",
        "cookie",
        "content-type",
        "content-length",
        "transfer-encoding",
        "host",
        "connection",
        "accept-encoding",
        "expect",
        "upgrade",
        "te",
        "trailer",
        "keep-alive",
        "proxy-connection",
    }
)
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_VALUE = re.compile(r"[\t\x20-\x7e]*\Z")


def extra_headers(headers: object) -> Dict[str, str]:
    """A call's ``http_headers``, checked: names are tokens, values have no CR/LF/NUL,
    and none replaces a credential or framing header (``RESERVED_HEADERS``)."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise FieldTypeError(
            "http_headers", f"expected a mapping of str to str, got {type(headers).__name__}"
        )
    checked: Dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _TOKEN.match(name):
            raise ValidationError("http_headers", f"{name!r} is not a valid header name")
        field = f"http_headers[{name!r}]"
        if name.lower() in RESERVED_HEADERS:
            raise ValidationError(
                field, "is set by the SDK (credentials come from security=) and cannot be replaced"
            )
        if not isinstance(value, str):
            raise FieldTypeError(field, f"expected str, got {type(value).__name__}")
        if not _VALUE.match(value) or value != value.strip():
            raise ValidationError(
                field,
                "must be one line of visible ASCII: no CR, LF, NUL or control characters, "
                "no outer spaces",
            )
        checked[name] = value
    return checked
