"""Client configuration: globals, servers, custom session, security."""

from __future__ import annotations

import itertools

import pytest
import requests

import speakeasy
from speakeasy.models import errors, operations, shared
from tests.support.factories import NO_RETRIES, event

KEY = shared.Security(api_key="test-key")


def _post(s: speakeasy.Speakeasy, **request_kwargs) -> operations.PostWorkspaceEventsResponse:
    return s.events.post_workspace_events(
        operations.PostWorkspaceEventsRequest(request_body=[event()], **request_kwargs)
    )


def test_global_workspace_id_fills_the_path(sdk, server):
    """The client's workspace_id is used when the request has none."""
    _post(sdk(security=KEY, workspace_id="global-ws", server_url=server.url))
    assert server.received[-1].path == "/v1/workspace/global-ws/events"


def test_request_workspace_id_overrides_the_global_one(sdk, server):
    """The request's workspace_id wins over the client's."""
    s = sdk(security=KEY, workspace_id="global-ws", server_url=server.url)
    _post(s, workspace_id="request-ws")
    assert server.received[-1].path == "/v1/workspace/request-ws/events"


def test_workspace_id_is_percent_encoded_as_one_segment(sdk, server):
    """A slash or space in workspace_id cannot change the path."""
    _post(sdk(security=KEY, server_url=server.url), workspace_id="a/b c")
    assert server.received[-1].path == "/v1/workspace/a%2Fb%20c/events"
    assert server.received[-1].workspace_id == "a/b c"


def test_missing_workspace_id_names_it_and_sends_nothing(sdk, server):
    """With no workspace_id anywhere, a ValidationError names it before sending."""
    s = sdk(security=KEY, server_url=server.url)
    with pytest.raises(errors.ValidationError, match="workspace_id") as info:
        _post(s)
    assert info.value.field == "workspace_id"
    assert isinstance(info.value, ValueError)
    assert server.received == []


@pytest.mark.parametrize("bad", ["", 5])
def test_bad_global_workspace_id_is_rejected_at_construction(bad):
    """An empty or non-str workspace_id fails when the client is built."""
    with pytest.raises(errors.ValidationError, match="workspace_id"):
        speakeasy.Speakeasy(workspace_id=bad)


def test_default_server_is_prod():
    """Without server or server_url the client targets the prod server."""
    assert speakeasy.Speakeasy().server_url == "https://api.prod.speakeasy.com"
    assert speakeasy.Speakeasy(server="prod").server_url == "https://api.prod.speakeasy.com"
    # The host 5.x defaulted to stays reachable by name.
    legacy = speakeasy.Speakeasy(server="prod-speakeasyapi-dev").server_url
    assert legacy == "https://api.prod.speakeasyapi.dev"


def test_unknown_server_name_is_rejected():
    """server must name a known server."""
    with pytest.raises(errors.ValidationError, match="server"):
        speakeasy.Speakeasy(server="staging")


def test_server_url_trailing_slash_is_fine(sdk, server):
    """A trailing slash on server_url does not double the path's slash."""
    _post(sdk(security=KEY, workspace_id="w", server_url=server.url + "/"))
    assert server.received[-1].path == "/v1/workspace/w/events"


def test_url_params_fill_placeholders(sdk, server):
    """url_params fill {name} placeholders of server_url."""
    port = server.url.rsplit(":", 1)[1]
    s = sdk(
        security=KEY,
        workspace_id="w",
        server_url="http://{host}:{port}",
        url_params={"host": "127.0.0.1", "port": port},
    )
    _post(s)
    assert server.received[-1].path == "/v1/workspace/w/events"


@pytest.mark.parametrize(
    "url", ["not a url", "ftp://127.0.0.1/", "http://", "http://127.0.0.1:99999", "http://{x}"]
)
def test_bad_server_url_is_rejected_at_construction(url):
    """A server_url that cannot work fails at construction, naming server_url."""
    with pytest.raises(errors.ValidationError, match="server_url"):
        speakeasy.Speakeasy(server_url=url)


def test_custom_session_is_used_and_never_modified(server):
    """The session's headers and cookies are sent; the key never goes into the session.

    Sync only: client= is the sync edge's requests.Session (async_client= in test_async)."""
    session = requests.Session()
    session.headers["x-tenant"] = "acme"
    session.cookies.set("sid", "cookie-value")
    before = dict(session.headers)
    try:
        _post(
            speakeasy.Speakeasy(
                security=KEY, workspace_id="w", server_url=server.url, client=session
            )
        )
        got = server.received[-1]
        assert got.headers["x-tenant"] == "acme"
        assert "sid=cookie-value" in got.headers["cookie"]
        assert got.api_key == "test-key"
        assert dict(session.headers) == before
        assert "x-api-key" not in {k.lower() for k in session.headers}
    finally:
        session.close()


