"""A spool written by the previous release (0.1.0) is replayed by this one.

``fixtures/spool-0.1.0`` was written by release 0.1.0's batcher: seven events added,
the first three delivered (the ``.ack`` records their end), then the server went away
and the batcher closed with four events left on disk. Its raw_command holds non-ASCII
text, written as JSON escapes, as 0.1.0 writes it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

from speakeasy import EventBatcher
from speakeasy.testing import EventsServer

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "spool-0.1.0"


def test_events_left_by_release_0_1_0_are_delivered(
    server: EventsServer, make_batcher: Callable[..., EventBatcher], tmp_path: Path
) -> None:
    """The four undelivered events are sent once each; the three acked ones are not resent."""
    spool = tmp_path / "spool"
    spool.mkdir(mode=0o700)
    for name in os.listdir(FIXTURE):
        shutil.copy(FIXTURE / name, spool / name)
    batcher = make_batcher(spool_dir=spool)
    assert batcher.close(timeout=10)
    assert sorted(e["id"] for e in server.events) == [f"evt-old-{i}" for i in range(3, 7)]
    assert {e["raw_command"] for e in server.events} == {"speakeasy run \u00e9\u2028"}
    assert batcher.stats.recovered == 4
    assert batcher.stats.sent == 4
    assert [p.name for p in spool.iterdir() if p.suffix in (".seg", ".ack")] == []
