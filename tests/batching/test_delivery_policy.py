"""The batcher's delivery policy (``_batching.delivery``), pure: a fake clock and fake dice."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Dict, Optional

import pytest
import requests

from speakeasy._batching.delivery import (
    DELIVERED,
    GIVE_UP,
    SPLIT,
    Verdict,
    decide,
)
from speakeasy._retry import batch_delay as retry_delay
from speakeasy._retry import describe, status_of
from speakeasy.models import errors
from speakeasy.utils import BackoffStrategy

BACKOFF = BackoffStrategy(initial_interval=100, max_interval=2000, exponent=2, max_elapsed_time=1)
NOW = 1_700_000_000.0  # the fake clock: a fixed Unix time


def high() -> float:
    """The largest draw random.random() can make: the wait is the full ceiling."""
    return math.nextafter(1.0, 0.0)


def low() -> float:
    """The smallest draw: the wait is half the ceiling."""
    return 0.0


def refused(status: int, headers: Optional[Dict[str, str]] = None) -> errors.SDKError:
    """An SDKError as the send path raises it, with the response's status and headers."""
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    return errors.SDKError("refused", status, "", response)


def verdict(error: Optional[BaseException], size: int = 10, failures: int = 0) -> Verdict:
    return decide(error, size, failures, BACKOFF, NOW, high)


# --- the verdicts ------------------------------------------------------------------------


def test_an_accepted_batch_is_delivered() -> None:
    """No error: delivered."""
    assert verdict(None) is DELIVERED


def test_413_splits_the_batch() -> None:
    """A batch too large for the server is split in halves."""
    assert verdict(refused(413)) is SPLIT


@pytest.mark.parametrize("status", [400, 422])
def test_400_and_422_bisect_the_batch(status: int) -> None:
    """A batch refused for its content is split, to find the events at fault."""
    assert verdict(refused(status)) is SPLIT


@pytest.mark.parametrize("status", [400, 413, 422])
def test_a_single_refused_event_is_given_up(status: int) -> None:
    """One event that cannot be split any further is given up."""
    assert verdict(refused(status), size=1) is GIVE_UP


@pytest.mark.parametrize("status", [401, 403, 404, 409])
def test_other_4xx_give_up_at_once(status: int) -> None:
    """Not the events' fault and not going to change: no retry, no split."""
    assert verdict(refused(status)) is GIVE_UP


@pytest.mark.parametrize("status", [500, 501, 502, 503, 504, 599])
def test_every_5xx_is_retried(status: int) -> None:
    """Any 5xx is retried (not only the contract's retry statuses)."""
    result = verdict(refused(status))
    assert (result.action, result.delay) == ("retry", pytest.approx(0.1))


@pytest.mark.parametrize("status", [408, 429])
def test_408_and_429_are_retried(status: int) -> None:
    """Request timeout and too many requests are retried."""
    assert verdict(refused(status)).action == "retry"


@pytest.mark.parametrize(
    "error",
    [requests.ConnectionError("down"), requests.Timeout("slow"), RuntimeError("odd")],
    ids=["connection", "timeout", "other"],
)
def test_errors_without_a_status_are_retried(error: Exception) -> None:
    """Network errors, timeouts and any other exception of the send path are retried."""
    assert verdict(error).action == "retry"


def test_an_api_error_model_is_retried_on_its_status() -> None:
    """An ``errors.Error`` (5xx JSON body) without a response is retried by its status_code."""
    assert verdict(errors.Error("busy", 503)).action == "retry"


def test_no_retries_gives_a_retryable_failure_up() -> None:
    """Without a backoff (RetryConfig("none")) the first retryable failure is final."""
    assert decide(refused(503), 10, 0, None, NOW, high) is GIVE_UP


def test_no_retries_still_splits() -> None:
    """Without retries, a 413 still splits the batch (splitting is not retrying)."""
    assert decide(refused(413), 10, 0, None, NOW, high) is SPLIT


# --- the wait before a retry -------------------------------------------------------------


def test_the_wait_grows_with_the_failures() -> None:
    """The wait follows the backoff: initial_interval times exponent per failure."""
    assert [verdict(refused(503), failures=n).delay for n in range(3)] == pytest.approx(
        [0.1, 0.2, 0.4]
    )


def test_the_wait_is_jittered_down_to_half() -> None:
    """The smallest draw waits half the ceiling."""
    assert decide(refused(503), 10, 0, BACKOFF, NOW, low).delay == pytest.approx(0.05)


def test_a_longer_retry_after_replaces_the_backoff() -> None:
    """Retry-After: 7 waits 7 s, longer than the backoff."""
    assert verdict(refused(429, {"Retry-After": "7"})).delay == 7.0


def test_a_shorter_retry_after_keeps_the_backoff() -> None:
    """A Retry-After shorter than the backoff wait does not shorten it."""
    slow = BackoffStrategy(4000, 4000, 1, 1)
    assert retry_delay(slow, 0, 1.0, high) == pytest.approx(4.0)


def test_retry_after_as_a_date_is_read_on_the_given_clock() -> None:
    """An HTTP-date Retry-After waits until that date, by ``now``."""
    date = format_datetime(datetime.fromtimestamp(NOW + 30, timezone.utc), usegmt=True)
    assert verdict(refused(503, {"Retry-After": date})).delay == pytest.approx(30.0)


def test_many_failures_never_give_up() -> None:
    """After 10,000 failures the wait is capped by max_interval; max_elapsed_time is no limit."""
    assert retry_delay(BACKOFF, 10_000, None, high) == pytest.approx(2.0)


def test_no_backoff_means_no_wait() -> None:
    """retry_delay without a backoff is None: give up."""
    assert retry_delay(None, 0, 5.0, high) is None


# --- reading an error --------------------------------------------------------------------


def test_status_of_a_network_error_is_none() -> None:
    """A connection error has no status."""
    assert status_of(requests.ConnectionError("down")) is None


def test_status_of_reads_the_response() -> None:
    """The response's status wins (it is what the server sent)."""
    assert status_of(refused(413)) == 413


def test_describe_gives_the_status_or_the_class_never_the_text() -> None:
    """Logs name a status or an exception class, never an error's text (it may quote a body)."""
    assert describe(refused(422)) == "status 422"
    assert describe(requests.ConnectionError("evt-1 secret")) == "ConnectionError"
