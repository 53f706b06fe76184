"""The live page's HTTP side, without a browser: what ``GET /`` and its JSON endpoint answer,
what they never show, and that looking at the page changes nothing a test observes.

The page itself, in Chromium, is tested in tests/testing/browser.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import requests

from speakeasy.testing import EventsServer
from tests.support.factories import numbered_wire_event, run_captured
from tests.testing.test_cli import cli, run_cli_expecting_failure

KEY = "test-key"
ROOT = Path(__file__).resolve().parents[2]


def event(n: int, interaction: str = "CLI_EXEC", **fields: Any) -> Dict[str, Any]:
    return numbered_wire_event(
        n, f"2026-11-30T09:{n // 60:02d}:{n % 60:02d}Z", interaction, **fields
    )


def post(server: EventsServer, events: List[Any], key: str = KEY, workspace: str = "ws-1") -> int:
    url = f"{server.url}/v1/workspace/{workspace}/events"
    return requests.post(url, json=events, headers={"x-api-key": key}, timeout=10).status_code


def rows(server: EventsServer, query: str = "", **kwargs: Any) -> Dict[str, Any]:
    response = requests.get(f"{server.url}/_page/events?{query}", timeout=10, **kwargs)
    assert response.status_code == 200, response.text
    payload: Dict[str, Any] = response.json()
    return payload


@pytest.fixture
def srv(speakeasy_server: EventsServer) -> EventsServer:
    """The pytest plugin's server (this suite uses its own plugin), emptied per test."""
    return speakeasy_server


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/?interaction_type=TARGET_GENERATE", "text/html; charset=utf-8"),
        ("/_page/app.js", "text/javascript; charset=utf-8"),
        ("/_page/app.css", "text/css; charset=utf-8"),
        ("/_page/icon.svg", "image/svg+xml"),
        ("/_page/events", "application/json"),
    ],
)
def test_page_answers_carry_a_strict_policy(
    srv: EventsServer, path: str, content_type: str
) -> None:
    response = requests.get(srv.url + path, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_html_loads_only_its_own_files_and_has_no_inline_script(srv: EventsServer) -> None:
    html = requests.get(srv.url + "/", timeout=10).text
    assert "http:" not in html and "https:" not in html and "//" not in html
    assert '<script src="/_page/app.js" defer></script>' in html
    assert html.count("<script") == 1 and html.count("style") == 1  # the stylesheet's link
    assert re.search(r"\son[a-z]+\s*=", html) is None  # no inline event handler
    script = requests.get(srv.url + "/_page/app.js", timeout=10).text
    assert "innerHTML" not in script and "eval(" not in script and "http" not in script


def test_looking_at_the_page_is_never_recorded_nor_scripted(srv: EventsServer) -> None:
    srv.fail_next(1, status=503)
    srv.delay = 2.0
    started = time.monotonic()
    for path in ("/", "/_page/app.js", "/_page/events", "/favicon.ico"):
        assert requests.get(srv.url + path, timeout=10).status_code in (200, 204)
    assert requests.head(srv.url + "/", timeout=10).status_code == 200
    assert time.monotonic() - started < 1.5  # the server's delay is for the API only
    assert srv.received == [] and srv.request_count == 0
    assert len(srv.replies) == 1  # the scripted fault is still there for the API
    srv.delay = 0.0
    assert post(srv, [event(1)]) == 503


def test_other_methods_and_paths_still_reach_the_api(srv: EventsServer) -> None:
    assert requests.post(srv.url + "/", json=[], timeout=10).status_code == 404
    assert requests.get(srv.url + "/_page/nothing", timeout=10).status_code == 404
    assert [r.path for r in srv.received] == ["/", "/_page/nothing"]


def test_rows_newest_first_with_refused_requests_and_their_reason(srv: EventsServer) -> None:
    assert post(srv, [event(1), event(2, "TARGET_GENERATE", generate_gen_lock_id="lock")]) == 200
    assert post(srv, [event(3, bogus=1)]) == 422
    assert post(srv, [event(4)], key="wrong-key") == 401
    requests.get(f"{srv.url}/v1/workspace/ws-1/events?limit=0", headers={"x-api-key": KEY})
    requests.get(f"{srv.url}/v1/workspace/ws-1/events", headers={"x-api-key": KEY})  # not a row
    got = rows(srv)
    summary = [(r["execution_id"], r["status"], r["reason"]) for r in got["rows"]]
    assert summary == [
        (None, 400, "limit: expected a positive integer, got '0'"),
        # refused on its headers: the body was never read, so the row has no event fields
        (None, 401, "invalid API key"),
        ("exec-3", 422, "request_body[0].bogus: unknown field"),
        ("exec-2", 200, None),
        ("exec-1", 200, None),
    ]
    assert got["total"] == 5 and got["requests"] == 5 and got["events"] == 2
    first = got["rows"][3]
    assert first["event"] == event(2, "TARGET_GENERATE", generate_gen_lock_id="lock")
    assert (first["workspace"], first["target"], first["interaction_type"]) == (
        "ws-1",
        "lock",
        "TARGET_GENERATE",
    )
    assert got["rows"][0]["request"]["path"] == "/v1/workspace/ws-1/events"


def test_rows_filter_like_the_search_endpoint(srv: EventsServer) -> None:
    post(srv, [event(1, "TARGET_GENERATE"), event(2, "PUBLISH", success=False)])
    post(srv, [event(3, "TARGET_GENERATE")], workspace="ws-2")
    post(srv, [event(4, bogus=1)])
    ids = lambda q: [r["execution_id"] for r in rows(srv, q)["rows"]]  # noqa: E731
    assert ids("interaction_type=TARGET_GENERATE") == ["exec-3", "exec-1"]
    assert ids("success=false") == ["exec-2"]
    assert ids("workspace=ws-2") == ["exec-3"]
    assert ids("interaction_type=TARGET_GENERATE&workspace=ws-1") == ["exec-1"]
    assert ids("execution_id=exec-4") == ["exec-4"]  # refused events are filtered too
    response = requests.get(f"{srv.url}/_page/events?succes=true", timeout=10)
    assert response.status_code == 400 and "succes: unknown query parameter" in response.text
    response = requests.get(f"{srv.url}/_page/events?success=yes", timeout=10)
    assert response.status_code == 400 and "success: expected true or false" in response.text
    response = requests.get(f"{srv.url}/_page/events?offset=-1", timeout=10)
    assert response.status_code == 400 and "offset" in response.text


def test_rows_are_paged_on_the_server(srv: EventsServer) -> None:
    for start in range(0, 1200, 400):
        assert post(srv, [event(n) for n in range(start, start + 400)]) == 200
    first = rows(srv)
    assert first["total"] == 1200 and len(first["rows"]) == 200
    assert first["rows"][0]["execution_id"] == "exec-1199"
    assert len(rows(srv, "limit=100000")["rows"]) == 500  # never more than 500
    later = rows(srv, "offset=1100&limit=500")
    assert len(later["rows"]) == 100 and later["rows"][-1]["execution_id"] == "exec-0"


def test_an_unchanged_view_answers_in_a_few_bytes(srv: EventsServer) -> None:
    post(srv, [event(1)])
    version = rows(srv)["version"]
    assert rows(srv, f"since={version}") == {"version": version, "unchanged": True}
    post(srv, [event(2)])
    assert rows(srv, f"since={version}")["rows"][0]["execution_id"] == "exec-2"


def test_never_a_credential(srv: EventsServer) -> None:
    srv.api_key = "s3cret-server-key"
    post(srv, [event(1)], key="s3cret-server-key")
    post(srv, [event(2)], key="wr0ng-client-key")
    requests.post(
        f"{srv.url}/v1/workspace/ws-1/events",
        json=[event(3)],
        headers={"Authorization": "Bearer b3arer-token"},
        timeout=10,
    )
    seen = "".join(requests.get(srv.url + p, timeout=10).text for p in ("/", "/_page/events"))
    for secret in ("s3cret-server-key", "wr0ng-client-key", "b3arer-token"):
        assert secret not in seen
    assert rows(srv)["total"] == 3


def test_a_foreign_host_name_is_refused_on_a_loopback_server(srv: EventsServer) -> None:
    """A web page elsewhere cannot read the events through DNS rebinding (every route and
    Host form: test_hosts.py)."""
    for host in ("evil.example", "evil.example:80", "127.0.0.1.evil.example"):
        response = requests.get(srv.url + "/_page/events", headers={"Host": host}, timeout=10)
        assert response.status_code == 421
    for host in (f"localhost:{srv.port}", f"127.0.0.1:{srv.port}", "localhost", "[::1]:1"):
        response = requests.get(srv.url + "/_page/events", headers={"Host": host}, timeout=10)
        assert response.status_code == 200, host


def _status(server: EventsServer, headers: Optional[Dict[str, str]] = None, **kw: Any) -> int:
    response = requests.get(server.url + "/_page/events", headers=headers, timeout=10, **kw)
    return response.status_code


def test_the_key_is_asked_for_only_with_ui_requires_key() -> None:
    with EventsServer(api_key="ui-key") as open_page:
        assert _status(open_page) == 200  # default: loopback only, no key
    with EventsServer(api_key="ui-key", ui_requires_key=True) as server:
        response = requests.get(server.url + "/", timeout=10)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic ")
        assert "ui-key" not in response.text
        assert _status(server, auth=("anyone", "ui-key")) == 200
        assert _status(server, {"x-api-key": "ui-key"}) == 200
        assert _status(server, {"Authorization": "Bearer ui-key"}) == 200
        assert _status(server, auth=("anyone", "wrong")) == 401
        assert _status(server, {"x-api-key": "wrong"}) == 401
        assert _status(server, {"Authorization": "Basic !!!"}) == 401
        assert server.received == []


def test_ui_requires_key_without_a_key_is_refused() -> None:
    with pytest.raises(ValueError, match="ui_requires_key"):
        EventsServer(ui_requires_key=True)
    status, stderr = run_cli_expecting_failure("--ui-requires-key")
    assert status == 2 and "--ui-requires-key needs --api-key" in stderr


def test_cli_prints_the_page_url_and_can_require_the_key() -> None:
    with cli("--api-key", "cli-ui-key", "--ui-requires-key") as running:
        assert running.proc.stdout is not None
        line = running.proc.stdout.readline().decode()
        assert line == f"Live page of what arrives: http://127.0.0.1:{running.port}/\n"
        url = f"http://127.0.0.1:{running.port}/"
        assert requests.get(url, timeout=10).status_code == 401
        assert requests.get(url, auth=("me", "cli-ui-key"), timeout=10).status_code == 200


def _browser_tests_without_chromium(ci: Optional[str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["SPEAKEASY_CHROMIUM"] = "/nonexistent/chromium"
    if ci is not None:
        env["CI"] = ci
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs"]
    return run_captured([*command, "tests/testing/browser"], cwd=ROOT, env=env)


def test_browser_tests_skip_with_one_line_without_chromium_but_never_in_ci() -> None:
    skipped = _browser_tests_without_chromium(None)
    assert skipped.returncode in (0, 5), skipped.stdout  # 5: nothing else collected there
    lines = [line for line in skipped.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(lines) == 1 and "apt-get install -y chromium" in lines[0], skipped.stdout
    failed = _browser_tests_without_chromium("true")
    assert failed.returncode != 0 and "CI is set and Chromium is missing" in failed.stdout
    assert "skipped" not in failed.stdout.splitlines()[-1]
