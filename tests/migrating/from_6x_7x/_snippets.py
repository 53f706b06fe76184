"""Upstream's example blocks (upstream_snippets/ beside this file) and how they are run here.

The blocks are test data, not this project's source: each is stored as ``<name>.py.txt``
(``stored``), so that no linter, formatter or duplicate finder reads them as code, and
``write_block`` writes it out as a ``.py`` file wherever it is run or type-checked.

A block runs as upstream wrote it, with one change: its ``Speakeasy(`` call is given
``server_url=`` pointing at the local events server (or, where the block already passes a
``server_url``, that value is replaced). ``pointed`` makes that change and nothing else;
``changed_lines`` shows it is the only one.

``to_async`` derives the async form of a block the way upstream's own async example
(7.0.0rc2 USAGE.md) is written: the same imports plus ``asyncio``, the rest inside
``async def main()``, ``with Speakeasy(...)`` as ``async with``, each ``x.events.op(`` as
``await x.events.op_async(``, and ``asyncio.run(main())``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import select
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

HERE = Path(__file__).resolve().parent
SNIPPETS = HERE / "upstream_snippets"
EXPECTED: Dict[str, Dict[str, Any]] = json.loads(
    (SNIPPETS / "expected.json").read_text(encoding="utf-8")
)
NAMES = sorted(EXPECTED)
RUNS = [name for name in NAMES if EXPECTED[name]["outcome"] == "runs"]
#: (block, variant): every block as upstream wrote it; the Events blocks in async form too.
CASES = [(name, "sync") for name in NAMES] + [(name, "async") for name in RUNS]
#: The workspace the snippets' environment names (``SPEAKEASY_WORKSPACE_ID``): upstream's
#: blocks leave it to the environment (6.x/7.x read ``WORKSPACE_ID``; this SDK reads
#: ``SPEAKEASY_WORKSPACE_ID``, see docs/migrating-from-6x-7x.md).
WORKSPACE = "ws-compat"
#: 6.3.0's blocks read the key with ``os.getenv("API_KEY", "")``.
API_KEY = "compat-test-key"

_SERVER_URL_ARG = re.compile(r'server_url="[^"]*"')
_CLIENT_CALL = re.compile(r"\bSpeakeasy\(")
_EVENTS_CALL = re.compile(r"\b(\w+)\.events\.(\w+)\(")


#: What a block's file name adds to its name (``6.3.0_README_1.py`` is ``6.3.0_README_1.py.txt``).
STORED_SUFFIX = ".txt"


def stored(name: str) -> Path:
    """The file that holds block ``name``, byte for byte as upstream wrote it."""
    return SNIPPETS / f"{name}{STORED_SUFFIX}"


def source(name: str) -> str:
    return stored(name).read_text(encoding="utf-8")


def pointed(code: str, server_url: str) -> str:
    """``code`` with its client pointed at ``server_url``: the one change made to a block."""
    if _SERVER_URL_ARG.search(code):
        return _SERVER_URL_ARG.sub(f'server_url="{server_url}"', code, count=1)
    match = _CLIENT_CALL.search(code)
    assert match is not None, "the block builds no Speakeasy client"
    return f'{code[: match.end()]}server_url="{server_url}", {code[match.end() :]}'


def changed_lines(before: str, after: str) -> List[str]:
    """The lines of ``after`` that differ from ``before``."""
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return [line[2:] for line in diff if line.startswith("+ ")]


def to_async(code: str) -> str:
    """The async form of a sync block (see the module docstring)."""
    lines = code.splitlines()
    split = 0
    while split < len(lines) and (
        not lines[split].strip() or lines[split].startswith(("import ", "from ", "#"))
    ):
        split += 1
    head, body = lines[:split], lines[split:]
    body = [_EVENTS_CALL.sub(r"await \1.events.\2_async(", line) for line in body]
    body = [re.sub(r"^(\s*)with Speakeasy\(", r"\1async with Speakeasy(", line) for line in body]
    indented = ["    " + line if line.strip() else "" for line in body]
    start = ["import asyncio", *head, "", "", "async def main() -> None:"]
    return "\n".join([*start, *indented, "", "", "asyncio.run(main())", ""])


def snippet_env(extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The environment a block runs in: the key and workspace its code leaves to it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SPEAKEASY_"))}
    env.update({"API_KEY": API_KEY, "SPEAKEASY_WORKSPACE_ID": WORKSPACE})
    env.update(extra or {})
    return env


def write_block(folder: Path, name: str, variant: str, server_url: str) -> Path:
    """The block ``name``, pointed at ``server_url`` (``variant``: sync or async), as a file."""
    code = pointed(source(name), server_url)
    if variant == "async":
        code = to_async(code)
    path = folder / f"{variant}_{name.replace('.', '_').replace('_py', '')}.py"
    path.write_text(code, encoding="utf-8")
    return path


def run_file(
    python: str, path: Path, env: Mapping[str, str], args: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    """Run a script in its own folder (where nothing else is importable)."""
    return subprocess.run(
        [python, str(path), *args],
        cwd=path.parent,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class ForkRunner:
    """``run_file`` for many scripts, each forked from one interpreter that has already
    imported the SDK (``_fork_runner.py``): the same outcome, a fraction of the CPU."""

    def __init__(self, python: str, env: Mapping[str, str]) -> None:
        self._process = subprocess.Popen(
            [python, str(HERE / "_fork_runner.py")],
            cwd=HERE.anchor,
            env=dict(env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(
        self, path: Path, args: Sequence[str] = (), timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        out, err = path.with_suffix(".stdout"), path.with_suffix(".stderr")
        job = {"path": str(path), "args": list(args), "out": str(out), "err": str(err)}
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps(job) + "\n")
        self._process.stdin.flush()
        ready, _, _ = select.select([self._process.stdout], [], [], timeout)
        if not ready:
            self._process.kill()
            raise AssertionError(f"{path.name} did not end within {timeout} s")
        answer = self._process.stdout.readline()
        assert answer, f"the fork runner ended (status {self._process.poll()})"
        code = json.loads(answer)["returncode"]
        return subprocess.CompletedProcess(
            [str(path), *args],
            code,
            out.read_text(encoding="utf-8", errors="replace"),
            err.read_text(encoding="utf-8", errors="replace"),
        )

    def close(self) -> None:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - a child that never ended
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()


def expected_calls(name: str) -> List[str]:
    return [call.replace("{ws}", WORKSPACE) for call in EXPECTED[name].get("calls", [])]


def last_line(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def check_outcome(
    name: str, result: subprocess.CompletedProcess[str], calls: List[str], httpx_installed: bool
) -> None:
    """Assert that a block ended as expected.json says (``calls``: what the server received)."""
    want = EXPECTED[name]
    outcome = want["outcome"]
    error = last_line(result.stderr)
    if outcome == "runs":
        assert result.returncode == 0, result.stderr[-3000:]
        assert calls == expected_calls(name)
        return
    assert result.returncode != 0, f"{name} was expected to fail ({outcome})"
    assert calls == [], f"{name} reached the server: {calls}"
    if outcome == "other_group":
        group = want["group"]
        # (Python may append a "Did you mean" suggestion to the message.)
        assert error.startswith(
            f"AttributeError: 'Speakeasy' object has no attribute {group!r}: this SDK covers "
            f"the Speakeasy Events API only (s.events); upstream's {group!r} API group is out "
            "of its scope (see docs/migrating-from-6x-7x.md)"
        ), result.stderr[-3000:]
    elif outcome == "httpx" and httpx_installed:
        assert re.match(
            r"speakeasy\.models\.errors\.[\w.]*FieldTypeError: client: got httpx\.", error
        )
        assert "pass a requests.Session" in error, error
    elif outcome == "httpx":  # where httpx is not installed, the block's own import fails
        assert error == "ModuleNotFoundError: No module named 'httpx'", error
    elif outcome == "httpclient":
        assert error.startswith(
            "ImportError: speakeasy_client_sdk_python.httpclient (upstream's httpx client "
            "interface, HttpClient and AsyncHttpClient) is not part of this SDK"
        ), error
    elif outcome == "broken":
        assert error.startswith("SyntaxError: positional argument follows keyword"), error
    else:  # pragma: no cover - a typo in expected.json
        raise AssertionError(f"unknown outcome {outcome!r}")
