"""The 6.x/7.x model methods against the real ``speakeasy-client-sdk-python==7.0.0rc2``.

The same events (their wire JSON) are read by both SDKs' ``model_validate_json``
(7.x's pydantic models in their own virtualenv); every dump, copy and field list
must come out the same text.
"""

from __future__ import annotations

import json
import random
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, List

import pytest

from speakeasy.models import errors, shared
from tests.migrating.upstream import _pydantic_side
from tests.migrating.upstream._pydantic_side import described, results
from tests.migrating.upstream.conftest import ensure_upstream_venv

VERSION_7 = "7.0.0rc2"

#: Runs in 7.x's interpreter: each event's JSON in, every result out (as text).
THEIR_SIDE = Path(_pydantic_side.__file__)


def _value(rng: random.Random, hint: str) -> Any:
    """A JSON value for a field of this type (enums: values 7.x knows; date-times: any
    offset, with and without microseconds)."""
    if "datetime" in hint:
        when = datetime(2020, 1, 1, tzinfo=timezone.utc) + timedelta(
            seconds=rng.randrange(10**8), microseconds=rng.choice([0, rng.randrange(10**6)])
        )
        zone = timezone(timedelta(minutes=rng.choice([0, 0, 60, -330, 345, -720])))
        text = when.astimezone(zone).isoformat()
        return text.replace("+00:00", rng.choice(["Z", "+00:00"]))
    if "InteractionType" in hint:
        return rng.choice([m.value for m in shared.InteractionType if m.value != "TEST"])  # newer
    if "GenerateBumpType" in hint:
        return rng.choice([m.value for m in shared.GenerateBumpType])
    if "OpenapiDiffBumpType" in hint:
        return rng.choice([m.value for m in shared.OpenapiDiffBumpType])
    if "bool" in hint:
        return rng.random() < 0.5
    if "int" in hint:
        return rng.choice([0, 1, -7, 2**40, rng.randrange(10**6)])
    return "".join(rng.choice('abc XYZ-_/é€"\\\n☃𝄞0') for _ in range(rng.randrange(12)))


def _wire_objects(cls: type, count: int, seed: int) -> List[str]:
    rng = random.Random(seed)
    hints = {n: str(f.type) for n, f in cls.__field_specs__.items()}  # type: ignore[attr-defined]
    required = [n for n, f in cls.__field_specs__.items() if repr(f.default) == "MISSING"]  # type: ignore[attr-defined]
    optional = [n for n in hints if n not in required and n not in cls._newer_than_7x]  # type: ignore[attr-defined]
    out = []
    for i in range(count):
        chosen = {"all": optional, "none": []}.get(
            ["all", "none", "some"][i % 3], [n for n in optional if rng.random() < 0.3]
        )
        obj = {n: _value(rng, hints[n]) for n in [*required, *chosen]}
        out.append(json.dumps(obj, ensure_ascii=rng.random() < 0.5))
    return out


@pytest.fixture(scope="module")
def seven(tmp_path_factory: pytest.TempPathFactory) -> Any:
    python = ensure_upstream_venv(VERSION_7)
    events = _wire_objects(shared.CliEvent, 150, seed=7)
    targets = _wire_objects(shared.TargetSDK, 60, seed=8)
    error = json.dumps({"message": "boom ☃", "status_code": 503})
    result = subprocess.run(
        [str(python), "-I", str(THEIR_SIDE)],
        input=json.dumps({"events": events, "targets": targets, "error": error}),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path_factory.mktemp("seven"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return events, targets, error, json.loads(result.stdout)


def test_dumps_copies_and_fields_equal_7x_pydantic_models(seven: Any) -> None:
    events, targets, _, theirs = seven
    ours = [results(shared.CliEvent.model_validate_json(t)) for t in events]
    ours += [results(shared.TargetSDK.model_validate_json(t)) for t in targets]
    assert len(ours) == len(theirs["models"]) == 210
    for index, (mine, their) in enumerate(zip(ours, theirs["models"])):
        for key in their:
            assert mine[key] == their[key], (index, key)


def test_error_data_dumps_as_7x(seven: Any) -> None:
    _, _, error, theirs = seven
    data = errors.ErrorData.model_validate_json(error)
    assert [data.model_dump_json(), described(data.model_dump())] == theirs["error"]


def test_a_newer_field_is_dumped_only_when_set() -> None:
    """``test_report_raw`` is newer than 7.0.0rc2: absent from a 7.x-shaped dump while None."""
    event = shared.CliEvent.model_validate_json(_wire_objects(shared.CliEvent, 1, 1)[0])
    assert "test_report_raw" not in event.model_dump()
    assert event.model_copy(update={"test_report_raw": "<x/>"}).model_dump()["test_report_raw"]


@pytest.mark.parametrize(
    "name", ["model_config", "model_json_schema", "model_construct", "dict", "parse_obj"]
)
def test_the_rest_of_pydantic_raises_attribute_error_saying_so(name: str) -> None:
    event = shared.CliEvent.model_validate_json(_wire_objects(shared.CliEvent, 1, 2)[0])
    for owner in (event, shared.CliEvent):
        with pytest.raises(AttributeError, match=f"{name} is not provided"):
            getattr(owner, name)
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        event.nope  # type: ignore[attr-defined]  # noqa: B018


def test_validation_names_the_field_as_reads_do() -> None:
    with pytest.raises(ValueError, match=r"^success: expected bool, got str$"):
        shared.CliEvent.model_validate(
            {**json.loads(_wire_objects(shared.CliEvent, 1, 3)[0]), "success": "yes"}
        )
