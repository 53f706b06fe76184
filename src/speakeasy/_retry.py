"""Every retry decision, for every caller: statuses, backoff, ``Retry-After``, logs.

The client's send loop and the batcher's worker both decide here. Nothing
here sleeps or reads a clock: callers pass ``elapsed`` and ``now`` in, so
the rules are tested with plain numbers.

Who retries what:

- ``POST_RETRY_STATUSES``: posting events (the contract's 408/500/502/503, plus 429);
- ``READ_RETRY_STATUSES``: the idempotent reads (also 504);
- ``is_batch_retryable``: the batcher, which keeps events until delivered:
  408, 429 and every 5xx.

A server's ``Retry-After`` is honoured up to ``RETRY_AFTER_MAX`` seconds,
whoever asks (urllib3's ``retry_after_max``, openai-python's 60 s cap).
"""

from __future__ import annotations

import math
import random
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Callable, Mapping, Optional, Union

from speakeasy.models.errors import TransportError
from speakeasy.utils.retries import BackoffStrategy, RetryConfig

#: The API's own policy for postWorkspaceEvents (see the wire contract).
DEFAULT_RETRY_CONFIG = RetryConfig(
    "backoff",
    BackoffStrategy(initial_interval=100, max_interval=2000, exponent=1.5, max_elapsed_time=30000),
    retry_connection_errors=True,
)

#: 408, 500, 502 and 503 are the contract's; 429 is retried too (honouring Retry-After).
POST_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503})
#: Reads are idempotent: 504 (the gateway gave up, the server may not have) is safe too.
READ_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

#: The longest wait a server's ``Retry-After`` can impose, in seconds.
RETRY_AFTER_MAX = 60.0

# The backoff stops growing long before this many failures; capping the step
# keeps ``exponent ** step`` small during a long outage.
_MAX_BACKOFF_STEP = 64


def is_batch_retryable(status: int) -> bool:
    """408, 429 and every 5xx: the server may take the same batch later."""
    return status in (408, 429) or 500 <= status <= 599


def backoff_delay(
    backoff: BackoffStrategy, retries_so_far: int, rand: Callable[[], float] = random.random
) -> float:
    """Seconds to wait before retry number ``retries_so_far + 1`` ("equal jitter").

    The ceiling grows as ``initial * exponent**n`` up to ``max_interval``; the
    wait is drawn from the upper half of it, so waits still grow but clients
    that failed together do not retry together.
    """
    try:
        grown = backoff.initial_interval * backoff.exponent ** min(
            retries_so_far, _MAX_BACKOFF_STEP
        )
    except OverflowError:  # a huge exponent: the cap has long been reached
        grown = math.inf if backoff.initial_interval else 0.0
    ceiling = min(backoff.max_interval, grown)
    return ceiling * (0.5 + 0.5 * rand()) / 1000.0


def parse_retry_after(value: Optional[str], now: float) -> Optional[float]:
    """Seconds asked for by a ``Retry-After`` header, at most ``RETRY_AFTER_MAX``; or None.

    ``value`` is delta-seconds or an HTTP-date; ``now`` is a Unix timestamp.
    Unparseable or negative values are ignored; a date without a zone (the
    obsolete asctime form) is GMT, as RFC 9110 says.
    """
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # str.isdigit alone accepts "²", which float() refuses
        return min(float(value), RETRY_AFTER_MAX)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    try:
        seconds = when.timestamp() - now
    except (OverflowError, ValueError):  # pragma: no cover - beyond the platform's time_t
        return RETRY_AFTER_MAX
    return min(max(0.0, seconds), RETRY_AFTER_MAX)


def retry_after_seconds(headers: Mapping[str, str], now: float) -> Optional[float]:
    """The ``Retry-After`` of a response's headers, in seconds (capped)."""
    return parse_retry_after(headers.get("retry-after"), now)


def next_delay(
    config: RetryConfig,
    retries_so_far: int,
    elapsed: float,
    retry_after: Optional[float] = None,
    rand: Callable[[], float] = random.random,
) -> Optional[float]:
    """A call's wait before retrying, or None to give up now.

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


def batch_delay(
    backoff: Optional[BackoffStrategy],
    failures: int,
    retry_after: Optional[float],
    rand: Callable[[], float] = random.random,
) -> Optional[float]:
    """The batcher's wait before the next attempt, or None when there are no retries.

    The longer of the backoff and the server's ``Retry-After``. Unlike a
    call's retries, ``max_elapsed_time`` is no limit: the batcher keeps
    events until delivered or closed.
    """
    if backoff is None:
        return None
    delay = backoff_delay(backoff, failures, rand)
    if retry_after is not None and retry_after > delay:
        return retry_after
    return delay


def status_of(outcome: object) -> Optional[int]:
    """The HTTP status of an attempt's outcome (a response or an SDK error); None otherwise.

    A network error has none, even when the answer's head arrived before it broke
    (its ``raw_response``): the status was never a whole answer.
    """
    if isinstance(outcome, TransportError):
        return None
    status = getattr(outcome, "status_code", None)
    response = getattr(outcome, "raw_response", None)
    if response is not None:
        status = getattr(response, "status_code", status)
    if not isinstance(status, int) or isinstance(status, bool) or status == 0:
        return None  # 0: a malformed answer (an SDKError with no status to trust)
    return status


def describe(outcome: Union[object, BaseException]) -> str:
    """For logs: ``status 503``, or the exception's class name (its text may quote a body)."""
    status = status_of(outcome)
    return f"status {status}" if status is not None else type(outcome).__name__
