"""The pytest plugin (``speakeasy.testing.pytest_plugin``), as a user's suite sees it.

Each test writes a small suite into a temporary folder (no conftest unless the test is about
one) and runs pytest on it in a subprocess, where the plugin comes from the installed
package's ``pytest11`` entry point. The wheel, installed into a fresh environment, is tested
in tests/test_packaging.py.
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path
from typing import Dict

from tests.support.factories import POST_EVENT_SOURCE, run_pytest_suite

EVENT = POST_EVENT_SOURCE


def run_pytest(folder: Path, files: Dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Write ``files`` into ``folder`` (a root of its own: it has a pytest.ini) and run pytest."""
    dedented = {name: textwrap.dedent(text) for name, text in files.items()}
    return run_pytest_suite(folder, dedented, "-q", *args)


def test_fixtures_give_a_fresh_server_and_a_client_per_test(tmp_path: Path) -> None:
    """The server is shared by the session (one port) and empty at the start of every test:
    no events, no requests, no scripted fault left over by the test before."""
    suite = (
        EVENT
        + """
ports = set()


def test_posts(speakeasy_server, speakeasy_client):
    ports.add(speakeasy_server.port)
    assert speakeasy_server.host == "127.0.0.1"
    assert post(speakeasy_client).status_code == 200
    (request,) = speakeasy_server.received
    assert request.api_key == "test-key"
    assert request.workspace_id == "test-workspace"
    assert [e["id"] for e in speakeasy_server.events] == ["evt-1"]
    speakeasy_server.fail_next(3, status=500)  # left over on purpose
    speakeasy_server.delay = 5.0


def test_starts_empty(speakeasy_server, speakeasy_client):
    ports.add(speakeasy_server.port)
    assert speakeasy_server.events == [] and speakeasy_server.received == []
    assert len(speakeasy_server.replies) == 0 and speakeasy_server.delay == 0.0
    assert post(speakeasy_client, "evt-2").status_code == 200  # no scripted 500 left
    assert [r.status for r in speakeasy_server.received] == [200]


def test_one_server_for_the_session(speakeasy_server):
    assert ports == {speakeasy_server.port}


client_seen = []


def test_client_is_closed_after_the_test(speakeasy_client):
    client_seen.append(speakeasy_client)


def test_the_client_before_was_closed():
    import pytest
    from speakeasy.models import errors

    with pytest.raises(errors.ClientClosedError):
        post(client_seen[0])
"""
    )
    result = run_pytest(tmp_path, {"test_suite.py": suite}, "-p", "no:randomly")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout


def test_pytest_fixtures_lists_both_with_a_docstring(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, {"test_nothing.py": "def test_x():\n    pass\n"}, "--fixtures")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for name in ("speakeasy_server", "speakeasy_client", "speakeasy_async_client"):
        (at,) = [i for i, line in enumerate(lines) if line.startswith(name + " ")]
        doc = lines[at + 1].strip()
        assert doc and "no docstring" not in doc, (name, doc)
    assert "speakeasy_server -- " in result.stdout  # function scope: emptied per test


def test_a_suite_without_the_fixtures_imports_nothing_heavy_and_starts_no_server(
    tmp_path: Path,
) -> None:
    suite = """
import sys
import threading


def test_plugin_loaded_but_idle(request):
    assert request.config.pluginmanager.has_plugin("speakeasy")
    heavy = [m for m in ("requests", "speakeasy._client", "speakeasy.models",
                         "speakeasy.testing._server", "http.server") if m in sys.modules]
    assert heavy == []
    assert not [t for t in threading.enumerate() if t.name.startswith("EventsServer")]
"""
    result = run_pytest(tmp_path, {"test_idle.py": suite})
    assert result.returncode == 0, result.stdout + result.stderr


def test_ini_options_set_key_workspace_and_bound(tmp_path: Path) -> None:
    ini = """
[pytest]
speakeasy_api_key = other-key
speakeasy_workspace_id = ws-from-ini
speakeasy_max_kept_bytes = 1K
"""
    suite = (
        EVENT
        + """
def test_settings(speakeasy_server, speakeasy_client):
    assert speakeasy_server.api_key == "other-key"
    assert speakeasy_server.max_kept_bytes == 1024
    post(speakeasy_client)
    (request,) = speakeasy_server.received
    assert request.api_key == "other-key" and request.workspace_id == "ws-from-ini"
"""
    )
    result = run_pytest(tmp_path, {"pytest.ini": ini, "test_ini.py": suite})
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_bad_ini_value_stops_the_run_naming_the_option(tmp_path: Path) -> None:
    ini = "[pytest]\nspeakeasy_max_kept_bytes = lots\n"
    result = run_pytest(tmp_path, {"pytest.ini": ini, "test_x.py": "def test_x():\n    pass\n"})
    assert result.returncode == 4  # usage error
    assert "speakeasy_max_kept_bytes" in result.stderr and "'lots'" in result.stderr


