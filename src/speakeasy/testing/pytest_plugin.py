"""pytest fixtures for the local events server, installed with the package.

The wheel registers this module as a pytest plugin (``pytest11`` entry point ``speakeasy``),
so a suite gets the fixtures without a conftest:

* ``speakeasy_server``: an :class:`~speakeasy.testing.EventsServer` on a free loopback port,
  shared by the session and emptied before each test;
* ``speakeasy_client``: a ``speakeasy.Speakeasy`` pointed at it, closed after the test.

Settings: the ini options ``speakeasy_api_key``, ``speakeasy_workspace_id`` and
``speakeasy_max_kept_bytes``; the marker ``@pytest.mark.speakeasy_server(...)`` for one
test; and the fixtures ``speakeasy_server_options`` and ``speakeasy_client_options``, which a
conftest overrides. docs/testing.md is the guide.

pytest imports this module at start-up, in every suite of an environment where the package
is installed: it imports nothing but pytest there (the SDK and the server are imported
inside the fixtures), and it starts no server until a test asks for one. Disable it with
``-p no:speakeasy``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, Iterator, Optional

import pytest

if TYPE_CHECKING:
    from speakeasy import Speakeasy
    from speakeasy.testing import EventsServer

DEFAULT_API_KEY = "test-key"
DEFAULT_WORKSPACE_ID = "test-workspace"

#: What the marker may set: the server's settings that ``reset()`` leaves as they are.
MARKER_SETTINGS = ("api_key", "max_kept_bytes", "verbose")

_SIZE = re.compile(r"^(\d+)([kmg]?)(i?b)?$", re.IGNORECASE)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "speakeasy_api_key",
        "the API key speakeasy_server accepts and speakeasy_client sends "
        f"(default {DEFAULT_API_KEY!r})",
        default=DEFAULT_API_KEY,
    )
    parser.addini(
        "speakeasy_workspace_id",
        f"the workspace speakeasy_client posts to (default {DEFAULT_WORKSPACE_ID!r})",
        default=DEFAULT_WORKSPACE_ID,
    )
    parser.addini(
        "speakeasy_max_kept_bytes",
        "bound on the request and answer bodies speakeasy_server keeps: bytes, or 64M, "
        "512K, 1G, or none (default none: keep everything)",
        default="none",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "speakeasy_server(api_key=..., max_kept_bytes=..., verbose=...): settings of the "
        "speakeasy_server fixture for this test (restored afterwards)",
    )
    # Bad settings stop the run at once, naming the option (cheap: nothing is imported).
    _api_key(config)
    _workspace_id(config)
    _max_kept_bytes(config)


def _ini(config: pytest.Config, name: str) -> str:
    value = config.getini(name)
    return str(value).strip()


def _api_key(config: pytest.Config) -> str:
    key = _ini(config, "speakeasy_api_key")
    if not key or not key.isprintable() or not key.isascii():
        raise pytest.UsageError(
            "speakeasy_api_key: expected a non-empty key of printable ASCII characters"
        )
    return key


def _workspace_id(config: pytest.Config) -> str:
    workspace = _ini(config, "speakeasy_workspace_id")
    if not workspace:
        raise pytest.UsageError("speakeasy_workspace_id: expected a non-empty workspace id")
    return workspace


def _max_kept_bytes(config: pytest.Config) -> Optional[int]:
    text = _ini(config, "speakeasy_max_kept_bytes")
    if text.lower() in ("", "none"):
        return None
    match = _SIZE.match(text)
    if match is None:
        raise pytest.UsageError(
            "speakeasy_max_kept_bytes: expected a size such as 64M, 512K or 1000000, "
            f"or none; got {text!r}"
        )
    unit = match.group(2).lower()
    return int(match.group(1)) * (1024 ** ("kmg".index(unit) + 1) if unit else 1)


# -- settings (override these fixtures in a conftest) ----------------------------------------


@pytest.fixture(scope="session")
def speakeasy_api_key(pytestconfig: pytest.Config) -> str:
    """The API key speakeasy_server accepts and speakeasy_client sends (ini speakeasy_api_key)."""
    return _api_key(pytestconfig)


@pytest.fixture(scope="session")
def speakeasy_workspace_id(pytestconfig: pytest.Config) -> str:
    """The workspace speakeasy_client posts to (ini speakeasy_workspace_id)."""
    return _workspace_id(pytestconfig)


@pytest.fixture(scope="session")
def speakeasy_server_options(pytestconfig: pytest.Config, speakeasy_api_key: str) -> Dict[str, Any]:
    """Keyword arguments of the session's EventsServer; override it in a conftest to change."""
    return {"api_key": speakeasy_api_key, "max_kept_bytes": _max_kept_bytes(pytestconfig)}


