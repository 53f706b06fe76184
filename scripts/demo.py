"""Run the README's example against a local events server and print what the server received.

Run it with ``./scripts/demo``. The server listens on a free port of 127.0.0.1 and accepts
any API key; the key is shown masked. The example is read from README.md and runs as
written, its client pointed at the local server (see _readme_example.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from _readme_example import first_example, run

from speakeasy.testing import EventsServer

_SECRET_HEADERS = {"x-api-key", "authorization", "cookie"}
_README = Path(__file__).resolve().parent.parent / "README.md"


def main() -> int:
    with EventsServer(api_key=None) as server:
        print(f"Local events server listening on {server.url}\n")

        res = run(first_example(_README), server.url, str(_README))["res"]

        for received in server.received:
            print("The server received:")
            print(f"  {received.method} {received.path}")
            for name, value in received.headers.items():
                shown = "***" if name.lower() in _SECRET_HEADERS else value
                print(f"  {name}: {shown}")
            print()
            body = json.dumps(received.json(), indent=2, sort_keys=True)
            print("\n".join("  " + line for line in body.splitlines()))
            verdict = "accepted" if received.error is None else f"rejected: {received.error}"
            print(f"\n  answered {received.status} ({verdict})\n")

    print(f"SDK response: status_code={res.status_code}")
    return 0 if res.status_code == 200 else 1


if __name__ == "__main__":
    raise SystemExit(main())
