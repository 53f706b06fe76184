"""This SDK against upstream 5.9.15, the release it is a drop-in superset of.

- The same 77-field events, built in both, post the same JSON bytes (theirs
  made exactly as their ``post_workspace_events`` makes its body).
- The same JSON answers (events and targets) decode to the same values in
  both, field by field, for every field 5.9.15 has.
- Where the two differ on purpose, a test says so: naive date-times are sent
  with the local offset (theirs without one, which is not RFC 3339), and an
  unknown enum value is kept as ``str`` (theirs fails the whole call).

The random inputs are seeded: every run checks the same cases.
"""

from __future__ import annotations

import dataclasses
import json
import random
import typing
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Dict, List

import pytest

from speakeasy._decoding import decode_list
from speakeasy._encoding import encode_list
from speakeasy.models import shared
from tests.migrating.upstream._their_side import build_kwargs, describe
from tests.migrating.upstream.conftest import Upstream

INT64 = [-(2**63), -1, 0, 1, 2**31, 2**53 + 1, 2**63 - 1]
TEXTS = ["", "plain", 'quote " and \\ backslash', "tab\tnew\nline\x00\x1f", "é ü ß", "😀", "\u2028"]
THEIR_ENUMS = {
    "InteractionType": [
        "CI_EXEC", "CLI_EXEC", "LINT", "OPENAPI_DIFF", "TARGET_GENERATE", "TOMBSTONE",
        "AUTHENTICATE", "QUICKSTART", "RUN", "CONFIGURE", "PUBLISH",
    ],
    "GenerateBumpType": ["major", "minor", "patch", "custom", "none"],
    "OpenapiDiffBumpType": ["major", "minor", "patch", "none"],
}  # fmt: skip


@pytest.fixture(scope="module")
def their_fields(upstream: Upstream) -> Dict[str, List[str]]:
    fields: Dict[str, List[str]] = upstream.run({"op": "fields"})
    return fields


def kind_of(cls: type, name: str) -> Any:
    """A field's type without Optional, and for open enums the enum."""
    hint = typing.get_type_hints(cls)[name]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if len(args) == 2 and args[1] is str:  # Union[Enum, str]
        return args[0]
    return args[0] if args else hint


# --------------------------------------------------------------------------- the models


@pytest.mark.parametrize("model", ["CliEvent", "TargetSDK"])
def test_their_fields_are_ours_in_their_order(
    their_fields: Dict[str, List[str]], model: str
) -> None:
    """A superset: their fields first, in their positional order, then the newer ones."""
    ours = [f.name for f in dataclasses.fields(getattr(shared, model))]
    theirs = their_fields[model]
    assert len(theirs) == {"CliEvent": 77, "TargetSDK": 34}[model]
    assert ours[: len(theirs)] == theirs


# --------------------------------------------------------------------------- posting


def random_spec(rng: random.Random, names: List[str], everything: bool) -> Dict[str, Any]:
    """Field values both sides can build: aware date-times (whole-minute offsets), enums."""
    spec: Dict[str, Any] = {}
    required = {f.name for f in dataclasses.fields(shared.CliEvent) if f.default is not None}
    for name in names:
        if name not in required and not everything and rng.random() < 0.5:
            continue
        tp = kind_of(shared.CliEvent, name)
        if tp is str:
            spec[name] = {"kind": "str", "value": rng.choice(TEXTS) + str(rng.random())}
        elif tp is bool:
            spec[name] = {"kind": "bool", "value": rng.random() < 0.5}
        elif tp is int:
            spec[name] = {"kind": "int", "value": rng.choice([*INT64, rng.randint(0, 10**6)])}
        elif tp is datetime:
            when = datetime(2000, 1, 1) + timedelta(seconds=rng.randint(0, 2 * 10**9))
            micro = rng.choice([0, 1, 120000, 999999, rng.randint(0, 999999)])
            offset = rng.choice([0, 0, 60, -300, 330, 345, -570, 23 * 60 + 59, -(23 * 60 + 59)])
            parts = [*when.timetuple()[:6], micro, offset]
            spec[name] = {"kind": "datetime", "value": parts}
        else:
            value = rng.choice(THEIR_ENUMS[tp.__name__])
            spec[name] = {"kind": "enum", "enum": tp.__name__, "value": value}
    return spec


def test_the_same_events_post_the_same_bytes(
    upstream: Upstream, their_fields: Dict[str, List[str]]
) -> None:
    """77-field events (and events with some fields unset): identical JSON bodies."""
    rng = random.Random(5915)
    names = their_fields["CliEvent"]
    specs = [random_spec(rng, names, everything=i < 3) for i in range(12)]
    assert len(specs[0]) == 77
    theirs = upstream.run({"op": "post_body", "events": specs})
    ours = encode_list(
        [shared.CliEvent(**build_kwargs(shared, spec)) for spec in specs], shared.CliEvent, "body"
    )
    assert ours == theirs.encode("ascii")