@pytest.fixture
def speakeasy_client_options() -> Dict[str, Any]:
    """Extra keyword arguments of speakeasy_client's Speakeasy(...) (e.g. retry_config)."""
    return {}


# -- the server --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def speakeasy_session_server(speakeasy_server_options: Dict[str, Any]) -> Iterator[EventsServer]:
    """The session's EventsServer, started on first use; tests want speakeasy_server instead."""
    from speakeasy.testing import EventsServer

    options = {"host": "127.0.0.1", "port": 0, **speakeasy_server_options}
    with EventsServer(**options) as server:
        yield server


@pytest.fixture
def speakeasy_server(
    speakeasy_session_server: EventsServer,
    speakeasy_server_options: Dict[str, Any],
    request: pytest.FixtureRequest,
) -> Iterator[EventsServer]:
    """A local Events API server on a free loopback port, shared by the session, empty per test."""
    server = speakeasy_session_server
    defaults = {
        "api_key": speakeasy_server_options.get("api_key"),
        "max_kept_bytes": speakeasy_server_options.get("max_kept_bytes"),
        "verbose": bool(speakeasy_server_options.get("verbose", False)),
    }
    settings = dict(defaults)
    marker = request.node.get_closest_marker("speakeasy_server")
    if marker is not None:
        if marker.args:
            raise pytest.UsageError("speakeasy_server marker: give settings by name")
        unknown = sorted(set(marker.kwargs) - set(MARKER_SETTINGS))
        if unknown:
            raise pytest.UsageError(
                f"speakeasy_server marker: unknown setting(s) {', '.join(unknown)} "
                f"(known: {', '.join(MARKER_SETTINGS)})"
            )
        settings.update(marker.kwargs)
    _apply(server, settings)
    server.reset()
    try:
        yield server
    finally:
        server.reset()
        _apply(server, defaults)


def _apply(server: EventsServer, settings: Dict[str, Any]) -> None:
    server.api_key = settings["api_key"]
    server.max_kept_bytes = settings["max_kept_bytes"]
    server.verbose = bool(settings["verbose"])


# -- the client --------------------------------------------------------------------------------


def _client(
    server: EventsServer, api_key: str, workspace_id: str, options: Dict[str, Any]
) -> Speakeasy:
    import speakeasy
    from speakeasy.models import shared

    return speakeasy.Speakeasy(
        **{
            "server_url": server.url,
            "security": shared.Security(api_key=server.api_key or api_key),
            "workspace_id": workspace_id,
            **options,
        }
    )


@pytest.fixture
def speakeasy_client(
    speakeasy_server: EventsServer,
    speakeasy_api_key: str,
    speakeasy_workspace_id: str,
    speakeasy_client_options: Dict[str, Any],
) -> Iterator[Speakeasy]:
    """A speakeasy.Speakeasy client for speakeasy_server (test key and workspace), closed after."""
    client = _client(
        speakeasy_server, speakeasy_api_key, speakeasy_workspace_id, speakeasy_client_options
    )
    try:
        yield client
    finally:
        client.close()


# -- the async client ------------------------------------------------------------------------


@pytest.fixture
def speakeasy_async_client(speakeasy_client: Speakeasy) -> Speakeasy:
    """speakeasy_client for async tests (await client.events.<op>_async); needs [async]."""
    # One client serves sync and async calls. A plain fixture, so that it serves
    # pytest-asyncio, anyio and asyncio.run alike: the client opens its aiohttp session on
    # the loop of its first async call, and speakeasy_client's close() closes that
    # session's connections after the test, even once the test's loop has ended.
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        pytest.skip(
            "speakeasy_async_client needs the async extra: "
            'pip install "speakeasy-client-sdk-python[async]"'
        )
    return speakeasy_client
