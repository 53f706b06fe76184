"""Upstream's own 6.3.0 and 7.0.0rc2 examples, run against this SDK (see upstream_snippets/).

Each block runs in a process of its own, as a user's script would (forked from one
interpreter that has imported the SDK, ``_snippets.ForkRunner``), with this checkout's
``src`` importable, against a local events server; the Events blocks also run in their
async form (``_snippets.to_async``), so both edges serve them. The blocks that run are
type-checked as users would check them: ``mypy --strict`` and ``pyright`` in strict mode.
tests/migrating/from_6x_7x/test_fresh_venv.py runs the same blocks from the built wheel.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Iterator, List

import pytest

from speakeasy.testing import EventsServer
from tests.migrating.from_6x_7x import _snippets
from tests.support.factories import run_captured, run_mypy_on_folder
from tests.support.local_server import serving

ROOT = Path(__file__).resolve().parents[3]
HTTPX_INSTALLED = importlib.util.find_spec("httpx") is not None


@pytest.fixture(scope="module")
def server() -> Iterator[EventsServer]:
    yield from serving(api_key=None)


@pytest.mark.parametrize("name", _snippets.NAMES)
def test_the_one_change_is_the_server_url(name: str) -> None:
    """Only the ``Speakeasy(`` line (or its ``server_url=`` line) differs from upstream's text."""
    before = _snippets.source(name)
    after = _snippets.pointed(before, "http://127.0.0.1:9")
    (changed,) = _snippets.changed_lines(before, after)
    assert 'server_url="http://127.0.0.1:9"' in changed
    assert len(after.splitlines()) == len(before.splitlines())


@pytest.fixture(scope="module")
def runner() -> Iterator[_snippets.ForkRunner]:
    """Each block in a process of its own, forked from one that imported the SDK."""
    forks = _snippets.ForkRunner(
        sys.executable, _snippets.snippet_env({"PYTHONPATH": str(ROOT / "src")})
    )
    yield forks
    forks.close()


@pytest.mark.parametrize(("name", "variant"), _snippets.CASES)
def test_upstream_block_runs_here(
    name: str, variant: str, server: EventsServer, runner: _snippets.ForkRunner, tmp_path: Path
) -> None:
    """Events blocks reach the server with upstream's calls; the others fail as expected.json
    says, before any byte is sent."""
    server.reset()
    path = _snippets.write_block(tmp_path, name, variant, server.url)
    result = runner.run(path)
    calls = [f"{r.method} {r.path}" for r in server.received]
    _snippets.check_outcome(name, result, calls, HTTPX_INSTALLED)


@pytest.fixture(scope="module")
def checked_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The blocks that run, sync and async, as files for the type checkers."""
    folder = tmp_path_factory.mktemp("upstream-typed")
    for name in _snippets.RUNS:
        for variant in ("sync", "async"):
            _snippets.write_block(folder, name, variant, "http://127.0.0.1:9")
    return folder


def test_upstream_blocks_pass_mypy_strict(checked_folder: Path) -> None:
    result = run_mypy_on_folder(checked_folder)
    assert result.returncode == 0, result.stdout + result.stderr


def _pyright() -> List[str]:
    if importlib.util.find_spec("pyright") is None:
        reason = "pyright is not installed (it is in the dev extra)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return [sys.executable, "-m", "pyright"]


#: What pyright's strict mode reports on upstream's blocks here. It reports the same against
#: upstream 6.3.0 itself (checked with its wheel's source on pyright's path): the block tests
#: ``if res is not None`` on a call typed to return a response, never None.
PYRIGHT_STRICT_FINDINGS = {
    (f"{variant}_6_3_0_events_3.py", "reportUnnecessaryComparison") for variant in ("sync", "async")
}


def test_upstream_blocks_pass_pyright_strict(checked_folder: Path) -> None:
    """Clean but for the finding upstream's own 6.3.0 has on the same block."""
    config = {
        "typeCheckingMode": "strict",
        "pythonVersion": "3.9",
        "extraPaths": [str(ROOT / "src")],
    }
    (checked_folder / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    files = sorted(str(p) for p in checked_folder.glob("*.py"))
    result = run_captured(
        [*_pyright(), "--outputjson", "--pythonpath", sys.executable, *files],
        cwd=checked_folder,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["summary"]["filesAnalyzed"] == len(files)
    found = {
        (Path(d["file"]).name, d.get("rule", d["message"]))
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    }
    assert found == PYRIGHT_STRICT_FINDINGS, json.dumps(report["generalDiagnostics"], indent=1)


def test_the_blocks_are_upstreams_bytes() -> None:
    """No formatter or hand has touched them since they were copied (SHA256SUMS, made then)."""
    sums = (_snippets.SNIPPETS / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    recorded = dict(reversed(line.split("  ", 1)) for line in sums)
    assert sorted(recorded) == sorted(_snippets.stored(name).name for name in _snippets.NAMES)
    for file_name, digest in recorded.items():
        data = (_snippets.SNIPPETS / file_name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
