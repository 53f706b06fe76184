"""Encode once: the bytes a batcher spools are the bytes it posts, and those are byte for byte
what ``post_workspace_events`` posts for the same events (issue 26 item 4), on both edges.

Real sockets and files: the local events server records each request body as received.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, List

import pytest

from speakeasy.models import operations, shared
from speakeasy.testing import EventsServer
from tests.support import batcher as support


def _varied() -> List[shared.CliEvent]:
    """Events that exercise the encoder: escapes, non-ASCII, offsets, optional fields, extremes."""
    east = timezone(timedelta(hours=5, minutes=30))
    return [
        support.event(0),
        support.event(1, raw_command='say "hi"\n\tthen \\ quit', duration_ms=0),
        support.event(2, raw_command="caf\u00e9 \u2028 \u65e5\u672c \U0001f600", success=False),
        support.event(3, local_started_at=datetime(2024, 5, 7, 12, 35, 47, 182000, tzinfo=east)),
        support.event(4, duration_ms=2**63 - 1, hostname="h" * 300),
        support.event(5, interaction_type="A_NEWER_TYPE", generate_gen_lock_id="lock"),
        support.event(6, duration_ms=-(2**63)),
    ]


def _direct_body(sdk: Callable[..., Any], server: EventsServer, items: List[Any]) -> bytes:
    """What the client's own post sends for ``items`` (on the test's edge)."""
    client = sdk(
        security=shared.Security(api_key="test-key"), workspace_id="ws-1", server_url=server.url
    )
    before = server.request_count
    client.events.post_workspace_events(operations.PostWorkspaceEventsRequest(request_body=items))
    [request] = server.received[before:]
    return request.body


@pytest.mark.parametrize("spooled", [True, False], ids=["spool", "memory"])
def test_a_batch_posted_is_byte_identical_to_the_direct_post(
    server: EventsServer,
    make_batcher: support.MakeBatcher,
    sdk: Callable[..., Any],
    spool: Path,
    spooled: bool,
) -> None:
    """add() and add_many() of the same events, in one batch: the same body as one direct post."""
    items = _varied()
    batcher = make_batcher(spool_dir=spool if spooled else None, flush_interval=600)
    for item in items[:3]:
        assert batcher.add(item)
    assert batcher.add_many(items[3:]) == len(items) - 3
    assert batcher.close(timeout=30)
    [posted] = server.received
    assert posted.body == _direct_body(sdk, server, items)
    assert b"\\u00e9" in posted.body  # non-ASCII goes out escaped, as the direct post sends it


def test_the_spooled_lines_are_the_posted_bytes_and_replay_posts_them_unchanged(
    server: EventsServer,
    make_batcher: support.MakeBatcher,
    sdk: Callable[..., Any],
    spool: Path,
) -> None:
    """While the server is down the segment holds one line per event; those lines, joined with
    commas in brackets, are the direct post's body; a later batcher replays them byte for byte."""
    items = _varied()
    first = make_batcher(spool_dir=spool, flush_interval=600)
    support.leave_in_spool(server, first, items)
    [segment] = support.segments(spool)
    lines = segment.read_bytes().rstrip(b"\0")  # a live segment may end in reserved zeros
    expected = _direct_body(sdk, server, items)
    assert b"[" + lines.rstrip(b"\n").replace(b"\n", b",") + b"]" == expected
    before = server.request_count
    second = make_batcher(spool_dir=spool, flush_interval=600)
    assert second.flush(timeout=30)
    assert second.close(timeout=30)
    assert [r.body for r in server.received[before:]] == [expected]
