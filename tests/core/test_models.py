"""Reading models back from the wire, and their reprs."""

from __future__ import annotations

import json
from datetime import timedelta, timezone

from speakeasy.models import shared
from tests._factories import T0, cli_event

WIRE = {
    "created_at": "2024-11-21T06:58:42.120Z",
    "execution_id": "exec-1",
    "id": "evt-1",
    "interaction_type": "CLI_EXEC",
    "local_started_at": "2024-05-07T12:35:47.182+02:00",
    "speakeasy_api_key_name": "key-name",
    "speakeasy_version": "1.0.0",
    "success": True,
    "workspace_id": "ws-1",
}


def test_round_trip_through_json_is_lossless():
    """An event written with to_json reads back equal with from_json."""
    e = cli_event(duration_ms=12, generate_bump_type=shared.GenerateBumpType.MINOR)
    assert shared.CliEvent.from_json(e.to_json()) == e


def test_from_dict_parses_datetimes_and_enums():
    """Date-times become aware datetimes; known enum values become members."""
    e = shared.CliEvent.from_dict(WIRE)
    assert e.created_at == T0.replace(microsecond=120000)
    assert e.local_started_at.utcoffset() == timedelta(hours=2)
    assert e.interaction_type is shared.InteractionType.CLI_EXEC
    assert e.created_at.tzinfo is not None and e.created_at.utcoffset() == timezone.utc.utcoffset(
        None
    )


def test_unknown_interaction_type_reads_back_as_str():
    """A value newer than the enum never fails to read: it stays a str."""
    e = shared.CliEvent.from_dict({**WIRE, "interaction_type": "QUICKSTART"})
    assert e.interaction_type == "QUICKSTART"
    assert not isinstance(e.interaction_type, shared.InteractionType)


def test_unknown_bump_type_reads_back_as_str():
    """An unknown generate_bump_type is kept as the string it was."""
    e = shared.CliEvent.from_dict({**WIRE, "generate_bump_type": "prerelease"})
    assert e.generate_bump_type == "prerelease"


def test_unknown_keys_are_ignored():
    """Keys a newer server adds do not break reading."""
    e = shared.CliEvent.from_dict({**WIRE, "brand_new_field": {"x": 1}})
    assert e.id == "evt-1"


def test_missing_optional_keys_read_as_none():
    """Optional fields absent from the JSON are None."""
    e = shared.CliEvent.from_json(json.dumps(WIRE))
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


# --------------------------------------------------------------------------- import graph
