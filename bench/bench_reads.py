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

import argparse
import gc
import json
import os
import socket
import socketserver
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sdk import machine, quartiles

API_KEY = "bench-key-0123456789"
WORKSPACE = "ws-bench"
UPSTREAM = Path(__file__).resolve().parent.parent / ".venv" / "upstream-5.9.15" / "bin" / "python"

TARGETS = {"search": 2.0, "search1": 1.15, "by_target": 1.15, "targets": 1.15}
CASES = {
    "search": "(e) search -> 10,000 events",
    "search1": "(f) 200 x search -> 1 event",
    "by_target": "(f) 200 x events by target -> 1",
    "targets": "(f) 200 x targets -> 1 target",
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
        "workspace_id": WORKSPACE,
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


class _Canned(socketserver.StreamRequestHandler):
    """HTTP/1.1 keep-alive: answers every GET with a canned JSON body chosen by path/query."""

    rbufsize = 1 << 16
    bodies: Dict[str, bytes] = {}

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        rfile, wfile = self.rfile, self.wfile
        while True:
            line = rfile.readline(65537)
            if not line:
                return
            while rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                pass
            target = line.split(b" ")[1]
            if b"/targets/" in target:
                body = self.bodies["one_event"]
            elif target.split(b"?")[0].endswith(b"/targets"):
                body = self.bodies["one_target"]
            elif b"limit=1" in target:
                body = self.bodies["one_event"]
            else:
                body = self.bodies["many"]
            wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body)
            )
            wfile.write(body)


def serve() -> None:
    _Canned.bodies = {
        "many": json.dumps([event(i) for i in range(10_000)]).encode(),
        "one_event": json.dumps([event(0)]).encode(),
        "one_target": json.dumps([TARGET]).encode(),
    }
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Canned)
    server.daemon_threads = True
    print(server.server_address[1], len(_Canned.bodies["many"]), flush=True)
    server.serve_forever()


# --------------------------------------------------------------------------- the two sides

Call = Callable[[], Any]


def sdk_calls(url: str, session: Any) -> Dict[str, Call]:
    import speakeasy
    from speakeasy.models import operations, shared

    s = speakeasy.Speakeasy(
        security=shared.Security(api_key=API_KEY),
        workspace_id=WORKSPACE,
        server_url=url,
        client=session,
    )
    events = s.events
    return {
        "search": lambda: events.search_workspace_events(
            operations.SearchWorkspaceEventsRequest(success=True)
        ).cli_event_batch,
        "search1": lambda: events.search_workspace_events(
            operations.SearchWorkspaceEventsRequest(limit=1)
        ).cli_event_batch,
        "by_target": lambda: events.get_workspace_events_by_target(
            operations.GetWorkspaceEventsByTargetRequest(target_id="lock-0001")
        ).cli_event_batch,
        "targets": lambda: events.get_workspace_targets(
            operations.GetWorkspaceTargetsRequest()
        ).target_sdk_list,
    }


def plain_calls(url: str, session: Any) -> Dict[str, Call]:
    base = f"{url}/v1/workspace/{WORKSPACE}/events"
    headers = {"x-api-key": API_KEY, "Accept": "application/json"}
    get = session.get

    def call(path: str, params: Dict[str, str]) -> Call:
        return lambda: get(base + path, params=params, headers=headers, timeout=30).json()

    return {
        "search": call("", {"success": "true"}),
        "search1": call("", {"limit": "1"}),
        "by_target": call("/targets/lock-0001/events", {}),
        "targets": call("/targets", {}),
    }


def interleaved(sdk: Call, plain: Call, repeats: int, calls: int) -> Tuple[List[float], ...]:
    """Alternate SDK and plain runs of ``calls`` calls each (order alternates too)."""
    sdk(), plain()  # warm-up: connection, lazy imports, compiled decoder
    times: Dict[str, List[float]] = {"sdk": [], "plain": []}
    for i in range(repeats):
        order = (("sdk", sdk), ("plain", plain)) if i % 2 == 0 else (("plain", plain), ("sdk", sdk))
        for name, fn in order:
            gc.collect()
            t0 = time.perf_counter()
            for _ in range(calls):
                fn()
            times[name].append(time.perf_counter() - t0)
    return times["sdk"], times["plain"]


_UPSTREAM_CODE = f"""
import sys, time
import speakeasy
from speakeasy.models import operations, shared
s = speakeasy.Speakeasy(
    security=shared.Security(api_key={API_KEY!r}),
    workspace_id={WORKSPACE!r},
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a rough look)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve()
    reps = 5 if args.quick else 15
    print(machine())
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
    )
    import requests

    try:
        assert server.stdout is not None
        port, size = server.stdout.readline().split()
        url = f"http://127.0.0.1:{port}"
        print(f"server: canned JSON answers in a separate process; the search answer is "
              f"{int(size) / 1e6:.1f} MB (10,000 events, 22 fields each)")
        results: Dict[str, Tuple[List[float], ...]] = {}
        with requests.Session() as s1, requests.Session() as s2:
            sdk, plain = sdk_calls(url, s1), plain_calls(url, s2)
            assert len(sdk["search"]()) == len(plain["search"]()) == 10_000
            results["search"] = interleaved(sdk["search"], plain["search"], reps, 1)
            for key in ("search1", "by_target", "targets"):
                results[key] = interleaved(sdk[key], plain[key], reps, 200)
        upstream = upstream_search(url, max(3, reps // 3))
    finally:
        server.terminate()
        server.wait()

    header = f"{'case':<34} {'SDK':>10} {'plain':>10} {'ratio':>7} {'target':>7}  result"
    print()
    print(header)
    print("-" * len(header))
    failed = False
    for key, (a, b) in results.items():
        sdk_t, plain_t = statistics.median(a), statistics.median(b)
        ratio = sdk_t / plain_t
        ok = ratio <= TARGETS[key]
        failed |= not ok
        print(
            f"{CASES[key]:<34} {sdk_t * 1e3:>7.1f} ms{plain_t * 1e3:>7.1f} ms"
            f"{ratio:>6.2f}x {TARGETS[key]:>6.2f}x  {'pass' if ok else 'FAIL'}"
        )
    print()
    search_plain = statistics.median(results["search"][1])
    if upstream:
        up = statistics.median(upstream)
        print(
            f"upstream 5.9.15, same 10,000-event search: {up * 1e3:.0f} ms "
            f"({up / search_plain:.0f}x plain; median of {len(upstream)})"
        )
    else:
        print("upstream 5.9.15: not timed (no .venv/upstream-5.9.15; run tests/upstream first)")
    spread = "; ".join(
        f"{k} SDK {quartiles(a)[0] * 1e3:.1f}-{quartiles(a)[1] * 1e3:.1f}, "
        f"plain {quartiles(b)[0] * 1e3:.1f}-{quartiles(b)[1] * 1e3:.1f} ms"
        for k, (a, b) in results.items()
    )
    print(f"medians of {reps} runs per side, interleaved; quartiles (p25-p75): {spread}")
    print(
        "SDK: the typed call (request model, query, send path, JSON decode, models); "
        "plain: session.get(url, params, headers).json(); one reused Session per side"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
