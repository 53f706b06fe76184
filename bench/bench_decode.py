"""Decoding a 10,000-event search answer: ``json.loads``, then typed models.

    .venv/bin/python bench/bench_decode.py                      # ours; 5.9.15 if its venv exists
    .venv/bin/python bench/bench_decode.py --upstream-events 1000   # fewer for 5.9.15 (slow)
    .venv/bin/python bench/bench_decode.py --quick
    .venv/bin/python bench/bench_decode.py --cpu    # CPU time: steadier on a loaded machine

Prints the time of ``json.loads`` on the answer's bytes, of this SDK's
compiled decoder (``decode_list``) on the parsed answer, their ratio, and
what ``json.loads`` + decoding costs against ``json.loads`` alone. If the
upstream virtualenv that ``tests/migrating/upstream`` makes (``.venv/upstream-5.9.15``)
exists, it also times 5.9.15's own decoding of the same bytes
(``utils.unmarshal_json(text, Optional[List[CliEvent]])``, what its search
operation runs) in that interpreter. Medians of alternating runs, GC on.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM_PYTHON = ROOT / ".venv" / "upstream-5.9.15" / "bin" / "python"

UPSTREAM_CODE = """
import json, sys, time
from typing import List, Optional
from speakeasy import utils
from speakeasy.models import shared
text = open(sys.argv[1], encoding="ascii").read()
t0 = time.perf_counter()
out = utils.unmarshal_json(text, Optional[List[shared.CliEvent]])
print(json.dumps({"seconds": time.perf_counter() - t0, "count": len(out)}))
"""


def answer(count: int, seed: int = 9) -> bytes:
    """A search answer as the API writes it: compact JSON, RFC 3339 UTC with milliseconds.

    Each event has the nine required fields and a realistic dozen optional ones
    (strings of ids, versions, links, counts, a bump type, a completion time).
    """
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    kinds = ["CLI_EXEC", "TARGET_GENERATE", "LINT", "OPENAPI_DIFF", "PUBLISH", "RUN"]

    def when(offset_s: float) -> str:
        moment = start + timedelta(seconds=offset_s)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    events: List[Dict[str, Any]] = []
    for i in range(count):
        t = i * 37.5 + rng.random()
        events.append(
            {
                "created_at": when(t + 1.2),
                "execution_id": f"{rng.getrandbits(128):032x}",
                "id": f"{rng.getrandbits(128):032x}",
                "interaction_type": rng.choice(kinds),
                "local_started_at": when(t),
                "speakeasy_api_key_name": "ci-key",
                "speakeasy_version": f"1.{rng.randint(300, 470)}.{rng.randint(0, 9)}",
                "success": rng.random() < 0.9,
                "workspace_id": "ws-bench",
                "commit_head": f"{rng.getrandbits(160):040x}",
                "duration_ms": rng.randint(50, 90_000),
                "generate_gen_lock_id": f"lock-{rng.randint(1, 40)}",
                "generate_target": rng.choice(["python", "typescript", "go", "terraform"]),
                "generate_bump_type": rng.choice(["patch", "minor", "none"]),
                "gh_action_run_link": f"https://github.com/org/repo/actions/runs/{i}",
                "git_user_email": "dev@example.com",
                "hostname": f"runner-{rng.randint(1, 20)}",
                "lint_report_error_count": rng.randint(0, 5),
                "local_completed_at": when(t + 1.1),
                "management_doc_version": f"0.{rng.randint(1, 9)}.0",
                "raw_command": "speakeasy run --target all",
                "source_revision_digest": f"sha256:{rng.getrandbits(256):064x}",
            }
        )
    return json.dumps(events, separators=(",", ":")).encode("ascii")


def median_seconds(runs: List[float]) -> float:
    return statistics.median(runs)


def time_alternating(
    cases: Dict[str, Callable[[], Any]],
    repeats: int,
    clock: Callable[[], float] = time.perf_counter,
) -> Dict[str, float]:
    """Median seconds of each case, the cases taking turns, GC on (as in real use)."""
    samples: Dict[str, List[float]] = {name: [] for name in cases}
    for run in cases.values():
        run()  # warm-up: compiles the decoder, fills caches
    for _ in range(repeats):
        for name, run in cases.items():
            gc.collect()
            start = clock()
            run()
            samples[name].append(clock() - start)
    return {name: median_seconds(values) for name, values in samples.items()}


def upstream_seconds(body: bytes) -> float:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        handle.write(body)
        path = handle.name
    try:
        result = subprocess.run(
            [str(UPSTREAM_PYTHON), "-I", "-c", UPSTREAM_CODE, path],
            capture_output=True,
            text=True,
            check=True,
            cwd=tempfile.gettempdir(),
            env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
        )
    finally:
        os.unlink(path)
    return float(json.loads(result.stdout)["seconds"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--upstream-events", type=int, default=None, help="default: --events")
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument(
        "--cpu", action="store_true", help="CPU time of this process (a loaded machine)"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    from speakeasy._decoding import decode_list
    from speakeasy._fastcodec import backend, decode_json_list
    from speakeasy.models.shared import CliEvent

    body = answer(args.events)
    parsed = json.loads(body)
    repeats = 5 if args.quick else 15
    times = time_alternating(
        {
            "json.loads": lambda: json.loads(body),
            "decode": lambda: decode_list(parsed, CliEvent),
            "json.loads + decode": lambda: decode_list(json.loads(body), CliEvent),
            "fast": lambda: decode_json_list(body, CliEvent),
        },
        repeats,
        time.process_time if args.cpu else time.perf_counter,
    )
    loads, decode, both = times["json.loads"], times["decode"], times["json.loads + decode"]
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpus")
    clock = "CPU time" if args.cpu else "wall time"
    print(
        f"answer: {args.events:,} events, {len(body) / 1e6:.1f} MB; "
        f"medians of {repeats} runs ({clock})"
    )
    print(f"  json.loads                 {loads * 1e3:8.1f} ms")
    print(f"  decode (typed models)      {decode * 1e3:8.1f} ms   {decode / loads:.2f}x json.loads")
    print(f"  json.loads + decode        {both * 1e3:8.1f} ms   {both / loads:.2f}x json.loads")
    if backend() == "msgspec":
        fast = times["fast"]
        print(f"  [fast] msgspec + convert   {fast * 1e3:8.1f} ms   {fast / loads:.2f}x json.loads")
    else:
        print("  [fast]: msgspec not installed (or SPEAKEASY_PURE_PYTHON set)")
    if UPSTREAM_PYTHON.exists():
        n = args.upstream_events or args.events
        seconds = upstream_seconds(answer(n))
        per_event = seconds / n
        print(
            f"  5.9.15 unmarshal_json      {seconds * 1e3:8.1f} ms for {n:,} events"
            f" ({per_event * 1e6:.0f} us/event; {per_event * args.events / both:.0f}x"
            f" ours, json.loads included)"
        )
    else:
        print("  5.9.15: no .venv/upstream-5.9.15 (run tests/migrating/upstream once to make it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
