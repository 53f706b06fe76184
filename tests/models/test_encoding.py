"""The compiled wire encoder against dataclasses-json, and its validation.

The encoder in ``speakeasy._encoding`` is generated from the same field
metadata dataclasses-json reads; these tests prove the two write the same
bytes for any event, and that a bad value is refused naming its field.

The random datetimes are limited to years 2..9998: at the edges, moving a
datetime with an odd offset to UTC (or a naive one to local time) overflows
in ``datetime`` itself, so there is nothing to compare; the encoder refuses
those with a ValidationError naming the field (tested below).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import time
import typing
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from typing import Any, Dict, Iterator, List

import pytest
from dataclasses_json import DataClassJsonMixin
from dateutil import tz as dateutil_tz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speakeasy._encoding import encode_list, encoder_for
from speakeasy._model import slotted, wire
from speakeasy.models import errors, shared
from speakeasy.models.shared import CliEvent, GenerateBumpType, InteractionType
from tests.models import random_events
from tests.models.random_events import (
    FIELDS,
    INT64_EDGES,
    OPTIONAL,
    REQUIRED,
    MyDatetime,
    kind,
)

encode = encoder_for(CliEvent)

RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})\Z")


def reference(event: CliEvent) -> str:
    """dataclasses-json's own encoding: compact, sorted keys."""
    return DataClassJsonMixin.to_json(event, separators=(",", ":"), sort_keys=True)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- strategies

# Any code point (lone surrogates included), with JSON's awkward ones made likely.
awkward = st.sampled_from(random_events.AWKWARD)
texts = st.text(st.one_of(awkward, st.characters(exclude_categories=())), max_size=12)


fixed_offsets = st.timedeltas(
    min_value=timedelta(hours=-23, minutes=-59, seconds=-59, microseconds=-999999),
    max_value=timedelta(hours=23, minutes=59, seconds=59, microseconds=999999),
).map(timezone)
odd_offsets = st.sampled_from(random_events.ODD_OFFSETS)
zones = st.one_of(
    st.none(),  # naive: local time
    st.just(timezone.utc),
    st.just(dateutil_tz.tzutc()),
    st.just(dateutil_tz.tzoffset("X", 5400)),
    odd_offsets,
    fixed_offsets,
    st.timezones(),  # zoneinfo, with DST and historic LMT offsets
)
plain_datetimes = st.datetimes(
    min_value=datetime(2, 1, 1),
    max_value=datetime(9998, 12, 31, 23, 59, 59, 999999),
    timezones=zones,
)
datetimes = st.one_of(
    plain_datetimes,
    plain_datetimes.map(
        lambda d: MyDatetime.combine(d.date(), d.timetz(), tzinfo=d.tzinfo).replace(fold=d.fold)
    ),
)
int64s = st.one_of(st.integers(-(2**63), 2**63 - 1), st.sampled_from(INT64_EDGES))
interaction_types = st.one_of(
    st.sampled_from(list(InteractionType)),
    st.sampled_from([m.value for m in InteractionType]),
    st.sampled_from(["CI_EXEC", "LINT", "", "cli_exec"]),  # newer than this SDK
    texts,
)


def closed_enum_values(enum_cls: Any) -> st.SearchStrategy[Any]:
    """Members of a closed enum, or their values as plain str."""
    return st.one_of(st.sampled_from(list(enum_cls)), st.sampled_from([m.value for m in enum_cls]))


def value_strategy(name: str) -> st.SearchStrategy[Any]:
    """Valid values for a field, from its type (so a new field is covered too)."""
    tp = kind(name)
    if name == "interaction_type":
        return interaction_types
    if isinstance(tp, type) and issubclass(tp, Enum):
        return closed_enum_values(tp)
    by_type: Dict[Any, st.SearchStrategy[Any]] = {
        str: texts,
        bool: st.booleans(),
        int: int64s,
        datetime: datetimes,
    }
    return by_type[tp]


