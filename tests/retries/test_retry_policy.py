"""The retry policy of ``speakeasy._retry``, pure: plain numbers for the clock and the dice."""

from __future__ import annotations

import math
import random
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from speakeasy._retry import (
    DEFAULT_RETRY_CONFIG,
    POST_RETRY_STATUSES,
    READ_RETRY_STATUSES,
    RETRY_AFTER_MAX,
    backoff_delay,
    next_delay,
    parse_retry_after,
    retry_after_seconds,
)
from speakeasy.utils import BackoffStrategy, RetryConfig

BACKOFF = BackoffStrategy(
    initial_interval=100, max_interval=2000, exponent=1.5, max_elapsed_time=30000
)
CONFIG = RetryConfig("backoff", BACKOFF, retry_connection_errors=True)
NOW = 1_700_000_000.0  # the fake clock: a fixed Unix time


def low() -> float:
    """The smallest draw random.random() can make."""
    return 0.0


def high() -> float:
    """The largest draw random.random() can make."""
    return math.nextafter(1.0, 0.0)


# --- backoff ---------------------------------------------------------------------------


def test_first_wait_is_drawn_from_the_upper_half_of_initial_interval() -> None:
    """Retry 1 waits between initial_interval/2 and initial_interval."""
    assert backoff_delay(BACKOFF, 0, low) == pytest.approx(0.050)
    assert backoff_delay(BACKOFF, 0, high) == pytest.approx(0.100)


def test_backoff_grows_by_the_exponent() -> None:
    """Each retry's ceiling is the previous one times ``exponent``."""
    waits = [backoff_delay(BACKOFF, n, high) for n in range(4)]
    assert waits == pytest.approx([0.100, 0.150, 0.225, 0.3375])


def test_backoff_is_capped_at_max_interval() -> None:
    """Past the point where the growth reaches max_interval, the ceiling stays there."""
    assert backoff_delay(BACKOFF, 8, high) == pytest.approx(2.0)  # 100 * 1.5**8 = 2562 ms
    assert backoff_delay(BACKOFF, 50, high) == pytest.approx(2.0)
    assert backoff_delay(BACKOFF, 50, low) == pytest.approx(1.0)


def test_jitter_stays_within_half_to_full_ceiling() -> None:
    """Real random draws land in [ceiling/2, ceiling): spread out, but still growing."""
    rng = random.Random(5)
    for n in range(12):
        ceiling = min(2.0, 0.1 * 1.5**n)
        for _ in range(50):
            assert ceiling / 2 <= backoff_delay(BACKOFF, n, rng.random) < ceiling


def test_jitter_spreads_the_waits() -> None:
    """Two clients that failed together do not draw the same wait."""
    rng = random.Random(7)
    assert len({backoff_delay(BACKOFF, 3, rng.random) for _ in range(20)}) > 1


def test_many_fast_retries_do_not_overflow() -> None:
    """Thousands of retries (tiny intervals fit them in max_elapsed) keep returning the cap."""
    tiny = BackoffStrategy(initial_interval=1, max_interval=2, exponent=1.5, max_elapsed_time=30000)
    assert backoff_delay(tiny, 5000, high) == pytest.approx(0.002)


def test_zero_interval_stays_zero_after_many_retries() -> None:
    """With initial_interval 0 every wait is 0, however many retries came before."""
    zero = BackoffStrategy(initial_interval=0, max_interval=10, exponent=2, max_elapsed_time=1000)
    assert backoff_delay(zero, 5000, high) == 0.0


# --- next_delay: the decision ----------------------------------------------------------


def test_strategy_none_never_retries() -> None:
    """``RetryConfig("none")`` gives up at the first failure."""
    assert next_delay(RetryConfig("none"), 0, 0.0, rand=low) is None


def test_next_delay_is_the_backoff_when_no_retry_after() -> None:
    """Without a Retry-After the wait is the jittered backoff."""
    assert next_delay(CONFIG, 2, 1.0, rand=low) == backoff_delay(BACKOFF, 2, low)


def test_wait_ending_past_max_elapsed_is_not_taken() -> None:
    """Elapsed 29.98 s plus a 50 ms wait ends past 30 s: give up now rather than sleep."""
    assert next_delay(CONFIG, 0, 29.98, rand=low) is None


def test_wait_ending_exactly_at_max_elapsed_is_taken() -> None:
    """A wait that ends on the 30 s mark is still within the budget."""
    assert next_delay(CONFIG, 0, 29.95, rand=low) == pytest.approx(0.05)


def test_elapsed_past_max_elapsed_gives_up() -> None:
    """Once the budget is spent, nothing more is tried."""
    assert next_delay(CONFIG, 3, 31.0, rand=low) is None


def test_max_elapsed_zero_means_no_retry() -> None:
    """``max_elapsed_time=0`` leaves no room for any wait."""
    config = RetryConfig("backoff", BackoffStrategy(10, 10, 1, 0))
    assert next_delay(config, 0, 0.0, rand=low) is None


