"""What ``events.track()`` adds to a block: enter and leave, after the first call.

    .venv/bin/python bench/bench_track.py           # ~10 s; exit status 1 if over 1 ms
    .venv/bin/python bench/bench_track.py --quick

An empty ``with s.events.track("CLI_EXEC"):`` block against an empty ``with
contextlib.nullcontext():`` block, in a git checkout (so the git facts are read), the
events going to the client's tracking batcher and on to a keep-alive sink server in a
separate process (its worker thread sends while the blocks run, as in real use). The
first call (facts gathered, batcher started) is timed apart. Target: median <= 1 ms.
"""

from __future__ import annotations

import contextlib
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, List

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import KeepAliveHandler, arguments, machine, sdk_client, serve, server_process

TARGET_MS = 1.0


class _Ok(KeepAliveHandler):
    def answer(self, target: bytes) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")


def _per_block(block: Callable[[], None], blocks: int) -> float:
    gc.collect()
    start = time.perf_counter()
    for _ in range(blocks):
        block()
    return (time.perf_counter() - start) / blocks


def main() -> int:
    args = arguments(__doc__ or "").parse_args()
    if args.serve:
        serve(_Ok)
        return 0
    repeats, blocks = (5, 200) if args.quick else (15, 500)
    with server_process(__file__) as (_, words):
        import requests

        s = sdk_client(f"http://127.0.0.1:{words[0]}", requests.Session())
        events = s.events

        def tracked() -> None:
            with events.track("CLI_EXEC"):
                pass

        def plain() -> None:
            with contextlib.nullcontext():
                pass

        first_start = time.perf_counter()
        tracked()
        first = time.perf_counter() - first_start
        plain()
        sdk: List[float] = []
        base: List[float] = []
        for i in range(repeats):
            for name, fn in (
                (("t", tracked), ("p", plain)) if i % 2 else (("p", plain), ("t", tracked))
            ):
                (sdk if name == "t" else base).append(_per_block(fn, blocks))
        s.close()  # delivers the tracked events (at most 5 s)
    added = [t - p for t, p in zip(sdk, base)]
    median_ms = statistics.median(added) * 1e3
    print(machine())
    print(f"first call (facts gathered, batcher started): {first * 1e3:.2f} ms")
    print(
        f"track() enter+exit, after the first call: median {median_ms * 1e3:.0f} us per block "
        f"(min {min(added) * 1e6:.0f}, max {max(added) * 1e6:.0f}; {repeats} runs of {blocks})"
    )
    ok = median_ms <= TARGET_MS
    print(f"target <= {TARGET_MS:g} ms: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
