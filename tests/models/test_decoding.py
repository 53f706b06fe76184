"""The compiled decoder: parsed JSON in, typed models out, or an error saying where.

``speakeasy._decoding`` is generated from the same field metadata as the
encoder. These tests check every field type, each way a value can be wrong,
forward compatibility (unknown keys and enum values), date-time parsing
against python-dateutil's ``isoparse``, and encode -> decode round trips.
"""

from __future__ import annotations

import dataclasses
import json
import linecache
import traceback
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional

import pytest
from dateutil.parser import isoparse
from hypothesis import given, settings
from hypothesis import strategies as st

from speakeasy import _decoding
from speakeasy._datetime import datetime_from_wire
from speakeasy._decoding import DecodeError, decode_list, decoder_for
from speakeasy._encoding import encoder_for
from speakeasy._model import off_wire, slotted, wire
from speakeasy.models import shared
from speakeasy.models.shared import CliEvent, TargetSDK
from tests.models import random_events
from tests.models.random_events import FIELDS, OPTIONAL, REQUIRED, kind
from tests.models.test_encoding import events
from tests.support.factories import WIRE_EVENT as EVENT

UTC = timezone.utc
TARGET: Dict[str, Any] = {
    "generate_gen_lock_id": "lock-1",
    "generate_target": "python",
    "id": "lock-1",
    "last_event_created_at": "2024-11-21T06:58:42Z",
    "last_event_id": "evt-9",
    "last_event_interaction_type": "PUBLISH",
}

decode_event = decoder_for(CliEvent)


def with_(**changes: Any) -> Dict[str, Any]:
    return {**EVENT, **changes}


# --------------------------------------------------------------------------- every field type


def test_required_fields_decode_to_their_types() -> None:
    """str, bool, an open enum and aware date-times, each from its JSON form."""
    e = decode_event(EVENT)
    assert isinstance(e, CliEvent)
    assert e.created_at == datetime(2024, 11, 21, 6, 58, 42, 120000, tzinfo=UTC)
    assert e.local_started_at.utcoffset() == timedelta(hours=2)
    assert e.interaction_type is shared.InteractionType.CLI_EXEC
    assert e.success is True and e.execution_id == "exec-1"


def test_every_optional_field_decodes_when_present() -> None:
    """All 73 optional fields of today's event, each with a value of its type."""
    values: Dict[str, Any] = {}
    expected: Dict[str, Any] = {}
    for name in OPTIONAL:
        tp = kind(name)
        if tp is str:
            values[name] = expected[name] = f"v-{name}"
        elif tp is int:
            values[name] = expected[name] = 2**63 - 1
        elif tp is bool:
            values[name] = expected[name] = False
        elif tp is datetime:
            values[name] = "2030-01-02T03:04:05.678901-05:30"
            expected[name] = datetime(
                2030, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(-timedelta(hours=5, minutes=30))
            )
        else:
            member = list(tp)[-1]
            values[name], expected[name] = member.value, member
    e = decode_event({**EVENT, **values})
    assert len(values) == 73
    for name, value in expected.items():
        got = getattr(e, name)
        assert got == value and type(got) is type(value), name


def test_absent_and_null_optional_fields_are_none() -> None:
    """An optional field may be left out or be ``null``."""
    e = decode_event(with_(duration_ms=None, local_completed_at=None, generate_bump_type=None))
    assert all(getattr(e, name) is None for name in OPTIONAL)


def test_known_enum_values_become_members() -> None:
    e = decode_event(with_(generate_bump_type="prerelease", openapi_diff_bump_type="major"))
    assert e.generate_bump_type is shared.GenerateBumpType.PRERELEASE
    assert e.openapi_diff_bump_type is shared.OpenapiDiffBumpType.MAJOR


@pytest.mark.parametrize(
    "field", ["interaction_type", "generate_bump_type", "openapi_diff_bump_type"]
)
def test_unknown_enum_values_arrive_as_str(field: str) -> None:
    """Values newer than this SDK never fail a read: they stay plain ``str``."""
    value = getattr(decode_event(with_(**{field: "FROM_THE_FUTURE"})), field)
    assert value == "FROM_THE_FUTURE" and type(value) is str


def test_unknown_keys_are_ignored() -> None:
    e = decode_event(with_(brand_new_field={"nested": [1, 2]}, another=None))
    assert e == decode_event(EVENT)


