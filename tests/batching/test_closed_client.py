"""A batcher and a closed client (issue 28 item 1): errors.md promises ClientClosedError for
any call after close(), nothing sent. No batcher from a closed client; a batcher whose client
is closed later refuses events with a clear error and counts them, and what it held is never
retried forever: given up (memory) or left in the spool for the next batcher.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, List, Tuple

import pytest

import speakeasy
from speakeasy import EventsNotDeliveredWarning
from speakeasy.models import errors, shared
from speakeasy.testing import EventsServer
from tests.support import batcher as support
from tests.support.factories import FAST_RETRIES


def _client(server: EventsServer, api_key: str) -> speakeasy.Speakeasy:
    return speakeasy.Speakeasy(
        security=shared.Security(api_key=api_key), workspace_id="ws-1", server_url=server.url
    )


def test_a_closed_client_hands_out_no_batcher(server: EventsServer, api_key: str) -> None:
    s = _client(server, api_key)
    s.close()
    with pytest.raises(errors.ClientClosedError):
        s.events.batcher()
    with _client(server, api_key) as t:
        pass
    with pytest.raises(errors.ClientClosedError):
        t.events.batcher(spool_dir="/nonexistent/never-made")  # refused before anything else
    assert server.received == []


def test_add_after_the_client_closed_raises_and_counts_the_events_refused(
    server: EventsServer, api_key: str
) -> None:
    s = _client(server, api_key)
    batcher = s.events.batcher(retries=FAST_RETRIES, flush_interval=600)
    assert batcher.add(support.event(0))
    assert batcher.flush(timeout=30)
    s.close()
    with pytest.raises(errors.ClientClosedError, match="client of this EventBatcher is closed"):
        batcher.add(support.event(1))
    with pytest.raises(errors.ClientClosedError):
        batcher.add_many(support.events(3, start=2))
    support.assert_stats(batcher.stats, added=1, sent=1, pending=0, refused=4)
    assert batcher.close(timeout=10)  # every event it took was delivered
    assert set(support.delivered(server)) == support.expected_ids(1)


def test_events_held_when_the_client_closes_are_given_up_not_retried_forever(
    server: EventsServer, api_key: str
) -> None:
    """Without a spool: the next attempt raises ClientClosedError (nothing sent); the batch is
    given up at once, to on_error with that error, and flush() returns (no endless retry).
    """
    s = _client(server, api_key)
    reported: List[Tuple[List[Any], BaseException]] = []
    batcher = s.events.batcher(
        retries=FAST_RETRIES,
        flush_interval=600,
        on_error=lambda items, exc: reported.append((items, exc)),
    )
    batcher.add_many(support.events(5))
    s.close()
    assert batcher.flush(timeout=30)
    support.assert_stats(batcher.stats, added=5, sent=0, failed=5, pending=0, retried=0)
    assert [len(items) for items, _ in reported] == [5]
    assert isinstance(reported[0][1], errors.ClientClosedError)
    assert server.received == []
    assert batcher.close(timeout=10) is False


def test_without_on_error_the_warning_names_the_closed_client(
    server: EventsServer, api_key: str
) -> None:
    s = _client(server, api_key)
    batcher = s.events.batcher(retries=FAST_RETRIES, flush_interval=600)
    batcher.add_many(support.events(2))
    s.close()
    with pytest.warns(EventsNotDeliveredWarning, match="^2 events .*client was closed"):
        assert batcher.flush(timeout=30)


def test_with_a_spool_the_events_stay_there_for_the_next_batcher(
    server: EventsServer, api_key: str, make_batcher: support.MakeBatcher, spool: Path
) -> None:
    s = _client(server, api_key)
    batcher = s.events.batcher(retries=FAST_RETRIES, flush_interval=600, spool_dir=spool)
    with support.server_down(server):
        batcher.add_many(support.events(6))
        s.close()
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # left in the spool: not lost, not warned of
            assert batcher.flush(timeout=30) is False
            assert batcher.close(timeout=10) is False
    support.assert_stats(batcher.stats, added=6, sent=0, failed=0, pending=6)
    support.assert_balanced(batcher.stats)
    again = support.resend_left(make_batcher, spool, 6)
    assert again.close(timeout=30)
    assert support.delivered(server) == {i: 1 for i in support.expected_ids(6)}
