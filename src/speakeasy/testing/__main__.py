"""``python -m speakeasy.testing``: run the local Events API server until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sys
import threading
from types import FrameType
from typing import List, Optional

from ._api import ROUTE_LIST
from ._framing import DEFAULT_IDLE_TIMEOUT
from ._server import EventsServer

#: What the server keeps by default on the command line: the bodies of the latest requests
#: and answers up to this many bytes (a long-running process must not grow without end).
DEFAULT_MAX_KEPT_BYTES = 64 * 1024 * 1024

_SIZE_RE = re.compile(r"^(\d+)([kmg]?)(i?b)?$", re.IGNORECASE)


def _size(text: str) -> Optional[int]:
    """``64M``, ``512K``, ``1G``, ``1000000`` (bytes; K, M, G are powers of 1024) or ``none``."""
    if text.strip().lower() == "none":
        return None
    match = _SIZE_RE.match(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(
            f"expected a size such as 64M, 512K or 1000000, or none; got {text!r}"
        )
    unit = match.group(2).lower()
    return int(match.group(1)) * (1024 ** ("kmg".index(unit) + 1) if unit else 1)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected seconds >= 0, got {text!r}")
    return value


def _timeout(text: str) -> Optional[float]:
    if text.strip().lower() == "none":
        return None
    value = _seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"expected seconds > 0 or none, got {text!r}")
    return value


def _routes() -> str:
    width = max(len(method) for method, _, _ in ROUTE_LIST)
    return "\n".join(f"  {method:<{width}} {path}  ({what})" for method, path, what in ROUTE_LIST)


def _status(text: str) -> int:
    if not (text.isdigit() and 100 <= int(text) <= 999):
        raise argparse.ArgumentTypeError(f"expected an HTTP status code, got {text!r}")
    return int(text)


def _parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m speakeasy.testing",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="routes:\n" + _routes(),
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
        help="the only key accepted, as x-api-key or bearer token (default: any non-empty "
        "credential)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="do not log a line per request to stderr"
    )
    parser.add_argument(
        "--max-kept-bytes",
        type=_size,
        default=DEFAULT_MAX_KEPT_BYTES,
        metavar="SIZE",
        help="keep the latest requests (and their events) whose request and answer bodies "
        "add up to at most SIZE, dropping the oldest with a warning; e.g. 64M, 1G, or none "
        "to keep everything (default 64M)",
    )
    parser.add_argument(
        "--fail-next",
        type=_count,
        default=0,
        metavar="N",
        help="answer the first N requests with --fail-status instead of handling them",
    )
    parser.add_argument(
        "--fail-status",
        type=_status,
        default=503,
        metavar="CODE",
        help="the status of the --fail-next answers (default 503), with the API's JSON error body",
    )
    parser.add_argument(
        "--retry-after",
        default=None,
        metavar="VALUE",
        help="a Retry-After header for the --fail-next answers (seconds or an HTTP date)",
    )
    parser.add_argument(
        "--delay",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="wait this long before every answer (default 0)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=_timeout,
        default=DEFAULT_IDLE_TIMEOUT,
        metavar="SECONDS",
        help="close a connection silent for this long between requests, and answer 408 to a "
        "request that does not arrive in full within this long of its first byte "
        f"(default {DEFAULT_IDLE_TIMEOUT:g}; none: never)",
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
        api_key=args.api_key,
        host=args.host,
        port=args.port,
        verbose=not args.quiet,
        max_kept_bytes=args.max_kept_bytes,
        idle_timeout=args.idle_timeout,
    )
    server.delay = args.delay
    headers = {} if args.retry_after is None else {"Retry-After": args.retry_after}
    server.fail_next(args.fail_next, status=args.fail_status, headers=headers)
    try:
        server.start()
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:  # a Ctrl-C right after the line is printed must stop it cleanly too
        print(f"Speakeasy local events server listening on {server.url}", flush=True)
        print(f"routes:\n{_routes()}", file=sys.stderr, flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
