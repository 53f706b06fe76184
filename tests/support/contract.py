"""Check recorded requests, and the server's answers to them, against openapi.yaml.

This is the second, independent opinion on what crosses the wire: the local events server
validates requests with its own hand-written checks and builds its answers by hand; this
module validates the same recorded requests (POST and GET: path, query, security, body)
and the answers of the server's normal handling (status, content type, body) against the
OpenAPI document with openapi-core.
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

from speakeasy.testing import ReceivedRequest, SentResponse

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"

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
        if not req.body_read and self.method == "post":
            # Refused on its head, the body was never read: check the rest of the request.
            self.body = b"[]"
        self.content_type = req.headers.get("content-type", "").lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(req.query, keep_blank_values=True)),
            header=Headers(list(req.headers.items())),
            cookie=ImmutableMultiDict(),
        )


class _OpenAPIResponse:
    """openapi-core's ``Response`` protocol over a recorded answer."""

    def __init__(self, response: SentResponse) -> None:
        self.status_code = response.status
        self.data: Optional[bytes] = response.body
        self.content_type = response.headers.get("content-type", "").lower()
        self.headers = Headers(list(response.headers.items()))


_CREDENTIAL_HEADERS = ("x-api-key", "authorization", "x-workspace-identifier")


@lru_cache(maxsize=1)
def _boolean_query_parameters() -> frozenset[str]:
    """Names of the spec's boolean query parameters."""
    names = set()
    for item in _spec_dict()["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter["schema"].get("type") == "boolean":
                    names.add(parameter["name"])
    return frozenset(names)


def _loose_boolean(req: ReceivedRequest) -> Optional[str]:
    """A boolean query value other than ``true``/``false`` (openapi-core takes "yes", "1")."""
    for name, value in parse_qsl(req.query, keep_blank_values=True):
        if name in _boolean_query_parameters() and value not in ("true", "false"):
            return f"query.{name}: {value!r} is not true or false"
    return None


def _empty_credential(req: ReceivedRequest) -> Optional[str]:
    """The credential header sent empty (openapi-core only checks that one is present)."""
    for name in _CREDENTIAL_HEADERS:
        value = req.headers.get(name)
        if value is None:
            continue
        if name == "authorization":
            scheme, _, token = value.strip().partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return "the Authorization header is not 'Bearer <token>'"
        elif not value.strip():
            return f"the {name} header is missing or empty"
    return None


def _describe(exc: BaseException, where: str = "request_body") -> str:
    """The error chain, one line per schema error, without dumping the (large) body."""
    lines: list[str] = []
    current: Optional[BaseException] = exc
    while current is not None:
        schema_errors = getattr(current, "schema_errors", None)
        if schema_errors:
            for error in schema_errors:
                at = "/".join(str(p) for p in error.absolute_path)
                lines.append(f"  {where}/{at}: {error.message[:300]}")
                for sub in error.context or ():
                    sub_at = "/".join(str(p) for p in sub.absolute_path)
                    lines.append(f"    - {where}/{sub_at}: {sub.message[:300]}")
        elif getattr(current.__cause__, "schema_errors", None):
            lines.append(f"{type(current).__name__}:")
            name, location = getattr(current, "name", None), getattr(current, "location", None)
            if name and location:  # a parameter's value: say which, not "request_body"
                lines[-1] = f"{type(current).__name__}: {current}"
                where = f"{location}.{name}"
        else:
            text = str(current)
            if len(text) > 300:
                text = text[:300] + "..."
            lines.append(f"{type(current).__name__}: {text}")
        current = current.__cause__
    return "\n".join(lines)


def _signature(req: ReceivedRequest, base_url: str) -> str:
    """What openapi-core looks at: everything but header values (except content types)."""
    digest = hashlib.sha256()
    parts = [
        base_url,
        req.method,
        req.path,
        req.query,
        req.headers.get("content-type", ""),
        ",".join(sorted(k for k, v in req.headers.items() if v)),
        req.headers.get("authorization", "").partition(" ")[0],
    ]
    if req.response is not None:
        parts += [str(req.response.status), req.response.headers.get("content-type", "")]
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(req.body)
    digest.update(b"\0" if req.response is None else b"\1" + req.response.body)
    return digest.hexdigest()


def assert_conforms(req: ReceivedRequest, base_url: str) -> None:
    """Fail with an ``AssertionError`` unless ``req`` and its answer conform to openapi.yaml.

    The request: the method and path (against the operation and its path parameters), the
    query parameters, the security (one of ``x-api-key``, ``Authorization: Bearer`` or
    ``x-workspace-identifier``, none of them empty), the content type and the body (the
    JSON array of ``CliEvent``: types, formats, enums, required and no unknown fields).

    The answer, when the server's normal handling gave one (``req.response``): its status
    is one the operation declares, with the declared content type and a body of the
    declared schema (e.g. an array of ``CliEvent`` or ``TargetSDK``). ``base_url`` is
    where the request was sent (the server's url).
    """
    empty = _empty_credential(req)
    if empty is not None:
        # openapi-core only checks that a credential header is present; the API wants a value.
        raise AssertionError(
            f"{req.method} {req.path} does not conform to openapi.yaml: security: {empty}"
        )
    loose = _loose_boolean(req)
    if loose is not None:
        raise AssertionError(f"{req.method} {req.path} does not conform to openapi.yaml: {loose}")
    key = _signature(req, base_url)
    with _conforming_lock:
        if key in _conforming:  # e.g. a retry of a request already checked
            return
    openapi = _openapi_for(base_url)
    request = _OpenAPIRequest(req, base_url)
    try:
        openapi.validate_request(request)
    except OpenAPIError as exc:
        raise AssertionError(
            f"{req.method} {req.path} does not conform to openapi.yaml:\n{_describe(exc)}"
        ) from None
    if req.response is not None:
        try:
            openapi.validate_response(
                _OpenAPIRequest(req, base_url), _OpenAPIResponse(req.response)
            )
        except OpenAPIError as exc:
            raise AssertionError(
                f"the {req.response.status} answer to {req.method} {req.path} does not "
                f"conform to openapi.yaml:\n{_describe(exc, 'response_body')}"
            ) from None
    with _conforming_lock:
        _conforming.add(key)