def test_a_target_decodes_with_its_enum_and_datetime() -> None:
    t = decoder_for(TargetSDK)({**TARGET, "success": False, "last_publish_created_at": None})
    assert t.last_event_interaction_type is shared.InteractionType.PUBLISH
    assert t.last_event_created_at == datetime(2024, 11, 21, 6, 58, 42, tzinfo=UTC)
    assert t.success is False and t.last_publish_created_at is None


# --------------------------------------------------------------------------- faults, located


def test_a_missing_required_field_is_named_with_its_index() -> None:
    items = [EVENT, EVENT, EVENT, {k: v for k, v in EVENT.items() if k != "created_at"}]
    with pytest.raises(DecodeError) as info:
        decode_list(items, CliEvent)
    assert str(info.value) == "[3].created_at: missing"
    assert info.value.location == "[3].created_at" and info.value.problem == "missing"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"success": "true"}, "success: expected bool, got str"),
        ({"success": 1}, "success: expected bool, got int"),
        ({"success": None}, "success: expected bool, got null"),
        ({"id": 5}, "id: expected str, got int"),
        ({"id": None}, "id: expected str, got null"),
        ({"id": ["evt-1"]}, "id: expected str, got array"),
        ({"duration_ms": True}, "duration_ms: expected int, got bool"),
        ({"duration_ms": 1.5}, "duration_ms: expected int, got float"),
        ({"duration_ms": "12"}, "duration_ms: expected int, got str"),
        ({"generate_published": "yes"}, "generate_published: expected bool, got str"),
        ({"commit_head": {}}, "commit_head: expected str, got object"),
        ({"interaction_type": 3}, "interaction_type: expected str, got int"),
        ({"interaction_type": None}, "interaction_type: expected str, got null"),
        ({"generate_bump_type": 1}, "generate_bump_type: expected str, got int"),
        (
            {"created_at": 1714564800},
            "created_at: expected an RFC 3339 date-time string, got int",
        ),
        (
            {"local_completed_at": False},
            "local_completed_at: expected an RFC 3339 date-time string, got bool",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_named(changes: Dict[str, Any], message: str) -> None:
    """The location, what was expected and what came (by JSON type, never the value)."""
    with pytest.raises(DecodeError) as info:
        decode_list([EVENT, with_(**changes)], CliEvent)
    assert str(info.value) == f"[1].{message}"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "text", ["2024-11-21", "not a date", "2024-13-01T00:00:00Z", "2024-11-21T06:58Z", ""]
)
def test_a_date_time_that_is_not_rfc3339_is_named(text: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_list([with_(local_completed_at=text)], CliEvent)
    assert info.value.location == "[0].local_completed_at"
    assert info.value.problem.startswith("not an RFC 3339 date-time")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"events": []}, "expected an array of CliEvent, got object"),
        (None, "expected an array of CliEvent, got null"),
        ("[]", "expected an array of CliEvent, got str"),
        ([EVENT, "evt"], "[1]: expected a CliEvent object, got str"),
        ([None], "[0]: expected a CliEvent object, got null"),
    ],
)
def test_an_answer_of_the_wrong_shape_is_named(data: Any, message: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_list(data, CliEvent)
    assert str(info.value) == message


def test_an_empty_array_is_an_empty_list() -> None:
    assert decode_list([], CliEvent) == []


def test_from_dict_and_from_json_check_types_too() -> None:
    """The 5.x-style class methods use the same decoder."""
    with pytest.raises(ValueError, match=r"^success: expected bool, got str$"):
        CliEvent.from_dict(with_(success="no"))
    with pytest.raises(ValueError, match=r"^workspace_id: missing$"):
        CliEvent.from_json(json.dumps({k: v for k, v in EVENT.items() if k != "workspace_id"}))


def test_the_decoder_source_is_shown_in_tracebacks() -> None:
    """Like the encoder, the generated source is registered with linecache."""
    try:
        decode_event(with_(success="no"))
    except DecodeError:
        text = traceback.format_exc()
    assert "<speakeasy decoder speakeasy.models.shared.clievent.CliEvent>" in text
    assert "_bool('success'" in text
    filename = "<speakeasy decoder speakeasy.models.shared.clievent.CliEvent>"
    assert linecache.getline(filename, 1).startswith("def decode_CliEvent(d):")


def test_str_and_int_subclasses_are_accepted_as_plain_values() -> None:
    """Values from a user's own dict may be subclasses; they arrive as plain types."""

    class Text(str):
        pass

    class Count(int):
        pass

    e = decode_event(with_(id=Text("evt-1"), duration_ms=Count(7)))
    assert type(e.id) is str and e.id == "evt-1"
    assert type(e.duration_ms) is int and e.duration_ms == 7


# --------------------------------------------------------------------------- date-times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-11-21T06:58:42Z", datetime(2024, 11, 21, 6, 58, 42, tzinfo=UTC)),
        ("2024-11-21T06:58:42.1Z", datetime(2024, 11, 21, 6, 58, 42, 100000, tzinfo=UTC)),
        ("2024-11-21T06:58:42.12Z", datetime(2024, 11, 21, 6, 58, 42, 120000, tzinfo=UTC)),
        ("2024-11-21T06:58:42.123456Z", datetime(2024, 11, 21, 6, 58, 42, 123456, tzinfo=UTC)),
        ("2024-11-21T06:58:42.1234569Z", datetime(2024, 11, 21, 6, 58, 42, 123456, tzinfo=UTC)),
        ("2024-11-21t06:58:42z", datetime(2024, 11, 21, 6, 58, 42, tzinfo=UTC)),
        ("2024-11-21 06:58:42.5+00:00", datetime(2024, 11, 21, 6, 58, 42, 500000, tzinfo=UTC)),
        ("2024-11-21T06:58:42-00:00", datetime(2024, 11, 21, 6, 58, 42, tzinfo=UTC)),
        (
            "2024-11-21T06:58:42.25+05:45",
            datetime(2024, 11, 21, 6, 58, 42, 250000, timezone(timedelta(hours=5, minutes=45))),
        ),
        (
            "2024-11-21T06:58:42-09:30",
            datetime(2024, 11, 21, 6, 58, 42, tzinfo=timezone(-timedelta(hours=9, minutes=30))),
        ),
        ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2024-11-21T06:58:42", datetime(2024, 11, 21, 6, 58, 42, tzinfo=UTC)),
    ],
)
def test_rfc3339_date_times_are_read_exactly(text: str, expected: datetime) -> None:
    """Z and offsets kept, fractions cut (not rounded) to microseconds; always aware.

    A leap second is read as the last microsecond before it; a value without
    an offset (not RFC 3339) as UTC.
    """
    for value in (datetime_from_wire(text), decode_event(with_(created_at=text)).created_at):
        assert value == expected
        assert value.utcoffset() == expected.utcoffset()
        assert value.microsecond == expected.microsecond


