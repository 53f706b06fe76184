"""Seeded random events, wire objects and answers: thousands per test in milliseconds.

Hypothesis draws about one ``CliEvent`` in 9 ms of CPU (82 fields, each through its
engine); the differential tests want thousands per run. So hypothesis draws a seed
(each run new ones, the failing seed printed and replayed like any example) and a
``random.Random`` of it draws the events, from the same spaces as the strategies of
``tests/models/test_encoding.py`` (which keep the small, shrinking tests): any code
point (lone surrogates and JSON's awkward characters made likely), 64-bit edges,
enum members, their values and values newer than this SDK, and date-times from year 2
to 9998 in every kind of zone (naive, ``timezone.utc``, dateutil's, odd and random
fixed offsets, any IANA zone with its DST folds and LMT offsets, a subclass).
"""

from __future__ import annotations

import dataclasses
import json
import random
import typing
import zoneinfo
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Any, Callable, Dict, List

from dateutil import tz as dateutil_tz
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from speakeasy._encoding import encoder_for
from speakeasy.models.shared import CliEvent, InteractionType

FIELDS = {f.name: f for f in dataclasses.fields(CliEvent)}
HINTS = typing.get_type_hints(CliEvent)
REQUIRED = [n for n, f in FIELDS.items() if "exclude" not in f.metadata["dataclasses_json"]]
OPTIONAL = [n for n in FIELDS if n not in REQUIRED]
INT64_EDGES = [-(2**63), -(2**63) + 1, -1, 0, 1, 2**31, 2**53 + 1, 2**63 - 2, 2**63 - 1]


def kind(name: str) -> Any:
    """The field's type without Optional."""
    hint = HINTS[name]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return args[0] if name in OPTIONAL and len(args) == 1 else hint


class MyDatetime(datetime):
    """A datetime subclass: always takes the encoder's slow path."""


AWKWARD = ['"', "\\", "/", "\x00", "\x1f", "\x7f", "\u2028", "é", "😀", "\ud800"]
_CODE_POINT_LIMITS = [0x80, 0x800, 0xD800, 0xE000, 0x10000, 0x110000]
ODD_OFFSETS = [
    timezone(timedelta(hours=5, minutes=45)),
    timezone(-timedelta(hours=3, minutes=30)),
    timezone(timedelta(minutes=19, seconds=32)),  # Amsterdam's LMT: seconds
    timezone(-timedelta(seconds=1, microseconds=5)),
    timezone(timedelta(hours=23, minutes=59)),
    timezone(timedelta(0), "UTC+0"),
]
_ZONE_NAMES: List[str] = []
ENUM_SAMPLES = ["NEW_KIND", "LINT", "major", "PRERELEASE", "CLI_EXEC", "cli_exec", ""]


def text(rng: random.Random, max_size: int = 12) -> str:
    """Any code points, JSON's awkward ones (and a lone surrogate) likely.

    A slice of a few thousand random characters drawn for this generator (one draw
    per character would make the pools the slowest part of a test).
    """
    soup: str = getattr(rng, "soup", "")
    if not soup:
        chars = []
        for _ in range(4096):
            if rng.random() < 0.3:
                chars.append(rng.choice(AWKWARD))
            else:
                chars.append(chr(rng.randrange(rng.choice(_CODE_POINT_LIMITS))))
        soup = rng.soup = "".join(chars)  # type: ignore[attr-defined]
    start = rng.randrange(len(soup) - max_size)
    return soup[start : start + rng.randrange(max_size + 1)]


def int64(rng: random.Random) -> int:
    pick = rng.randrange(3)
    if pick == 0:
        return rng.choice(INT64_EDGES)
    if pick == 1:
        return rng.randint(-1000, 1000)
    return rng.randint(-(2**63), 2**63 - 1)


def zone(rng: random.Random) -> Any:
    pick = rng.randrange(7)
    if pick == 0:
        return None  # naive: local time
    if pick == 1:
        return timezone.utc
    if pick == 2:
        return rng.choice([dateutil_tz.tzutc(), dateutil_tz.tzoffset("X", 5400)])
    if pick == 3:
        return rng.choice(ODD_OFFSETS)
    if pick == 4:
        limit = 24 * 3600 * 10**6 - 1
        return timezone(timedelta(microseconds=rng.randint(-limit, limit)))
    if not _ZONE_NAMES:
        _ZONE_NAMES.extend(sorted(zoneinfo.available_timezones()))
    return zoneinfo.ZoneInfo(rng.choice(_ZONE_NAMES))


def date_time(rng: random.Random) -> datetime:
    """Year 2 to 9998 (see test_encoding's docstring), any zone, either fold, maybe a subclass."""
    pick = rng.randrange(20)
    if pick == 0:
        naive = datetime(2, 1, 1)
    elif pick == 1:
        naive = datetime(9998, 12, 31, 23, 59, 59, 999999)
    else:
        span = (datetime(9998, 12, 31) - datetime(2, 1, 1)).days
        naive = datetime(2, 1, 1) + timedelta(
            days=rng.randrange(span + 1),
            microseconds=rng.randrange(86400 * 10**6) if rng.random() < 0.8 else 0,
        )
    fold = rng.randrange(2)
    value = naive.replace(tzinfo=zone(rng), fold=fold)
    if rng.random() < 0.1:
        value = MyDatetime.combine(value.date(), value.timetz(), tzinfo=value.tzinfo)
        value = value.replace(fold=fold)
    return value


