"""``speakeasy-events`` as users get it: the wheel built once per session, installed into a
fresh virtual environment with its dependencies (offline, from a wheelhouse downloaded once;
tests/support/built.py), and run as a subprocess against the local events server.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Iterator, List, Mapping, Optional

import pytest

from speakeasy.testing import EventsServer
from tests.support.built import fresh_venv
from tests.support.factories import env_without
from tests.support.local_server import serving

KEY = "cli-test-key-0123"
WORKSPACE = "ws-cli"


@pytest.fixture(scope="session")
def cli_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel built from a copy of this tree (and nothing else of it),
    shared with tests/migrating/from_6x_7x (tests/support/built.py)."""
    home = fresh_venv(tmp_path_factory)
    assert (home / "bin" / "speakeasy-events").exists()
    return home


@pytest.fixture(scope="session")
def cli_server() -> Iterator[EventsServer]:
    yield from serving(api_key=KEY)


@pytest.fixture
def live(cli_server: EventsServer) -> Iterator[EventsServer]:
    cli_server.reset()
    yield cli_server
    cli_server.reset()


def base_env(server_url: str, **extra: str) -> dict:  # type: ignore[type-arg]
    """A clean environment: no CI, GitHub, Speakeasy or tracking variables of our own."""
    env = env_without(
        "GITHUB_", "GH_", "CI", "SPEAKEASY_", "DO_NOT_TRACK", "PYTEST_", "GITLAB", "BUILDKITE"
    )
    for name in ("JENKINS_URL", "TF_BUILD", "BITBUCKET_BUILD_NUMBER", "NO_COLOR", "COVERAGE_"):
        env.pop(name, None)
    env.update(
        SPEAKEASY_API_KEY=KEY, SPEAKEASY_WORKSPACE_ID=WORKSPACE, SPEAKEASY_SERVER_URL=server_url
    )
    env.update(extra)
    return env


def events_cli(
    home: Path,
    args: List[str],
    env: Mapping[str, str],
    stdin: Optional[str] = None,
    cwd: Optional[Path] = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(home / "bin" / "speakeasy-events"), *args],
        env=dict(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd or os.getcwd(),
        check=False,
    )