@pytest.mark.parametrize(
    "text",
    [
        "2024-11-21T06:58:42,5Z",  # comma fraction: ISO 8601, not RFC 3339
        "2024-11-21T06:58:42+0200",  # offset without colon
        "2024-11-21T06:58:42+02:00:30",  # offset with seconds
        "2024-W47-4T06:58:42Z",  # week date
        "20241121T065842Z",  # basic format
        "2024-11-21T24:00:00Z",
        "2024-11-21T06:58:42+24:00",
        "2024-11-21T06:58:42.Z",
        "٢٠٢٤-11-21T06:58:42Z",  # non-ASCII digits
    ],
)
def test_what_rfc3339_does_not_allow_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        datetime_from_wire(text)
    with pytest.raises(DecodeError):
        decode_event(with_(created_at=text))


rfc3339_texts = st.builds(
    lambda when, digits, offset, sep, z: (
        f"{when.year:04d}-{when.month:02d}-{when.day:02d}{sep}"
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d}"
        + (f".{when.microsecond:06d}{'7' * max(0, digits - 6)}"[: digits + 1] if digits else "")
        + (z if offset is None else offset)
    ),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.integers(0, 9),
    st.one_of(
        st.none(),
        st.builds(
            lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
            st.sampled_from("+-"),
            st.integers(0, 23),
            st.integers(0, 59),
        ),
    ),
    st.sampled_from(["T", "t", " "]),
    st.sampled_from(["Z", "z"]),
)


@settings(max_examples=300, deadline=None)
@given(rfc3339_texts)
def test_date_times_read_as_python_dateutil_reads_them(text: str) -> None:
    """Same instant, offset and microsecond as ``isoparse`` (5.x's parser), for any RFC 3339."""
    ours = datetime_from_wire(text)
    theirs = isoparse(text)
    assert ours == theirs
    assert ours.utcoffset() == theirs.utcoffset()
    assert ours.microsecond == theirs.microsecond