def test_longer_retry_after_replaces_backoff() -> None:
    """A server asking for 5 s gets 5 s, not the 50-100 ms backoff."""
    assert next_delay(CONFIG, 0, 0.0, retry_after=5.0, rand=high) == 5.0


def test_retry_after_longer_than_max_interval_is_still_honoured() -> None:
    """max_interval caps the SDK's own backoff, not what the server asks for."""
    assert next_delay(CONFIG, 0, 0.0, retry_after=10.0, rand=high) == 10.0


def test_shorter_retry_after_keeps_backoff() -> None:
    """Retry-After: 0 does not turn the backoff into a hot loop."""
    assert next_delay(CONFIG, 4, 0.0, retry_after=0.0, rand=low) == backoff_delay(BACKOFF, 4, low)


def test_retry_after_past_max_elapsed_gives_up() -> None:
    """Retry-After: 3600 with a 30 s budget: give up at once, do not sleep."""
    assert next_delay(CONFIG, 0, 0.0, retry_after=3600.0, rand=low) is None


def test_retry_after_within_remaining_budget_is_taken() -> None:
    """Retry-After that ends before max_elapsed is honoured even late in the run."""
    assert next_delay(CONFIG, 5, 20.0, retry_after=9.5, rand=low) == 9.5


# --- Retry-After parsing ---------------------------------------------------------------


def test_retry_after_delta_seconds() -> None:
    """``Retry-After: 45`` is 45 seconds."""
    assert parse_retry_after("45", NOW) == 45.0


def test_retry_after_delta_seconds_with_whitespace() -> None:
    """Surrounding whitespace is ignored."""
    assert parse_retry_after(" 3 ", NOW) == 3.0


def test_retry_after_imf_fixdate() -> None:
    """An HTTP-date in the preferred IMF-fixdate form is seconds from now."""
    when = datetime.fromtimestamp(NOW + 42, timezone.utc)
    assert parse_retry_after(format_datetime(when, usegmt=True), NOW) == pytest.approx(42.0)


def test_retry_after_rfc850_date() -> None:
    """The obsolete RFC 850 form is accepted, as RFC 9110 requires of recipients."""
    now = datetime(1994, 11, 6, 8, 49, 7, tzinfo=timezone.utc).timestamp()
    assert parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now) == pytest.approx(30.0)


def test_retry_after_asctime_date_is_gmt() -> None:
    """The obsolete asctime form carries no zone and is taken as GMT."""
    now = datetime(1994, 11, 6, 8, 49, 7, tzinfo=timezone.utc).timestamp()
    assert parse_retry_after("Sun Nov  6 08:49:37 1994", now) == pytest.approx(30.0)


def test_retry_after_date_in_the_past_is_zero() -> None:
    """A date already past asks for no wait (the backoff then applies)."""
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", NOW) == 0.0


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", "soon", "-5", "1.5", "0x10", "²", "१२", "Wed, 99 Oct 2015 07:28:00 GMT"],
)
def test_retry_after_garbage_is_ignored(value: str | None) -> None:
    """Values that are neither delta-seconds nor an HTTP-date count as absent."""
    assert parse_retry_after(value, NOW) is None


@given(st.text())
def test_retry_after_never_raises(value: str) -> None:
    """Any header text gives None or a wait >= 0, never an exception."""
    result = parse_retry_after(value, NOW)
    assert result is None or result >= 0


def test_retry_after_seconds_reads_the_header_case_insensitively() -> None:
    """Response headers are matched whatever the server's capitalisation."""
    assert retry_after_seconds(CaseInsensitiveDict({"RETRY-AFTER": "7"}), NOW) == 7.0


def test_retry_after_seconds_without_header() -> None:
    """No header, no server-requested wait."""
    assert retry_after_seconds(CaseInsensitiveDict(), NOW) is None


# --- defaults --------------------------------------------------------------------------


def test_default_policy_is_the_contracts() -> None:
    """100 ms, 2000 ms, 1.5, 30 s, connection errors retried."""
    assert DEFAULT_RETRY_CONFIG == RetryConfig("backoff", BACKOFF, retry_connection_errors=True)


def test_retried_statuses() -> None:
    """The contract's 408/500/502/503, plus 429."""
    assert frozenset({408, 429, 500, 502, 503}) == POST_RETRY_STATUSES


def test_reads_also_retry_504() -> None:
    """Reads are idempotent: a gateway timeout is safe to repeat."""
    assert READ_RETRY_STATUSES == POST_RETRY_STATUSES | {504}


@pytest.mark.parametrize("value", ["99999999999", "Fri, 31 Dec 9999 23:59:59 GMT", str(10**400)])
def test_retry_after_is_capped(value: str) -> None:
    """An absurd Retry-After (seconds or a date in year 9999) is cut to RETRY_AFTER_MAX."""
    assert parse_retry_after(value, NOW) == RETRY_AFTER_MAX
