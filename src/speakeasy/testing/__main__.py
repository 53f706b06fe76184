"""``python -m speakeasy.testing``: run the local Events API server until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType
from typing import List, Optional

from ._server import EventsServer


def _parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m speakeasy.testing",
        description="Serve a local Speakeasy Events API for tests: POST events to "
        "/v1/workspace/{workspaceID}/events and read them back (search, targets, events "
        "of a target), every request validated against the contract.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8080, help="port to bind; 0 picks a free one (default 8080)"
    )
    parser.add_argument(
        "--api-key",
        default=None,
        help="the only x-api-key accepted (default: any non-empty key)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="do not log a line per request to stderr"
    )
    return parser.parse_args(argv)


def _raise_interrupt(signum: int, frame: Optional[FrameType]) -> None:
    raise KeyboardInterrupt


def main(argv: Optional[List[str]] = None) -> int:
    args = _parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    server = EventsServer(
        api_key=args.api_key, host=args.host, port=args.port, verbose=not args.quiet
    )
    try:
        server.start()
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_interrupt)
    print(f"Speakeasy local events server listening on {server.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
