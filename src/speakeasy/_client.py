"""The ``Speakeasy`` client: configuration, checked once, and the sub-SDKs."""

from __future__ import annotations

import functools
import ipaddress
import logging
import os
import re
import sys
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Tuple, Union
from urllib.parse import urlsplit

from speakeasy._config import DEFAULT_TIMEOUT_MS, check_workspace_id, timeout_seconds
from speakeasy._events import Events
from speakeasy._hooks import Hooks
from speakeasy._lazy import LazyModule
from speakeasy._pipeline import Pipeline
from speakeasy._retry import DEFAULT_RETRY_CONFIG
from speakeasy._sync import SyncClient, SyncEdge, check_session, wire_host
from speakeasy._upstream import UNSET, Unset, out_of_scope, reject_httpx_client
from speakeasy.models.errors import FieldTypeError, ValidationError
from speakeasy.models.shared import Security
from speakeasy.utils.retries import RetryConfig

if TYPE_CHECKING:
    from speakeasy import _async
    from speakeasy._async import AsyncEdge
else:  # aiohttp is imported when typing.get_type_hints reads async_client's type, not before
    _async = LazyModule("speakeasy._async")

_ASYNC_EXTRA = 'pip install "aiohttp>=3.10,<4"'

SERVERS: Dict[str, str] = {
    "prod": "https://api.prod.speakeasy.com",
    "prod-speakeasyapi-dev": "https://api.prod.speakeasyapi.dev",
}
"""The API's servers by name; ``prod`` (the newest official clients' host) is the default.

``prod-speakeasyapi-dev`` is the host 5.x defaulted to, kept reachable by name."""

SecuritySource = Union[Security, Callable[[], Union[Security, str]], None]

# Header-safe: visible ASCII, inner spaces allowed. Checked here so that
# requests never echoes a malformed key into an exception message.
_API_KEY = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?\Z")


class Speakeasy:
    """Speakeasy API client.

    ``security`` is a ``shared.Security`` or a callable returning one (called
    before every attempt, so keys can rotate). ``workspace_id`` fills the
    ``workspaceID`` path parameter of calls that leave it unset. Left unset,
    they are read from the environment: ``SPEAKEASY_API_KEY`` and
    ``SPEAKEASY_WORKSPACE_ID`` (explicit arguments win). ``debug_logger`` (a
    ``logging.Logger``) receives 7.x's debug messages for every attempt, keys redacted.
    """

    events: Events
    r"""REST APIs for capturing event data."""

    def __init__(
        self,
        security: SecuritySource = None,
        workspace_id: Optional[str] = None,
        server: Optional[str] = None,
        server_url: Optional[str] = None,
        url_params: Optional[Dict[str, str]] = None,
        client: Optional[SyncClient] = None,
        retry_config: Union[RetryConfig, Unset, None] = None,
        timeout_ms: Optional[int] = None,
        *,
        async_client: Optional[_async.AsyncClient] = None,
        allow_insecure_http: bool = False,
        debug_logger: Optional[logging.Logger] = None,
    ) -> None:
        if security is None and os.environ.get("SPEAKEASY_API_KEY"):
            security = _env_security()
        if workspace_id is None and os.environ.get("SPEAKEASY_WORKSPACE_ID"):
            workspace_id = os.environ["SPEAKEASY_WORKSPACE_ID"]
        if workspace_id is not None:
            check_workspace_id(workspace_id, "workspace_id")
        if client is not None:
            reject_httpx_client(client, "client")
            check_session(client)
        if async_client is not None:
            reject_httpx_client(async_client, "async_client")
            _load_async().check_session(async_client)
        if retry_config is UNSET:  # 7.x's default: the client's own policy
            retry_config = None
        if retry_config is not None and not isinstance(retry_config, RetryConfig):
            raise FieldTypeError(
                "retry_config", f"expected RetryConfig, got {type(retry_config).__name__}"
            )
        self._server_url = _server_url(server, server_url, url_params, allow_insecure_http)
        self._workspace_id = workspace_id
        self.hooks = Hooks()
        r"""Register ``before_request`` / ``after_success`` / ``after_error`` callables here."""
        if debug_logger is not None:
            from speakeasy import _debuglog

            _debuglog.attach(self.hooks, debug_logger)
        self._pipeline = Pipeline(
            auth_headers=_auth_headers(security),
            retry_config=retry_config or DEFAULT_RETRY_CONFIG,
            timeout=timeout_seconds(timeout_ms, "timeout_ms") or DEFAULT_TIMEOUT_MS / 1000,
            hooks=self.hooks,
        )
        loopback = _is_loopback_url(self._server_url)
        self._sync = SyncEdge.create(self._pipeline, client)
        self._async: Optional[AsyncEdge] = None
        self._async_client = async_client
        self.events = Events(
            self._sync,
            self._async_edge,
            self._server_url,
            loopback,
            workspace_id,
            functools.partial(_call_server, allow_insecure_http=allow_insecure_http),
        )

    @property
    def server_url(self) -> str:
        """The base URL every request goes to."""
        return self._server_url

    @property
    def workspace_id(self) -> Optional[str]:
        """The global ``workspaceID`` path parameter."""
        return self._workspace_id

    def close(self) -> None:
        """Release pooled connections; later calls raise ``errors.ClientClosedError``.

        Sessions passed as ``client`` or ``async_client`` are left open (they are
        the caller's). In async code prefer ``await aclose()``.
        """
        if "speakeasy._tracking.run" in sys.modules:  # track() was used: deliver its events
            from speakeasy._tracking.run import close_client_batcher

            close_client_batcher(self.events)
        self._pipeline.closed = True
        self._sync.close()
        if self._async is not None:
            self._async.close_now()

    async def aclose(self) -> None:
        """``close()`` for async code: also closes the SDK's own aiohttp session, awaited."""
        if "speakeasy._tracking.run" in sys.modules:  # track() was used: deliver its events
            from speakeasy._tracking.run import aclose_client_batcher

            await aclose_client_batcher(self.events)
        self._pipeline.closed = True
        self._sync.close()
        if self._async is not None:
            await self._async.aclose()

    def __enter__(self) -> Speakeasy:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Speakeasy:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _async_edge(self) -> AsyncEdge:
        """The aiohttp edge, made on the first async call (aiohttp is imported only then)."""
        edge = self._async
        if edge is None:
            edge = _load_async().AsyncEdge(self._pipeline, self._async_client)
            self._async = edge
        return edge

    if not TYPE_CHECKING:  # type checkers report a missing group as a missing attribute

        def __getattr__(self, name: str) -> Any:
            """Upstream's other API groups (``s.artifacts``...): an error naming the scope."""
            raise out_of_scope(self, name)

    def __repr__(self) -> str:
        return f"Speakeasy(server_url={self._server_url!r}, workspace_id={self._workspace_id!r})"


