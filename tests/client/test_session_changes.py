"""A caller's ``requests.Session`` changed after the first call is honoured on the next.

The sync edge caches what requests would recompute on every call (the environment's
settings per origin, each URL's preparation): these tests change the session between
two calls and check the second call on the wire. (Sync only: the session is requests'.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import requests

import speakeasy
from speakeasy.models import shared
from speakeasy.testing import EventsServer
from tests.support.factories import cli_event

KEY = "session-change-key"


def _client(server: EventsServer, session: requests.Session) -> speakeasy.Speakeasy:
    return speakeasy.Speakeasy(
        security=shared.Security(api_key=server.api_key or KEY),
        workspace_id="ws",
        server_url=server.url,
        client=session,
    )


def _post(s: speakeasy.Speakeasy) -> None:
    s.events.post_workspace_events({"request_body": [cli_event()]})


def test_headers_cookies_and_hooks_added_later_are_used(server: EventsServer) -> None:
    """Session headers, cookies and response hooks set after a call apply to the next one."""
    session = requests.Session()
    s = _client(server, session)
    _post(s)
    seen: List[Any] = []
    session.headers["X-Added-Later"] = "yes"
    session.cookies.set("later", "cookie", domain="127.0.0.1", path="/")
    session.hooks["response"].append(lambda r, *a, **k: seen.append(r.status_code))
    _post(s)
    first, second = server.received
    assert "x-added-later" not in {k.lower() for k in first.headers}
    headers = {k.lower(): v for k, v in second.headers.items()}
    assert headers["x-added-later"] == "yes"
    assert "later=cookie" in headers.get("cookie", "")
    assert seen == [200]
    session.close()


def test_an_adapter_mounted_later_carries_the_next_call(server: EventsServer) -> None:
    """A transport adapter mounted after the first call sends the second."""
    session = requests.Session()
    s = _client(server, session)
    _post(s)
    used: List[str] = []

    class Recording(requests.adapters.HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            used.append(request.url)
            return super().send(request, *args, **kwargs)

    session.mount(server.url, Recording())
    _post(s)
    assert used == [f"{server.url}/v1/workspace/ws/events"]
    assert len(server.received) == 2
    session.close()


def test_cert_changed_later_reaches_the_adapter(server: EventsServer, tmp_path: Path) -> None:
    """session.cert (and the settings derived with it) are re-read when it changes."""
    session = requests.Session()
    s = _client(server, session)
    seen: List[Any] = []

    class Recording(requests.adapters.HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append(kwargs.get("cert"))
            return super().send(request, *args, **kwargs)

    session.mount(server.url, Recording())
    _post(s)
    cert = tmp_path / "client.pem"
    cert.write_text("unused over http, but handed to the adapter")
    session.cert = str(cert)
    _post(s)
    assert seen == [None, str(cert)]
    session.close()
