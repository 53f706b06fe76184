"""The SDK's reads against plain ``requests.get(url).json()``, side by side, in one run.

    .venv/bin/python bench/bench_reads.py            # full run
    .venv/bin/python bench/bench_reads.py --quick    # fewer repeats, for a quick look

A loopback server in a separate process answers every GET with a canned JSON
body (10,000 events for a search without ``limit=1``; one event or one target
otherwise), so that server cost does not hide client cost. Ratios compare the
SDK (typed models included) with plain ``requests`` on the same answers.
Upstream ``speakeasy-client-sdk-python==5.9.15`` is timed too when its venv
exists (``.venv/upstream-5.9.15``, made by the differential tests).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List

import _common

UPSTREAM = Path(__file__).resolve().parent.parent / ".venv" / "upstream-5.9.15" / "bin" / "python"

CASES = {
    "search": _common.Case("(e) search -> 10,000 events", 1.5, fast_target=1.0),
    "search1": _common.Case("(f) 200 x search -> 1 event", 1.15),
    "by_target": _common.Case("(f) 200 x events by target -> 1", 1.15),
    "targets": _common.Case("(f) 200 x targets -> 1 target", 1.15),
}


def event(i: int) -> Dict[str, Any]:
    """A realistic stored event: the 9 required fields and a dozen optional ones."""
    second = i % 60
    return {
        "created_at": f"2026-11-26T09:{i // 60 % 60:02d}:{second:02d}.{i % 1000:03d}123Z",
        "execution_id": f"exec-{i // 100:06d}",
        "id": f"evt-{i:08d}-6f1c2a1e",
        "interaction_type": ["CLI_EXEC", "TARGET_GENERATE", "LINT", "PUBLISH"][i % 4],
        "local_started_at": f"2026-11-26T10:{i // 60 % 60:02d}:{second:02d}.5+01:00",
        "speakeasy_api_key_name": "ci-key",
        "speakeasy_version": "1.453.2",
        "success": i % 7 != 0,
        "workspace_id": _common.WORKSPACE,
        "local_completed_at": f"2026-11-26T09:{i // 60 % 60:02d}:{second:02d}.9Z",
        "duration_ms": 5 + i % 1000,
        "hostname": f"host-{i % 16}.example.com",
        "generate_gen_lock_id": f"lock-{i % 50:04d}",
        "generate_target": "python",
        "generate_version": "2.486.1",
        "generate_bump_type": "patch",
        "gh_action_repository": "acme/sdk",
        "git_user_email": "dev@example.com",
        "raw_command": "speakeasy run --target python",
        "lint_report_error_count": i % 3,
        "openapi_diff_bump_type": "minor",
        "repo_label": "acme-sdk",
    }


TARGET = {
    "generate_gen_lock_id": "lock-0001",
    "generate_target": "python",
    "id": "lock-0001",
    "last_event_created_at": "2026-11-26T09:00:00.123Z",
    "last_event_id": "evt-00000001-6f1c2a1e",
    "last_event_interaction_type": "TARGET_GENERATE",
    "success": True,
    "generate_target_version": "2.0.0",
    "publish_package_version": "1.2.3",
}


class _Canned(_common.KeepAliveHandler):
    """Answers every GET with a canned JSON body chosen by path/query."""

    bodies: Dict[str, bytes] = {}

    def answer(self, target: bytes) -> None:
        if b"/targets/" in target:
            body = self.bodies["one_event"]
        elif target.split(b"?")[0].endswith(b"/targets"):
            body = self.bodies["one_target"]
        elif b"limit=1" in target:
            body = self.bodies["one_event"]
        else:
            body = self.bodies["many"]
        self.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)
        )
        self.wfile.write(body)


def serve_canned() -> None:
    _Canned.bodies = {
        "many": json.dumps([event(i) for i in range(10_000)]).encode(),
        "one_event": json.dumps([event(0)]).encode(),
        "one_target": json.dumps([TARGET]).encode(),
    }
    _common.serve(_Canned, len(_Canned.bodies["many"]))


# --------------------------------------------------------------------------- the two sides

Call = Callable[[], Any]


def sdk_calls(url: str, session: Any) -> Dict[str, Call]:
    from speakeasy.models import operations

    events = _common.sdk_client(url, session).events
    return {
        "search": lambda: (
            events.search_workspace_events(
                operations.SearchWorkspaceEventsRequest(success=True)
            ).cli_event_batch
        ),
        "search1": lambda: (
            events.search_workspace_events(
                operations.SearchWorkspaceEventsRequest(limit=1)
            ).cli_event_batch
        ),
        "by_target": lambda: (
            events.get_workspace_events_by_target(
                operations.GetWorkspaceEventsByTargetRequest(target_id="lock-0001")
            ).cli_event_batch
        ),
        "targets": lambda: (
            events.get_workspace_targets(operations.GetWorkspaceTargetsRequest()).target_sdk_list
        ),
    }


def plain_calls(url: str, session: Any) -> Dict[str, Call]:
    base = f"{url}/v1/workspace/{_common.WORKSPACE}/events"
    headers = {"x-api-key": _common.API_KEY, "Accept": "application/json"}
    get = session.get

    def call(path: str, params: Dict[str, str]) -> Call:
        return lambda: get(base + path, params=params, headers=headers, timeout=30).json()

    return {
        "search": call("", {"success": "true"}),
        "search1": call("", {"limit": "1"}),
        "by_target": call("/targets/lock-0001/events", {}),
        "targets": call("/targets", {}),
    }


_UPSTREAM_CODE = f"""
import sys, time
import speakeasy
from speakeasy.models import operations, shared
s = speakeasy.Speakeasy(
    security=shared.Security(api_key={_common.API_KEY!r}),
    workspace_id={_common.WORKSPACE!r},
    server_url=sys.argv[1],
)
req = operations.SearchWorkspaceEventsRequest()
assert len(s.events.search_workspace_events(req).cli_event_batch) == 10000
for _ in range(int(sys.argv[2])):
    t0 = time.perf_counter()
    s.events.search_workspace_events(req)
    print(time.perf_counter() - t0)
