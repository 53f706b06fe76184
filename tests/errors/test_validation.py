"""Bad input is rejected before any byte is sent."""

from __future__ import annotations

from datetime import date

import pytest

import speakeasy
from speakeasy.models import errors, operations, shared
from tests.support.factories import event
from tests.support.hostile import API_KEY

CASES = [
    ("success", "yes", errors.FieldTypeError),
    ("created_at", "not a date", errors.FieldTypeError),
    ("created_at", date(2024, 1, 1), errors.FieldTypeError),
    ("duration_ms", "12", errors.FieldTypeError),
    ("duration_ms", 1.5, errors.FieldTypeError),
    ("duration_ms", True, errors.FieldTypeError),
    ("duration_ms", 2**63, errors.ValidationError),
    ("execution_id", 5, errors.FieldTypeError),
    ("execution_id", None, errors.FieldTypeError),
    ("interaction_type", 3, errors.FieldTypeError),
    ("interaction_type", shared.GenerateBumpType.MAJOR, errors.FieldTypeError),
    ("generate_bump_type", "bogus", errors.ValidationError),
    ("generate_output_tests", "true", errors.FieldTypeError),
    ("hostname", b"bytes", errors.FieldTypeError),
]


@pytest.mark.parametrize(("field", "value", "exc"), CASES)
def test_bad_field_is_named_and_nothing_is_sent(sdk, server, field, value, exc):
    """A bad value in any event fails the whole call before sending, naming the field."""
    s = sdk(security=shared.Security(api_key=API_KEY), workspace_id="w", server_url=server.url)
    body = [event(), event(**{field: value})]
    with pytest.raises(exc) as info:
        s.events.post_workspace_events(operations.PostWorkspaceEventsRequest(request_body=body))
    assert info.value.field == f"request_body[1].{field}"
    assert f"request_body[1].{field}" in str(info.value)
    assert isinstance(info.value, (TypeError, ValueError))
    assert server.received == []


def test_non_event_in_list_is_named(sdk, server):
    """Something that is neither a CliEvent nor a dict of its fields is rejected by index."""
    s = sdk(workspace_id="w", server_url=server.url)
    with pytest.raises(errors.FieldTypeError, match=r"request_body\[0\]: expected CliEvent"):
        s.events.post_workspace_events(
            operations.PostWorkspaceEventsRequest(request_body=["x"])  # type: ignore[list-item]
        )
    assert server.received == []


def test_incomplete_event_dict_names_the_missing_field(sdk, server):
    """A dict of CliEvent fields missing a required one is rejected, naming it."""
    s = sdk(workspace_id="w", server_url=server.url)
    with pytest.raises(errors.ValidationError, match=r"request_body\[0\]\.created_at: is required"):
        s.events.post_workspace_events(
            operations.PostWorkspaceEventsRequest(request_body=[{"id": "x"}])  # type: ignore[list-item]
        )
    assert server.received == []


def test_single_event_instead_of_list_is_rejected(sdk, server):
    """request_body must be a list."""
    s = sdk(workspace_id="w", server_url=server.url)
    with pytest.raises(errors.FieldTypeError, match="request_body"):
        s.events.post_workspace_events(
            operations.PostWorkspaceEventsRequest(request_body=event())  # type: ignore[arg-type]
        )
    assert server.received == []


def test_request_of_the_wrong_type_is_rejected(sdk, server):
    """The request must be a PostWorkspaceEventsRequest."""
    s = sdk(workspace_id="w", server_url=server.url)
    with pytest.raises(errors.FieldTypeError, match="request"):
        s.events.post_workspace_events([event()])  # type: ignore[arg-type]
    assert server.received == []


@pytest.mark.parametrize("key", ["line\nbreak", " padded", "", "tab\there"])
def test_malformed_static_key_is_rejected_at_construction_without_echoing_it(key):
    """A static key that is not a valid header value fails when the client is built."""
    with pytest.raises(errors.ValidationError, match=r"security\.api_key") as info:
        speakeasy.Speakeasy(security=shared.Security(api_key=key), workspace_id="w")
    if key.strip():
        assert key not in str(info.value)


@pytest.mark.parametrize("key", ["line\nbreak", " padded", "", "tab\there"])
def test_malformed_rotating_key_is_rejected_before_sending(sdk, server, key):
    """A callable's malformed key fails before any byte is sent, and is not echoed."""
    s = sdk(security=lambda: shared.Security(api_key=key), workspace_id="w", server_url=server.url)
    with pytest.raises(errors.ValidationError, match=r"security\.api_key") as info:
        s.events.post_workspace_events(
            operations.PostWorkspaceEventsRequest(request_body=[event()])
        )
    if key.strip():
        assert key not in str(info.value)
    assert server.received == []


@pytest.mark.parametrize("exc", [errors.ValidationError, errors.FieldTypeError])
def test_validation_errors_pickle_with_field_and_problem(exc):
    """Error reporters and multiprocessing pickle exceptions: the class, ``field`` and
    ``problem`` survive, and so does the message built from them."""
    import pickle

    with pytest.raises(exc) as info:
        if exc is errors.FieldTypeError:
            speakeasy.Speakeasy(workspace_id=5)  # type: ignore[arg-type]
        else:
            speakeasy.Speakeasy(server_url="ftp://127.0.0.1/")
    original = info.value
    copy = pickle.loads(pickle.dumps(original))
    assert type(copy) is type(original)
    assert (copy.field, copy.problem, str(copy)) == (
        original.field,
        original.problem,
        str(original),
    )
    assert str(copy).startswith(f"{copy.field}: ")