# --------------------------------------------------------------------------- round trips


def aware(value: Any) -> Any:
    """What a value is once it went through the wire: naive date-times made aware."""
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            value = value.astimezone()  # naive: local time, sent with the local offset
        offset = value.utcoffset()
        if offset is not None and (offset.seconds % 60 or offset.microseconds):
            return value.astimezone(UTC)  # RFC 3339 offsets have no seconds
    return value


def instant(value: datetime) -> datetime:
    """The UTC wall time of an aware datetime, naive (comparable whatever the zone)."""
    offset = value.utcoffset()
    assert offset is not None
    return value.replace(tzinfo=None) - offset


def assert_the_same_event(back: CliEvent, event: CliEvent) -> None:
    for name in FIELDS:
        sent, got = aware(getattr(event, name)), getattr(back, name)
        if isinstance(sent, datetime):  # by instant: == says False across zones in a DST gap
            assert instant(got) == instant(sent) and got.utcoffset() == sent.utcoffset(), name
        elif isinstance(sent, str):
            assert got == json.loads(json.dumps(sent)), name
        else:
            assert got == sent, name


@settings(max_examples=20, deadline=None)
@given(events())
def test_encode_then_decode_gives_the_event_back(event: CliEvent) -> None:
    """Every field of any valid event survives encoder -> json -> decoder.

    A string comes back as JSON itself carries it: two lone surrogates that
    form a pair (``"\\ud800\\ude84"``) are one character once parsed.
    """
    assert_the_same_event(decode_event(json.loads(encoder_for(CliEvent)(event))), event)


@random_events.seeded(5)
@given(random_events.seeds)
def test_encoded_batches_of_seeded_events_decode_back(seed: int) -> None:
    """The same through ``decode_list`` for 500 events a run: batches of 0 to 40 of each
    seed, until 100, written by the encoder and read as one array."""
    source = random_events.Events(seed, pool=60)
    count = 0
    while count < 100:
        items = [source.event() for _ in range(source.rng.randrange(41))]
        text = "[" + ",".join(encoder_for(CliEvent)(e) for e in items) + "]"
        back = decode_list(json.loads(text), CliEvent)
        assert len(back) == len(items)
        for got, event in zip(back, items):
            assert_the_same_event(got, event)
        count += len(items)


@settings(max_examples=10, deadline=None)
@given(st.lists(events(), max_size=5))
def test_decode_list_reads_an_encoded_batch(items: List[CliEvent]) -> None:
    text = "[" + ",".join(encoder_for(CliEvent)(e) for e in items) + "]"
    assert len(decode_list(json.loads(text), CliEvent)) == len(items)


def test_required_field_names_come_from_the_model() -> None:
    """The decoder's idea of required is the model's: each one missing is named."""
    for name in REQUIRED:
        with pytest.raises(DecodeError, match=f"^{name}: missing$"):
            decode_event({k: v for k, v in EVENT.items() if k != name})


# --------------------------------------------------------------------------- other models


@dataclasses.dataclass
class Problem:
    """A model that is not slotted, with a JSON key unlike its name and a local field."""

    message: str = dataclasses.field(metadata=wire(name="msg"))
    status_code: int = dataclasses.field(metadata=wire())
    detail: Optional[str] = dataclasses.field(default=None, metadata=wire(optional=True))
    response: Any = dataclasses.field(default="unset", metadata=off_wire())
    calls: List[int] = dataclasses.field(default_factory=list, metadata=off_wire())

    def __post_init__(self) -> None:
        self.calls.append(1)


@slotted
@dataclasses.dataclass
class Tiny:
    when: Optional[datetime] = dataclasses.field(default=None, metadata=wire(optional=True))


def test_any_dataclass_with_wire_metadata_decodes() -> None:
    """Through its constructor when it needs one; keys renamed; local fields defaulted."""
    p = decoder_for(Problem)({"msg": "boom", "status_code": 500, "response": "from the wire"})
    assert p == Problem("boom", 500, None, "unset", [])  # __post_init__ ran once: calls == [1]
    assert p.calls == [1]
    with pytest.raises(DecodeError, match=r"^msg: missing$"):
        decoder_for(Problem)({"message": "boom", "status_code": 500})