@st.composite
def events(draw: st.DrawFn) -> CliEvent:
    """A valid CliEvent: every optional field set, none set, or each at random."""
    presence = draw(st.sampled_from(["all", "none", "random"]))
    values = {name: draw(value_strategy(name)) for name in REQUIRED}
    for name in OPTIONAL:
        if presence == "all" or (presence == "random" and draw(st.booleans())):
            values[name] = draw(value_strategy(name))
    return CliEvent(**values)


def valid_event(**changes: Any) -> CliEvent:
    base = CliEvent(
        created_at=datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc),
        execution_id="exec-1",
        id="evt-1",
        interaction_type=InteractionType.CLI_EXEC,
        local_started_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        speakeasy_api_key_name="key",
        speakeasy_version="1.0.0",
        success=True,
        workspace_id="ws-1",
    )
    return dataclasses.replace(base, **changes)


@contextlib.contextmanager
def local_zone(name: str) -> Iterator[None]:
    """Run with the process's local time zone set to ``name`` (naive datetimes use it)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def instant(value: datetime) -> datetime:
    """The moment a datetime names (naive: local time), as an aware UTC datetime."""
    return value.astimezone(timezone.utc)


# --------------------------------------------------------------------------- equality

QUICK = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(events())
def test_encoder_equals_dataclasses_json(event: CliEvent) -> None:
    """Any valid event is written exactly as dataclasses-json writes it (hypothesis' events,
    which shrink; the hundreds are in the seeded test below)."""
    assert encode(event) == reference(event)


@random_events.seeded(6)
@given(random_events.seeds)
def test_encoder_equals_dataclasses_json_for_seeded_events(seed: int) -> None:
    """300 events a run (50 of each seed), written exactly as dataclasses-json writes them."""
    source = random_events.Events(seed, pool=60)
    for _ in range(50):
        event = source.event()
        assert encode(event) == reference(event), event


ZONES = ["Europe/Amsterdam", "Asia/Kathmandu", "America/St_Johns"]


@settings(max_examples=12, deadline=None)
@given(events(), st.sampled_from(ZONES))
def test_encoder_equals_dataclasses_json_in_other_local_zones(event: CliEvent, zone: str) -> None:
    """Naive datetimes (local time, LMT offsets with seconds too) still match."""
    with local_zone(zone):
        assert encode(event) == reference(event)


@random_events.seeded(3)
@given(random_events.seeds)
def test_seeded_events_equal_dataclasses_json_in_other_local_zones(seed: int) -> None:
    """The same for 90 events a run, 10 of each seed in each zone."""
    source = random_events.Events(seed, pool=60)
    for zone in ZONES:
        with local_zone(zone):
            for _ in range(10):
                event = source.event()
                assert encode(event) == reference(event), event


def assert_json_with_rfc3339_datetimes_and_no_nulls(event: CliEvent) -> None:
    data = json.loads(encode(event))
    expected = {n for n in FIELDS if getattr(event, n) is not None}
    assert set(data) == expected
    assert None not in data.values()
    for name in expected:
        if kind(name) is datetime:
            text = data[name]
            assert RFC3339.match(text), text
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            assert parsed == instant(getattr(event, name))
            offset = parsed.utcoffset()
            assert offset is not None and offset.seconds % 60 == 0


@QUICK
@given(events())
def test_output_is_json_with_rfc3339_datetimes_and_no_nulls(event: CliEvent) -> None:
    """It parses; unset optional fields are absent; datetimes are RFC 3339 of the same instant."""
    assert_json_with_rfc3339_datetimes_and_no_nulls(event)


@random_events.seeded(6)
@given(random_events.seeds)
def test_output_of_seeded_events_is_json_with_rfc3339_datetimes_and_no_nulls(seed: int) -> None:
    """The same, for 600 events a run (100 of each seed)."""
    source = random_events.Events(seed, pool=60)
    for _ in range(100):
        assert_json_with_rfc3339_datetimes_and_no_nulls(source.event())


def assert_encode_list_is_the_array_of_the_items(items: List[CliEvent]) -> None:
    expected = "[" + ",".join(reference(e) for e in items) + "]"
    assert encode_list(items, CliEvent, "request_body") == expected.encode("ascii")
    assert encode_list(tuple(items), CliEvent, "request_body") == expected.encode("ascii")
    assert expected == "[" + ",".join(encode(e) for e in items) + "]"


@settings(max_examples=10, deadline=None)
@given(st.lists(events(), max_size=4))
def test_encode_list_is_the_array_of_the_items(items: List[CliEvent]) -> None:
    """encode_list is "[" + the items joined by "," + "]", as ASCII bytes.

    Its loop is compiled apart from the one-item encoder: both equal dataclasses-json.
    """
    assert_encode_list_is_the_array_of_the_items(items)


@random_events.seeded(4)
@given(random_events.seeds)
def test_encode_list_of_seeded_events_is_the_array_of_the_items(seed: int) -> None:
    """The same for 10 lists of 0 to 8 events of each seed."""
    source = random_events.Events(seed, pool=60)
    for _ in range(10):
        items = [source.event() for _ in range(source.rng.randrange(9))]
        assert_encode_list_is_the_array_of_the_items(items)


@slotted
@dataclasses.dataclass
class Options(DataClassJsonMixin):
    """A model of optional fields only: its encoders trim a leading comma instead."""

    a_count: typing.Optional[int] = dataclasses.field(default=None, metadata=wire(optional=True))
    b_name: typing.Optional[str] = dataclasses.field(
        default=None, metadata=wire(optional=True, name="B")
    )
    z_flag: typing.Optional[bool] = dataclasses.field(default=None, metadata=wire(optional=True))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(
            Options,
            st.none() | st.integers(-(2**63), 2**63 - 1),
            st.none() | texts,
            st.none() | st.booleans(),
        ),
        max_size=4,
    )
)
def test_a_model_without_required_fields_encodes_as_dataclasses_json(
    items: List[Options],
) -> None:
    expected = [DataClassJsonMixin.to_json(o, separators=(",", ":"), sort_keys=True) for o in items]
    assert [encoder_for(Options)(o) for o in items] == expected
    assert encode_list(items, Options, "body") == f"[{','.join(expected)}]".encode("ascii")


def test_a_bad_item_in_a_list_is_named_by_its_index_and_field() -> None:
    items = [Options(a_count=1), Options(), Options(b_name=5)]  # type: ignore[arg-type]
    with pytest.raises(errors.FieldTypeError, match=r"body\[2\]\.b_name"):
        encode_list(items, Options, "body")


def test_an_offset_encodes_the_same_the_second_time() -> None:
    """The first sighting of an offset (slow path) and later ones (fast path) agree."""
    zone = timezone(timedelta(hours=-9, minutes=-17))
    event = valid_event(created_at=datetime(2030, 5, 6, 7, 8, 9, 1000, tzinfo=zone))
    first = encode(event)
    assert encode(event) == first == reference(event)
    assert '"created_at":"2030-05-06T07:08:09.001000-09:17"' in first


def test_dateutil_utc_is_written_with_z() -> None:
    """dateutil's tzutc() is UTC: written with Z, like timezone.utc."""
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=dateutil_tz.tzutc())
    assert '"created_at":"2026-01-02T03:04:05Z"' in encode(valid_event(created_at=when))


