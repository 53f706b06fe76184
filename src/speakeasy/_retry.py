"""Retry decisions as pure functions of the policy, the attempt and the clock.

Nothing here sleeps or reads a clock: the send loop passes ``elapsed`` in,
so the rules are tested with plain numbers.
"""

from __future__ import annotations

import math
import random
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Callable, Mapping, Optional

from speakeasy.utils.retries import BackoffStrategy, RetryConfig

#: The API's own policy for postWorkspaceEvents (see the wire contract).
DEFAULT_RETRY_CONFIG = RetryConfig(
    "backoff",
    BackoffStrategy(initial_interval=100, max_interval=2000, exponent=1.5, max_elapsed_time=30000),
    retry_connection_errors=True,
)

#: 408, 500, 502 and 503 are the contract's; 429 is retried too (honouring Retry-After).
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503})


def backoff_delay(
    backoff: BackoffStrategy, retries_so_far: int, rand: Callable[[], float] = random.random
) -> float:
    """Seconds to wait before retry number ``retries_so_far + 1`` ("equal jitter").

    The ceiling grows as ``initial * exponent**n`` up to ``max_interval``; the
    wait is drawn from the upper half of it, so waits still grow but clients
    that failed together do not retry together.
    """
    try:
        grown = backoff.initial_interval * backoff.exponent**retries_so_far
    except OverflowError:  # a long run of fast retries: the cap has long been reached
        grown = math.inf if backoff.initial_interval else 0.0
    ceiling = min(backoff.max_interval, grown)
    return ceiling * (0.5 + 0.5 * rand()) / 1000.0


def parse_retry_after(value: Optional[str], now: float) -> Optional[float]:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or HTTP-date), or None.

    ``now`` is a Unix timestamp. Unparseable or negative values are ignored; a
    date without a zone (the obsolete asctime form) is GMT, as RFC 9110 says.
    """
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # str.isdigit alone accepts "²", which float() refuses
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


def next_delay(
    config: RetryConfig,
    retries_so_far: int,
    elapsed: float,
    retry_after: Optional[float] = None,
    rand: Callable[[], float] = random.random,
) -> Optional[float]:
    """Seconds to sleep before retrying, or None to give up now.

    ``retry_after`` (seconds the server asked for) replaces the computed
    backoff when longer. A wait that would end past ``max_elapsed_time`` is
    not taken.
    """
    backoff = config.backoff
    if config.strategy != "backoff" or backoff is None:
        return None
    delay = backoff_delay(backoff, retries_so_far, rand)
    if retry_after is not None and retry_after > delay:
        delay = retry_after
    if elapsed + delay > backoff.max_elapsed_time / 1000.0:
        return None
    return delay


def retry_after_seconds(headers: Mapping[str, str], now: float) -> Optional[float]:
    """The ``Retry-After`` of a response's headers, in seconds."""
    return parse_retry_after(headers.get("retry-after"), now)
