"""Date-times on the wire: RFC 3339 out, and back in.

A leaf module (standard library only), so the models, the encoder and the
decoder can all use it without importing each other.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta, timezone
from typing import Dict

_ZERO = timedelta(0)


def datetime_to_wire(value: datetime) -> str:
    """RFC 3339 with an explicit offset; UTC as ``Z``; naive means local time."""
    if value.tzinfo is timezone.utc:
        return value.isoformat()[:-6] + "Z"
    offset = value.utcoffset()
    if offset is None:
        value = value.astimezone()  # naive: the caller's local time, made explicit
        offset = value.utcoffset()
    if offset is not None and (offset.seconds % 60 or offset.microseconds):
        # RFC 3339 offsets have no seconds (historic zones such as LMT do).
        value, offset = value.astimezone(timezone.utc), _ZERO
    text = value.isoformat()
    return text[:-6] + "Z" if offset == _ZERO else text


def datetime_from_wire(text: str) -> datetime:
    """An RFC 3339 date-time, always timezone-aware (``Z`` and ``+00:00`` as UTC).

    Accepts what RFC 3339 allows: ``t``/``z`` in either case, a space for the
    ``T``, any number of fraction digits (cut to microseconds, not rounded:
    ``.1234567`` is ``.123456``), ``-00:00``, and a leap second (``:60`` is read
    as ``:59.999999``, which ``datetime`` can hold). A value with no offset at all
    is not RFC 3339 but is read as UTC, so every value is aware. Anything else
    raises ``ValueError``.

    The common shapes go to ``datetime.fromisoformat`` (C, ~0.2 us; python-dateutil's
    ``isoparse`` costs ~10 us); the rest to a regular expression.
    """
    if text[4:20:3] in RFC3339_SHAPES:  # the characters at 4, 7, 10, 13, 16 and 19
        if (text[-1] == "Z" and text[-2] != ".") or (
            text[-3] == ":" and text[-6] in "+-" and text[-7] != "."
        ):
            try:
                return _fromiso(text) if FROMISO_READS_Z else _fromiso_39(text)
            except ValueError:
                pass  # a letter among the digits, a leap second: the slow path decides
    return _parse(text)


def _fromiso_39(text: str) -> datetime:
    """``fromisoformat`` before 3.11: no ``Z``, and 0, 3 or 6 fraction digits only."""
    if text[-1] == "Z":
        text = text[:-1] + "+00:00"
    if len(text) not in (25, 29, 32):
        raise ValueError("let the slow path read it")
    return _fromiso(text)


def _parse(text: str) -> datetime:
    match = _RFC3339.match(text)
    if match is None:
        raise ValueError("not an RFC 3339 date-time")
    year, month, day, hour, minute, second, fraction, sign, oh, om = match.groups()
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    leap = second == "60"
    tz = _UTC if sign is None else _offset(sign, int(oh), int(om))
    value = datetime(
        int(year), int(month), int(day), int(hour), int(minute),
        59 if leap else int(second), 999999 if leap else micro, tz,
    )  # fmt: skip
    return value


def _offset(sign: str, hours: int, minutes: int) -> timezone:
    if hours > 23 or minutes > 59:
        raise ValueError("not an RFC 3339 date-time (offset out of range)")
    minutes = hours * 60 + minutes
    if sign == "-":
        minutes = -minutes
    zone = _ZONES.get(minutes)
    if zone is None:
        zone = _ZONES[minutes] = timezone(timedelta(minutes=minutes)) if minutes else _UTC
    return zone


_UTC = timezone.utc
_ZONES: Dict[int, timezone] = {}
_fromiso = datetime.fromisoformat
#: 3.11's fromisoformat reads "Z" and any number of fraction digits; 3.9's neither.
FROMISO_READS_Z = sys.version_info >= (3, 11)
#: "YYYY-MM-DDTHH:MM:SS" then a fraction, "Z" or an offset.
RFC3339_SHAPES = frozenset(("--T::.", "--T::Z", "--T::+", "--T::-"))
_RFC3339 = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?"
    r"(?:[Zz]|([+-])(\d\d):(\d\d))?\Z",
    re.ASCII,
)