def test_a_model_with_only_optional_fields_decodes_from_an_empty_object() -> None:
    assert decoder_for(Tiny)({}) == Tiny()
    assert decoder_for(Tiny)({"when": "2024-01-01T00:00:00Z"}).when == datetime(
        2024, 1, 1, tzinfo=UTC
    )


def test_a_field_type_without_a_json_decoding_is_refused_when_compiled() -> None:
    @dataclasses.dataclass
    class Odd:
        values: List[int] = dataclasses.field(metadata=wire())

    with pytest.raises(TypeError, match=r"Odd\.values"):
        decoder_for(Odd)


@pytest.mark.parametrize(
    "text",
    [
        "2024-11-21T06:58:42Z",
        "2024-11-21T06:58:42.120Z",
        "2024-11-21T06:58:42.123456+05:30",
        "2024-11-21T06:58:42-09:30",
    ],
)
def test_the_python_39_fast_path_reads_what_it_accepts_the_same(text: str) -> None:
    """Before 3.11, fromisoformat gets no Z and only 0, 3 or 6 digits; checked on any Python."""
    from speakeasy._datetime import _fromiso_39

    assert _fromiso_39(text) == isoparse(text)
    assert _fromiso_39(text).utcoffset() == isoparse(text).utcoffset()


@pytest.mark.parametrize("text", ["2024-11-21T06:58:42.12Z", "2024-11-21T06:58:42.1234567Z"])
def test_the_python_39_fast_path_leaves_other_fractions_to_the_slow_path(text: str) -> None:
    from speakeasy._datetime import _fromiso_39

    with pytest.raises(ValueError):
        _fromiso_39(text)
    assert datetime_from_wire(text) == isoparse(text)


# --------------------------------------------------------------------------- the fast paths
#
# A model's decoder reads an object of a shape (its tuple of keys) seen before
# with straight-line code for that shape, and any other object by visiting the
# keys it has. Both hand any fault to the decoder that reads every declared
# field in order, so what is decoded and what is raised must be the same on
# every path.


def paths(cls: type) -> Dict[str, Any]:
    """Each way a dict can be decoded, compiled afresh (no cache shared with other tests)."""
    m = _decoding._model(cls)
    ref = _decoding._reference(m)
    return {
        "every field in order": ref,
        "keys present": _decoding._by_keys_present(m, ref),
        "dispatch": _decoding._compile(cls),
    }


def shape_decoder(cls: type, data: Dict[str, Any], ref: Any = None) -> Any:
    """The straight-line decoder of ``data``'s shape (its fallback: ``ref``, or a new one)."""
    m = _decoding._model(cls)
    ref = ref or _decoding._reference(m)
    return _decoding._for_shape(m, tuple(data), ref, ref, 0)


def outcome(decode: Any, data: Any) -> Any:
    """What decoding gives: each field's value, type and UTC offset, or the error text."""
    try:
        got = decode(data)
    except DecodeError as exc:
        return ("error", str(exc))
    out = []
    for name in FIELDS:
        value = getattr(got, name)
        offset = value.utcoffset() if isinstance(value, datetime) else None
        out.append((name, value, type(value), offset))
    return out


@st.composite
def wire_objects(draw: st.DrawFn) -> Dict[str, Any]:
    """An encoded event, its optional fields at random null or absent, maybe unknown keys,
    in a random key order, sometimes broken (a key dropped or a value of another type)."""
    data: Dict[str, Any] = json.loads(encoder_for(CliEvent)(draw(events())))
    for key in list(data):
        if key in OPTIONAL and draw(st.integers(0, 3)) == 0:
            data[key] = None
    if draw(st.booleans()):
        data["added_later"] = draw(st.one_of(st.none(), st.integers(), st.text(max_size=3)))
    keys = draw(st.permutations(list(data)))
    data = {k: data[k] for k in keys}
    fault = draw(st.integers(0, 5))
    if fault == 0:
        data.pop(draw(st.sampled_from(sorted(data))))
    elif fault == 1:
        data[draw(st.sampled_from(sorted(data)))] = draw(st.sampled_from([7, "x", [], {}, 1.5]))
    return data


