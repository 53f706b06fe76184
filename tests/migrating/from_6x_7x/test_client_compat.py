"""The 6.x/7.x client constructor and surface, on both edges, against the local server.

``debug_logger`` receives 7.x's messages for every attempt, the key masked; ``UNSET``
means "the client's policy"; a callable ``security`` is called per attempt; httpx clients
are refused with what to pass instead, before any byte is sent; upstream's other API
groups are an ``AttributeError`` that names the Events-only scope.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any, Callable, Iterator, List

import httpx
import pytest

import speakeasy
import speakeasy_client_sdk_python as compat
from speakeasy._upstream import OTHER_GROUPS
from speakeasy.testing import EventsServer
from speakeasy_client_sdk_python.models import errors, operations, shared
from speakeasy_client_sdk_python.types import UNSET
from speakeasy_client_sdk_python.utils import BackoffStrategy, RetryConfig
from tests.support.factories import cli_event

NO_RETRIES = RetryConfig("none")
FAST = RetryConfig("backoff", BackoffStrategy(1, 5, 1.5, 5000), False)


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def debug_logger() -> Iterator[tuple[logging.Logger, ListHandler]]:
    logger = logging.getLogger(f"compat-test-{id(object())}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    handler = ListHandler()
    logger.addHandler(handler)
    yield logger, handler
    logger.removeHandler(handler)


def _client(security: Any, server_url: str, **options: Any) -> compat.Speakeasy:
    """A 7.x-style client of workspace ``ws-1`` at ``server_url``."""
    return compat.Speakeasy(
        security=security, server_url=server_url, workspace_id="ws-1", **options
    )


def _post(client: Any, **options: Any) -> Any:
    request = operations.PostWorkspaceEventsRequest(request_body=[cli_event()])
    return client.events.post_workspace_events(request, **options)


def test_the_client_is_one_class_under_both_names() -> None:
    assert compat.Speakeasy is speakeasy.Speakeasy


def test_debug_logger_gets_each_attempt_with_the_key_masked(
    server: EventsServer,
    api_key: str,
    on_edge: Callable[[Any], Any],
    debug_logger: tuple[logging.Logger, ListHandler],
) -> None:
    logger, handler = debug_logger
    server.fail_next(1, status=503, headers={"Retry-After": "0"})
    client = on_edge(
        _client(
            shared.Security(api_key=api_key), server.url, retry_config=FAST, debug_logger=logger
        )
    )
    _post(client)
    kinds = [r.msg.split(":", 1)[0] for r in handler.records]
    assert kinds == ["Request", "Response", "Request", "Response"]
    request, first, _, last = handler.records
    assert request.msg == "Request:\nMethod: %s\nURL: %s\nHeaders: %s\nBody: %s"
    method, url, headers, body = request.args  # type: ignore[misc]
    assert (method, url) == ("POST", f"{server.url}/v1/workspace/ws-1/events")
    assert headers["x-api-key"] == "***"
    assert '"id": "evt-1"' in body or '"id":"evt-1"' in body
    assert first.msg == "Response:\nStatus Code: %s\nURL: %s\nHeaders: %s\nBody: %s"
    assert first.args[0] == 503 and last.args[0] == 200  # type: ignore[index]
    for record in handler.records:
        assert api_key not in record.getMessage()


def test_debug_logger_masks_a_bearer_token_and_its_echo(
    server: EventsServer,
    on_edge: Callable[[Any], Any],
    debug_logger: tuple[logging.Logger, ListHandler],
) -> None:
    """The token is masked in the headers and wherever an answer quotes it."""
    logger, handler = debug_logger
    token = "tok-0123456789abcdef"
    server.fail_next(1, status=500, body={"message": f"bad {token}", "status_code": 500})
    client = on_edge(_client(shared.Security(bearer=token), server.url, debug_logger=logger))
    with pytest.raises(errors.Error):
        _post(client, retries=NO_RETRIES)
    text = "\n".join(r.getMessage() for r in handler.records)
    assert token not in text
    assert "'Authorization': '***'" in text and "bad ***" in text


def test_debug_logger_gets_a_network_failure_with_its_exception(
    on_edge: Callable[[Any], Any], debug_logger: tuple[logging.Logger, ListHandler]
) -> None:
    logger, handler = debug_logger
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once closed
    client = on_edge(
        _client(
            shared.Security(api_key="k-123456789"), f"http://127.0.0.1:{port}", debug_logger=logger
        )
    )
    with pytest.raises(Exception):  # noqa: B017 - each edge raises its library's error
        _post(client, retries=NO_RETRIES)
    assert [r.msg.split(":", 1)[0] for r in handler.records] == ["Request", "Request Exception"]
    assert handler.records[1].exc_info is not None


def test_a_debug_logger_without_debug_is_refused() -> None:
    with pytest.raises(errors.FieldTypeError, match=r"^debug_logger: expected a logging.Logger"):
        compat.Speakeasy(debug_logger=print)  # type: ignore[arg-type]


def test_unset_means_the_clients_policy(
    server: EventsServer, api_key: str, on_edge: Callable[[Any], Any]
) -> None:
    """7.x's defaults: ``retry_config=UNSET`` and ``retries=UNSET`` retry as if not given."""
    client = on_edge(_client(shared.Security(api_key=api_key), server.url, retry_config=UNSET))
    server.fail_next(1, status=503, headers={"Retry-After": "0"})
    assert _post(client, retries=UNSET).status_code == 200
    assert [r.status for r in server.received] == [503, 200]


