"""Benchmark of the EventBatcher: ``add`` latency and end-to-end throughput.

    .venv/bin/python bench/bench_batcher.py [--events 200000] [--repeat 1] [--profile]

Prints, for a batcher in memory and one with a spool:

- the median (and p90/p99) time of one ``add`` call with a ``CliEvent`` already
  built (the event is validated and encoded inside ``add``);
- events per second end to end: from the first ``add`` until ``flush()``
  returns, every event accepted (200) by a sink server.

The sink runs in a separate process (so that it does not share our GIL): a
minimal stdlib HTTP/1.1 server that reads each body and answers 200 with
keep-alive. It counts the bytes it received, which the bench checks.
``--repeat N`` measures the two end-to-end rates N times, alternating memory
and spool (on a shared machine the load drifts between runs), and reports each
run and the median ratio.
Targets: add <= 5 us in memory, <= 15 us with a spool;
>= 100,000 events/s in memory, >= 50,000/s with a spool; the spool end to
end >= 0.85x of memory (``spool / memory`` line). With ``spool_fsync=True``,
8 threads calling ``add`` are printed beside a raw loop of 8 threads doing
``os.write`` + ``fdatasync`` on the same disk, in the same run (>= 0.85x).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import os
import platform
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from typing import List, Optional, Tuple

from _common import run_threads

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# -- the sink (runs in its own process) --------------------------------------------------


def _sink_main() -> None:
    """Serve POSTs on a free loopback port: read the body, answer 200, keep the connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)
    totals = {"requests": 0, "bytes": 0}
    lock = threading.Lock()

    def serve(conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reader = conn.makefile("rb", buffering=256 * 1024)
        try:
            while True:
                length = 0
                line = reader.readline()
                if not line:
                    return
                if line.startswith(b"GET /stats"):
                    while reader.readline() not in (b"\r\n", b""):
                        pass
                    with lock:
                        body = b"%d %d" % (totals["requests"], totals["bytes"])
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
                    )
                    continue
                while True:
                    line = reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                remaining = length
                while remaining:
                    chunk = reader.read(min(remaining, 1 << 20))
                    if not chunk:
                        return
                    remaining -= len(chunk)
                with lock:
                    totals["requests"] += 1
                    totals["bytes"] += length
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        except OSError:
            pass
        finally:
            reader.close()
            conn.close()

    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def _sink_stats(port: int) -> List[int]:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET /stats HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data or not data.split(b"\r\n\r\n", 1)[1]:
            data += conn.recv(4096)
    return [int(x) for x in data.split(b"\r\n\r\n", 1)[1].split()]


# -- the measurements ---------------------------------------------------------------------


def _events(count: int) -> list:  # type: ignore[type-arg]
    """The tests' event with three optional fields; each has its own id, times and duration."""
    if ROOT not in sys.path:
        sys.path.append(ROOT)  # for ``tests.support.factories``
    from tests.support.factories import T0, cli_event

    template = cli_event(
        speakeasy_api_key_name="bench-key",
        speakeasy_version="1.300.0",
        workspace_id="ws-bench",
        hostname="bench-host",
        raw_command="speakeasy generate sdk --lang python",
    )
    out = []
    for i in range(count):
        at = T0 + timedelta(milliseconds=i)
        out.append(
            dataclasses.replace(
                template,
                created_at=at,
                execution_id=f"exec-{i // 100}",
                id=f"evt-{i}",
                local_started_at=at,
                duration_ms=i % 5000,
            )
        )
    return out


def _client(port: int):  # type: ignore[no-untyped-def]
    import speakeasy
    from speakeasy.models import shared

    return speakeasy.Speakeasy(
        security=shared.Security(api_key="bench-key"),
        workspace_id="ws-bench",
        server_url=f"http://127.0.0.1:{port}",
    )


def _add_latency(port: int, events: list, spool_dir: Optional[str]) -> Tuple[List[int], float]:  # type: ignore[type-arg]
    """Nanoseconds of each add() call, the worker sending as it would in real use; and the
    adding thread's CPU time per add() in us (``time.thread_time``: what the thread ran,
    not the time it waited for a core, so it moves much less with the machine's load)."""
    client = _client(port)
    timer = time.perf_counter_ns
    samples = []
    with client.events.batcher(spool_dir=spool_dir) as batcher:
        add = batcher.add
        cpu = time.thread_time()
        for event in events:
            start = timer()
            add(event)
            samples.append(timer() - start)
        cpu = time.thread_time() - cpu
    return samples, cpu / len(events) * 1e6