def test_naive_date_times_differ_on_purpose(
    upstream: Upstream, their_fields: Dict[str, List[str]]
) -> None:
    """A naive datetime: 5.9.15 sends no offset (not RFC 3339); this SDK the local one."""
    spec = random_spec(random.Random(1), their_fields["CliEvent"], everything=False)
    spec["created_at"] = {"kind": "datetime", "value": [2024, 5, 1, 12, 0, 0, 0, None]}
    (theirs,) = json.loads(upstream.run({"op": "post_body", "events": [spec]}))
    event = shared.CliEvent(**build_kwargs(shared, spec))
    (ours,) = json.loads(encode_list([event], shared.CliEvent, "body"))
    assert theirs["created_at"] == "2024-05-01T12:00:00"
    local = datetime(2024, 5, 1, 12).astimezone().isoformat()
    assert ours["created_at"] == (local[:-6] + "Z" if local.endswith("+00:00") else local)
    assert {k: v for k, v in ours.items() if k != "created_at"} == {
        k: v for k, v in theirs.items() if k != "created_at"
    }


# --------------------------------------------------------------------------- reading


def rfc3339(rng: random.Random) -> str:
    """A date-time in one of the many spellings RFC 3339 allows."""
    when = datetime(2001, 1, 1) + timedelta(seconds=rng.randint(0, 10**9))
    text = when.strftime("%Y-%m-%d") + rng.choice("Tt ") + when.strftime("%H:%M:%S")
    digits = rng.choice([0, 0, 1, 2, 3, 6, 7, 9])
    if digits:
        text += "." + "".join(rng.choice("0123456789") for _ in range(digits))
    minutes = rng.choice([None, 0, 60, -300, 330, -570])
    if minutes is None:
        return text + rng.choice("Zz")
    sign = "-" if minutes < 0 else "+"
    return text + f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def random_object(rng: random.Random, cls: type, their_names: List[str]) -> Dict[str, Any]:
    """A JSON object as a server might send it: newer fields, nulls, unknown keys."""
    obj: Dict[str, Any] = {"a_key_from_the_future": {"x": [1, None]}}
    for f in dataclasses.fields(cls):
        optional = f.default is None
        if optional and rng.random() < 0.4:
            continue
        if optional and rng.random() < 0.1:
            obj[f.name] = None
            continue
        tp = kind_of(cls, f.name)
        if tp is str:
            obj[f.name] = rng.choice(TEXTS) + f.name
        elif tp is bool:
            obj[f.name] = rng.random() < 0.5
        elif tp is int:
            obj[f.name] = rng.choice(INT64)
        elif tp is datetime:
            obj[f.name] = rfc3339(rng)
        else:
            values = THEIR_ENUMS[tp.__name__] if f.name in their_names else [m.value for m in tp]
            obj[f.name] = rng.choice(values)
    return obj


@pytest.mark.parametrize("model", ["CliEvent", "TargetSDK"])
def test_the_same_answer_decodes_to_the_same_values(
    upstream: Upstream, their_fields: Dict[str, List[str]], model: str
) -> None:
    """Every field they have, for a seeded variety of answers: same types, values, instants."""
    cls = getattr(shared, model)
    names = their_fields[model]
    rng = random.Random(model)
    text = json.dumps([random_object(rng, cls, names) for _ in range(12)])
    theirs = upstream.run({"op": "decode", "model": model, "text": text})
    assert "decoded" in theirs, theirs
    ours = [describe(m, names) for m in decode_list(json.loads(text), cls)]
    assert ours == theirs["decoded"]


def test_an_unknown_enum_value_fails_their_read_but_not_ours(upstream: Upstream) -> None:
    """Forward compatibility: 5.9.15 loses the whole answer; this SDK keeps the value."""
    obj = random_object(random.Random(3), shared.CliEvent, [])
    obj["interaction_type"] = "FROM_THE_FUTURE"
    text = json.dumps([obj])
    theirs = upstream.run({"op": "decode", "model": "CliEvent", "text": text})
    assert "error" in theirs
    (ours,) = decode_list(json.loads(text), shared.CliEvent)
    assert ours.interaction_type == "FROM_THE_FUTURE"
    assert not isinstance(ours.interaction_type, Enum)


def test_an_offset_with_utc_value_is_utc_in_both(upstream: Upstream) -> None:
    """``+00:00``, ``-00:00`` and ``Z`` are the same instant with a zero offset in both."""
    objs = []
    for value in ("2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00-00:00", "2024-01-01T00:00:00Z"):
        obj = random_object(random.Random(4), shared.CliEvent, [])
        obj["created_at"] = value
        objs.append(obj)
    text = json.dumps(objs)
    theirs = upstream.run({"op": "decode", "model": "CliEvent", "text": text})
    ours = decode_list(json.loads(text), shared.CliEvent)
    assert [describe(e, ["created_at"]) for e in ours] == [
        {"created_at": t["created_at"]} for t in theirs["decoded"]
    ]
    assert all(e.created_at.utcoffset() == timedelta(0) for e in ours)
