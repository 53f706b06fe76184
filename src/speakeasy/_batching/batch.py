"""A batch of encoded events, and where they live in the spool: one ``Run`` per segment switch.

An event is encoded once, in ``add``: those bytes are the line written to
the spool segment and, joined with commas in brackets, the body posted. The
queue keeps no mark per event: consecutive events written to one segment
are one ``Run`` (the segment, the offset of the first, how many), and the
events' own lengths say where each ends (a line is the event and a newline).
Resolving a batch acks each of its segments up to the end of its last event
there (``Batch.ends``).
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from speakeasy._batching.segment import Segment


class Run:
    """Consecutive events in one spool segment: ``count`` lines from offset ``start``.

    The queue keeps one per segment switch, not a mark per event: the
    events' own lengths (each line is the event and a newline) say where
    each ends.
    """

    __slots__ = ("count", "segment", "start")

    def __init__(self, segment: Segment, start: int, count: int) -> None:
        self.segment = segment
        self.start = start
        self.count = count

    def __repr__(self) -> str:
        return f"Run({self.segment.name}, start={self.start}, count={self.count})"


def split_runs(runs: List[Run], parts: List[bytes], count: int) -> Tuple[List[Run], List[Run]]:
    """``runs`` of ``parts`` cut after the first ``count`` events (``runs`` are left unchanged)."""
    first: List[Run] = []
    second: List[Run] = []
    at = 0
    for run in runs:
        if at >= count:
            second.append(run)
        elif at + run.count <= count:
            first.append(run)
        else:
            head = count - at
            nbytes = sum(map(len, parts[at:count])) + head
            first.append(Run(run.segment, run.start, head))
            second.append(Run(run.segment, run.start + nbytes, run.count - head))
        at += run.count
    return first, second


class Batch:
    """Encoded events (the bytes spooled and posted) and their segment runs (None in memory)."""

    __slots__ = ("abandoned", "parts", "replay", "runs")

    def __init__(self, parts: List[bytes], runs: Optional[List[Run]], replay: bool) -> None:
        self.parts = parts
        self.runs = runs
        #: Given up at interpreter exit while on the wire: its outcome no longer counts.
        self.abandoned = False
        #: Recovered from the spool (counted apart from live events, for flush).
        self.replay = replay

    def __len__(self) -> int:
        return len(self.parts)

    def halves(self) -> Tuple[Batch, Batch]:
        half = len(self.parts) // 2
        runs = self.runs
        first, second = (None, None) if runs is None else split_runs(runs, self.parts, half)
        return (
            Batch(self.parts[:half], first, self.replay),
            Batch(self.parts[half:], second, self.replay),
        )

    def ends(self) -> Dict[Segment, int]:
        """Where the last event of each segment ends: resolving the batch acks that far."""
        ends: Dict[Segment, int] = {}
        at = 0
        parts = self.parts
        for run in self.runs or ():
            ends[run.segment] = run.start + sum(map(len, parts[at : at + run.count])) + run.count
            at += run.count
        return ends

    def body(self) -> bytes:
        """The JSON array posted: the encoded events, as spooled, joined with commas."""
        return b"[" + b",".join(self.parts) + b"]"

    @property
    def nbytes(self) -> int:
        """Size of the JSON array body."""
        return sum(map(len, self.parts)) + len(self.parts) + 1