def test_a_callable_security_is_called_per_attempt(
    server: EventsServer, api_key: str, on_edge: Callable[[Any], Any]
) -> None:
    """7.x's ``security=lambda: shared.Security(...)``: a rotated key is used at once."""
    keys = iter([api_key, api_key])
    calls: List[str] = []

    def security() -> shared.Security:
        key = next(keys)
        calls.append(key)
        return shared.Security(api_key=key)

    client = on_edge(_client(security, server.url))
    _post(client)
    _post(client)
    assert len(calls) == 2
    assert [r.headers["x-api-key"] for r in server.received] == [api_key, api_key]


def test_an_httpx_client_is_refused_saying_what_to_pass() -> None:
    with httpx.Client() as client, pytest.raises(errors.FieldTypeError) as caught:
        compat.Speakeasy(client=client)  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith("client: got httpx.Client, an httpx-style client")
    assert "pass a requests.Session" in message
    assert isinstance(caught.value, TypeError)


def test_an_httpx_async_client_is_refused_saying_what_to_pass() -> None:
    async def build() -> None:
        async with httpx.AsyncClient() as client:
            compat.Speakeasy(async_client=client)  # type: ignore[arg-type]

    with pytest.raises(errors.FieldTypeError) as caught:
        asyncio.run(build())
    message = str(caught.value)
    assert message.startswith("async_client: got httpx.AsyncClient, an httpx-style client")
    assert "pass an aiohttp.ClientSession" in message and "[async]" in message


def test_a_client_written_to_upstreams_interface_is_refused() -> None:
    """Upstream's README wraps httpx in a class with ``send`` and ``build_request``."""

    class CustomClient:
        def send(self, request: object) -> object:
            raise AssertionError("never called")

        def build_request(self, method: str, url: str) -> object:
            raise AssertionError("never called")

    with pytest.raises(errors.FieldTypeError, match=r"^async_client: got .*CustomClient"):
        compat.Speakeasy(async_client=CustomClient())  # type: ignore[arg-type]


@pytest.mark.parametrize("group", sorted(OTHER_GROUPS))
def test_another_api_group_names_the_events_scope(group: str) -> None:
    s = compat.Speakeasy(server_url="http://127.0.0.1:9")
    with pytest.raises(AttributeError) as caught:
        getattr(s, group)
    assert str(caught.value) == (
        f"'Speakeasy' object has no attribute {group!r}: this SDK covers the Speakeasy "
        f"Events API only (s.events); upstream's {group!r} API group is out of its scope "
        "(see docs/migrating-from-6x-7x.md)"
    )
    assert not hasattr(s, group)


def test_a_misspelt_attribute_is_a_plain_attribute_error() -> None:
    s = compat.Speakeasy(server_url="http://127.0.0.1:9")
    with pytest.raises(AttributeError, match=r"^'Speakeasy' object has no attribute 'evnts'$"):
        s.evnts  # type: ignore[attr-defined] # noqa: B018
