"""The live page of the local server (``GET /``), in headless Chromium.

Each point the guide promises is checked in a real browser: events listed newest first with
their columns, a new event shown without a reload, a row expanded to its full JSON, filters
read from the address, refused requests shown with their reason, event text never run as
markup, nothing fetched from anywhere but the server, and a page of rows (not 5,000) shown
quickly. The same run writes the screenshot docs/testing.md shows.
"""

from __future__ import annotations

import json
import socket
import time
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests

from speakeasy.testing import EventsServer
from tests.support.factories import numbered_wire_event
from tests.testing.browser.conftest import require_chromium

require_chromium()

SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "images" / "live-page.png"
BASE = datetime(2026, 11, 30, 9, 0, 0, tzinfo=timezone.utc)
COLUMNS = [
    "created_at",
    "interaction_type",
    "execution_id",
    "success",
    "workspace",
    "target",
    "status",
]


def event(n: int, interaction: str = "CLI_EXEC", **fields: Any) -> Dict[str, Any]:
    created = (BASE + timedelta(seconds=n)).isoformat().replace("+00:00", "Z")
    versions = {"speakeasy_api_key_name": "ci-key", "speakeasy_version": "1.460.0"}
    return numbered_wire_event(n, created, interaction, **{**versions, **fields})


def post(
    server: EventsServer,
    events: List[Any],
    workspace: str = "ws-1",
    key: Optional[str] = "test-key",
) -> int:
    headers = {} if key is None else {"x-api-key": key}
    url = f"{server.url}/v1/workspace/{workspace}/events"
    return requests.post(url, json=events, headers=headers, timeout=10).status_code


def cells(page: Any, row: int = 0) -> List[str]:
    return [t.strip() for t in page.locator("tr.row").nth(row).locator("td").all_inner_texts()]


def test_lists_events_newest_first_with_their_columns(
    speakeasy_server: EventsServer, page: Any
) -> None:
    post(speakeasy_server, [event(1, "TARGET_GENERATE", generate_gen_lock_id="lock-1")])
    post(speakeasy_server, [event(2, "PUBLISH", success=False, workspace_id="ws-9")], "ws-2")
    page.goto(speakeasy_server.url + "/")
    page.locator("tr.row").nth(1).wait_for()
    headers = [h.strip() for h in page.locator("thead th").all_inner_texts()]
    assert headers == COLUMNS
    assert cells(page, 0) == [
        "2026-11-30T09:00:02Z",
        "PUBLISH",
        "exec-2",
        "false",
        "ws-2 (event: ws-9)",  # the path's workspace, and the event's when they differ
        "",
        "200",
    ]
    assert cells(page, 1) == [
        "2026-11-30T09:00:01Z",
        "TARGET_GENERATE",
        "exec-1",
        "true",
        "ws-1",
        "lock-1",
        "200",
    ]
    assert page.locator("tr.row").count() == 2


def test_a_new_event_shows_up_without_a_reload(speakeasy_server: EventsServer, page: Any) -> None:
    page.goto(speakeasy_server.url + "/")
    page.locator("#empty").wait_for()  # "nothing received yet"
    page.evaluate("window.__sameDocument = true")
    post(speakeasy_server, [event(7)])
    page.locator("tr.row", has_text="exec-7").wait_for(timeout=5_000)
    assert page.evaluate("window.__sameDocument") is True  # not reloaded
    assert page.locator("#empty").is_hidden()


def test_a_click_expands_a_row_to_its_full_json(speakeasy_server: EventsServer, page: Any) -> None:
    posted = event(
        3, "LINT", lint_report_digest="sha256:abc", continuous_integration_environment="gh"
    )
    post(speakeasy_server, [posted])
    page.goto(speakeasy_server.url + "/")
    page.locator("tr.row").first.click()
    shown = json.loads(page.locator("tr.detail pre").inner_text())
    assert shown == posted  # every field, the columns and the others
    page.locator("tr.row").first.click()
    assert page.locator("tr.detail").count() == 0


