"""Fixtures of the local events server's own tests."""

from __future__ import annotations

from typing import Iterator

import pytest

from speakeasy.testing import EventsServer


@pytest.fixture
def srv(events_server: EventsServer) -> Iterator[EventsServer]:
    events_server.reset()
    yield events_server
    events_server.reset()


@pytest.fixture
def own_srv() -> Iterator[EventsServer]:
    """A private server, for tests that count connections (the shared one has others')."""
    with EventsServer(api_key="test-key") as server:
        yield server
