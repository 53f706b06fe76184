"""Async throughput: one-event posts through ``post_workspace_events_async`` on one loop,
64 in flight, against plain ``requests`` + ``json`` from 16 threads (a session each).

Both sides post the same 640 one-event bodies to the same keep-alive sink, which runs in
its own process. Runs alternate (SDK, plain, plain, SDK, ...); the report prints each
side's median throughput and the ratio async SDK / threaded plain (target >= 3.0x).
Raw aiohttp (no SDK) is measured too, as the ceiling of the async side.

    .venv/bin/python bench/bench_async.py          # 7 runs a side
    .venv/bin/python bench/bench_async.py --quick  # 3 runs a side
"""

from __future__ import annotations

import asyncio
import json
import statistics
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List

from _common import (
    API_KEY,
    WORKSPACE,
    KeepAliveHandler,
    arguments,
    machine,
    run_threads,
    serve,
    server_process,
)

POSTS = 640
IN_FLIGHT = 64
THREADS = 16
TARGET = 3.0


class Sink(KeepAliveHandler):
    def answer(self, target: bytes) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")


def _event() -> Any:
    from speakeasy.models import shared

    now = datetime(2026, 12, 6, tzinfo=timezone.utc)
    fields = {"execution_id": "exec-1", "id": "evt-1", "speakeasy_api_key_name": "bench"}
    return shared.CliEvent(
        **fields,
        created_at=now,
        local_started_at=now,
        interaction_type=shared.InteractionType.CLI_EXEC,
        speakeasy_version="1.0.0",
        success=True,
        workspace_id=WORKSPACE,
    )


def plain_threads(url: str) -> float:
    """Seconds for POSTS posts from THREADS threads, a requests.Session each."""
    import requests

    body = [json.loads(_event().to_json())]
    post_url = f"{url}/v1/workspace/{WORKSPACE}/events"
    share = POSTS // THREADS
    sessions = [requests.Session() for _ in range(THREADS)]
    for s in sessions:  # connect before timing, as the SDK side's warm-up does
        s.post(post_url, data=json.dumps(body), headers={"x-api-key": API_KEY})

    def work(session: Any) -> None:
        for _ in range(share):
            r = session.post(
                post_url,
                data=json.dumps(body, separators=(",", ":")),
                headers={"content-type": "application/json", "x-api-key": API_KEY},
            )
            assert r.status_code == 200

    threads = [threading.Thread(target=work, args=(s,)) for s in sessions]
    elapsed = run_threads(threads)
    for s in sessions:
        s.close()
    return elapsed


async def _in_flight(post: Callable[[], Any]) -> float:
    """Seconds for POSTS calls of ``post``, at most IN_FLIGHT awaiting at once."""
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one() -> None:
        async with gate:
            await post()

    t0 = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(POSTS)))
    return time.perf_counter() - t0


def sdk_async(url: str) -> float:
    import aiohttp

    import speakeasy
    from speakeasy.models import operations, shared

    async def main() -> float:
        connector = aiohttp.TCPConnector(limit=IN_FLIGHT)
        async with (
            aiohttp.ClientSession(connector=connector) as session,
            speakeasy.Speakeasy(
                security=shared.Security(api_key=API_KEY),
                workspace_id=WORKSPACE,
                server_url=url,
                async_client=session,
            ) as s,
        ):
            request = operations.PostWorkspaceEventsRequest(request_body=[_event()])

            async def post() -> None:
                res = await s.events.post_workspace_events_async(request)
                assert res.status_code == 200

            await _in_flight(post)  # warm-up: connections, compiled encoder
            return await _in_flight(post)

    return asyncio.run(main())


def raw_aiohttp(url: str) -> float:
    import aiohttp

    body = json.dumps([json.loads(_event().to_json())], separators=(",", ":")).encode()
    post_url = f"{url}/v1/workspace/{WORKSPACE}/events"

    async def main() -> float:
        connector = aiohttp.TCPConnector(limit=IN_FLIGHT)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def post() -> None:
                async with session.post(
                    post_url,
                    data=body,
                    headers={"content-type": "application/json", "x-api-key": API_KEY},
                ) as r:
                    await r.read()
                    assert r.status == 200

            await _in_flight(post)
            return await _in_flight(post)

    return asyncio.run(main())


def main() -> None:
    args = arguments(__doc__ or "").parse_args()
    if args.serve:
        serve(Sink)
        return
    runs = 3 if args.quick else 7
    print(machine())
    print(
        f"{POSTS} one-event posts; async: {IN_FLIGHT} in flight on one loop; "
        f"plain: {THREADS} threads, a requests.Session each; {runs} runs a side"
    )
    with server_process(__file__) as (_, words):
        url = f"http://127.0.0.1:{words[0]}"
        sides: Dict[str, Callable[[str], float]] = {
            "SDK async": sdk_async,
            "plain requests, threads": plain_threads,
            "raw aiohttp": raw_aiohttp,
        }
        seconds: Dict[str, List[float]] = {name: [] for name in sides}
        for i in range(runs):
            order = list(sides.items()) if i % 2 == 0 else list(reversed(sides.items()))
            for name, side in order:
                seconds[name].append(side(url))
    rate = {name: POSTS / statistics.median(s) for name, s in seconds.items()}
    print()
    for name, r in rate.items():
        print(f"{name:<26} {r:>9,.0f} posts/s")
    ratio = rate["SDK async"] / rate["plain requests, threads"]
    ceiling = rate["raw aiohttp"] / rate["plain requests, threads"]
    print(
        f"\nasync SDK / threaded plain requests: {ratio:.2f}x (target >= {TARGET:.1f}x: "
        f"{'pass' if ratio >= TARGET else 'FAIL'}); raw aiohttp: {ceiling:.2f}x"
    )


if __name__ == "__main__":
    main()
