"""The SDK in five minutes: the README's example against a local events server, what the
server received, then a shell command recorded by ``speakeasy-events run``.

Run it with ``./scripts/demo`` (``--serve`` keeps the server and its live page up until
Ctrl-C). The server listens on a free port of 127.0.0.1 and accepts any API key; the key
is shown masked. The example is read from README.md and runs as written, its client
pointed at the local server (see _readme_example.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

_SECRET_HEADERS = {"x-api-key", "authorization", "cookie"}
_ROOT = Path(__file__).resolve().parent.parent
_README = _ROOT / "README.md"
#: The command the demo records, and the event fields it shows.
_COMMAND = [sys.executable, "-c", 'print("hello from a recorded command")']
_SHOWN = (
    "interaction_type",
    "success",
    "duration_ms",
    "execution_id",
    "raw_command",
    "hostname",
    "commit_head",
    "git_relative_cwd",
)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="./scripts/demo",
        description="Start a local events server, post the README's example to it through "
        "the SDK and show what the server received; then record a command with "
        "`speakeasy-events run` and show its event. Installs the SDK and its runtime "
        "dependencies into .venv on first use (a few seconds).",
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="afterwards keep the server and its live page up until Ctrl-C "
        "(on its own: `speakeasy-events serve`)",
    )
    return parser.parse_args()


def _step(text: str) -> None:
    print(f"==> {text}", flush=True)


def _show_request(received: Any) -> None:
    print(f"  {received.method} {received.path}")
    for name, value in received.headers.items():
        shown = "***" if name.lower() in _SECRET_HEADERS else value
        print(f"  {name}: {shown}")
    print()
    body = json.dumps(received.json(), indent=2, sort_keys=True)
    print("\n".join("  " + line for line in body.splitlines()))
    verdict = "accepted" if received.error is None else f"rejected: {received.error}"
    print(f"\n  answered {received.status} ({verdict})\n")


def _events_command() -> List[str]:
    """``speakeasy-events`` of this interpreter's environment (the installed console script)."""
    script = Path(sys.executable).parent / "speakeasy-events"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from speakeasy._cli.main import console; console()"]


def _record_a_command(url: str) -> Dict[str, Any]:
    env = {
        **os.environ,
        "SPEAKEASY_SERVER_URL": url,
        "SPEAKEASY_API_KEY": "demo-key",
        "SPEAKEASY_WORKSPACE_ID": "demo",
    }
    env.pop("DO_NOT_TRACK", None)
    print(f"  $ {shlex.join(['speakeasy-events', 'run', '--', 'python', *_COMMAND[1:]])}")
    done = subprocess.run(
        [*_events_command(), "run", "--", *_COMMAND], env=env, timeout=120, check=False
    )
    print(f"  (exit status {done.returncode}: the command's own)\n")
    return {"status": done.returncode}


def main() -> int:
    args = _arguments()
    _step("starting a local events server (speakeasy.testing) on a free loopback port")
    from _readme_example import first_example, run

    from speakeasy.testing import EventsServer

    with EventsServer(api_key=None) as server:
        print(f"  listening on {server.url}; live page of what arrives: {server.url}/\n")

        _step("running the README's example through the SDK")
        res = run(first_example(_README), server.url, str(_README))["res"]
        print(f"  SDK response: status_code={res.status_code}\n")
        for received in server.received:
            _step("what the server received")
            _show_request(received)

        _step("recording a command with `speakeasy-events run` (any command, any language)")
        before = len(server.events)
        recorded = _record_a_command(server.url)
        events = server.events[before:]
        if events:
            _step("the event it recorded")
            for name in _SHOWN:
                if name in events[0]:
                    print(f"  {name}: {events[0][name]}")
            print()
        ok = res.status_code == 200 and recorded["status"] == 0 and bool(events)

        if args.serve:
            _step(f"serving until Ctrl-C: API {server.url}, live page {server.url}/")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
    if not args.serve:
        print(
            "The server has stopped. To keep one up with its live page: ./scripts/demo "
            "--serve (or `speakeasy-events serve` where the package is installed)"
        )
    print("Next: README.md (Record a run), docs/tracking.md, docs/cli.md, docs/testing.md")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
