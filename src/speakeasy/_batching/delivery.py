"""What the batcher does with a batch after one attempt: pure functions, no clock, no I/O.

The worker sends a batch once and asks ``decide``: delivered, retry after a
wait, split in halves, or give up. Nothing here sleeps or reads a clock
(``now`` and ``rand`` are passed in), so the rules are tested with plain values.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Callable, Optional

from speakeasy._retry import batch_delay, is_batch_retryable, retry_after_seconds, status_of
from speakeasy.utils.retries import BackoffStrategy

#: 413 (too large) splits a batch; 400/422 (a bad event in it) bisect it the same way.
SPLIT_STATUSES = frozenset({400, 413, 422})


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The next step for a batch: ``action`` and, for a retry, the wait in seconds."""

    action: str  # "delivered" | "retry" | "split" | "give_up"
    delay: float = 0.0


DELIVERED = Verdict("delivered")
SPLIT = Verdict("split")
GIVE_UP = Verdict("give_up")


def decide(
    error: Optional[BaseException],
    size: int,
    failures: int,
    backoff: Optional[BackoffStrategy],
    now: float,
    rand: Callable[[], float] = random.random,
) -> Verdict:
    """The verdict on one attempt at a batch of ``size`` events.

    ``error`` is None when the server accepted it; ``failures`` counts this
    batch's retries so far; ``backoff`` None means no retries; ``now`` is a
    Unix time (for a ``Retry-After`` date).
    """
    if error is None:
        return DELIVERED
    status = status_of(error)
    if status in SPLIT_STATUSES and size > 1:
        return SPLIT
    if status is not None and not is_batch_retryable(status):
        return GIVE_UP  # a lone event still refused, or a 401/403/404: resending won't help
    delay = batch_delay(backoff, failures, retry_after_of(error, now), rand)
    return GIVE_UP if delay is None else Verdict("retry", delay)


def retry_after_of(error: BaseException, now: float) -> Optional[float]:
    """The seconds a failed attempt's ``Retry-After`` header asks for, if any."""
    response = getattr(error, "raw_response", None)
    if response is None:
        return None
    return retry_after_seconds(response.headers, now)
