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
#: ``send(body, accepted)``: posts one JSON array body once (see ``Transport.send``).
Send = Callable[[bytes, Callable[[], None]], object]


@dataclasses.dataclass(frozen=True)
class Transport:
    """What a batcher needs of a client (the one seam between them)."""

    send: Send
    r"""``send(body, accepted)`` posts one JSON array body once (no retries).

    It returns when the server accepted the body, else raises what the
    client's send path raises. It calls ``accepted()`` as soon as the server
    answered 2xx, before the client's own hooks run: what a hook raises after
    that does not undo the delivery (the batcher does not send it again).
    """
    reset: Callable[[], None]
    r"""Drops pooled connections: a forked child must not share its parent's sockets."""
    workspace_id: Optional[str]
    r"""Where the batches go (already checked); for ``repr`` only."""
    closed: Callable[[], bool] = lambda: False
    r"""Whether the client was closed: ``add`` then refuses events (``ClientClosedError``)."""
