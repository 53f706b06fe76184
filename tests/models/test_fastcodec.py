"""The native decoder (the ``[fast]`` extra) against the pure one: same models, same errors.

Every answer is decoded twice through ``_answers.decode_answer`` (what the reads run):
with the extra, and with ``SPEAKEASY_PURE_PYTHON=1``. Valid answers must give equal
models whose every value has the same type (enum member or plain ``str``, the same
UTC offset); invalid ones the same exception type and message (field path included).
"""

from __future__ import annotations

import json
import os
import random
from datetime import datetime
from operator import attrgetter
from typing import Any, Dict, List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speakeasy import _fastcodec
from speakeasy._answers import decode_answer
from speakeasy._encoding import encoder_for
from speakeasy._rawresponse import DetachedResponse
from speakeasy._redact import Redactor
from speakeasy.models.shared import CliEvent, TargetSDK
from tests.models import random_events
from tests.models.random_events import OPTIONAL, REQUIRED
from tests.models.test_decoding import TARGET, rfc3339_texts
from tests.models.test_encoding import events
from tests.support.factories import cli_event, run_in_fresh_interpreter

msgspec = pytest.importorskip("msgspec", reason="the [fast] extra is in the dev extra")

REDACT = Redactor([])


def _outcome(content: bytes, cls: type, pure: bool) -> Tuple[str, Any]:
    old = os.environ.pop(_fastcodec.PURE_ENV, None)
    if pure:
        os.environ[_fastcodec.PURE_ENV] = "1"
    try:
        response = DetachedResponse(200, {"content-type": "application/json"}, content, "")
        return "ok", decode_answer(response, cls, REDACT)
    except Exception as exc:  # the outcome compared, whatever it is
        return type(exc).__name__, str(exc)
    finally:
        os.environ.pop(_fastcodec.PURE_ENV, None)
        if old is not None:
            os.environ[_fastcodec.PURE_ENV] = old


def _typed(models: List[Any]) -> List[Tuple[Any, ...]]:
    """Every field's type, value, and UTC offset: ``==`` alone would let a str pass for a
    str-enum member, or two date-times of the same instant in other zones."""
    if not models:
        return []
    get = attrgetter(*type(models[0]).__field_specs__)
    out = []
    for m in models:
        values = get(m)
        offsets = [v.utcoffset() for v in values if isinstance(v, datetime)]
        out.append((type(m), tuple(map(type, values)), values, offsets))
    return out


def assert_same(content: bytes, cls: type = CliEvent) -> str:
    fast = _outcome(content, cls, pure=False)
    pure = _outcome(content, cls, pure=True)
    assert fast[0] == pure[0], (fast, pure)
    if fast[0] == "ok":
        assert fast[1] == pure[1]
        assert _typed(fast[1]) == _typed(pure[1])
    else:
        assert fast[1] == pure[1]
    return fast[0]


# --------------------------------------------------------------------------- random answers


def _wire(event: CliEvent) -> Dict[str, Any]:
    return json.loads(encoder_for(CliEvent)(event))  # type: ignore[no-any-return]


