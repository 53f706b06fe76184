"""The SDK against plain ``requests`` + ``json.dumps``, side by side, in one run.

    .venv/bin/python bench/bench_sdk.py            # payload, per call, import, memory
    .venv/bin/python bench/bench_sdk.py --quick    # fewer repeats, for a quick look

Both sides post to the same loopback sink, run in a separate process: it
reads ``Content-Length`` bytes and answers ``200`` with ``Content-Length: 0``,
so that server cost does not hide client overhead. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import socket
import socketserver
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Tuple

API_KEY = "bench-key-0123456789"
WORKSPACE = "ws-bench"
TIMEOUT_S = 30.0  # the SDK's default per-attempt timeout, passed to the plain side too

TARGETS = {"a": 1.3, "b": 1.15, "c": 1.25, "d": 1.5}
CASES = {
    "a": "(a) 1 call x 10,000 events",
    "b": "(b) 200 calls x 1 event",
    "c": "(c) import",
    "d": "(d) peak memory, 100,000 events",
}

Row = Tuple[Any, ...]


# --------------------------------------------------------------------------- sink server


class _Sink(socketserver.StreamRequestHandler):
    """HTTP/1.1 keep-alive sink: read the head and Content-Length bytes, answer 200."""

    rbufsize = 1 << 16

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        rfile, wfile = self.rfile, self.wfile
        while True:
            if not rfile.readline(65537):  # request line; empty: the client closed
                return
            length = 0
            while True:
                line = rfile.readline(65537)
                if line in (b"\r\n", b"\n", b""):
                    break
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            while length:
                chunk = rfile.read(min(length, 1 << 20))
                if not chunk:
                    return
                length -= len(chunk)
            wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve() -> None:
    with _Server(("127.0.0.1", 0), _Sink) as server:
        print(server.server_address[1], flush=True)
        server.serve_forever()


# --------------------------------------------------------------------------- the workload


def raw_rows(n: int) -> List[Row]:
    """Per-event raw values, the same for both sides: 9 required + 3 optional fields."""
    from speakeasy.models.shared import InteractionType

    base = datetime(2026, 11, 26, 9, 0, 0, 123456, tzinfo=timezone.utc)
    rows = []
    for i in range(n):
        started = base + timedelta(milliseconds=i)
        rows.append(
            (
                started + timedelta(milliseconds=7),  # created_at
                f"exec-{i // 100:06d}",  # execution_id
                f"evt-{i:08d}-6f1c2a1e",  # id
                InteractionType.CLI_EXEC,  # interaction_type (a str enum: both sides take it)
                started,  # local_started_at
                "ci-key",  # speakeasy_api_key_name
                "1.453.2",  # speakeasy_version
                i % 7 != 0,  # success
                WORKSPACE,  # workspace_id
                started + timedelta(milliseconds=5),  # local_completed_at (optional)
                5 + i % 1000,  # duration_ms (optional)
                f"host-{i % 16}.example.com",  # hostname (optional)
            )
        )
    return rows


def sdk_side(url: str, session: Any) -> Callable[[List[Row]], Any]:
    """Construct CliEvents from the raw values and post them with the SDK."""
    import speakeasy
    from speakeasy.models import operations, shared

    s = speakeasy.Speakeasy(
        security=shared.Security(api_key=API_KEY),
        workspace_id=WORKSPACE,
        server_url=url,
        client=session,
    )
    CliEvent = shared.CliEvent
    Request = operations.PostWorkspaceEventsRequest
    post = s.events.post_workspace_events

    def run(rows: List[Row]) -> Any:
        events = [
            CliEvent(
                created_at=r[0],
                execution_id=r[1],
                id=r[2],
                interaction_type=r[3],
                local_started_at=r[4],
                speakeasy_api_key_name=r[5],
                speakeasy_version=r[6],
                success=r[7],
                workspace_id=r[8],
                local_completed_at=r[9],
                duration_ms=r[10],
                hostname=r[11],
            )
            for r in rows
        ]
        response = post(Request(request_body=events))
        assert response.status_code == 200
        return response

    return run


def plain_side(url: str, session: Any) -> Callable[[List[Row]], Any]:
    """Build the same dicts and post ``json.dumps`` of them with the same session."""
    from speakeasy._config import USER_AGENT

    endpoint = f"{url}/v1/workspace/{WORKSPACE}/events"
    headers = {
        "content-type": "application/json",
        "Accept": "application/json",
        "user-agent": USER_AGENT,
        "x-api-key": API_KEY,
    }
    dumps = json.dumps

    def run(rows: List[Row]) -> Any:
        dicts = [
            {
                "created_at": r[0].isoformat().replace("+00:00", "Z"),
                "execution_id": r[1],
                "id": r[2],
                "interaction_type": r[3],
                "local_started_at": r[4].isoformat().replace("+00:00", "Z"),
                "speakeasy_api_key_name": r[5],
                "speakeasy_version": r[6],
                "success": r[7],
                "workspace_id": r[8],
                "local_completed_at": r[9].isoformat().replace("+00:00", "Z"),
                "duration_ms": r[10],
                "hostname": r[11],
            }
            for r in rows
        ]
        response = session.post(endpoint, data=dumps(dicts), headers=headers, timeout=TIMEOUT_S)
        assert response.status_code == 200
        return response

    return run


def check_equivalent(url: str) -> str:
    """Both sides send the same events and the same headers (checked, not assumed)."""
    import requests

    sent: List[Any] = []
    with requests.Session() as session:
        session.hooks["response"].append(lambda r, *a, **k: sent.append(r.request))
        rows = raw_rows(3)
        sdk_side(url, session)(rows)
        plain_side(url, session)(rows)
    sdk, plain = sent
    if json.loads(sdk.body) != json.loads(plain.body):
        raise SystemExit("bench error: the SDK and the plain side send different events")
    keys = ("content-type", "accept", "user-agent", "x-api-key", "content-length")
    sdk_h = {k.lower() for k in sdk.headers} - {"content-length"}
    plain_h = {k.lower() for k in plain.headers} - {"content-length"}
    if sdk.url != plain.url or sdk_h != plain_h or not set(keys[:4]) <= sdk_h:
        raise SystemExit(f"bench error: requests differ: {sdk_h ^ plain_h} {sdk.url} {plain.url}")
    return (
        f"same URL, same events (3-event check), same headers: {', '.join(sorted(sdk_h))}; "
        f"body bytes for 3 events: SDK {len(sdk.body)}, plain {len(plain.body)}"
    )


# --------------------------------------------------------------------------- measurements


def interleaved(
    sdk: Callable[[], Any], plain: Callable[[], Any], repeats: int
) -> Tuple[List[float], List[float]]:
    """Alternate SDK and plain runs (which goes first alternates too) to cancel drift."""
    sdk(), plain()  # warm-up: connection, lazy imports, compiled encoder
    times: Dict[str, List[float]] = {"sdk": [], "plain": []}
    for i in range(repeats):
        order = (("sdk", sdk), ("plain", plain)) if i % 2 == 0 else (("plain", plain), ("sdk", sdk))
        for name, fn in order:
            gc.collect()
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times["sdk"], times["plain"]


Samples = Tuple[List[float], List[float]]


def case_a(url: str, repeats: int) -> Samples:
    import requests

    rows = raw_rows(10_000)
    with requests.Session() as s1, requests.Session() as s2:
        sdk, plain = sdk_side(url, s1), plain_side(url, s2)
        return interleaved(lambda: sdk(rows), lambda: plain(rows), repeats)


def case_b(url: str, repeats: int) -> Samples:
    import requests

    singles = [[row] for row in raw_rows(200)]
    with requests.Session() as s1, requests.Session() as s2:
        sdk, plain = sdk_side(url, s1), plain_side(url, s2)

        def sdk_200() -> None:
            for one in singles:
                sdk(one)

        def plain_200() -> None:
            for one in singles:
                plain(one)

        return interleaved(sdk_200, plain_200, repeats)


_IMPORT = {
    "sdk": "import speakeasy; from speakeasy.models import operations, shared",
    "plain": "import requests",
}


def _import_once(side: str, env: Dict[str, str]) -> float:
    code = (
        f"import time\nt0 = time.perf_counter()\n{_IMPORT[side]}\nprint(time.perf_counter() - t0)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return float(out.stdout)


def case_c(repeats: int, cache_dir: str) -> Tuple[List[float], List[float], Tuple[float, float]]:
    """Import in fresh interpreters, bytecode cached (as after pip install) and not."""
    cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = cache_dir  # both sides: .pyc compiled once, then read
    for _ in range(2):
        _import_once("sdk", cached), _import_once("plain", cached)
    a: List[float] = []
    b: List[float] = []
    for i in range(repeats):
        first, second = ("sdk", "plain") if i % 2 == 0 else ("plain", "sdk")
        for side in (first, second):
            (a if side == "sdk" else b).append(_import_once(side, cached))
    # Informational: no bytecode cache for the SDK (the source compiled on every start).
    nocache = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    nocache.pop("PYTHONPYCACHEPREFIX", None)
    c = [_import_once("sdk", nocache) for _ in range(max(3, repeats // 3))]
    d = [_import_once("plain", nocache) for _ in range(max(3, repeats // 3))]
    return a, b, (statistics.median(c), statistics.median(d))


def _rss_bytes() -> int:
    """The resident set size of this process now (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory_child(side: str, url: str, n: int) -> None:
    """Peak RSS growth while building ``n`` events and posting them in one call."""
    import resource

    import requests

    rows = raw_rows(n)
    with requests.Session() as session:
        run = (sdk_side if side == "sdk" else plain_side)(url, session)
        run(rows[:1])  # warm-up: connection, lazy imports, compiled encoder
        gc.collect()
        before = _rss_bytes()
        if resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 > before + (1 << 20):
            raise SystemExit("bench error: the peak before the run hides the run's peak")
        run(rows)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    print(peak - before)


def case_d(url: str, repeats: int, n: int = 100_000) -> Samples:
    a: List[float] = []
    b: List[float] = []
    for i in range(repeats):
        for side in ("sdk", "plain") if i % 2 == 0 else ("plain", "sdk"):
            out = subprocess.run(
                [sys.executable, __file__, "--memory", side, url, str(n)],
                check=True,
                capture_output=True,
                text=True,
            )
            (a if side == "sdk" else b).append(float(out.stdout))
    return a, b


# --------------------------------------------------------------------------- report


def machine() -> str:
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import requests

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {model}; "
        f"load avg 1 min {load:.2f}\n"
        f"python {platform.python_version()} ({platform.python_implementation()}), "
        f"requests {requests.__version__}, {platform.platform()}"
    )


