"""Speakeasy's TypeScript SDK (npm ``@speakeasy-api/speakeasy-client-sdk-typescript``, pinned
with its lock file in this folder) posts events to ``python -m speakeasy.testing`` and reads
them back through ``search``, ``getEventsByTarget``, ``getTargets`` and
``getTargetsDeprecated``.

Needs node and npm. The packages are installed once with ``npm ci`` into a cache folder
(``$SPEAKEASY_TS_CACHE``, else ``~/.cache/speakeasy-sdk-tests/ts-<lock hash>``), which
needs the npm registry the first time; without node, npm or the packages the test is
skipped, saying why.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, Dict, List

import pytest

from tests.support.factories import run_captured
from tests.testing.test_cli import cli

HERE = Path(__file__).resolve().parent
FILES = ("package.json", "package-lock.json", "check.mjs")
PACKAGE = "@speakeasy-api/speakeasy-client-sdk-typescript"


def _cache_dir() -> Path:
    lock = (HERE / "package-lock.json").read_bytes()
    configured = os.environ.get("SPEAKEASY_TS_CACHE")
    if configured:
        return Path(configured)
    digest = hashlib.sha256(lock).hexdigest()[:16]
    return Path.home() / ".cache" / "speakeasy-sdk-tests" / f"ts-{digest}"


def _cannot_run(reason: str) -> None:
    """Skip, saying why; under CI (which installs node and npm), fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs node and npm: see .ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def node_project() -> Path:
    """A folder holding this one's files and their installed node_modules."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _cannot_run("node and npm are needed to run Speakeasy's TypeScript SDK")
    folder = _cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(HERE / name, folder / name)
    if not (folder / "node_modules" / PACKAGE / "package.json").exists():
        result = run_captured(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=folder, timeout=300
        )
        if result.returncode != 0:
            _cannot_run(f"npm ci could not install {PACKAGE} (offline?): {result.stderr[-500:]}")
    installed = json.loads((folder / "node_modules" / PACKAGE / "package.json").read_text())
    assert installed["version"] == "5.0.0-rc.4"
    return folder


def ids(events: List[Dict[str, Any]]) -> List[str]:
    return [event["id"] for event in events]


def test_typescript_sdk_posts_and_reads_back(node_project: Path) -> None:
    with cli("--api-key", "ts-key") as server:
        url = f"http://127.0.0.1:{server.port}"
        result = run_captured(["node", "check.mjs", url, "ts-key"], cwd=node_project, timeout=60)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)

    # search: newest first, filters, limit; the events come back as posted.
    assert ids(out["all"]) == ["pub-1", "lint-1", "gen-1"]
    assert ids(out["publish"]) == ["pub-1"] and ids(out["failed"]) == ["lint-1"]
    assert ids(out["limited"]) == ["pub-1"]
    gen = out["all"][2]
    assert gen["createdAt"] == "2024-11-21T06:00:10.000Z"
    assert (gen["generateTarget"], gen["workspaceId"], gen["success"]) == (
        "typescript",
        "ws-ts",
        True,
    )

    # getEventsByTarget, with and without after_created_at.
    assert ids(out["byTarget"]) == ["pub-1", "gen-1"]
    assert ids(out["byTargetAfter"]) == ["pub-1"]

    # getTargets (no workspace segment): the targets of both workspaces, newest first.
    assert [t["id"] for t in out["targets"]] == ["lock-2", "lock-1"]
    lock_1 = out["targets"][1]
    assert lock_1["lastEventId"] == "pub-1" and lock_1["lastEventInteractionType"] == "PUBLISH"
    assert lock_1["lastPublishCreatedAt"] == "2024-11-21T06:00:20.000Z"
    assert lock_1["lastPublishGhActionRunLink"] == "https://example.test/run/1"
    assert lock_1["generateTarget"] == "typescript"
    assert [t["id"] for t in out["targetsAfter"]] == ["lock-2"]

    # getTargetsDeprecated (the workspace path): one workspace's targets.
    assert out["deprecated"] == [lock_1]
    assert [t["id"] for t in out["deprecatedOther"]] == ["lock-2"]

    # A wrong key: the SDK's error carries the server's 401.
    assert out["error"]["statusCode"] == 401 and "invalid API key" in out["error"]["message"]

    # Every request went to the routes it should, as the server logged them.
    log = server.stderr
    assert "GET /v1/workspace/events/targets events=- bytes=0 -> 200" in log
    assert "GET /v1/workspace/ws-ts/events/targets events=- bytes=0 -> 200" in log
    assert "POST /v1/workspace/ws-other/events events=1" in log
    assert "ts-key" not in log