def test_marker_and_overridden_fixtures(tmp_path: Path) -> None:
    """The marker changes the server for one test only; a conftest overrides the options."""
    conftest = """
import pytest
from speakeasy.utils import RetryConfig


@pytest.fixture(scope="session")
def speakeasy_server_options(speakeasy_api_key):
    return {"api_key": speakeasy_api_key, "max_kept_bytes": 4096}


@pytest.fixture(scope="session")
def speakeasy_workspace_id():
    return "ws-override"


@pytest.fixture
def speakeasy_client_options():
    return {"retry_config": RetryConfig("none")}
"""
    suite = (
        EVENT
        + """
import pytest
from speakeasy.models import errors


@pytest.mark.speakeasy_server(api_key="marker-key", max_kept_bytes=10)
def test_marked(speakeasy_server, speakeasy_client):
    assert speakeasy_server.max_kept_bytes == 10
    post(speakeasy_client)
    assert speakeasy_server.received[0].api_key == "marker-key"


def test_unmarked_after(speakeasy_server, speakeasy_client):
    assert speakeasy_server.api_key == "test-key" and speakeasy_server.max_kept_bytes == 4096
    speakeasy_server.fail_next(1, status=503)
    with pytest.raises(errors.Error):  # retries off: the 503 comes back at once
        post(speakeasy_client)
    assert speakeasy_server.received[0].workspace_id == "ws-override"


@pytest.mark.speakeasy_server(port=8080)
def test_bad_marker(speakeasy_server):
    pass
"""
    )
    result = run_pytest(tmp_path, {"conftest.py": conftest, "test_marks.py": suite})
    assert "2 passed, 1 error" in result.stdout, result.stdout + result.stderr
    assert "unknown setting(s) port" in result.stdout


def test_the_plugin_can_be_disabled(tmp_path: Path) -> None:
    suite = "def test_x(speakeasy_server):\n    pass\n"
    result = run_pytest(tmp_path, {"test_x.py": suite}, "-p", "no:speakeasy")
    assert "fixture 'speakeasy_server' not found" in result.stdout


def test_the_plugin_imports_the_sdk_only_inside_its_fixtures() -> None:
    """At module level (what pytest runs at start-up) only pytest, the standard library and
    type-only names; ``speakeasy`` itself is only the package pytest loads it from."""
    import ast

    import speakeasy.testing.pytest_plugin as plugin

    tree = ast.parse(Path(plugin.__file__).read_text(encoding="utf-8"))
    top_level = []
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue  # type-only
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                top_level += [alias.name for alias in inner.names]
            elif isinstance(inner, ast.ImportFrom) and inner.module:
                top_level.append(inner.module)
            elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                break
    fixture_level = [name for name in top_level if name.startswith("speakeasy")]
    assert fixture_level == [] and "pytest" in top_level


ASYNC_SUITE = (
    POST_EVENT_SOURCE
    + """
import asyncio
import gc
import warnings

from speakeasy.models import operations


def test_async_post_and_search(speakeasy_server, speakeasy_async_client):
    event = new_event("evt-9", "exec-9", "test-workspace")

    async def main():
        events = speakeasy_async_client.events
        request = operations.PostWorkspaceEventsRequest(request_body=[event])
        assert (await events.post_workspace_events_async(request)).status_code == 200
        found = await events.search_async({"execution_id": "exec-9"})
        return [e.id for e in found.cli_event_batch]

    assert asyncio.run(main()) == ["evt-9"]
    assert [e["id"] for e in speakeasy_server.events] == ["evt-9"]


def test_nothing_was_left_open():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gc.collect()
"""
)


def test_the_async_client_fixture_serves_async_tests(tmp_path: Path) -> None:
    """speakeasy_async_client: awaited calls reach the server (asyncio.run in a plain test: no
    async plugin needed), and nothing is left open after the test (warnings are errors)."""
    done = run_pytest(tmp_path, {"test_async_user.py": ASYNC_SUITE}, "-W", "error")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
