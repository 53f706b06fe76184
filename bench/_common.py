"""What bench_sdk.py and bench_reads.py share: the loopback server, the clients, the timing.

Both benches compare the SDK with plain ``requests`` against a minimal server in a
separate process, so that server cost does not hide client cost; both alternate the
two sides run by run and report medians and quartiles.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import platform
import socket
import socketserver
import statistics
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Tuple

API_KEY = "bench-key-0123456789"
WORKSPACE = "ws-bench"

Samples = Tuple[List[float], List[float]]


class Case(NamedTuple):
    """A row of the report: its label, the most the SDK may take against plain, the unit."""

    label: str
    target: float
    unit: str = "ms"
    scale: float = 1e3  # from what was measured (seconds, bytes) to ``unit``
    fast_target: float = 0.0  # with the [fast] extra, when it differs from ``target``


# --------------------------------------------------------------------------- loopback server


class KeepAliveHandler(socketserver.StreamRequestHandler):
    """HTTP/1.1 keep-alive: reads each request's head and ``Content-Length`` body bytes, then
    calls ``answer`` with the request target; no parsing or validation beyond that."""

    rbufsize = 1 << 16

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        rfile = self.rfile
        while True:
            request_line = rfile.readline(65537)
            if not request_line:  # the client closed
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
            self.answer(request_line.split(b" ")[1])

    def answer(self, target: bytes) -> None:
        raise NotImplementedError


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # the async bench opens 64 connections at once


def serve(handler: type, *also: object) -> None:
    """Serve on a free port of 127.0.0.1; the first line printed is the port, then ``also``."""
    with _Server(("127.0.0.1", 0), handler) as server:
        print(server.server_address[1], *also, flush=True)
        server.serve_forever()


@contextlib.contextmanager
def server_process(script: str) -> Iterator[Tuple[int, List[str]]]:
    """Run ``script --serve`` in a separate process while the block runs; its pid, and the
    words of the first line it prints (the port first)."""
    server = subprocess.Popen(
        [sys.executable, script, "--serve"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        yield server.pid, server.stdout.readline().split()
    finally:
        server.terminate()
        server.wait()


def arguments(doc: str) -> argparse.ArgumentParser:
    """The options every bench takes: ``--quick``, and ``--serve`` (for its server process)."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a rough look)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    return parser


# --------------------------------------------------------------------------- the SDK side


def sdk_client(url: str, session: Any) -> Any:
    """The SDK's client of the bench server, on the side's own ``requests`` session."""
    import speakeasy
    from speakeasy.models import shared

    return speakeasy.Speakeasy(
        security=shared.Security(api_key=API_KEY),
        workspace_id=WORKSPACE,
        server_url=url,
        client=session,
    )


# --------------------------------------------------------------------------- measurements


def interleaved(
    sdk: Callable[[], Any], plain: Callable[[], Any], repeats: int, calls: int = 1
) -> Samples:
    """Alternate SDK and plain runs of ``calls`` calls each (which goes first alternates too)
    to cancel drift; the seconds of each run, per side."""
    sdk(), plain()  # warm-up: connection, lazy imports, compiled encoder or decoder
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


#: The SDK's two back ends, as a run selects them: the [fast] extra (msgspec), or pure Python.
PURE_ENV = "SPEAKEASY_PURE_PYTHON"
Modes = Tuple[List[float], List[float], List[float]]  # fast, pure, plain


def backend_is_fast() -> bool:
    """Whether the [fast] extra is installed (else the "fast" column runs pure Python too)."""
    try:
        import msgspec  # noqa: F401
    except ImportError:
        return False
    return True


def in_mode(fn: Callable[[], Any], pure: bool) -> Callable[[], Any]:
    """``fn`` run with the SDK's back end forced (the variable is read at each decode)."""

    def run() -> Any:
        if pure:
            os.environ[PURE_ENV] = "1"
        else:
            os.environ.pop(PURE_ENV, None)
        return fn()

    return run


