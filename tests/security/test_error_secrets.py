"""Secrets never leave through an error: response metadata, pickles, short keys; both edges."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest

import speakeasy
from speakeasy._rawresponse import DetachedResponse
from speakeasy.models import errors, shared
from speakeasy.testing import EventsServer, Reply
from tests.security.test_credentials import rendered
from tests.support.edges import RAW_RESPONSE
from tests.support.factories import NO_RETRIES
from tests.support.hostile import API_KEY, json_spellings, make_request

BEARER = "tok-B34RER-s3cret-91"
WORKSPACE_SECRET = "wsid-S3CRET-ident-17"
#: A realistic key: 32 characters, with the characters JSON may escape.
LONG_KEY = "sk_live/9fQ2+xZ7kL3mN8pR4tV6wY1a"


def _client(server: EventsServer, on_edge: Any, **security: str) -> Any:
    return on_edge(
        speakeasy.Speakeasy(
            security=shared.Security(**security),  # type: ignore[arg-type]
            server_url=server.url,
            workspace_id="ws",
            retry_config=NO_RETRIES,
        )
    )


def _all_text(exc: BaseException) -> str:
    return "\n".join([rendered(exc), repr(exc.args), str(getattr(exc, "body", ""))])


# -- response metadata ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "read",
    ["search_workspace_events", "get_workspace_targets", "get_workspace_events_by_target"],
)
def test_a_key_echoed_in_content_type_never_reaches_the_error(
    other_server: EventsServer, on_edge: Any, read: str
) -> None:
    """200 with ``Content-Type: text/plain; echo=<key>`` on a read: SDKError, and the key is
    in none of str, args, repr, body or the traceback (the header is quoted redacted)."""
    other_server.replies.append(
        Reply(200, body="not json", headers={"Content-Type": f"text/plain; echo={API_KEY}"})
    )
    client = _client(other_server, on_edge, api_key=API_KEY)
    request = {"target_id": "t"} if read == "get_workspace_events_by_target" else None
    with pytest.raises(errors.SDKError) as info:
        getattr(client.events, read)(request)
    error = info.value
    assert error.status_code == 200
    assert "text/plain; echo=***" in str(error)  # what the user needs is still there
    assert API_KEY not in _all_text(error)


def test_a_key_echoed_in_any_response_header_of_an_error_is_redacted(
    other_server: EventsServer, on_edge: Any
) -> None:
    """Every header of an error's raw_response, and its reason, are redacted too."""
    other_server.replies.append(
        Reply(401, body="no", headers={"X-Echo": API_KEY, "Content-Type": f"x/{API_KEY}"})
    )
    with pytest.raises(errors.SDKError) as info:
        _client(other_server, on_edge, api_key=API_KEY).events.post_workspace_events(make_request())
    assert API_KEY not in _all_text(info.value)
    restored = pickle.loads(pickle.dumps(info.value))
    assert API_KEY not in repr(dict(restored.raw_response.headers))


# -- pickles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(500, body={"message": "boom: {secrets}", "status_code": 500}), errors.Error),
        (Reply(401, body="refused {secrets}"), errors.SDKError),
        (
            Reply(200, body="[]", headers={"Content-Type": "text/plain; echo={secrets}"}),
            errors.SDKError,
        ),
    ],
    ids=["Error", "SDKError", "SDKError-read"],
)
def test_errors_pickle_without_credentials(
    other_server: EventsServer, on_edge: Any, edge: str, reply: Reply, kind: type
) -> None:
    """pickle.dumps of a real Error/SDKError holds no credential (key, bearer, workspace
    identifier), in any encoding; it loads back as the same error over a DetachedResponse."""
    secrets = f"{API_KEY} {BEARER} {WORKSPACE_SECRET}"
    body = reply.body
    if isinstance(body, dict):
        body = {**body, "message": body["message"].format(secrets=secrets)}
    elif isinstance(body, str):
        body = body.format(secrets=secrets)
    headers = {k: v.format(secrets=secrets) for k, v in (reply.headers or {}).items()}
    other_server.replies.append(Reply(reply.status, body=body, headers=headers))
    client = _client(
        other_server,
        on_edge,
        api_key=API_KEY,
        bearer=BEARER,
        workspace_identifier=WORKSPACE_SECRET,
    )
    with pytest.raises(kind) as info:
        if reply.status == 200:
            client.events.search_workspace_events()
        else:
            client.events.post_workspace_events(make_request())
    error = info.value
    assert isinstance(error.raw_response, RAW_RESPONSE[edge])
    data = pickle.dumps(error)
    for secret in (API_KEY, BEARER, WORKSPACE_SECRET):
        for encoded in (secret.encode(), secret.encode("utf-16-le"), json.dumps(secret).encode()):
            assert encoded not in data
    restored = pickle.loads(data)
    assert type(restored) is type(error)
    assert isinstance(restored.raw_response, DetachedResponse)
    assert restored.status_code == error.status_code
    assert restored.raw_response.status_code == error.raw_response.status_code
    assert str(restored) == str(error)
    if isinstance(error, errors.SDKError):
        assert restored.body == error.body
        assert restored.message == error.message
    else:
        assert restored.message == error.message
    assert "***" in str(error) or "***" in getattr(error, "body", "")


# -- short keys ----------------------------------------------------------------------------


def test_a_short_key_does_not_garble_the_message(other_server: EventsServer, on_edge: Any) -> None:
    """Key "k": the 404's text about /v1/workspace/... is intact (no "wor***space"), while a
    whole-token echo of "k" is still redacted."""
    other_server.replies.append(
        Reply(
            404, body={"message": "no route for /v1/workspace/ws/events; key=k", "status_code": 404}
        )
    )
    with pytest.raises(errors.SDKError) as info:
        _client(other_server, on_edge, api_key="k").events.post_workspace_events(make_request())
    body = info.value.body
    assert "no route for /v1/workspace/ws/events" in body
    assert "key=***" in body
    assert "wor***space" not in _all_text(info.value)


@pytest.mark.parametrize("form", range(5))
@pytest.mark.parametrize("glued", [False, True], ids=["spaced", "glued"])
def test_a_real_key_is_hidden_in_every_spelling(
    other_server: EventsServer, on_edge: Any, form: int, glued: bool
) -> None:
    """A 32-character key is redacted in every JSON spelling, even glued to other text
    (the whole-token rule is only for keys under 8 characters)."""
    echoed = json_spellings(LONG_KEY)[form]
    text = f"abc{echoed}def" if glued else f"key {echoed} refused"
    body = '{"message": "' + text + '", "status_code": 500}'
    other_server.replies.append(Reply(500, body=body, headers={"Content-Type": "application/json"}))
    with pytest.raises(errors.Error) as info:
        _client(other_server, on_edge, api_key=LONG_KEY).events.post_workspace_events(
            make_request()
        )
    everything = _all_text(info.value)
    for spelling in json_spellings(LONG_KEY):
        assert spelling not in everything
    assert "***" in info.value.message
