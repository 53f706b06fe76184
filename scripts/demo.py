"""Post the README's example to a local events server and print what the server received.

Run it with ``./scripts/demo``. The server listens on a free port of 127.0.0.1 and accepts
any API key; the key is shown masked.
"""

from __future__ import annotations

import json

import dateutil.parser

import speakeasy
from speakeasy.models import operations, shared
from speakeasy.testing import EventsServer

_SECRET_HEADERS = {"x-api-key", "authorization", "cookie"}


def main() -> int:
    with EventsServer(api_key=None) as server:
        print(f"Local events server listening on {server.url}\n")

        # The README's example, with server_url added.
        s = speakeasy.Speakeasy(
            security=shared.Security(
                api_key="<YOUR_API_KEY_HERE>",
            ),
            workspace_id="string",
            server_url=server.url,
        )

        req = operations.PostWorkspaceEventsRequest(
            request_body=[
                shared.CliEvent(
                    created_at=dateutil.parser.isoparse("2024-11-21T06:58:42.120Z"),
                    execution_id="string",
                    id="<ID>",
                    interaction_type=shared.InteractionType.CLI_EXEC,
                    local_started_at=dateutil.parser.isoparse("2024-05-07T12:35:47.182Z"),
                    speakeasy_api_key_name="string",
                    speakeasy_version="string",
                    success=False,
                    workspace_id="string",
                ),
            ],
        )

        res = s.events.post_workspace_events(req)

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