def test_the_property_tests_cover_every_field_of_todays_event() -> None:
    """All 82 fields of today's CliEvent are generated above (types drive the strategies)."""
    assert len(FIELDS) == 82 and len(REQUIRED) == 9
    for name in FIELDS:
        assert value_strategy(name) is not None


def test_every_optional_field_is_omitted_when_unset() -> None:
    """An event with only the required fields has only the required keys."""
    assert sorted(json.loads(encode(valid_event()))) == sorted(REQUIRED)


# --------------------------------------------------------------------------- validation


def bad_values(name: str) -> List[Any]:
    """Values of the wrong type for a field (and None for a required one)."""
    tp = kind(name)
    if tp is str:
        wrong: List[Any] = [5, b"bytes", 1.5]
    elif tp is bool:
        wrong = ["yes", 1, 0]
    elif tp is int:
        wrong = ["12", True, 12.0]
    elif tp is datetime:
        wrong = ["not a date", date(2026, 1, 2), 0]
    elif name == "interaction_type":
        wrong = [GenerateBumpType.MAJOR, 1, b"CLI_EXEC"]
    else:  # a closed enum
        wrong = [InteractionType.CLI_EXEC, 1, True]
    return wrong + ([None] if name in REQUIRED else [])


WRONG_TYPES = [(name, value) for name in FIELDS for value in bad_values(name)]


