"""Date-times on the wire: RFC 3339 out, and back in.

A leaf module (standard library only), so the models, the encoder and the
decoder can all use it without importing each other.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

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


def datetime_from_wire(value: str) -> datetime:
    from dateutil.parser import isoparse  # 50 ms to import: only readers pay it

    return isoparse(value)