def quartiles(values: List[float]) -> Tuple[float, float]:
    if len(values) < 2:
        return values[0], values[0]
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a rough look)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--memory", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve()
    if args.memory:
        side, url, n = args.memory
        return memory_child(side, url, int(n))

    reps = {"a": 8, "b": 8, "c": 10, "d": 1} if args.quick else {"a": 30, "b": 40, "c": 40, "d": 3}
    print(machine())
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{int(server.stdout.readline())}"
        print(
            f"server: minimal HTTP/1.1 keep-alive sink in a separate process (pid {server.pid}) "
            "at 127.0.0.1: reads Content-Length bytes, answers 200 with Content-Length: 0, "
            "so server cost does not hide SDK overhead"
        )
        print("requests:", check_equivalent(url))
        started = time.perf_counter()
        results: Dict[str, Samples] = {}
        results["a"] = case_a(url, reps["a"])
        results["b"] = case_b(url, reps["b"])
        with tempfile.TemporaryDirectory(prefix="bench-pyc-") as cache_dir:
            sdk_import, plain_import, nocache = case_c(reps["c"], cache_dir)
        results["c"] = (sdk_import, plain_import)
        results["d"] = case_d(url, reps["d"])
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()

    units = {"a": "ms", "b": "ms", "c": "ms", "d": "MiB"}
    scale = {"a": 1e3, "b": 1e3, "c": 1e3, "d": 1 / 2**20}
    print()
    header = f"{'case':<34} {'SDK':>11} {'plain':>11} {'ratio':>7} {'target':>7}  result"
    print(header)
    print("-" * len(header))
    failed = False
    spread = []
    for key in "abcd":
        a, b = results[key]
        sdk, plain = statistics.median(a), statistics.median(b)
        ratio = sdk / plain
        ok = ratio <= TARGETS[key]
        failed |= not ok
        u, k = units[key], scale[key]
        print(
            f"{CASES[key]:<34} {sdk * k:>8.1f} {u:<3}{plain * k:>8.1f} {u:<3}"
            f"{ratio:>6.2f}x {TARGETS[key]:>6.2f}x  {'pass' if ok else 'FAIL'}"
        )
        (a1, a3), (b1, b3) = quartiles(a), quartiles(b)
        spread.append(f"{key} SDK {a1 * k:.1f}-{a3 * k:.1f}, plain {b1 * k:.1f}-{b3 * k:.1f} {u}")
    print()
    print(
        f"medians of: a {reps['a']}, b {reps['b']}, c {reps['c']} runs per side, interleaved; "
        f"d {reps['d']} fresh process(es) per side; bench took {elapsed:.0f} s"
    )
    print("quartiles (p25-p75): " + "; ".join(spread))
    print(
        "(a)/(b): wall time of constructing the events/dicts + encoding + the POST(s), "
        "one reused requests.Session per side; SDK with the default retry_config"
    )
    print(
        "(c): perf_counter around the imports in a fresh interpreter, bytecode cached "
        "for both (PYTHONPYCACHEPREFIX), as after pip install; with PYTHONDONTWRITEBYTECODE=1 "
        f"and no cache the SDK compiles its source on every start: {nocache[0] * 1e3:.1f} ms "
        f"vs requests {nocache[1] * 1e3:.1f} ms (requests' site-packages .pyc still read)"
    )
    print(
        "(d): peak RSS (ru_maxrss) minus RSS just before the call, in a fresh process per "
        "side; covers building the objects/dicts, encoding, sending (raw values built before)"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