def seeded_wire_object(source: random_events.Events) -> Dict[str, Any]:
    """What ``wire_objects`` draws, from a seeded generator."""
    rng = source.rng
    data = source.wire()
    for key in list(data):
        if key in OPTIONAL and rng.randrange(4) == 0:
            data[key] = None
    if rng.random() < 0.5:
        data["added_later"] = rng.choice([None, rng.randint(-9, 9), random_events.text(rng, 3)])
    keys = list(data)
    rng.shuffle(keys)
    data = {k: data[k] for k in keys}
    fault = rng.randrange(6)
    if fault == 0:
        data.pop(rng.choice(sorted(data)))
    elif fault == 1:
        data[rng.choice(sorted(data))] = rng.choice([7, "x", [], {}, 1.5])
    return data


def assert_every_path_alike(data: Dict[str, Any], decoders: Dict[str, Any]) -> None:
    ref = decoders["every field in order"]
    decoders = {**decoders, "shape of its own keys": shape_decoder(CliEvent, data, ref)}
    expected = outcome(decoders.pop("every field in order"), data)
    for name, decode in decoders.items():
        assert outcome(decode, data) == expected, name
        assert outcome(decode, data) == expected, name  # again: the dispatch compiled it


@settings(max_examples=10, deadline=None)
@given(wire_objects())
def test_every_decoding_path_gives_the_same_model_or_error(data: Dict[str, Any]) -> None:
    assert_every_path_alike(data, paths(CliEvent))


@random_events.seeded(4)
@given(random_events.seeds)
def test_every_decoding_path_gives_the_same_for_seeded_objects(seed: int) -> None:
    """The same for 100 objects a run, 25 of each seed through one set of paths (so the
    dispatch meets shapes it compiled for earlier objects), and each object also through
    the shape decoders of the last eight without unknown keys before it (a decoder that
    checks its shape itself: another shape is handed back, with the same outcome)."""
    source = random_events.Events(seed, pool=60)
    decoders = paths(CliEvent)
    others: List[Any] = []
    for _ in range(25):
        data = seeded_wire_object(source)
        expected = outcome(decoders["every field in order"], data)
        for other in others:
            assert outcome(other, data) == expected
        assert_every_path_alike(data, decoders)
        if "added_later" not in data:  # a shape of unknown keys is only ever given its own
            others = [shape_decoder(CliEvent, data, decoders["every field in order"]), *others][:8]


def assert_list_decodes_as_one_by_one(items: List[Dict[str, Any]], repeat: int) -> None:
    items = (items * repeat)[: 3 * len(items)]
    one_by_one = [outcome(decoder_for(CliEvent), item) for item in items]
    errors = [o for o in one_by_one if o[0] == "error"]
    try:
        got = decode_list(items, CliEvent)
    except DecodeError as exc:
        index = next(i for i, o in enumerate(one_by_one) if o[0] == "error")
        assert str(exc) == f"[{index}].{errors[0][1]}".replace(".[", "[")
    else:
        assert not errors
        assert [outcome(lambda d, e=e: e, None) for e in got] == one_by_one


@settings(max_examples=10, deadline=None)
@given(st.lists(wire_objects(), max_size=6), st.integers(1, 4))
def test_a_list_of_alike_and_unlike_objects_decodes_as_one_by_one(
    items: List[Dict[str, Any]], repeat: int
) -> None:
    """Shapes repeat, so their decoders compile mid-list; the result is the same."""
    assert_list_decodes_as_one_by_one(items, repeat)


@random_events.seeded(4)
@given(random_events.seeds)
def test_seeded_lists_of_alike_and_unlike_objects_decode_as_one_by_one(seed: int) -> None:
    """The same for 25 lists of 0 to 6 objects of each seed, repeated 1 to 4 times."""
    source = random_events.Events(seed, pool=60)
    for _ in range(25):
        items = [seeded_wire_object(source) for _ in range(source.rng.randrange(7))]
        assert_list_decodes_as_one_by_one(items, source.rng.randint(1, 4))


@slotted
@dataclasses.dataclass
class Small:
    name: str = dataclasses.field(metadata=wire())
    count: Optional[int] = dataclasses.field(default=None, metadata=wire(optional=True))
    note: Optional[str] = dataclasses.field(default=None, metadata=wire(optional=True))
    kind: Optional[shared.GenerateBumpType] = dataclasses.field(
        default=None, metadata=wire(optional=True)
    )