def _enum_value(enum_cls: Any, open_: bool) -> Callable[[random.Random], Any]:
    members = list(enum_cls)

    def draw(rng: random.Random) -> Any:
        pick = rng.randrange(4 if open_ else 2)
        if pick == 0:
            return rng.choice(members)
        if pick == 1:
            return rng.choice(members).value
        if pick == 2:
            return rng.choice(["CI_EXEC", "LINT", "", "cli_exec"])
        return text(rng)

    return draw


def _drawer(name: str) -> Callable[[random.Random], Any]:
    tp = kind(name)
    if name == "interaction_type":
        return _enum_value(InteractionType, open_=True)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_value(tp, open_=False)
    by_type: Dict[Any, Callable[[random.Random], Any]] = {
        str: text,
        bool: lambda rng: rng.random() < 0.5,
        int: int64,
        datetime: date_time,
    }
    return by_type[tp]


DRAW = {name: _drawer(name) for name in REQUIRED + OPTIONAL}


class Events:
    """Random events of one seed, their values picked from pools drawn from that seed
    (a value costs one pick, not a dozen draws: about 3,000 events in a few tenths of
    a second)."""

    def __init__(self, seed: int, pool: int = 300) -> None:
        self.rng = rng = random.Random(seed)
        self.pools = {name: [draw(rng) for _ in range(pool)] for name, draw in DRAW.items()}

    def _values(self, pools: Dict[str, List[Any]]) -> Dict[str, Any]:
        """A value for each required field and, every one, none or each at random, of the
        optional ones (the three presences of ``test_encoding.events``)."""
        rng = self.rng
        size = len(pools["id"])
        presence = rng.randrange(3)
        names = REQUIRED + OPTIONAL if presence == 0 else list(REQUIRED)
        if presence == 2:
            bits = rng.getrandbits(len(OPTIONAL))
            names += [n for i, n in enumerate(OPTIONAL) if bits >> i & 1]
        picks = rng.choices(range(size), k=len(names))
        return {name: pools[name][i] for name, i in zip(names, picks)}

    def event(self) -> CliEvent:
        """A valid CliEvent."""
        return CliEvent(**self._values(self.pools))

    def wire(self) -> Dict[str, Any]:
        """A random event as the API sends it (parsed): each value as the encoder wrote it."""
        if not hasattr(self, "wire_pools"):
            pool = len(self.pools["id"])
            written = [
                json.loads(_encode(CliEvent(**{n: p[i] for n, p in self.pools.items()})))
                for i in range(pool)
            ]
            self.wire_pools = {n: [w[n] for w in written] for n in self.pools}
        values = self._values(self.wire_pools)
        return dict(sorted(values.items()))


_encode = encoder_for(CliEvent)


def rfc3339(rng: random.Random) -> str:
    """Any RFC 3339 date-time text: 0 to 9 fraction digits, Z/z or any offset, T/t/space."""
    span = (datetime(9999, 12, 30) - datetime(1, 1, 2)).days
    when = datetime(1, 1, 2) + timedelta(
        days=rng.randrange(span + 1), microseconds=rng.randrange(86400 * 10**6)
    )
    digits = rng.randrange(10)
    fraction = f".{when.microsecond:06d}{'7' * max(0, digits - 6)}"[: digits + 1] if digits else ""
    if rng.random() < 0.5:
        offset = rng.choice("Zz")
    else:
        offset = f"{rng.choice('+-')}{rng.randrange(24):02d}:{rng.randrange(60):02d}"
    sep = rng.choice("Tt ")
    return (
        f"{when.year:04d}-{when.month:02d}-{when.day:02d}{sep}"
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d}{fraction}{offset}"
    )


def odd_value(rng: random.Random) -> Any:
    """A value of any JSON type and edge: fits no field, or some."""
    pick = rng.randrange(9)
    if pick == 0:
        return None
    if pick == 1:
        return rng.random() < 0.5
    if pick == 2:
        return rng.randint(-(2**70), 2**70)
    if pick == 3:
        return rng.choice([0.0, -0.0, 1.5, 1e300, -2.5e-300, rng.uniform(-1e9, 1e9)])
    if pick == 4:
        return text(rng, 8)
    if pick == 5:
        return rfc3339(rng)
    if pick == 6:
        return rng.choice(["CLI_EXEC", "NEW_KIND", "MINOR", "", "2024-01-01T00:00:00", "\ud800"])
    if pick == 7:
        return [rng.randint(-5, 5) for _ in range(rng.randrange(3))]
    return {text(rng, 3): rng.randint(-5, 5) for _ in range(rng.randrange(3))}


#: Hypothesis draws the seeds: each run new ones, a failing one printed and replayed.
seeds = st.integers(0, 2**64 - 1)


def seeded(examples: int) -> settings:
    """Settings of a test that draws many values per seed (a few seeds are enough)."""
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
