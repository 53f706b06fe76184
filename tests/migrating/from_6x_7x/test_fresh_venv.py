"""A 6.x/7.x user's environment: a fresh virtualenv holding only this wheel with ``[async]``.

The wheel is built once a session and installed, with its dependencies, into a new
virtualenv (tests/support/built.py, shared with tests/cli and tests/test_packaging.py);
pydantic and httpx must not be there. The package installed there is this tree's src/ byte
for byte, so every block of upstream's (upstream_snippets/ beside this file) ends from the
wheel as test_upstream_snippets.py shows it ends from the source tree; from that
environment, with nothing of this checkout importable, one block of each kind of outcome,
each version and each form (sync, async) runs to show it, and a 7.x-style program
(seven_x_program.py) runs against the local events server.

The dependencies' wheels are downloaded from the package index once (again when the
wheel's requirements change), into ``.venv/compat-wheelhouse`` (ignored by git, like
``.venv``, as tests/migrating/upstream keeps its virtualenv); the virtualenv is then installed
offline from there, new on every run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import pytest

from speakeasy.models import shared
from speakeasy.testing import EventsServer, Reply
from tests.migrating.from_6x_7x import _snippets
from tests.support.built import clean_env as _clean_env
from tests.support.built import fresh_venv
from tests.support.factories import run_captured
from tests.support.local_server import serving

ROOT = Path(__file__).resolve().parents[3]
PROGRAM = Path(__file__).resolve().parent / "seven_x_program.py"
#: The codec branch (issue 27 item 3) gives the models pydantic's ``model_dump()``.
HAS_MODEL_DUMP = hasattr(shared.CliEvent, "model_dump")


def _run(
    command: List[str], cwd: Optional[Path] = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return run_captured(command, cwd=cwd, env=_clean_env(), timeout=timeout)


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv with the wheel and ``[async]``, installed offline (shared with
    tests/cli; tests/support/built.py)."""
    return fresh_venv(tmp_path_factory) / (
        "Scripts/python.exe" if os.name == "nt" else "bin/python"
    )


@pytest.fixture(scope="module")
def server() -> Iterator[EventsServer]:
    yield from serving(api_key=None)


def test_the_fresh_venv_has_no_pydantic_nor_httpx(fresh_python: Path, tmp_path: Path) -> None:
    """Only this wheel, its five dependencies and aiohttp's: 6.x/7.x's libraries are absent."""
    code = (
        "import importlib.util, json, speakeasy_client_sdk_python as s;"
        "print(json.dumps({'missing': [m for m in ('pydantic', 'httpx', 'pydantic_core')"
        " if importlib.util.find_spec(m) is None], 'file': s.__file__,"
        " 'async': importlib.util.find_spec('aiohttp') is not None}))"
    )
    result = _run([str(fresh_python), "-c", code], cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["missing"] == ["pydantic", "httpx", "pydantic_core"]
    assert found["async"] is True
    assert str(ROOT) not in found["file"]  # the installed copy, not this checkout's
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--python"]
    listed = _run([*pip, str(fresh_python), "list", "--format=json"])
    assert listed.returncode == 0, listed.stderr
    names = {d["name"].lower() for d in json.loads(listed.stdout)}
    assert "speakeasy-client-sdk-python" in names
    assert not names & {"pydantic", "httpx", "httpcore", "pydantic-core"}


@pytest.fixture(scope="module")
def runner(fresh_python: Path) -> Iterator[_snippets.ForkRunner]:
    """Each block in a process of its own, forked from one that imported the wheel's SDK."""
    forks = _snippets.ForkRunner(str(fresh_python), _snippets.snippet_env())
    yield forks
    forks.close()


def test_the_wheel_installs_the_source_tree_byte_for_byte(fresh_python: Path) -> None:
    """Both packages in the fresh venv are src/'s files, byte for byte, and no others."""
    code = (
        "import json, speakeasy, speakeasy_client_sdk_python as c;"
        "print(json.dumps([speakeasy.__file__, c.__file__]))"
    )
    result = subprocess.run(
        [str(fresh_python), "-I", "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    for init in json.loads(result.stdout):
        installed = Path(init).parent
        source = ROOT / "src" / installed.name
        assert installed != source
        assert _files(installed) == _files(source), installed.name


def _files(package: Path) -> Dict[str, bytes]:
    return {
        p.relative_to(package).as_posix(): p.read_bytes()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def _one_of_each() -> List[Tuple[str, str]]:
    """A case of each (outcome, upstream version, form) of ``_snippets.CASES``."""
    seen: Dict[Tuple[str, str, str], Tuple[str, str]] = {}
    for name, variant in _snippets.CASES:
        kind = (_snippets.EXPECTED[name]["outcome"], name.split("_")[0], variant)
        seen.setdefault(kind, (name, variant))
    return sorted(seen.values())


@pytest.mark.parametrize(("name", "variant"), _one_of_each())
def test_upstream_block_from_the_wheel(
    name: str, variant: str, runner: _snippets.ForkRunner, server: EventsServer, tmp_path: Path
) -> None:
    """Each of upstream's blocks ends as from the source tree (httpx's own import fails)."""
    server.reset()
    path = _snippets.write_block(tmp_path, name, variant, server.url)
    result = runner.run(path)
    calls = [f"{r.method} {r.path}" for r in server.received]
    _snippets.check_outcome(name, result, calls, httpx_installed=False)


def _run_program(python: Path, server: EventsServer, tmp_path: Path, *flags: str) -> None:
    server.reset()
    server.handler = lambda rec: (
        Reply(501, {"message": "boom", "status_code": 501})
        if "/targets/boom/" in rec.path
        else None
    )
    script = tmp_path / PROGRAM.name
    shutil.copyfile(PROGRAM, script)  # run from a folder where nothing else is importable
    result = _snippets.run_file(str(python), script, _clean_env(), [server.url, *flags])
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("7.x-style program: ok")
    calls = [f"{r.method} {r.path} {r.status}" for r in server.received]
    one_edge = [
        "POST /v1/workspace/ws-7x/events 200",
        "GET /v1/workspace/ws-7x/events 200",
        "GET /v1/workspace/events/targets 200",
        "GET /v1/workspace/ws-7x/events/targets/boom/events 501",
    ]
    assert calls == one_edge * 2  # sync, then async


def test_a_7x_program_runs_from_the_wheel(
    fresh_python: Path, server: EventsServer, tmp_path: Path
) -> None:
    _run_program(fresh_python, server, tmp_path)


@pytest.mark.skipif(
    not HAS_MODEL_DUMP,
    reason="model_dump() on the models comes with the codec branch (issue 27 item 3)",
)
def test_a_7x_program_calls_model_dump_from_the_wheel(
    fresh_python: Path, server: EventsServer, tmp_path: Path
) -> None:
    _run_program(fresh_python, server, tmp_path, "--model-dump")