#: Values a JSON field may hold that fit no field, or some: every JSON type and edge.
odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    rfc3339_texts,
    st.sampled_from(["CLI_EXEC", "NEW_KIND", "MINOR", "", "2024-01-01T00:00:00", "\ud800"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@st.composite
def answers(draw: st.DrawFn) -> bytes:
    """A JSON array of events, most valid, some with a field broken, missing or added."""
    items: List[Any] = [_wire(e) for e in draw(st.lists(events(), max_size=4))]
    for item in items:
        action = draw(st.sampled_from(["keep"] * 6 + ["drop", "change", "add", "enum", "date"]))
        if action == "drop":
            del item[draw(st.sampled_from(REQUIRED))]
        elif action == "change":
            item[draw(st.sampled_from(sorted(item)))] = draw(odd_values)
        elif action == "add":
            item[draw(st.text(max_size=6))] = draw(odd_values)
        elif action == "enum":
            key = draw(st.sampled_from(["interaction_type", "generate_bump_type"]))
            item[key] = draw(st.sampled_from(["NEW_KIND", "LINT", "major", "PRERELEASE"]))
        elif action == "date":
            key = draw(st.sampled_from(["created_at", "local_started_at", "local_completed_at"]))
            item[key] = draw(rfc3339_texts)
    if draw(st.integers(0, 20)) == 0:
        items.append(draw(odd_values))  # an item that is not an object
    text = json.dumps(items, ensure_ascii=draw(st.booleans()))
    return text.encode("utf-8", "surrogatepass")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers())
def test_the_native_decoder_gives_what_the_pure_one_gives(content: bytes) -> None:
    """Hypothesis' own answers (up to 8 events), which shrink to the smallest failing one;
    the thousands are in the seeded test below. Same models or same error."""
    assert_same(content)


def _mutate(rng: random.Random, item: Dict[str, Any], actions: List[str]) -> None:
    """One of today's faults or forward-compatible changes (as ``answers`` draws them)."""
    action = rng.choice(actions)
    if action == "drop":
        del item[rng.choice(REQUIRED)]
    elif action == "change":
        item[rng.choice(sorted(item))] = random_events.odd_value(rng)
    elif action == "add":
        item[random_events.text(rng, 6)] = random_events.odd_value(rng)
    elif action == "enum":
        key = rng.choice(["interaction_type", "generate_bump_type", "openapi_diff_bump_type"])
        item[key] = rng.choice(random_events.ENUM_SAMPLES)
    elif action == "date":
        key = rng.choice(["created_at", "local_started_at", "local_completed_at"])
        item[key] = random_events.rfc3339(rng)
    elif action == "null":
        item[rng.choice(OPTIONAL)] = None


def _dumps(rng: random.Random, items: List[Any]) -> bytes:
    text = json.dumps(items, ensure_ascii=rng.random() < 0.5)
    return text.encode("utf-8", "surrogatepass")


def _batch(seed: int) -> Tuple[int, int]:
    """Answers of one seed through both back ends: (events decoded alike, faulty answers).

    Valid answers of up to 60 events (unknown keys and enum values, any RFC 3339
    date-time, nulls: all decode), then small answers with a fault (a required key
    dropped, any key given a value of any JSON type, an item that is not an object):
    an answer stops at its first fault, so those stay short to reach each fault.
    """
    source = random_events.Events(seed, pool=120)
    rng = source.rng
    alike = 0
    while alike < 320:
        items = [source.wire() for _ in range(rng.randint(1, 60))]
        for item in items:
            _mutate(rng, item, ["keep"] * 4 + ["add", "enum", "date", "null"])
        if assert_same(_dumps(rng, items)) == "ok":
            alike += len(items)
    faulty = 0
    for _ in range(40):
        items = [source.wire() for _ in range(rng.randint(1, 3))]
        for item in items:
            _mutate(rng, item, ["keep", "drop", "change", "change", "add", "enum", "date"])
        if rng.randrange(8) == 0:
            items.insert(rng.randrange(len(items) + 1), random_events.odd_value(rng))
        faulty += assert_same(_dumps(rng, items)) != "ok"
    return alike, faulty


def test_thousands_of_seeded_random_events_decode_alike() -> None:
    """At least 3,000 events a run (ten seeds, new each run; a failing one is printed and
    replayed by hypothesis), in about a second: same models or same error."""
    counts: List[Tuple[int, int]] = []

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.integers(0, 2**64 - 1))
    def run(seed: int) -> None:
        counts.append(_batch(seed))

    run()
    assert sum(alike for alike, _ in counts) >= 3000
    assert sum(faulty for _, faulty in counts) >= 100  # the faults were reached too


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({}, optional={k: rfc3339_texts for k in ("x",)})))
def test_targets_too(extra: List[Dict[str, Any]]) -> None:
    items = [
        {**TARGET, "last_event_created_at": e.get("x", TARGET["last_event_created_at"])}
        for e in extra
    ]
    assert_same(json.dumps(items).encode(), TargetSDK)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"null",
        b"{}",
        b"[1]",
        b"[null]",
        b"[NaN]",
        b'[{"id": "a", "id": "b"}]',
        b"[" * 5000 + b"]" * 5000,
        b"\xff\xfe[]",
        b'[{"created_at": "2024-01-01T00:00:00Z"}]',
        b"  [ ]  ",
        b"[] trailing",
    ],
)
def test_edge_answers_fail_or_pass_alike(content: bytes) -> None:
    assert_same(content)


def test_duplicate_keys_take_the_last_value_in_both() -> None:
    one = json.dumps(_wire(cli_event(duration_ms=3)))
    doubled = one[:-1] + ', "success": "no", "success": true}'
    assert assert_same(("[" + doubled + "]").encode()) == "ok"


def test_valid_answers_really_take_the_native_path() -> None:
    """Not a vacuous differential: a valid answer is decoded by msgspec, not handed back."""
    content = json.dumps([_wire(cli_event(id=str(i))) for i in range(3)]).encode()
    assert _fastcodec.backend() == "msgspec"
    assert _fastcodec.decode_json_list(content, CliEvent) is not None
    assert _fastcodec.decode_json_list(b'[{"id": 1}]', CliEvent) is None  # the pure path decides


def test_the_environment_variable_forces_the_pure_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_fastcodec.PURE_ENV, "1")
    assert _fastcodec.backend() == "pure"
    assert _fastcodec.decode_json_list(b"[]", CliEvent) is None


def test_import_never_loads_the_extra_and_the_first_read_does() -> None:
    run_in_fresh_interpreter(
        """
import sys
import speakeasy
from speakeasy.models import shared
speakeasy.Speakeasy(security=shared.Security(api_key="k"), server_url="http://127.0.0.1:9")
assert "msgspec" not in sys.modules and "orjson" not in sys.modules
from speakeasy._answers import decode_answer
from speakeasy._rawresponse import DetachedResponse
from speakeasy._redact import Redactor
r = DetachedResponse(200, {"content-type": "application/json"}, b"[]", "")
assert decode_answer(r, shared.CliEvent, Redactor([])) == []
assert "msgspec" in sys.modules
"""
    )
