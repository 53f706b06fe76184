"""Check recorded requests against openapi.yaml with openapi-core.

This is the second, independent opinion on what the SDK sends: the local events server
validates requests with its own hand-written checks, and this module validates the same
recorded requests against the OpenAPI document with openapi-core.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional
from urllib.parse import parse_qsl

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.exceptions import OpenAPIError
from openapi_spec_validator.readers import read_from_filename
from werkzeug.datastructures import Headers, ImmutableMultiDict

from speakeasy.testing import ReceivedRequest

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"

_conforming: set[str] = set()
_conforming_lock = threading.Lock()


@lru_cache(maxsize=1)
def _spec_dict() -> Dict[str, Any]:
    data, _ = read_from_filename(str(SPEC_PATH))
    return dict(data)


@lru_cache(maxsize=8)
def _openapi_for(base_url: str) -> OpenAPI:
    """The spec, with ``base_url`` added to its servers (in memory only)."""
    spec = copy.deepcopy(_spec_dict())
    spec["servers"] = [*spec.get("servers", []), {"url": base_url}]
    return OpenAPI.from_dict(spec)


class _OpenAPIRequest:
    """openapi-core's ``Request`` protocol over a recorded request."""

    def __init__(self, req: ReceivedRequest, base_url: str) -> None:
        self.host_url = base_url
        self.path = req.path
        self.method = req.method.lower()
        self.body: Optional[bytes] = req.body
        self.content_type = req.headers.get("content-type", "").lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(req.query, keep_blank_values=True)),
            header=Headers(list(req.headers.items())),
            cookie=ImmutableMultiDict(),
        )


def _describe(exc: BaseException) -> str:
    """The error chain, one line per schema error, without dumping the (large) body."""
    lines: list[str] = []
    current: Optional[BaseException] = exc
    while current is not None:
        schema_errors = getattr(current, "schema_errors", None)
        if schema_errors:
            for error in schema_errors:
                where = "/".join(str(p) for p in error.absolute_path)
                lines.append(f"  request_body/{where}: {error.message[:300]}")
                for sub in error.context or ():
                    sub_where = "/".join(str(p) for p in sub.absolute_path)
                    lines.append(f"    - request_body/{sub_where}: {sub.message[:300]}")
        elif getattr(current.__cause__, "schema_errors", None):
            lines.append(f"{type(current).__name__}:")
        else:
            text = str(current)
            if len(text) > 300:
                text = text[:300] + "..."
            lines.append(f"{type(current).__name__}: {text}")
        current = current.__cause__
    return "\n".join(lines)


def _signature(req: ReceivedRequest, base_url: str) -> str:
    """What openapi-core looks at: everything but header values (except content-type)."""
    digest = hashlib.sha256()
    for part in (
        base_url,
        req.method,
        req.path,
        req.query,
        req.headers.get("content-type", ""),
        ",".join(sorted(k for k, v in req.headers.items() if v)),
    ):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(req.body)
    return digest.hexdigest()


def assert_conforms(req: ReceivedRequest, base_url: str) -> None:
    """Fail with an ``AssertionError`` unless ``req`` conforms to openapi.yaml.

    Checks the method and path (against the operation and its path parameter), the
    security scheme (the ``x-api-key`` header is present and not empty), the content type
    and the body (the JSON array of ``CliEvent``: types, formats, enums, required and no
    unknown fields). ``base_url`` is where the request was sent (the server's url).
    """
    if "x-api-key" in req.headers and not req.headers["x-api-key"].strip():
        # openapi-core only checks that an apiKey header is present; the API wants a value.
        raise AssertionError(
            f"{req.method} {req.path} does not conform to openapi.yaml: "
            "security: the x-api-key header is missing or empty"
        )
    key = _signature(req, base_url)
    with _conforming_lock:
        if key in _conforming:  # e.g. a retry of a request already checked
            return
    try:
        _openapi_for(base_url).validate_request(_OpenAPIRequest(req, base_url))
    except OpenAPIError as exc:
        raise AssertionError(
            f"{req.method} {req.path} does not conform to openapi.yaml:\n{_describe(exc)}"
        ) from None
    with _conforming_lock:
        _conforming.add(key)