def test_filters_come_from_the_address_and_go_back_to_it(
    speakeasy_server: EventsServer, page: Any
) -> None:
    post(speakeasy_server, [event(1, "TARGET_GENERATE"), event(2, "CLI_EXEC"), event(3, "PUBLISH")])
    page.goto(speakeasy_server.url + "/?interaction_type=TARGET_GENERATE")
    page.locator("tr.row").first.wait_for()
    page.wait_for_timeout(300)
    assert [cells(page, i)[1] for i in range(page.locator("tr.row").count())] == ["TARGET_GENERATE"]
    assert page.locator("input[name=interaction_type]").input_value() == "TARGET_GENERATE"

    page.locator("input[name=interaction_type]").fill("")
    page.locator("select[name=success]").select_option("true")
    page.locator("input[name=execution_id]").fill("exec-3")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_url("**/?execution_id=exec-3&success=true")
    page.locator("tr.row", has_text="PUBLISH").wait_for()
    assert page.locator("tr.row").count() == 1


def test_refused_requests_show_their_status_and_reason(
    speakeasy_server: EventsServer, page: Any
) -> None:
    post(speakeasy_server, [event(1, bogus_field=1)])
    post(speakeasy_server, [event(2)], key="wrong-key")
    requests.post(
        f"{speakeasy_server.url}/v1/workspace/ws-1/events",
        data=b"{not json",
        headers={"x-api-key": "test-key", "content-type": "application/json"},
        timeout=10,
    )
    page.goto(speakeasy_server.url + "/")
    page.locator("tr.row").nth(2).wait_for()
    statuses = [cells(page, i)[-1] for i in range(3)]
    assert statuses[0].startswith("400") and "JSON" in statuses[0]
    assert statuses[1] == "401\ninvalid API key"
    assert statuses[2] == "422\nrequest_body[0].bogus_field: unknown field"
    assert cells(page, 0)[1] == "POST /v1/workspace/ws-1/events"
    assert "wrong-key" not in page.content()  # never a credential, not even a wrong one


def test_a_rebound_host_and_an_http_2_request_line_show_as_refused(
    speakeasy_server: EventsServer, page: Any
) -> None:
    """Issue 23 (DNS rebinding) and issue 28 (HTTP/2.0): both are refused rows on the page."""
    url = f"{speakeasy_server.url}/v1/workspace/ws-1/events"
    headers = {"x-api-key": "test-key", "Host": f"rebound.example:{speakeasy_server.port}"}
    assert requests.post(url, json=[event(1)], headers=headers, timeout=10).status_code == 421
    address = (speakeasy_server.host, speakeasy_server.port)
    with closing(socket.create_connection(address, timeout=10)) as sock:
        sock.sendall(b"GET /v1/workspace/ws-1/events HTTP/2.0\r\nHost: localhost\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 400 ")
    page.goto(speakeasy_server.url + "/")
    page.locator("tr.row").nth(1).wait_for()
    statuses = [cells(page, i)[-1] for i in range(2)]
    assert (
        statuses[0]
        == "400\nunsupported protocol version 'HTTP/2.0': only HTTP/1.0 and HTTP/1.1 are served"
    )
    assert statuses[1].startswith("421\nHost 'rebound.example:")
    assert "is not a loopback name" in statuses[1]
    assert cells(page, 1)[1] == "POST /v1/workspace/ws-1/events"


def test_event_text_is_shown_as_text_never_run(speakeasy_server: EventsServer, page: Any) -> None:
    attack = '<img src=x onerror="window.__pwned=1">'
    post(
        speakeasy_server,
        [
            event(
                1,
                attack,
                execution_id=attack,
                generate_gen_lock_id="<script>window.__pwned=2</script>",
            )
        ],
    )
    page.goto(speakeasy_server.url + "/")
    page.locator("tr.row").first.wait_for()
    page.locator("tr.row").first.click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("table img, table script").count() == 0
    row = cells(page, 0)
    assert row[1] == attack and row[2] == attack
    shown = page.locator("tr.detail pre").inner_text()
    assert json.loads(shown)["execution_id"] == attack
    assert "<script>window.__pwned=2</script>" in shown
    response = requests.get(speakeasy_server.url + "/", timeout=10)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and '<script src="/_page/app.js"' in response.text