def test_custom_session_adapters_are_used(server):
    """A transport adapter mounted on the session carries the request.

    Sync only: transport adapters are requests'."""
    seen = []

    class CountingAdapter(requests.adapters.HTTPAdapter):
        def send(self, request, *args, **kwargs):
            seen.append(request.url)
            return super().send(request, *args, **kwargs)

    session = requests.Session()
    session.mount("http://", CountingAdapter())
    try:
        _post(
            speakeasy.Speakeasy(
                security=KEY, workspace_id="w", server_url=server.url, client=session
            )
        )
    finally:
        session.close()
    assert seen == [server.url + "/v1/workspace/w/events"]


def test_client_must_be_a_session():
    """client must be a requests.Session."""
    with pytest.raises(errors.FieldTypeError, match="client"):
        speakeasy.Speakeasy(client="http://example")  # type: ignore[arg-type]


def test_security_callable_is_called_for_every_request(sdk, server):
    """A callable security is resolved per request, so keys can rotate."""
    keys = itertools.cycle(["key-a", "key-b"])
    s = sdk(
        security=lambda: shared.Security(api_key=next(keys)),
        workspace_id="w",
        server_url=server.url,
        retry_config=NO_RETRIES,
    )
    for _ in range(3):
        with pytest.raises(errors.SDKError):  # the server only accepts "test-key"
            _post(s)
    assert [r.api_key for r in server.received] == ["key-a", "key-b", "key-a"]


def test_security_callable_may_return_the_key_itself(sdk, server):
    """A callable may return the key as a str."""
    _post(sdk(security=lambda: "test-key", workspace_id="w", server_url=server.url))
    assert server.received[-1].status == 200


def test_security_of_the_wrong_type_is_rejected():
    """security must be a Security or a callable."""
    with pytest.raises(errors.FieldTypeError, match="security"):
        speakeasy.Speakeasy(security="test-key")  # type: ignore[arg-type]


@pytest.mark.no_contract_check
def test_without_security_no_key_is_sent(sdk, server):
    """With security=None no x-api-key header is sent (the server answers 401)."""
    s = sdk(workspace_id="w", server_url=server.url)
    with pytest.raises(errors.SDKError) as info:
        _post(s)
    assert info.value.status_code == 401
    assert "x-api-key" not in server.received[-1].headers


@pytest.mark.parametrize("bad", [0, -5, "10", True, float("inf")])
def test_bad_timeout_is_rejected(bad):
    """timeout_ms must be a positive number of milliseconds."""
    with pytest.raises(errors.ValidationError, match="timeout_ms"):
        speakeasy.Speakeasy(timeout_ms=bad)


def test_retry_config_must_be_a_retry_config():
    """retry_config of the wrong type is rejected."""
    with pytest.raises(errors.FieldTypeError, match="retry_config"):
        speakeasy.Speakeasy(retry_config={"strategy": "none"})  # type: ignore[arg-type]


def test_repr_shows_no_key():
    """The client's repr shows the server and workspace, never the key."""
    s = speakeasy.Speakeasy(security=shared.Security(api_key="sk-secret-123"), workspace_id="w")
    assert "sk-secret-123" not in repr(s)
    assert "sk-secret-123" not in repr(shared.Security(api_key="sk-secret-123"))


def test_context_manager_closes_only_its_own_session(sdk, server):
    """Leaving a with block closes the SDK's session but never the caller's."""
    mine = requests.Session()
    closed = []
    mine.close = lambda: closed.append("mine")  # type: ignore[method-assign]
    with sdk(security=KEY, workspace_id="w", server_url=server.url, client=mine):
        pass
    assert closed == []
    with sdk(security=KEY, workspace_id="w", server_url=server.url) as s:
        _post(s)
        own = s._sync.transport.session
        own_closed = []
        original = own.close
        own.close = lambda: (own_closed.append(True), original())  # type: ignore[method-assign]
    assert own_closed == [True]
    requests.Session.close(mine)


def test_unknown_server_name_is_rejected_even_with_server_url():
    """A bad server name is not silently ignored because server_url is set."""
    with pytest.raises(errors.ValidationError, match="server"):
        speakeasy.Speakeasy(server="staging", server_url="https://api.example.com")


def test_url_param_that_fills_nothing_is_rejected():
    """A url_params name with no placeholder is reported, not dropped."""
    with pytest.raises(errors.ValidationError, match="url_params") as info:
        speakeasy.Speakeasy(server_url="https://{region}.example.com", url_params={"regoin": "eu"})
    assert info.value.field == "url_params['regoin']"