"""


def upstream_search(url: str, repeats: int) -> List[float]:
    """Upstream 5.9.15's search of the same 10,000-event answer, in its own venv."""
    if not UPSTREAM.exists():
        return []
    out = subprocess.run(
        [str(UPSTREAM), "-c", _UPSTREAM_CODE, url, str(repeats)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    return [float(line) for line in out.split()]


def main() -> None:
    args = _common.arguments(__doc__).parse_args()
    if args.serve:
        return serve_canned()
    reps = 5 if args.quick else 15
    print(_common.machine())
    import requests

    with _common.server_process(__file__) as (_, (port, size)):
        url = f"http://127.0.0.1:{port}"
        print(
            f"server: canned JSON answers in a separate process; the search answer is "
            f"{int(size) / 1e6:.1f} MB (10,000 events, 22 fields each)"
        )
        results: Dict[str, _common.Modes] = {}
        with requests.Session() as s1, requests.Session() as s2:
            sdk, plain = sdk_calls(url, s1), plain_calls(url, s2)
            assert len(sdk["search"]()) == len(plain["search"]()) == 10_000
            results["search"] = _common.interleaved_modes(sdk["search"], plain["search"], reps, 1)
            for key in ("search1", "by_target", "targets"):
                results[key] = _common.interleaved_modes(sdk[key], plain[key], reps, 200)
        upstream = upstream_search(url, max(3, reps // 3))

    passed = _common.report_modes(results, CASES)
    print()
    search_plain = statistics.median(results["search"][2])
    if upstream:
        up = statistics.median(upstream)
        print(
            f"upstream 5.9.15, same 10,000-event search: {up * 1e3:.0f} ms "
            f"({up / search_plain:.0f}x plain; median of {len(upstream)})"
        )
    else:
        print(
            "upstream 5.9.15: not timed "
            "(no .venv/upstream-5.9.15; run tests/migrating/upstream first)"
        )
    print(f"medians of {reps} runs per side, interleaved (fast, pure, plain in rotating order)")
    print(
        "SDK: the typed call (request model, query, send path, JSON decode, models); "
        "plain: session.get(url, params, headers).json(); one reused Session per side"
    )
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
