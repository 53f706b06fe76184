"""A virtualenv with upstream ``speakeasy-client-sdk-python==5.9.15``, made once and kept.

It lives in ``.venv/upstream-5.9.15`` (ignored by git, like ``.venv``). The
first run installs it from the package index (with uv, seconds; with pip, about half
a minute); later runs reuse it. Upstream also imports as ``speakeasy``, so it only ever runs
in its own interpreter, in isolated mode, through ``Upstream.run``.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[3]
VERSION = "5.9.15"
SIDE = Path(__file__).resolve().parent / "_their_side.py"


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_upstream_venv(version: str = VERSION) -> Path:
    """The interpreter of the upstream virtualenv of ``version``, creating it on first use.

    Parallel test workers (pytest-xdist) may all ask at once: one makes it under an
    exclusive lock, the others wait on the lock and then find it made.
    """
    venv = ROOT / ".venv" / f"upstream-{version}"
    if (venv / ".installed").is_file():
        return _python(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.with_name(f"{venv.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (venv / ".installed").is_file():  # made by another worker while this one waited
            return _python(venv)
        return _make_upstream_venv(venv, version)


def _make_upstream_venv(venv: Path, version: str) -> Path:
    staging = venv.with_name(f"{venv.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    requirement = f"speakeasy-client-sdk-python=={version}"
    # uv, where scripts/_venv.sh installed it beside this interpreter, does in seconds what
    # venv + pip do in half a minute; pip where it is not there.
    uv = Path(sys.executable).with_name("uv")
    if uv.is_file():
        subprocess.run(
            [str(uv), "venv", "-q", "--python", sys.executable, str(staging)],
            check=True, timeout=300,
        )  # fmt: skip
        install = [str(uv), "pip", "install", "-q", "--python", str(_python(staging))]
    else:
        subprocess.run([sys.executable, "-m", "venv", str(staging)], check=True, timeout=300)
        install = [str(_python(staging)), "-m", "pip", "install", "-q"]
        install.append("--disable-pip-version-check")
    result = subprocess.run(
        [*install, requirement], capture_output=True, text=True, timeout=900, check=False
    )
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        pytest.fail(f"could not install upstream {version}:\n{result.stderr[-2000:]}")
    (staging / ".installed").write_text(version, encoding="utf-8")
    shutil.rmtree(venv, ignore_errors=True)  # a half-made one from an interrupted run
    staging.rename(venv)
    return _python(venv)


class Upstream:
    """Runs requests through ``_their_side.py`` in the upstream interpreter."""

    def __init__(self, python: Path, workdir: Path) -> None:
        self.python = python
        self.workdir = workdir

    def run(self, request: dict[str, Any]) -> Any:
        result = subprocess.run(
            [str(self.python), "-I", str(SIDE)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=self.workdir,  # nothing importable here
            env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout)


@pytest.fixture(scope="session")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upstream]:
    yield Upstream(ensure_upstream_venv(), tmp_path_factory.mktemp("upstream"))
