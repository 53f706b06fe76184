"""Fixtures of the batcher tests: a client on the local server, and batchers closed after use."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, List

import pytest

import speakeasy
from speakeasy import EventBatcher
from speakeasy._batching import spool as spool_module
from speakeasy.models import shared
from speakeasy.testing import EventsServer
from tests.support.batcher import MakeBatcher, build_batcher
from tests.support.factories import FAST_RETRIES


@pytest.fixture
def client(server: EventsServer, api_key: str) -> speakeasy.Speakeasy:
    return speakeasy.Speakeasy(
        security=shared.Security(api_key=api_key), workspace_id="ws-1", server_url=server.url
    )


@pytest.fixture
def spool(tmp_path: Path) -> Path:
    """Where a test's batchers keep their spool (not created: the batcher makes it)."""
    return tmp_path / "spool"


@pytest.fixture
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spool segments of 1 KiB instead of 4 MiB: four events fill one."""
    monkeypatch.setattr(spool_module, "SEGMENT_BYTES", 1024)


@pytest.fixture
def make_batcher(client: speakeasy.Speakeasy) -> Iterator[MakeBatcher]:
    """Build batchers (fast retries unless given); every one is closed after the test."""
    made: List[EventBatcher] = []

    def make(**options: Any) -> EventBatcher:
        options.setdefault("retries", FAST_RETRIES)
        batcher = build_batcher(client, **options)
        made.append(batcher)
        return batcher

    yield make
    for batcher in made:
        batcher.close(timeout=2)