def test_nothing_is_fetched_from_anywhere_else(speakeasy_server: EventsServer, page: Any) -> None:
    errors: List[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    post(speakeasy_server, [event(1)])
    page.goto(speakeasy_server.url + "/")
    page.locator("tr.row").first.click()
    page.wait_for_timeout(1_500)  # a poll or two
    origin = speakeasy_server.url + "/"
    assert page.requested and all(url.startswith(origin) for url in page.requested)
    assert any(url.startswith(origin + "_page/events?") for url in page.requested)
    assert errors == []  # no CSP violation, no script error
    assert [r.path for r in speakeasy_server.received] == ["/v1/workspace/ws-1/events"]


def test_five_thousand_events_show_fast_and_only_a_page_of_rows(
    speakeasy_server: EventsServer, page: Any
) -> None:
    """The 2 s bound is the guide's promise, kept as a generous functional bound (the page
    shows its newest row in well under it on a loaded 2-core machine); the DOM bound is
    exact."""
    for start in range(0, 5000, 500):
        assert post(speakeasy_server, [event(n) for n in range(start, start + 500)]) == 200
    assert speakeasy_server.event_count == 5000
    started = time.monotonic()
    page.goto(speakeasy_server.url + "/")
    page.locator("tr.row", has_text="exec-4999").wait_for(timeout=5_000)
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"newest row visible after {elapsed:.2f} s"
    assert page.locator("tbody tr").count() <= 500
    assert page.locator("#range").inner_text() == "1\u2013200 of 5000"
    page.locator("#older").click()
    page.locator("tr.row", has_text="exec-4799").wait_for()
    assert page.locator("#range").inner_text() == "201\u2013400 of 5000"
    assert "offset=200" in page.url


def test_the_page_asks_for_the_key_only_when_told(browser: Any) -> None:
    with EventsServer(api_key="page-key", ui_requires_key=True) as server:
        post(server, [event(1)], key="page-key")
        assert requests.get(server.url + "/", timeout=10).status_code == 401
        assert requests.get(server.url + "/_page/events", timeout=10).status_code == 401
        context = browser.new_context(http_credentials={"username": "me", "password": "page-key"})
        try:
            page = context.new_page()
            page.goto(server.url + "/")
            page.locator("tr.row", has_text="exec-1").wait_for()
            assert "page-key" not in page.content()
        finally:
            context.close()
        assert [r.path for r in server.received] == ["/v1/workspace/ws-1/events"]


def test_screenshot_for_the_guide(speakeasy_server: EventsServer, page: Any) -> None:
    """docs/images/live-page.png, linked from docs/testing.md, made from a typical session."""
    post(speakeasy_server, [event(1, "AUTHENTICATE")])
    post(
        speakeasy_server,
        [
            event(2, "TARGET_GENERATE", generate_gen_lock_id="a1b2c3", generate_target="python")
            | {"workspace_id": "ws-2"},
            event(3, "TARGET_GENERATE", generate_gen_lock_id="d4e5f6", generate_target="go")
            | {"workspace_id": "ws-2"},
        ],
        workspace="ws-2",
    )
    post(speakeasy_server, [event(4, "LINT", success=False, lint_report_digest="sha256:9f2c")])
    post(speakeasy_server, [event(5, "PUBLISH", created_at="2026-11-30T09:00:05")])
    post(speakeasy_server, [event(6, "CLI_EXEC")])
    page.goto(speakeasy_server.url + "/")
    page.locator("tr.row").nth(5).wait_for()
    page.locator("tr.row").nth(1).click()
    page.locator("tr.detail").wait_for()
    page.mouse.move(0, 0)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
