"""The spool directory removed while a batcher runs (``rm -rf``), issue 23 item 5.

Events written after that would have no name on disk, and a ``kill -9`` would lose them
although ``add`` returned: ``add``/``add_many`` raise instead (as on a full disk) and count
nothing; ``stats.spool_error`` and a ``RuntimeWarning`` say why; what was accepted before is
still delivered while the process lives. On both ``spool_fsync`` settings.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import time
import warnings
from pathlib import Path

import pytest

from speakeasy._batching import journal as journal_module
from speakeasy.testing import EventsServer
from tests.support import batcher as support


def _past_the_check_interval() -> None:
    """Without spool_fsync the directory is looked at most every CHECK_INTERVAL: let it pass."""
    since = time.monotonic()
    support.wait_for(lambda: time.monotonic() > since + journal_module.CHECK_INTERVAL)


@pytest.mark.parametrize("fsync", [False, True], ids=["page-cache", "spool_fsync"])
def test_add_raises_once_the_spool_dir_is_removed_and_counts_nothing(
    server: EventsServer, make_batcher: support.MakeBatcher, spool: Path, fsync: bool
) -> None:
    batcher = make_batcher(spool_dir=spool, spool_fsync=fsync, flush_interval=600)
    with support.server_down(server):
        batcher.add_many(support.events(10))
        assert batcher.add(support.event(10))
        shutil.rmtree(spool)
        _past_the_check_interval()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for attempt in range(3):
                with pytest.raises(OSError) as info:
                    batcher.add(support.event(100 + attempt))
                assert info.value.errno == errno.ENOENT
                assert "was removed while the batcher ran" in str(info.value)
                with pytest.raises(OSError):
                    batcher.add_many(support.events(5, start=200))
        warned = [w for w in caught if issubclass(w.category, RuntimeWarning)]
        assert len(warned) == 1  # once per batcher, however many adds it refuses
        assert str(spool) in str(warned[0].message)
        assert warned[0].filename == __file__  # points at the caller's add()
        stats = batcher.stats
        support.assert_stats(stats, added=11, sent=0, failed=0, dropped=0, pending=11)
        assert stats.spool_error is not None and "was removed" in stats.spool_error
    # What was accepted before is still delivered while the process lives.
    assert batcher.flush(timeout=30)
    assert set(support.delivered(server)) == support.expected_ids(11)
    assert batcher.close(timeout=10)
    support.assert_stats(batcher.stats, added=11, sent=11, pending=0)
    assert not spool.exists()  # nothing made it come back


def test_events_left_at_close_are_given_up_not_left_in_a_removed_spool(
    server: EventsServer, make_batcher: support.MakeBatcher, spool: Path
) -> None:
    """close() running out of time with a spool normally leaves events there for the next
    batcher; with the directory gone there is no next batcher: they are given up, and said so.
    """
    reported = []
    batcher = make_batcher(
        spool_dir=spool, flush_interval=600, on_error=lambda items, exc: reported.extend(items)
    )
    with support.server_down(server):
        batcher.add_many(support.events(5))
        shutil.rmtree(spool)
        assert batcher.close(timeout=0.3) is False
        support.wait_for(
            lambda: batcher.stats.pending == 0, timeout=60
        )  # a request on the wire ends
    support.assert_stats(batcher.stats, added=5, failed=5, pending=0)
    assert sorted(item["id"] for item in reported) == sorted(support.expected_ids(5))


def test_a_segment_deleted_alone_is_replaced(
    server: EventsServer,
    make_batcher: support.MakeBatcher,
    spool: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Someone deletes the open segment but not the directory: the next add goes to a new
    segment (on disk when add returns, as always); the deletion is logged.
    """
    caplog.set_level(logging.WARNING, logger="speakeasy.batcher")
    batcher = make_batcher(spool_dir=spool, flush_interval=600)
    with support.server_down(server):
        batcher.add(support.event(0))
        [first] = support.segments(spool)
        os.unlink(first)
        _past_the_check_interval()
        assert batcher.add(support.event(1))
        [second] = support.segments(spool)
        assert second != first
        assert (
            second.read_bytes().rstrip(b"\0") == (support.encoded(support.event(1)) + "\n").encode()
        )
        assert batcher.stats.spool_error is None
    assert any(first.name in r.getMessage() for r in caplog.records)
    assert batcher.close(timeout=30)
    assert set(support.delivered(server)) == support.expected_ids(2)
    support.assert_balanced(batcher.stats)
