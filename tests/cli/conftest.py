"""``speakeasy-events`` as users get it: the wheel built once per session, installed into a
fresh virtual environment (its dependencies from the configured package index, which pip's
cache makes quick), and run as a subprocess against the local events server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import Iterator, List, Mapping, Optional

import pytest

from speakeasy.testing import EventsServer
from tests.support.factories import ROOT, env_without, run_captured

KEY = "cli-test-key-0123"
WORKSPACE = "ws-cli"


@pytest.fixture(scope="session")
def cli_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel built from a copy of this tree (and nothing else of it)."""
    tree = tmp_path_factory.mktemp("cli-tree") / "tree"
    shutil.copytree(
        ROOT,
        tree,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "results"
        ),
    )
    wheels = tmp_path_factory.mktemp("cli-wheel")
    offline = ["--no-deps", "--no-build-isolation", "--no-index", "--disable-pip-version-check"]
    built = run_captured(
        [sys.executable, "-m", "pip", "wheel", "-q", *offline, "-w", wheels, "."],
        cwd=tree,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("*.whl")
    home = tmp_path_factory.mktemp("cli-venv") / "venv"
    venv.EnvBuilder(with_pip=False).create(home)
    python = home / "bin" / "python"
    installed = run_captured(
        [sys.executable, "-m", "pip", "--python", python, "install", "-q", wheel],
        env=env_without("PIP_REQUIRE_VIRTUALENV"),
        timeout=600,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (home / "bin" / "speakeasy-events").exists()
    return home


@pytest.fixture(scope="session")
def cli_server() -> Iterator[EventsServer]:
    with EventsServer(api_key=KEY) as srv:
        yield srv


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
