"""The seam between a batcher and a client: what the batcher needs, handed over as values.

The client builds a ``Transport`` (``Events.batcher``); the batcher never
touches the client itself. ``on_error`` is the user's callback, typed here
because both sides name it.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Dict, List, Optional

#: ``on_error(events, exception)``: ``events`` are the wire JSON objects (dicts).
ErrorCallback = Callable[[List[Dict[str, Any]], BaseException], object]
#: Posts one JSON array body once; raises what the client's send path raises.
Send = Callable[[bytes], object]


@dataclasses.dataclass(frozen=True)
class Transport:
    """What a batcher needs of a client (the one seam between them)."""

    send: Send
    r"""Posts one JSON array body once (no retries), raising what the client's send path raises."""
    reset: Callable[[], None]
    r"""Drops pooled connections: a forked child must not share its parent's sockets."""
    workspace_id: Optional[str]
    r"""Where the batches go (already checked); for ``repr`` only."""
