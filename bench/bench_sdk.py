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
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Tuple

import _common

TIMEOUT_S = 30.0  # the SDK's default per-attempt timeout, passed to the plain side too

CASES = {
    "a": _common.Case("(a) 1 call x 10,000 events", 0.6, fast_target=0.35),
    "b": _common.Case("(b) 200 calls x 1 event", 0.75),
    "c": _common.Case("(c) import", 1.08),
    "d": _common.Case("(d) peak memory, 100,000 events", 1.5, "MiB", 1 / 2**20),
    # Its "plain" side is today's ``import speakeasy`` (the "sdk" line of (c)).
    "c6": _common.Case("(c6) import 6.x/7.x path vs (c)", 1.05),
}

#: The fields of each event, by name: the SDK side passes them as keyword arguments.
Row = Dict[str, Any]


# --------------------------------------------------------------------------- sink server


class _Sink(_common.KeepAliveHandler):
    """The sink: every request, whatever it is, is answered 200 with an empty body."""

    def answer(self, target: bytes) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")


# --------------------------------------------------------------------------- the workload


def raw_rows(n: int) -> List[Row]:
    """Per-event raw values, the same for both sides: 9 required + 3 optional fields."""
    from speakeasy.models.shared import InteractionType

    base = datetime(2026, 11, 26, 9, 0, 0, 123456, tzinfo=timezone.utc)
    rows = []
    for i in range(n):
        started = base + timedelta(milliseconds=i)
        rows.append(
            {
                "created_at": started + timedelta(milliseconds=7),
                "execution_id": f"exec-{i // 100:06d}",
                "id": f"evt-{i:08d}-6f1c2a1e",
                "interaction_type": InteractionType.CLI_EXEC,  # a str enum: both sides take it
                "local_started_at": started,
                "speakeasy_api_key_name": "ci-key",
                "speakeasy_version": "1.453.2",
                "success": i % 7 != 0,
                "workspace_id": _common.WORKSPACE,
                # optional:
                "local_completed_at": started + timedelta(milliseconds=5),
                "duration_ms": 5 + i % 1000,
                "hostname": f"host-{i % 16}.example.com",
            }
        )
    return rows


def sdk_side(url: str, session: Any) -> Callable[[List[Row]], Any]:
    """Construct CliEvents from the raw values (as keyword arguments) and post them with the
    SDK."""
    from speakeasy.models import operations, shared

    CliEvent = shared.CliEvent
    Request = operations.PostWorkspaceEventsRequest
    post = _common.sdk_client(url, session).events.post_workspace_events

    def run(rows: List[Row]) -> Any:
        response = post(Request(request_body=[CliEvent(**r) for r in rows]))
        assert response.status_code == 200
        return response

    return run


