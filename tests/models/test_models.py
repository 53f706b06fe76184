"""Reading models back from the wire, and their reprs."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from datetime import timedelta, timezone
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speakeasy._decoding import decoder_for
from speakeasy._model import JsonModel, off_wire, wire
from speakeasy.models import shared
from tests.support.factories import (
    MYPY_CACHE,
    T0,
    WIRE_EVENT,
    cli_event,
    run_in_fresh_interpreter,
    run_mypy_strict,
)


def test_round_trip_through_json_is_lossless():
    """An event written with to_json reads back equal with from_json."""
    e = cli_event(duration_ms=12, generate_bump_type=shared.GenerateBumpType.MINOR)
    assert shared.CliEvent.from_json(e.to_json()) == e


def test_from_dict_parses_datetimes_and_enums():
    """Date-times become aware datetimes; known enum values become members."""
    e = shared.CliEvent.from_dict(WIRE_EVENT)
    assert e.created_at == T0.replace(microsecond=120000)
    assert e.local_started_at.utcoffset() == timedelta(hours=2)
    assert e.interaction_type is shared.InteractionType.CLI_EXEC
    assert e.created_at.tzinfo is not None and e.created_at.utcoffset() == timezone.utc.utcoffset(
        None
    )


def test_unknown_interaction_type_reads_back_as_str():
    """A value newer than the enum never fails to read: it stays a str."""
    e = shared.CliEvent.from_dict({**WIRE_EVENT, "interaction_type": "BRAND_NEW_TYPE"})
    assert e.interaction_type == "BRAND_NEW_TYPE"
    assert not isinstance(e.interaction_type, shared.InteractionType)


def test_unknown_bump_type_reads_back_as_str():
    """An unknown generate_bump_type is kept as the string it was."""
    e = shared.CliEvent.from_dict({**WIRE_EVENT, "generate_bump_type": "sideways"})
    assert e.generate_bump_type == "sideways"
    assert not isinstance(e.generate_bump_type, shared.GenerateBumpType)


def test_unknown_keys_are_ignored():
    """Keys a newer server adds do not break reading."""
    e = shared.CliEvent.from_dict({**WIRE_EVENT, "brand_new_field": {"x": 1}})
    assert e.id == "evt-1"


def test_missing_optional_keys_read_as_none():
    """Optional fields absent from the JSON are None."""
    e = shared.CliEvent.from_json(json.dumps(WIRE_EVENT))
    assert e.duration_ms is None and e.local_completed_at is None


def test_to_dict_leaves_out_unset_optional_fields():
    """to_dict, like the wire, has no key for an unset optional field."""
    d = cli_event().to_dict()
    assert "commit_head" not in d and "duration_ms" not in d
    assert d["created_at"] == "2024-11-21T06:58:42.120000Z"


def test_events_are_slotted():
    """Events carry no per-instance __dict__ (smaller and faster to build)."""
    e = cli_event()
    assert not hasattr(e, "__dict__")


# --------------------------------------------------------------------------- types for users

#: User code, type-checked with ``mypy --strict``: exactly the lines marked ``# error`` fail.
USER_CODE = """\
from datetime import datetime, timezone
from typing import Any, Dict

from speakeasy.models import shared
from speakeasy.utils import BackoffStrategy, RetryConfig

