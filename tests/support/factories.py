"""The one place for test builders, shared by every test folder: events, their wire form,
retry policies, and subprocesses to run code, pytest and mypy in."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from speakeasy.models import shared
from speakeasy.utils import BackoffStrategy, RetryConfig

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2024, 11, 21, 6, 58, 42, 120000, tzinfo=timezone.utc)

#: Millisecond backoff, connection errors retried: retry tests take no time.
FAST_RETRIES = RetryConfig("backoff", BackoffStrategy(1, 5, 1.5, 2000), True)
NO_RETRIES = RetryConfig("none")

#: An event as the API writes it: the nine required fields, one of them with an offset.
WIRE_EVENT: Dict[str, Any] = {
    "created_at": "2024-11-21T06:58:42.120Z",
    "execution_id": "exec-1",
    "id": "evt-1",
    "interaction_type": "CLI_EXEC",
    "local_started_at": "2024-05-07T12:35:47.182+02:00",
    "speakeasy_api_key_name": "key-name",
    "speakeasy_version": "1.0.0",
    "success": True,
    "workspace_id": "ws-1",
}


def cli_event_dict() -> shared.CliEventTypedDict:
    """A valid event's dict form (``CliEventTypedDict``): the nine required fields."""
    return {
        "created_at": T0,
        "execution_id": "exec-1",
        "id": "evt-1",
        "interaction_type": shared.InteractionType.CLI_EXEC,
        "local_started_at": T0,
        "speakeasy_api_key_name": "key-name",
        "speakeasy_version": "1.0.0",
        "success": True,
        "workspace_id": "ws-1",
    }


def cli_event(**overrides: Any) -> shared.CliEvent:
    """A valid event with the nine required fields, changed by ``overrides``."""
    fields: dict[str, Any] = {**cli_event_dict(), **overrides}
    return shared.CliEvent(**fields)


#: The short name most tests use for :func:`cli_event`.
event = cli_event


def numbered_wire_event(
    n: int, created: str, interaction: str = "CLI_EXEC", **fields: Any
) -> Dict[str, Any]:
    """``WIRE_EVENT`` as the ``n``-th of a series: its own ids, created and started at
    ``created``, changed by ``fields``."""
    return {
        **WIRE_EVENT,
        "created_at": created,
        "execution_id": f"exec-{n}",
        "id": f"evt-{n}",
        "interaction_type": interaction,
        "local_started_at": created,
        **fields,
    }


def _user_helpers_source() -> str:
    """The module imports and the ``new_event`` and ``post`` helpers of the plugin's user test
    file, as source text: what a suite written for a subprocess pytest uses to post."""
    path = ROOT / "scripts" / "_plugin_user_test.py"
    text = path.read_text(encoding="utf-8")
    wanted = [
        node
        for node in ast.parse(text).body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        or (isinstance(node, ast.FunctionDef) and node.name in ("new_event", "post"))
    ]
    return "\n\n\n".join(str(ast.get_source_segment(text, node)) for node in wanted) + "\n\n\n"


#: Source text for suites run by a subprocess pytest: ``new_event(event_id, execution_id,
#: workspace_id)`` builds a CliEvent, ``post(client, event_id)`` posts one.
POST_EVENT_SOURCE = _user_helpers_source()


def env_without(*prefixes: str) -> Dict[str, str]:
    """This process's environment without the variables whose names start with ``prefixes``."""
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def run_captured(
    command: Sequence[Union[str, Path]],
    *,
    cwd: Optional[Union[str, Path]] = None,
    env: Optional[Mapping[str, str]] = None,
    timeout: float = 120,
    check: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` to its end with its stdout and stderr captured as text."""
    parts = [str(part) for part in command]
    return subprocess.run(
        parts, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=check
    )


def run_pytest_suite(
    folder: Path,
    files: Mapping[str, str],
    *args: str,
    python: Union[str, Path] = sys.executable,
    env: Optional[Mapping[str, str]] = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Write ``files`` into ``folder`` (a root of its own: a bare pytest.ini unless ``files``
    has one) and run pytest there in ``python``, by default without the PYTEST_* settings of
    the run that calls it."""
    for name, text in {"pytest.ini": "[pytest]\n", **files}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return run_captured(
        [python, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=folder,
        env=env_without("PYTEST_") if env is None else env,
        timeout=timeout,
    )


def run_mypy_strict(
    folder: Path, files: Sequence[str], *options: str
) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` over ``files`` in ``folder``, with this tree's src/ on MYPYPATH."""
    return run_captured(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", *options, *files],
        cwd=folder,
        env={**os.environ, "MYPYPATH": str(ROOT / "src")},
        timeout=300,
    )


#: mypy's incremental cache, shared with ``mypy src`` (which ./scripts/test runs first, so
#: the SDK's modules and the standard library's stubs are analysed once, not by every test
#: that starts mypy: about 5 s of CPU each). mypy checks each cached module's source hash
#: and options before using it, and the user files a test checks are new each time.
MYPY_CACHE = ROOT / ".mypy_cache"


def run_mypy_on_folder(folder: Path) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` over every ``*.py`` in ``folder`` with the project's configuration,
    error codes shown, with the shared cache (``MYPY_CACHE``)."""
    options = ["--config-file", str(ROOT / "pyproject.toml"), "--show-error-codes"]
    options += ["--cache-dir", str(MYPY_CACHE), "--hide-error-context"]
    files = sorted(str(p) for p in folder.glob("*.py"))
    return run_mypy_strict(folder, files, *options)


def run_in_fresh_interpreter(code: str) -> None:
    """Run ``code`` with ``python -c``, where nothing is imported yet; fail with its stderr."""
    result = run_captured([sys.executable, "-c", code], timeout=60)
    assert result.returncode == 0, result.stderr
