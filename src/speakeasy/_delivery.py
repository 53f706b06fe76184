"""What the batcher does with a batch after one attempt: pure functions, no clock, no I/O.

The worker sends a batch once and asks ``decide``: delivered, retry after a
wait, split in halves, or give up. Nothing here sleeps or reads a clock
(``now`` and ``rand`` are passed in), so the rules are tested with plain values.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Callable, Optional

from speakeasy._retry import backoff_delay, retry_after_seconds
from speakeasy.models.errors import SpeakeasyError
from speakeasy.utils.retries import BackoffStrategy

#: 413 (too large) splits a batch; 400/422 (a bad event in it) bisect it the same way.
SPLIT_STATUSES = frozenset({400, 413, 422})

# The backoff stops growing long before this many failures; capping the step
# keeps ``exponent ** step`` small during a long outage.
_MAX_BACKOFF_STEP = 64


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
    if status is not None and not is_retryable(status):
        return GIVE_UP  # a lone event still refused, or a 401/403/404: resending won't help
    delay = retry_delay(backoff, failures, retry_after_of(error, now), rand)
    return GIVE_UP if delay is None else Verdict("retry", delay)


def retry_delay(
    backoff: Optional[BackoffStrategy],
    failures: int,
    retry_after: Optional[float],
    rand: Callable[[], float] = random.random,
) -> Optional[float]:
    """Seconds before the next attempt, or None when there are no retries.

    The longer of the backoff and the server's ``Retry-After``. Unlike a
    request's retries, ``max_elapsed_time`` is no limit: the batcher keeps
    events until delivered or closed.
    """
    if backoff is None:
        return None
    delay = backoff_delay(backoff, min(failures, _MAX_BACKOFF_STEP), rand)
    if retry_after is not None and retry_after > delay:
        return retry_after
    return delay


def is_retryable(status: int) -> bool:
    """408, 429 and every 5xx: the server may take the same batch later."""
    return status in (408, 429) or 500 <= status <= 599


def status_of(error: BaseException) -> Optional[int]:
    """The HTTP status of a failed attempt, None for a network error."""
    response = getattr(error, "raw_response", None)
    if response is not None:
        return int(response.status_code)
    if isinstance(error, SpeakeasyError):
        status = getattr(error, "status_code", None)
        return status if isinstance(status, int) else None
    return None


def retry_after_of(error: BaseException, now: float) -> Optional[float]:
    """The seconds a failed attempt's ``Retry-After`` header asks for, if any."""
    response = getattr(error, "raw_response", None)
    if response is None:
        return None
    return retry_after_seconds(response.headers, now)


def describe(error: BaseException) -> str:
    """For logs: the status, or the exception's class (its text may quote a response body)."""
    status = status_of(error)
    return f"status {status}" if status is not None else type(error).__name__