@pytest.mark.parametrize(("name", "value"), WRONG_TYPES, ids=[f"{n}={v!r}" for n, v in WRONG_TYPES])
def test_wrong_type_is_refused_naming_the_field(name: str, value: Any) -> None:
    """A value of the wrong type raises FieldTypeError (a TypeError) naming the item and field."""
    items = [valid_event(), valid_event(**{name: value})]
    with pytest.raises(errors.FieldTypeError) as info:
        encode_list(items, CliEvent, "request_body")
    assert isinstance(info.value, TypeError)
    assert info.value.field == f"request_body[1].{name}"
    with pytest.raises(errors.FieldTypeError) as direct:
        encode(items[1])
    assert direct.value.field == f"CliEvent.{name}"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"duration_ms": 2**63}, "duration_ms"),
        ({"duration_ms": -(2**63) - 1}, "duration_ms"),
        ({"generate_bump_type": "bogus"}, "generate_bump_type"),
        ({"generate_bump_type": "MAJOR"}, "generate_bump_type"),
        ({"openapi_diff_bump_type": "custom"}, "openapi_diff_bump_type"),
    ],
)
def test_bad_value_is_refused_naming_the_field(changes: Dict[str, Any], field: str) -> None:
    """A value of the right type but out of range raises ValidationError (a ValueError)."""
    items = [valid_event(), valid_event(), valid_event(**changes)]
    with pytest.raises(errors.ValidationError) as info:
        encode_list(items, CliEvent, "request_body")
    assert isinstance(info.value, ValueError)
    assert not isinstance(info.value, errors.FieldTypeError)
    assert info.value.field == f"request_body[2].{field}"


@pytest.mark.parametrize(
    "when",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(seconds=30))),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(-timedelta(seconds=30))),
        datetime(1, 1, 1),
    ],
)
def test_a_datetime_that_overflows_is_refused_naming_the_field(when: datetime) -> None:
    """A datetime at the edge of the calendar that cannot be written is a ValidationError."""
    with local_zone("America/St_Johns"):
        with pytest.raises(errors.ValidationError) as info:
            encode_list([valid_event(local_completed_at=when)], CliEvent, "request_body")
    assert info.value.field == "request_body[0].local_completed_at"


@pytest.mark.parametrize("item", [{"id": "evt-1"}, "evt-1", None, shared.Security(api_key="k")])
def test_an_item_that_is_not_an_event_is_refused(item: Any) -> None:
    """A dict (or anything else) in place of a CliEvent is refused naming its index."""
    with pytest.raises(errors.FieldTypeError) as info:
        encode_list([valid_event(), item], CliEvent, "request_body")
    assert info.value.field == "request_body[1]"


@pytest.mark.parametrize("body", [valid_event(), {"a": 1}, "[]", None, iter([valid_event()])])
def test_a_body_that_is_not_a_list_is_refused(body: Any) -> None:
    """A single CliEvent (or any non-list) instead of a list is refused naming the argument."""
    with pytest.raises(errors.FieldTypeError) as info:
        encode_list(body, CliEvent, "request_body")
    assert info.value.field == "request_body"


def test_empty_list_is_an_empty_array() -> None:
    """No events encode as []."""
    assert encode_list([], CliEvent, "request_body") == b"[]"
