"""Shared fixtures: a local Events API server, checked against openapi.yaml after each test.

* ``events_server`` (session): one :class:`speakeasy.testing.EventsServer` accepting the
  key ``"test-key"``, started once for the whole session.
* ``server`` (function): the same server, ``reset()`` before the test; after the test every
  request it received during the test is checked against openapi.yaml with openapi-core
  (``tests/support/contract.py``), unless the test is marked ``@pytest.mark.no_contract_check``.
  A folder that needs another server overrides ``events_server`` (the hostile folders do).
* ``api_key``: ``"test-key"``.
* ``edge`` (function, parametrized): ``"sync"`` then ``"async"``, the I/O edge a send-path
  test's clients call through (``tests/support/edges.py``).
* ``on_edge``: ``on_edge(Speakeasy(...))`` wraps a client so that its operations run on
  ``edge``; every wrapped client is closed after the test.
* ``sdk``: ``sdk(...)`` is ``speakeasy.Speakeasy(...)`` wrapped by ``on_edge``.

Helpers (builders, the edge harness, the contract check, hostile servers) live in
``tests/support/``; each folder is named after the doc page whose promises it tests
(``retries/``, ``errors/``, ``security/``, ``reliability/``, ``batching/``, ``testing/``,
``models/``, ``wire/``, ``client/``, ``migrating/``). Folders whose tests script hostile
servers (``retries/``, ``errors/``, ``security/``, ``reliability/``) take their fixtures
from ``tests/support/hostile.py`` in their conftest, with a server that accepts only a
distinctive key, so a leak is found by a plain substring search.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, List

import pytest
from hypothesis import settings

import speakeasy
from speakeasy.testing import EventsServer

try:
    from tests.support.contract import assert_conforms
except ImportError:  # tests/ without __init__.py: pytest puts tests/ itself on sys.path
    from contract import assert_conforms  # type: ignore[import-not-found,no-redef]

from tests.support.edges import EDGES, EdgeClient
from tests.support.local_server import serving

# No per-example deadline for property tests: on a busy machine one example can take a
# hundred times its usual time, and a slow example is not a failure (timings are measured
# in bench/, never asserted).
settings.register_profile("speakeasy", deadline=None)
settings.load_profile("speakeasy")

API_KEY = "test-key"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "no_contract_check: do not check the requests the `server` fixture received "
        "against openapi.yaml after the test (for tests that send invalid requests on purpose)",
    )


@pytest.fixture(scope="session")
def api_key() -> str:
    return API_KEY


@pytest.fixture(params=EDGES)
def edge(request: pytest.FixtureRequest) -> str:
    """The I/O edge the test's clients call through: every send-path test runs on both."""
    return str(request.param)


@pytest.fixture
def on_edge(edge: str) -> Iterator[Callable[[Any], Any]]:
    """Wrap a ``Speakeasy`` client so that ``.events.<op>`` runs on ``edge``; closed after."""
    made: List[EdgeClient] = []

    def wrap(client: Any) -> Any:
        wrapped = EdgeClient(client, edge)
        made.append(wrapped)
        return wrapped

    yield wrap
    for wrapped in made:
        wrapped.dispose()


@pytest.fixture
def sdk(on_edge: Callable[[Any], Any]) -> Callable[..., Any]:
    """``speakeasy.Speakeasy(...)`` whose operations run on the test's edge (sync, async)."""

    def make(*args: Any, **kwargs: Any) -> Any:
        return on_edge(speakeasy.Speakeasy(*args, **kwargs))

    return make


@pytest.fixture(scope="session")
def events_server() -> Iterator[EventsServer]:
    yield from serving(api_key=API_KEY)


def check_contract(server: EventsServer, request: pytest.FixtureRequest) -> None:
    """Fail the test if a request the server received does not conform to openapi.yaml."""
    received = server.received
    if request.node.get_closest_marker("no_contract_check") is not None:
        return
    failures = []
    for index, recorded in enumerate(received):
        try:
            assert_conforms(recorded, server.url)
        except AssertionError as exc:
            failures.append(f"request #{index} ({recorded.method} {recorded.path}): {exc}")
    if failures:
        pytest.fail(
            f"{len(failures)} of {len(received)} request(s) the server received do not "
            "conform to openapi.yaml (mark the test @pytest.mark.no_contract_check if that "
            "is intended):\n" + "\n".join(failures),
            pytrace=False,
        )


@pytest.fixture
def server(events_server: EventsServer, request: pytest.FixtureRequest) -> Iterator[EventsServer]:
    events_server.reset()
    yield events_server
    check_contract(events_server, request)
    events_server.reset()
