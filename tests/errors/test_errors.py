"""Mapping of non-2xx responses to exceptions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from speakeasy.models import errors, operations, shared
from speakeasy.testing import Reply
from tests.support.factories import NO_RETRIES, event
from tests.support.hostile import API_KEY


def _post(sdk, server, retries=NO_RETRIES):
    s = sdk(security=shared.Security(api_key=API_KEY), workspace_id="w", server_url=server.url)
    return s.events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=[event()]), retries
    )


@pytest.mark.parametrize("status", [400, 401, 404, 413, 422])
def test_4xx_is_sdk_error_with_status_and_body(sdk, server, status):
    """Any 4xx becomes SDKError carrying status, body and the raw response."""
    server.replies.append(Reply(status=status, body="nope", headers={"content-type": "text/plain"}))
    with pytest.raises(errors.SDKError) as info:
        _post(sdk, server)
    err = info.value
    assert err.status_code == status
    assert err.body == "nope"
    assert err.raw_response is not None and err.raw_response.status_code == status
    assert str(err) == f"API error occurred: Status {status}\nnope"


def test_4xx_json_is_sdk_error_not_error(sdk, server):
    """Only 5XX JSON bodies become errors.Error."""
    server.replies.append(
        Reply(status=404, body={"message": "no such workspace", "status_code": 404})
    )
    with pytest.raises(errors.SDKError) as info:
        _post(sdk, server)
    assert "no such workspace" in info.value.body


def test_4xx_is_not_retried(sdk, server):
    """A 400 is final: one attempt only, even with retries on."""
    server.replies.append(Reply(status=400))
    with pytest.raises(errors.SDKError):
        _post(sdk, server, retries=None)
    assert len(server.received) == 1


@pytest.mark.parametrize("status", [500, 503, 504, 599])
def test_5xx_json_error_body_is_error(sdk, server, status):
    """A 5XX application/json Error body becomes errors.Error with its fields."""
    server.replies.append(Reply(status=status, body={"message": "db down", "status_code": status}))
    with pytest.raises(errors.Error) as info:
        _post(sdk, server)
    err = info.value
    assert (err.message, err.status_code) == ("db down", status)
    assert err.raw_response is not None and err.raw_response.status_code == status
    assert isinstance(err, errors.SpeakeasyError)


def test_5xx_other_content_type_is_sdk_error(sdk, server):
    """A 5XX with a non-JSON body becomes SDKError."""
    server.replies.append(
        Reply(status=502, body="<html>bad gateway</html>", headers={"content-type": "text/html"})
    )
    with pytest.raises(errors.SDKError) as info:
        _post(sdk, server)
    assert info.value.status_code == 502
    assert "bad gateway" in info.value.body


def test_3xx_is_not_followed_and_is_sdk_error(sdk, server):
    """A redirect is not followed; it is reported as SDKError."""
    server.replies.append(Reply(status=307, headers={"Location": server.url + "/elsewhere"}))
    with pytest.raises(errors.SDKError) as info:
        _post(sdk, server)
    assert info.value.status_code == 307
    assert len(server.received) == 1


def test_errors_share_one_base():
    """Error and SDKError derive from SpeakeasyError; validation errors are ValueErrors."""
    assert issubclass(errors.Error, errors.SpeakeasyError)
    assert issubclass(errors.SDKError, errors.SpeakeasyError)
    assert issubclass(errors.ValidationError, (errors.SpeakeasyError, ValueError))
    assert issubclass(errors.FieldTypeError, TypeError)


def test_sdk_error_without_body_has_no_trailing_newline():
    """str(SDKError) ends at the status when the body is empty."""
    assert str(errors.SDKError("API error occurred", 404, "")) == "API error occurred: Status 404"


def test_error_offers_the_methods_of_a_5x_model() -> None:
    """errors.Error: to_dict, to_json, from_dict, from_json and schema(), raw_response aside."""
    error = errors.Error("boom", 500)
    assert error.to_dict() == {"message": "boom", "status_code": 500}
    assert json.loads(error.to_json()) == {"message": "boom", "status_code": 500}
    again = errors.Error.from_json(error.to_json())
    assert (again.message, again.status_code) == ("boom", 500)
    # Never None: an error built without a response gets an empty one of its status.
    assert (again.raw_response.status_code, again.raw_response.content) == (500, b"")
    assert errors.Error.from_dict({"message": "m", "status_code": 503}).status_code == 503
    assert errors.Error.schema().dump(error) == {"message": "boom", "status_code": 500}
    assert isinstance(errors.Error.schema().load({"message": "m", "status_code": 1}), errors.Error)


# -- errors.HttpResponse: what both edges' responses have, as the type checker sees it ----

_HTTP_RESPONSE_USER = """
from typing import Optional

import requests

from speakeasy.models import errors


def describe(error: errors.SDKError) -> str:
    response = error.raw_response
    ok: bool = response.ok
    reason: str = response.reason
    encoding: Optional[str] = response.encoding
    return f"{response.status_code} {reason} {ok} {encoding} {response.url} {response.text}"


def from_requests(response: requests.Response) -> errors.HttpResponse:
    return response


def from_async(response: errors.DetachedResponse) -> errors.HttpResponse:
    return response
"""


def test_http_response_offers_ok_reason_and_encoding_to_the_type_checker(tmp_path: Any) -> None:
    """5.x code such as ``e.raw_response.reason`` type-checks (mypy --strict), and both
    edges' responses (requests.Response, DetachedResponse) are HttpResponses."""
    from tests.support.factories import run_mypy_on_folder

    (tmp_path / "user.py").write_text(_HTTP_RESPONSE_USER)
    done = run_mypy_on_folder(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_http_response_attributes_are_there_on_both_edges(sdk: Any, server: Any) -> None:
    """At run time too: an SDKError's raw_response has ok, reason and encoding on either edge."""
    server.replies.append(
        Reply(404, body="missing", headers={"Content-Type": "text/plain; charset=utf-8"})
    )
    with pytest.raises(errors.SDKError) as info:
        _post(sdk, server)
    response = info.value.raw_response
    assert response.ok is False and response.reason == "Not Found"
    assert response.encoding in ("utf-8", "UTF-8")