def _call_server(server_url: object, allow_insecure_http: bool) -> Tuple[str, bool]:
    """A call's ``server_url=``: checked as the client's is; (base URL, is loopback)."""
    if not isinstance(server_url, str):
        raise FieldTypeError("server_url", f"expected str, got {type(server_url).__name__}")
    url = _server_url(None, server_url, None, allow_insecure_http)
    return url, _is_loopback_url(url)


def _load_async() -> Any:
    try:
        from speakeasy import _async
    except ImportError as exc:
        if exc.name in ("aiohttp", "yarl", "multidict"):
            raise ImportError(
                f"the async methods need aiohttp, which is not installed: {_ASYNC_EXTRA}",
                name=exc.name,
            ) from exc
        raise
    return _async


def _server_url(
    server: Optional[str],
    server_url: Optional[str],
    url_params: Optional[Dict[str, str]],
    allow_insecure_http: bool,
) -> str:
    if server is not None and server not in SERVERS:
        raise ValidationError("server", f"unknown server {server!r}; one of {sorted(SERVERS)}")
    if server_url is None:
        server_url = SERVERS[server or "prod"]
    elif not isinstance(server_url, str):
        raise FieldTypeError("server_url", f"expected str, got {type(server_url).__name__}")
    url = server_url
    for name, value in (url_params or {}).items():
        placeholder = "{" + name + "}"
        if placeholder not in url:
            # A parameter that fills nothing is a typo, not something to drop silently.
            raise ValidationError(f"url_params[{name!r}]", f"the URL has no {placeholder}")
        url = url.replace(placeholder, str(value))
    if "{" in url or "}" in url:
        raise ValidationError("server_url", "has a {placeholder} that url_params does not fill")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise ValidationError("server_url", f"is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationError("server_url", "must be an absolute http(s):// URL with a host")
    if parts.query or parts.fragment:
        raise ValidationError("server_url", "must not have a query string or fragment")
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback_url(url):
        raise ValidationError(
            "server_url",
            "plain http:// would send the API key in clear text: use https://, "
            "or pass allow_insecure_http=True (http is always allowed to loopback)",
        )
    if "@" in parts.netloc:
        raise ValidationError(
            "server_url",
            "must not carry credentials (user:password@host): they would be sent instead "
            "of the SDK's own; pass them as security=",
        )
    return url.rstrip("/")


def _is_loopback_url(url: str) -> bool:
    """Loopback as urlsplit sees it and as requests will connect to it.

    Both must agree: ``http://evil.example\\@localhost`` is "localhost" to
    urlsplit but evil.example to requests.
    """
    seen = wire_host(url)
    return seen is not None and _is_loopback(urlsplit(url).hostname or "") and _is_loopback(seen)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _auth_headers(security: Any) -> Callable[[], Dict[str, str]]:
    """A function giving the security headers of one attempt, built once when static."""
    if security is None:
        return dict
    if isinstance(security, Security):
        headers = _key_headers(security)
        return lambda: headers
    if callable(security):
        return lambda: _key_headers(security())
    raise FieldTypeError(
        "security", f"expected Security or a callable returning one, got {type(security).__name__}"
    )


def _key_headers(security: object) -> Dict[str, str]:
    """The headers of a ``Security`` (or of a bare key string): every field set is sent."""
    if isinstance(security, str):
        return {"x-api-key": _header_value(security, "security.api_key")}
    if not isinstance(security, Security):
        raise FieldTypeError(
            "security", f"expected Security (or a key as str), got {type(security).__name__}"
        )
    headers: Dict[str, str] = {}
    for field, header in _SECURITY_HEADERS:
        value = getattr(security, field, None)
        if value is None:
            continue
        value = _header_value(value, f"security.{field}")
        if field == "bearer" and value[:7].lower() != "bearer ":
            value = "Bearer " + value
        headers[header] = value
    return headers


_SECURITY_HEADERS = (
    ("api_key", "x-api-key"),
    ("bearer", "Authorization"),
    ("workspace_identifier", "x-workspace-identifier"),
)


def _header_value(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise FieldTypeError(field, f"expected str, got {type(value).__name__}")
    if not _API_KEY.match(value):
        raise ValidationError(
            field, "must be visible ASCII without leading/trailing whitespace or line breaks"
        )
    return value


def _env_security() -> Security:
    """``Security(api_key=$SPEAKEASY_API_KEY)``, checked (and never echoed)."""
    key = os.environ["SPEAKEASY_API_KEY"]
    _header_value(key, "SPEAKEASY_API_KEY")
    return Security(api_key=key)