def interleaved_modes(
    sdk: Callable[[], Any], plain: Callable[[], Any], repeats: int, calls: int = 1
) -> Modes:
    """As ``interleaved``, with the SDK run in both back ends: three sides, order rotating."""
    sides = {"fast": in_mode(sdk, False), "pure": in_mode(sdk, True), "plain": plain}
    for fn in sides.values():
        fn()  # warm-up
    times: Dict[str, List[float]] = {name: [] for name in sides}
    names = list(sides)
    for i in range(repeats):
        for name in names[i % 3 :] + names[: i % 3]:
            gc.collect()
            t0 = time.perf_counter()
            for _ in range(calls):
                sides[name]()
            times[name].append(time.perf_counter() - t0)
    os.environ.pop(PURE_ENV, None)
    return times["fast"], times["pure"], times["plain"]


def report_modes(results: Dict[str, Modes], cases: Dict[str, Case]) -> bool:
    """A row per case: the SDK with the [fast] extra and in pure Python beside plain."""
    fast_label = "fast" if backend_is_fast() else "fast(absent)"
    header = (
        f"{'case':<34} {fast_label:>11} {'pure':>11} {'plain':>11} "
        f"{'fast/pl':>8} {'pure/pl':>8} {'targets f/p':>12}  result"
    )
    print()
    print(header)
    print("-" * len(header))
    passed = True
    for key, (f, p, b) in results.items():
        case = cases[key]
        fast, pure, plain = (statistics.median(x) for x in (f, p, b))
        fast_target = case.fast_target or case.target
        ok = pure / plain <= case.target and fast / plain <= fast_target
        passed &= ok
        u, k = case.unit, case.scale
        print(
            f"{case.label:<34} {fast * k:>8.1f} {u:<3}{pure * k:>8.1f} {u:<3}"
            f"{plain * k:>8.1f} {u:<3}"
            f"{fast / plain:>7.2f}x {pure / plain:>7.2f}x {fast_target:>5.2f}/{case.target:.2f}x  "
            f"{'pass' if ok else 'FAIL'}"
        )
    spreads = []
    for key, sides in results.items():
        quartiles = [statistics.quantiles(x, n=4) if len(x) > 1 else [x[0]] * 3 for x in sides]
        k = cases[key].scale
        spreads.append(f"{key}: " + ", ".join(f"{q[0] * k:.1f}-{q[2] * k:.1f}" for q in quartiles))
    print("middle half of runs (fast, pure, plain): " + "; ".join(spreads))
    return passed


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


def report(results: Dict[str, Samples], cases: Dict[str, Case]) -> bool:
    """Print a row per case: both medians, their ratio, the target, pass or FAIL; whether
    every case passed."""
    header = f"{'case':<34} {'SDK':>11} {'plain':>11} {'ratio':>7} {'target':>7}  result"
    print()
    print(header)
    print("-" * len(header))
    passed = True
    for key, (a, b) in results.items():
        case = cases[key]
        sdk, plain = statistics.median(a), statistics.median(b)
        ratio = sdk / plain
        ok = ratio <= case.target
        passed &= ok
        u, k = case.unit, case.scale
        print(
            f"{case.label:<34} {sdk * k:>8.1f} {u:<3}{plain * k:>8.1f} {u:<3}"
            f"{ratio:>6.2f}x {case.target:>6.2f}x  {'pass' if ok else 'FAIL'}"
        )
    return passed


def spread(results: Dict[str, Samples], cases: Dict[str, Case]) -> str:
    """The middle half of each case's runs, per side."""
    rows = []
    for key, (a, b) in results.items():
        (a1, a3), (b1, b3), u, k = quartiles(a), quartiles(b), cases[key].unit, cases[key].scale
        rows.append(f"{key} SDK {a1 * k:.1f}-{a3 * k:.1f}, plain {b1 * k:.1f}-{b3 * k:.1f} {u}")
    return "quartiles (p25-p75): " + "; ".join(rows)


def run_threads(threads: List[threading.Thread]) -> float:
    """Start every thread, wait for all of them; the seconds that took."""
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start