def test_a_shape_decoder_checks_the_shape_itself() -> None:
    """A compiled shape takes only objects with exactly its keys; others are dispatched."""
    decode = decoder_for(Small)
    for _ in range(3):  # compiled on the second sight
        assert decode({"name": "a", "count": 1}) == Small("a", 1)
    fast = _decoding._shape_tables[Small][("name", "count")]
    assert fast({"name": "a", "count": 1}) == Small("a", 1)
    assert fast({"name": "b", "note": "n"}) == Small("b", None, "n")  # same size, other key
    assert fast({"name": "c"}) == Small("c")  # fewer keys
    assert fast({"count": 2, "name": "d"}) == Small("d", 2)  # other order
    assert fast({"name": "e", "count": None}) == Small("e")
    with pytest.raises(DecodeError, match=r"^name: missing$"):
        fast({"note": "x", "count": 3})  # same size, the required key absent
    with pytest.raises(DecodeError, match=r"^expected a Small object, got array$"):
        fast(["name", "count"])  # as long as the shape, not an object
    with pytest.raises(DecodeError, match=r"^count: expected int, got str$"):
        fast({"name": "f", "count": "1"})
    assert decode_list([{"name": "g", "count": 5}, {"name": "h", "kind": "major"}], Small) == [
        Small("g", 5),
        Small("h", kind=shared.GenerateBumpType.MAJOR),
    ]


def test_a_shape_with_unknown_keys_is_only_used_for_exactly_that_shape() -> None:
    decode = decoder_for(Small)
    for _ in range(3):
        assert decode({"name": "a", "extra": 1}) == Small("a")
    # As many keys, a known one in place of the unknown: not that shape.
    assert decode({"name": "b", "note": "n"}) == Small("b", note="n")
    assert decode({"name": "c", "extra": 2}) == Small("c")


def test_past_the_cap_of_shapes_objects_decode_the_same() -> None:
    @slotted
    @dataclasses.dataclass
    class Many:
        name: str = dataclasses.field(metadata=wire())

    decode = decoder_for(Many)
    cap = _decoding._MAX_SHAPES
    for i in range(cap + 5):  # each shape twice: compiled until the cap
        for _ in range(2):
            assert decode({"name": f"n{i}", f"extra{i}": i}) == Many(f"n{i}")
    assert len(_decoding._shape_tables[Many]) == cap
    assert decode({"name": "x", "extra0": 0}) == Many("x")
    assert decode({"name": "y", f"extra{cap + 3}": 0}) == Many("y")
    with pytest.raises(DecodeError, match=r"^name: expected str, got int$"):
        decode({"name": 1, f"extra{cap + 3}": 0})
    with pytest.raises(DecodeError, match=r"^name: missing$"):
        decode({f"extra{cap + 3}": 0})


def test_a_dict_subclass_is_read_field_by_field() -> None:
    class Ordered(dict):  # type: ignore[type-arg]
        pass

    decode = decoder_for(Small)
    for _ in range(3):
        decode({"name": "a", "count": 1})
    assert decode(Ordered(name="a", count=1)) == Small("a", 1)
    assert decode_list([Ordered(name="a")], Small) == [Small("a")]


def test_errors_from_the_fast_paths_show_the_reference_decoder() -> None:
    """Faults are raised by the decoder of every field in order, with no chained error."""
    for _ in range(3):
        decode_event(EVENT)
    try:
        decode_event(with_(success="no"))  # the shape of EVENT, compiled
    except DecodeError as exc:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        assert exc.__context__ is None
    assert "<speakeasy decoder speakeasy.models.shared.clievent.CliEvent>" in text
    assert "During handling" not in text


def test_threads_decoding_while_shapes_compile_all_get_the_same_models() -> None:
    """Shapes compile on first sightings that several threads may share."""
    import threading

    @slotted
    @dataclasses.dataclass
    class Shared:
        name: str = dataclasses.field(metadata=wire())
        count: Optional[int] = dataclasses.field(default=None, metadata=wire(optional=True))
        note: Optional[str] = dataclasses.field(default=None, metadata=wire(optional=True))

    items = [
        {"name": f"n{i}", **({"count": i} if i % 2 else {}), **({"note": "x"} if i % 3 else {})}
        for i in range(60)
    ]
    expected = [Shared(d["name"], d.get("count"), d.get("note")) for d in items]
    results: List[Any] = []
    start = threading.Barrier(8)

    def work() -> None:
        start.wait()
        results.append(decode_list(items, Shared))
        results.append([decoder_for(Shared)(d) for d in items])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 16