T = datetime(2024, 1, 1, tzinfo=timezone.utc)
event = shared.CliEvent(
    created_at=T,
    execution_id="exec-1",
    id="evt-1",
    interaction_type=shared.InteractionType.CLI_EXEC,
    local_started_at=T,
    speakeasy_api_key_name="key",
    speakeasy_version="1.0.0",
    success=True,
    workspace_id="ws-1",
)
positional = shared.CliEvent(T, "exec-1", "evt-1", "LINT", T, "key", "1.0.0", True, "ws-1")
with_optional = shared.CliEvent(T, "e", "i", "RUN", T, "k", "1", True, "w", commit_head="abc")
as_dict: Dict[str, Any] = event.to_dict()
as_json: str = event.to_json()
back: shared.CliEvent = shared.CliEvent.from_json(as_json)
back_from_dict: shared.CliEvent = shared.CliEvent.from_dict(as_dict)
loaded = shared.CliEvent.schema().load(as_dict)
RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 100), False)
RetryConfig("none")
shared.CliEvent()  # error
shared.CliEvent(created_at=T, execution_id="exec-1")  # error
shared.CliEvent(T, "exec-1", "evt-1", "LINT", T, "key", "1.0.0", "yes", "ws-1")  # error
shared.CliEvent(T, "e", "i", "RUN", T, "k", "1", True, "w", commit_head=5)  # error
RetryConfig("backof", BackoffStrategy(1, 50, 1.1, 100), False)  # error
"""


def test_mypy_sees_required_fields_and_retry_strategies(tmp_path: Path):
    """mypy --strict on user code: a CliEvent missing required fields is an error, as is a
    misspelt retry strategy; complete events and the 5.x model methods type-check."""
    (tmp_path / "user_code.py").write_text(USER_CODE, encoding="utf-8")
    options = ("--cache-dir", str(MYPY_CACHE), "--config-file", os.devnull)
    result = run_mypy_strict(tmp_path, ["user_code.py"], *options)
    failing = {
        int(m.group(1)) for m in re.finditer(r"^user_code\.py:(\d+): error", result.stdout, re.M)
    }
    marked = {n for n, line in enumerate(USER_CODE.splitlines(), 1) if line.endswith("# error")}
    assert failing == marked, result.stdout + result.stderr


# --------------------------------------------------------------------------- 5.x model methods


def test_schema_is_the_marshmallow_schema_of_dataclasses_json():
    """``schema()`` exists as on 5.x models, loads a wire dict, and ignores unknown keys."""
    from marshmallow import Schema

    e = cli_event(duration_ms=12, generate_bump_type=shared.GenerateBumpType.MINOR)
    schema = shared.CliEvent.schema()
    assert isinstance(schema, Schema)
    assert schema.load({**e.to_dict(), "brand_new_field": 1}) == e
    assert shared.CliEvent.schema(many=True).load([e.to_dict()]) == [e]


def test_to_json_takes_json_dumps_arguments_as_dataclasses_json_does():
    """Without arguments the wire JSON; with ``indent`` the same data, pretty."""
    e = cli_event(duration_ms=12)
    pretty = e.to_json(indent=2)
    assert "\n  " in pretty
    assert json.loads(pretty) == json.loads(e.to_json())


def test_from_dict_with_infer_missing_fills_none_as_dataclasses_json_does():
    """``infer_missing=True`` (a dataclasses-json option) reads absent fields as None."""
    with pytest.warns(RuntimeWarning, match="defaulted to None"):
        e = shared.CliEvent.from_dict({"id": "evt-1"}, infer_missing=True)
    assert e.id == "evt-1" and e.created_at is None


def test_import_speakeasy_leaves_dataclasses_json_and_marshmallow_unloaded():
    """The model methods import dataclasses-json only when called (it costs ~100 ms)."""
    code = (
        "import sys, speakeasy\n"
        "from speakeasy.models import shared\n"
        "assert 'dataclasses_json' not in sys.modules, 'dataclasses_json'\n"
        "assert 'marshmallow' not in sys.modules, 'marshmallow'\n"
        "assert 'dateutil' not in sys.modules, 'dateutil'\n"
    )
    run_in_fresh_interpreter(code)


# --------------------------------------------------------------------------- security

#: Secrets carry a marker, so no accidental overlap with a repr's own words hides a leak.
secrets = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40).map(
    lambda text: "s3cr3t" + text
)


@settings(max_examples=100, deadline=None)
@given(secrets, secrets, secrets, st.booleans())
def test_no_security_value_ever_appears_in_a_repr(
    api_key: str, bearer: str, workspace: str, partial: bool
):
    """repr, str and the repr of a container show which fields are set, never a value."""
    sec = shared.Security(
        api_key=api_key, bearer=None if partial else bearer, workspace_identifier=workspace
    )
    shown = " ".join([repr(sec), str(sec), repr([sec]), f"{sec!r}", repr({"s": sec})])
    assert "s3cr3t" not in shown
    assert "api_key=***" in repr(sec)
    assert ("bearer=None" if partial else "bearer=***") in repr(sec)


def test_every_security_field_is_optional_and_names_its_header():
    """All three schemes are optional; their metadata names the header they travel in."""
    assert shared.Security() == shared.Security(None, None, None)
    headers = {
        f.name: f.metadata["security"]["field_name"] for f in dataclasses.fields(shared.Security)
    }
    assert headers == {
        "api_key": "x-api-key",
        "bearer": "Authorization",
        "workspace_identifier": "x-workspace-identifier",
    }


# --------------------------------------------------------------------------- the base for errors


@dataclasses.dataclass(eq=False)
class ApiProblem(JsonModel, Exception):
    """The shape an error model takes on the shared base (``errors.Error`` can)."""

    message: str = dataclasses.field(metadata=wire())
    status_code: int = dataclasses.field(metadata=wire())
    raw_response: Optional[object] = dataclasses.field(
        default=None, repr=False, metadata=off_wire()
    )


def test_an_exception_model_on_the_shared_base_has_the_5x_methods():
    """JSON in and out like a 5.x error model; the response stays off the wire."""
    problem = ApiProblem.from_json('{"message":"boom","status_code":500,"extra":1}')
    assert (problem.message, problem.status_code, problem.raw_response) == ("boom", 500, None)
    problem.raw_response = object()
    assert problem.to_dict() == {"message": "boom", "status_code": 500}
    assert problem.to_json() == '{"message":"boom","status_code":500}'
    assert ApiProblem.schema().load({"message": "m", "status_code": 503}).status_code == 503
    assert decoder_for(ApiProblem)({"message": "m", "status_code": 502}).status_code == 502
    with pytest.raises(ApiProblem):
        raise problem