def plain_side(url: str, session: Any) -> Callable[[List[Row]], Any]:
    """Build the same dicts, datetimes as RFC 3339 strings, and post ``json.dumps`` of them
    with the same session."""
    from speakeasy._config import USER_AGENT

    endpoint = f"{url}/v1/workspace/{_common.WORKSPACE}/events"
    headers = {
        "content-type": "application/json",
        "Accept": "application/json",
        "user-agent": USER_AGENT,
        "x-api-key": _common.API_KEY,
    }
    dumps = json.dumps

    def run(rows: List[Row]) -> Any:
        dicts = [
            {
                **r,
                "created_at": r["created_at"].isoformat().replace("+00:00", "Z"),
                "local_started_at": r["local_started_at"].isoformat().replace("+00:00", "Z"),
                "local_completed_at": r["local_completed_at"].isoformat().replace("+00:00", "Z"),
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


def case_a(url: str, repeats: int) -> _common.Modes:
    import requests

    rows = raw_rows(10_000)
    with requests.Session() as s1, requests.Session() as s2:
        sdk, plain = sdk_side(url, s1), plain_side(url, s2)
        return _common.interleaved_modes(lambda: sdk(rows), lambda: plain(rows), repeats)


def case_b(url: str, repeats: int) -> _common.Modes:
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

        return _common.interleaved_modes(sdk_200, plain_200, repeats)


_IMPORT = {
    # ``speakeasy.Speakeasy`` too: the package imports its parts on first use, and every
    # user's first line names the client (which needs requests, as the plain side does).
    "sdk": "import speakeasy; from speakeasy.models import operations, shared; speakeasy.Speakeasy",
    "plain": "import requests",
    "compat": (
        "import speakeasy_client_sdk_python as sdk; "
        "from speakeasy_client_sdk_python.models import operations, shared; sdk.Speakeasy"
    ),
}


def _import_once(side: str, env: Dict[str, str]) -> float:
    code = (
        f"import time\nt0 = time.perf_counter()\n{_IMPORT[side]}\nprint(time.perf_counter() - t0)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return float(out.stdout)


def case_c(repeats: int, cache_dir: str) -> Tuple[_common.Modes, Tuple[float, float]]:
    """Import in fresh interpreters, bytecode cached (as after pip install) and not; the SDK
    with the [fast] extra installed and with ``SPEAKEASY_PURE_PYTHON=1``."""
    cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = cache_dir  # both sides: .pyc compiled once, then read
    cached.pop(_common.PURE_ENV, None)
    envs = {"fast": cached, "pure": {**cached, _common.PURE_ENV: "1"}, "plain": cached}
    for _ in range(2):
        for side, env in envs.items():
            _import_once("plain" if side == "plain" else "sdk", env)
    times: Dict[str, List[float]] = {side: [] for side in envs}
    names = list(envs)
    for i in range(repeats):
        for side in names[i % 3 :] + names[: i % 3]:
            times[side].append(_import_once("plain" if side == "plain" else "sdk", envs[side]))
    # Informational: no bytecode cache for the SDK (the source compiled on every start).
    nocache = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    nocache.pop("PYTHONPYCACHEPREFIX", None)
    c = [_import_once("sdk", nocache) for _ in range(max(3, repeats // 3))]
    d = [_import_once("plain", nocache) for _ in range(max(3, repeats // 3))]
    modes = (times["fast"], times["pure"], times["plain"])
    return modes, (statistics.median(c), statistics.median(d))


def case_c6(repeats: int, cache_dir: str) -> _common.Samples:
    """(c6): 6.x/7.x's import path against (c)'s ``import speakeasy`` line, as (c) runs."""
    cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = cache_dir
    a: List[float] = []
    b: List[float] = []
    for i in range(repeats + 2):  # the first two pairs warm the cache and are dropped
        for side in ("compat", "sdk") if i % 2 == 0 else ("sdk", "compat"):
            took = _import_once(side, cached)
            if i >= 2:
                (a if side == "compat" else b).append(took)
    return a, b


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


def case_d(url: str, repeats: int, n: int = 100_000) -> _common.Samples:
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


def main() -> None:
    parser = _common.arguments(__doc__)
    parser.add_argument("--memory", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return _common.serve(_Sink)
    if args.memory:
        side, url, n = args.memory
        return memory_child(side, url, int(n))

    reps = {"a": 8, "b": 8, "c": 10, "d": 1} if args.quick else {"a": 30, "b": 40, "c": 40, "d": 3}
    print(_common.machine())
    with _common.server_process(__file__) as (pid, (port,)):
        url = f"http://127.0.0.1:{port}"
        print(
            f"server: minimal HTTP/1.1 keep-alive sink in a separate process (pid {pid}) "
            "at 127.0.0.1: reads Content-Length bytes, answers 200 with Content-Length: 0, "
            "so server cost does not hide SDK overhead"
        )
        print("requests:", check_equivalent(url))
        started = time.perf_counter()
        modes: Dict[str, _common.Modes] = {}
        results: Dict[str, _common.Samples] = {}
        modes["a"] = case_a(url, reps["a"])
        modes["b"] = case_b(url, reps["b"])
        with tempfile.TemporaryDirectory(prefix="bench-pyc-") as cache_dir:
            modes["c"], nocache = case_c(reps["c"], cache_dir)
            results["c6"] = case_c6(reps["c"], cache_dir)
        results["d"] = case_d(url, reps["d"])
        elapsed = time.perf_counter() - started

    passed = _common.report_modes(modes, CASES)
    passed &= _common.report(results, CASES)
    print()
    print(
        f"medians of: a {reps['a']}, b {reps['b']}, c and c6 {reps['c']} runs per side, "
        "interleaved (fast, pure, plain in rotating order); "
        f"d {reps['d']} fresh process(es) per side; bench took {elapsed:.0f} s"
    )
    print(_common.spread(results, CASES))
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
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