def _throughput(
    port: int,
    events: list,  # type: ignore[type-arg]
    total: int,
    spool_dir: Optional[str],
    profile: Optional[cProfile.Profile],
) -> float:
    """Events per second from the first add() until flush() returns (all delivered)."""
    client = _client(port)
    with client.events.batcher(spool_dir=spool_dir) as batcher:
        add = batcher.add
        rounds, rest = divmod(total, len(events))
        if profile is not None:
            profile.enable()
        start = time.perf_counter()
        for _ in range(rounds):
            for event in events:
                add(event)
        for event in events[:rest]:
            add(event)
        if not batcher.flush(120):
            raise SystemExit("flush() timed out")
        elapsed = time.perf_counter() - start
        if profile is not None:
            profile.disable()
        stats = batcher.stats
    if stats.sent != total or stats.pending or stats.failed:
        raise SystemExit(f"not everything was delivered: {stats}")
    return total / elapsed


def _fsync_throughput(port: int, events: list, total: int, spool_dir: str, mode: str) -> float:  # type: ignore[type-arg]
    """``spool_fsync=True``: events/s until flush() returns, adding by ``mode``.

    ``add_many``: chunks of 500 (one write and one fdatasync each);
    ``threads``: 8 threads calling add() (concurrent adds share fdatasyncs).
    """
    client = _client(port)
    items = (events * (total // len(events) + 1))[:total]
    with client.events.batcher(spool_dir=spool_dir, spool_fsync=True) as batcher:
        start = time.perf_counter()
        if mode == "add_many":
            for at in range(0, total, 500):
                batcher.add_many(items[at : at + 500])
        else:
            share = total // 8
            threads = [
                threading.Thread(
                    target=lambda part: [batcher.add(e) for e in part],
                    args=(items[n * share : (n + 1) * share],),
                )
                for n in range(8)
            ]
            run_threads(threads)
            total = share * 8
        if not batcher.flush(120):
            raise SystemExit("flush() timed out")
        elapsed = time.perf_counter() - start
        stats = batcher.stats
    if stats.sent != total or stats.pending or stats.failed:
        raise SystemExit(f"not everything was delivered: {stats}")
    return total / elapsed


def _raw_fsync_loop(events: list, total: int, directory: str, threads: int = 8) -> float:  # type: ignore[type-arg]
    """The floor of ``spool_fsync`` on this disk: ``threads`` threads each doing
    ``os.write`` of one event's JSON line then ``os.fdatasync``, on one file in the
    same directory as the SDK's spool. Events/s (the same event sizes)."""
    from speakeasy._encoding import encoder_for
    from speakeasy.models import shared

    encode = encoder_for(shared.CliEvent)
    lines = [(encode(e) + "\n").encode("latin-1") for e in events[:1000]]
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "raw-loop.jsonl")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    share = total // threads
    datasync = getattr(os, "fdatasync", os.fsync)

    def loop(n: int) -> None:
        for i in range(share):
            os.write(fd, lines[(n + i) % len(lines)])
            datasync(fd)

    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    try:
        elapsed = run_threads(workers)
    finally:
        os.close(fd)
        os.unlink(path)
    return share * threads / elapsed


def _timer_overhead() -> int:
    timer = time.perf_counter_ns
    samples = []
    for _ in range(10000):
        start = timer()
        samples.append(timer() - start)
    return int(statistics.median(samples))


def _pct(samples: List[int], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=200_000, help="events per throughput run")
    parser.add_argument("--latency-events", type=int, default=50_000, help="add() calls timed")
    parser.add_argument("--profile", action="store_true", help="cProfile the throughput runs")
    parser.add_argument(
        "--repeat", type=int, default=1, help="end-to-end runs of memory and spool, alternated"
    )
    parser.add_argument("--sink", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        _sink_main()
        return 0

    sink = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--sink"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert sink.stdout is not None
        port = int(sink.stdout.readline())
        import speakeasy

        cpus = os.cpu_count()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(
            f"speakeasy {speakeasy.__version__}, Python {platform.python_version()} "
            f"({platform.python_implementation()}), {platform.machine()}, nproc={cpus}, "
            f"load average {load:.2f}; sink: separate process on 127.0.0.1:{port}"
        )
        events = _events(10_000)
        overhead = _timer_overhead()
        results = []
        cpus = {}
        with tempfile.TemporaryDirectory(prefix="speakeasy-bench-") as tmp:
            for label, spool, add_target, rate_target in (
                ("memory", None, 5.0, 100_000),
                ("spool", os.path.join(tmp, "spool"), 15.0, 50_000),
            ):
                latency_events = (events * (args.latency_events // len(events) + 1))[
                    : args.latency_events
                ]
                samples, cpu = _add_latency(port, latency_events, spool)
                cpus[label] = cpu
                profile = cProfile.Profile() if args.profile else None
                before = _sink_stats(port)
                rate = _throughput(port, events, args.events, spool, profile)
                after = _sink_stats(port)
                median = statistics.median(samples) / 1000
                results.append((label, median, add_target, rate, rate_target))
                print(
                    f"\n[{label}] add(): median {median:.2f} us, p90 {_pct(samples, 0.9):.2f} us, "
                    f"p99 {_pct(samples, 0.99):.2f} us over {len(samples)} calls "
                    f"(timer overhead {overhead} ns included); target <= {add_target:g} us"
                )
                print(f"[{label}] add(): {cpu:.2f} us of the adding thread's CPU time per call")
                print(
                    f"[{label}] end to end: {rate:,.0f} events/s for {args.events:,} events in "
                    f"{after[0] - before[0]} requests ({(after[1] - before[1]) / 1e6:.1f} MB); "
                    f"target >= {rate_target:,}/s"
                )
                if profile is not None:
                    print(f"[{label}] profile (top 15 by own time):")
                    pstats.Stats(profile).sort_stats("tottime").print_stats(15)
            for mode, count in (("add_many", args.events), ("threads", args.events // 10)):
                rate = _fsync_throughput(port, events, count, os.path.join(tmp, "fsync"), mode)
                results.append((f"fsync {mode}", float("nan"), 0.0, rate, 50_000))
                print(
                    f"\n[fsync, {mode}] end to end with spool_fsync=True: {rate:,.0f} events/s "
                    f"for {count:,} events; target >= 50,000/s"
                )
                if mode == "threads":
                    raw = _raw_fsync_loop(events, count, os.path.join(tmp, "raw"))
                    print(
                        f"[fsync, raw loop] 8 threads of os.write + fdatasync, same disk: "
                        f"{raw:,.0f} events/s; the SDK's 8 threads: {rate / raw:.2f}x of it "
                        f"(target >= 0.85x)"
                    )
        rates = {label: rate for label, _, _, rate, _ in results}
        spool_ratios = [rates["spool"] / rates["memory"]]
        with tempfile.TemporaryDirectory(prefix="speakeasy-bench-") as tmp:
            for run in range(2, args.repeat + 1):
                # Alternate which goes first (ABBA): a load that drifts through the run
                # then favours neither side.
                if run % 2:
                    memory = _throughput(port, events, args.events, None, None)
                    spool = _throughput(port, events, args.events, os.path.join(tmp, "spool"), None)
                else:
                    spool = _throughput(port, events, args.events, os.path.join(tmp, "spool"), None)
                    memory = _throughput(port, events, args.events, None, None)
                spool_ratios.append(spool / memory)
                print(
                    f"[run {run}] end to end: memory {memory:,.0f} events/s, "
                    f"spool {spool:,.0f} events/s ({spool / memory:.2f}x)"
                )
        if len(spool_ratios) > 1:
            print(
                f"spool / memory over {len(spool_ratios)} runs: "
                + ", ".join(f"{r:.2f}x" for r in spool_ratios)
            )
        print(
            f"\nCPU time per add(), memory / spool: {cpus['memory']:.2f} / {cpus['spool']:.2f} us "
            f"({cpus['memory'] / cpus['spool']:.2f}x)"
        )
        print(
            f"ratios to memory, end to end: spool {statistics.median(spool_ratios):.2f}x"
            f"{' (median)' if len(spool_ratios) > 1 else ''}, "
            f"spool_fsync add_many {rates['fsync add_many'] / rates['memory']:.2f}x, "
            f"spool_fsync 8 threads {rates['fsync threads'] / rates['memory']:.2f}x"
        )
        print("\nsummary:")
        for label, median, add_target, rate, rate_target in results:
            verdict_add = "ok" if median <= add_target else "MISSED"
            if median != median:  # the spool_fsync runs time no single add
                print(
                    f"  {label:20} {rate:9,.0f} events/s (>= {rate_target:,}: "
                    f"{'ok' if rate >= rate_target else 'MISSED'})"
                )
                continue
            verdict_rate = "ok" if rate >= rate_target else "MISSED"
            print(
                f"  {label:6} add median {median:6.2f} us (<= {add_target:g}: {verdict_add}); "
                f"{rate:9,.0f} events/s (>= {rate_target:,}: {verdict_rate})"
            )
    finally:
        sink.terminate()
        sink.wait()
        if sink.stdout is not None:
            sink.stdout.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
