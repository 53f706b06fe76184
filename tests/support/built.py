"""What the tests build from this tree, built once per test session and shared by every
pytest-xdist worker: the wheel, and a fresh virtualenv holding it with ``[async]``.

Each is made under an exclusive ``fcntl`` lock in the session's shared temporary folder
(the parent of the workers' own folders), in a subfolder named by a hash of what goes into
the wheel (``src/``, ``pyproject.toml``, ``README.md``, ``LICENSE``), so a worker that asks
while another builds waits and then takes the same files. A run without xdist builds them
in its own temporary folder. The wheel is built offline from a copy of the tree without
local state (a stale ``build/`` cannot leak into it); the virtualenv is installed offline
from ``.venv/compat-wheelhouse``, which holds the dependencies' wheels, downloaded from the
package index once per set of requirements.

Users (tests/test_packaging.py, tests/cli, tests/migrating/from_6x_7x) must treat both as
read-only.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path
from typing import Callable, List, Set

import pytest

from tests.support.factories import ROOT, env_without, run_captured

WHEELHOUSE = ROOT / ".venv" / "compat-wheelhouse"
#: The files and folders the wheel is made of (setuptools reads these, and nothing else).
WHEEL_INPUTS = ("src", "pyproject.toml", "README.md", "LICENSE")
_IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)


def not_copied(directory: str, entries: List[str]) -> Set[str]:
    """Local state a build must not see (and bench results, which can be large)."""
    ignored = set(_IGNORED(directory, entries))
    if Path(directory) == ROOT / "bench":
        ignored.add("results")
    return ignored


def copy_tree(destination: Path) -> Path:
    """A copy of the work tree without local state, to build from."""
    shutil.copytree(ROOT, destination, ignore=not_copied)
    return destination


def _inputs_digest() -> str:
    digest = hashlib.sha256()
    for name in WHEEL_INPUTS:
        top = ROOT / name
        paths = [top] if top.is_file() else sorted(top.rglob("*"))
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _shared_dir(factory: pytest.TempPathFactory) -> Path:
    """The session's folder that every xdist worker sees (its own one without xdist)."""
    base = factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return shared / f"built-{_inputs_digest()}"


def _once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """``shared/name``, made by ``make(staging)`` once for the whole session, under a lock."""
    shared = _shared_dir(factory)
    shared.mkdir(parents=True, exist_ok=True)
    target = shared / name
    ready = shared / f"{name}.ready"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.is_file():
            shutil.rmtree(target, ignore_errors=True)  # a half-made one from a failed attempt
            target.mkdir()
            make(target)
            ready.write_text("ok", encoding="utf-8")
    return target


def built_wheel(factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of this tree (``pip wheel``, offline), once a session."""

    def make(out: Path) -> None:
        tree = copy_tree(out.with_name(out.name + "-tree"))
        offline = ["--no-deps", "--no-build-isolation", "--no-index", "--disable-pip-version-check"]
        command = [sys.executable, "-m", "pip", "wheel", "-q", *offline, "-w", str(out), "."]
        result = run_captured(command, cwd=tree, timeout=300)
        assert result.returncode == 0, f"pip wheel failed:\n{result.stdout}\n{result.stderr}"
        shutil.rmtree(tree, ignore_errors=True)

    (wheel,) = _once(factory, "wheel", make).glob("*.whl")
    return wheel


def clean_env() -> dict[str, str]:
    """This environment without ``PYTHON*`` and ``SPEAKEASY_*`` settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SPEAKEASY_"))}


def _run(command: List[str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, env=clean_env()
    )


def wheelhouse(wheel: Path) -> Path:
    """The dependencies' wheels (with [async]), downloaded once per set of requirements."""
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode("utf-8")
    requires = sorted(line for line in text.splitlines() if line.startswith("Requires-Dist:"))
    digest = hashlib.sha256("\n".join(requires).encode("utf-8")).hexdigest()[:16]
    ready = WHEELHOUSE / f".complete-{digest}"
    if ready.is_file():
        return WHEELHOUSE
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    with open(WHEELHOUSE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ready.is_file():  # downloaded by another worker while this one waited
            return WHEELHOUSE
        pip = [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check"]
        result = _run([*pip, "-d", str(WHEELHOUSE), f"{wheel}[async]"], timeout=900)
        if result.returncode != 0:
            pytest.fail(f"could not download the dependencies:\n{result.stderr[-3000:]}")
        for own in WHEELHOUSE.glob("speakeasy_client_sdk_python-*"):
            own.unlink()  # each run's wheel is installed from where it was built
        ready.write_text("ok", encoding="utf-8")
    return WHEELHOUSE


def fresh_venv(factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv (no pip of its own) holding only the wheel with ``[async]`` and their
    dependencies, installed offline from the wheelhouse by this interpreter's pip: what a
    user gets from ``pip install speakeasy-client-sdk-python[async]``. Its home folder."""
    wheel = built_wheel(factory)
    house = wheelhouse(wheel)

    def make(home: Path) -> None:
        venv.EnvBuilder(with_pip=False).create(home)
        python = home / "bin" / "python"
        offline = ["--no-index", "--find-links", str(house), "--disable-pip-version-check"]
        pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
        installed = run_captured(
            [*pip, *offline, f"{wheel}[async]"],
            env=env_without("PIP_REQUIRE_VIRTUALENV", "PYTHON"),
            timeout=600,
        )
        assert installed.returncode == 0, installed.stdout + installed.stderr[-3000:]

    return _once(factory, "fresh-venv", make)
