"""``python -m speakeasy.testing``: run the local Events API server until Ctrl-C."""

from __future__ import annotations

import argparse
import errno
import logging
import re
import signal
import socket
import sys
import threading
from types import FrameType
from typing import List, Optional, Tuple

from ._api import ROUTE_LIST
from ._framing import DEFAULT_IDLE_TIMEOUT
from ._page import PAGE_ROUTE_LIST
from ._server import EventsServer

PROG = "python -m speakeasy.testing"

#: What the server keeps by default on the command line: the bodies of the latest requests
#: and answers up to this many bytes (a long-running process must not grow without end).
DEFAULT_MAX_KEPT_BYTES = 64 * 1024 * 1024

#: The longest --delay and --idle-timeout: a day (far longer is no test, and overflows
#: the platform's timers).
MAX_SECONDS = 86400.0
#: The most --fail-next: each scripted reply is held in memory until used.
MAX_FAIL_NEXT = 1_000_000

_SIZE_RE = re.compile(r"^([0-9]+)([kmg]?)(i?b)?$", re.IGNORECASE)
#: A key as the SDK sends one: visible ASCII, inner spaces, no outer space.
_KEY_RE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
#: A header value: one line of visible ASCII, spaces and tabs.
_HEADER_VALUE_RE = re.compile(r"[\t\x20-\x7e]*[\x21-\x7e][\t\x20-\x7e]*")


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


def _whole(text: str, high: int, what: str, note: str = "") -> int:
    stripped = text.strip()
    if not (stripped.isascii() and stripped.isdigit() and int(stripped) <= high):
        raise argparse.ArgumentTypeError(f"expected {what} from 0 to {high}{note}, got {text!r}")
    return int(stripped)


def _port(text: str) -> int:
    return _whole(text, 65535, "a port", " (0 picks a free one)")


def _count(text: str) -> int:
    return _whole(text, MAX_FAIL_NEXT, "a whole number")


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def _seconds(text: str) -> float:
    value = _float(text)
    if not 0 <= value <= MAX_SECONDS:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(
            f"expected seconds from 0 to {MAX_SECONDS:g}, got {text!r}"
        )
    return value


def _timeout(text: str) -> Optional[float]:
    if text.strip().lower() == "none":
        return None
    value = _float(text)
    if not 0 < value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(
            f"expected seconds above 0 and at most {MAX_SECONDS:g}, or none; got {text!r}"
        )
    return value


def _host(text: str) -> str:
    if not text.strip() or text != text.strip():
        raise argparse.ArgumentTypeError(f"expected an address or a host name, got {text!r}")
    if text.startswith("["):
        raise argparse.ArgumentTypeError(f"write an IPv6 address without brackets, got {text!r}")
    return text


def _key(text: str) -> str:
    if not _KEY_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(
            "expected a key of visible ASCII characters (inner spaces allowed), as the SDK "
            "sends one; got an empty value, outer spaces or other characters"
        )
    return text


def _header_value(text: str) -> str:
    if not _HEADER_VALUE_RE.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"expected one line of visible ASCII (seconds or an HTTP date), got {text!r}"
        )
    return text


def _routes() -> str:
    """The API's routes, then the live page's, one a line (for ``--help`` and start-up)."""
    width = max(len(method) for method, _, _ in (*ROUTE_LIST, *PAGE_ROUTE_LIST))

    def lines(routes: Tuple[Tuple[str, str, str], ...]) -> List[str]:
        return [f"  {method:<{width}} {path}  ({what})" for method, path, what in routes]

    return "\n".join(
        [
            "API (every request recorded and checked against the contract):",
            *lines(ROUTE_LIST),
            "live page (GET and HEAD; never recorded, scripted or delayed):",
            *lines(PAGE_ROUTE_LIST),
        ]
    )


_EPILOG = """\
{routes}

Bound to a loopback address (the default), it answers only to a loopback Host
(localhost, 127.0.0.1, [::1], any port): any other gets 421 (DNS rebinding).

exit status: 0 stopped by Ctrl-C or SIGTERM; 1 could not listen (the port is in
use, or needs privileges); 2 a bad flag or value (the message names the flag).
Guide: docs/testing.md, "Command line"."""


def _status(text: str) -> int:
    if not (text.isdigit() and 100 <= int(text) <= 999):
        raise argparse.ArgumentTypeError(f"expected an HTTP status code, got {text!r}")
    return int(text)


def _parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG.format(routes=_routes()),
        description="Serve a local Speakeasy Events API for tests: POST events to "
        "/v1/workspace/{workspaceID}/events and read them back (search, targets, events "
        "of a target), every request validated against the contract.",
    )
    parser.add_argument(
        "--host",
        type=_host,
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1); bound elsewhere than loopback, it answers "
        "any Host",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=8080,
        help="port to bind, 0 to 65535; 0 picks a free one (default 8080)",
    )
    parser.add_argument(
        "--api-key",
        type=_key,
        default=None,
        help="the only key accepted, as x-api-key or bearer token (default: any non-empty "
        "credential)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="do not log a line per request to stderr"
    )
    parser.add_argument(
        "--ui-requires-key",
        action="store_true",
        help="the live page at / asks for --api-key (HTTP Basic, any user name); by default "
        "it is open, as the server binds loopback only",
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
        help="answer the first N requests (at most 1000000) with --fail-status instead of "
        "handling them",
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
        type=_header_value,
        default=None,
        metavar="VALUE",
        help="a Retry-After header for the --fail-next answers (seconds or an HTTP date)",
    )
    parser.add_argument(
        "--delay",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="wait this long before every answer, at most 86400 (default 0)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=_timeout,
        default=DEFAULT_IDLE_TIMEOUT,
        metavar="SECONDS",
        help="close a connection silent for this long between requests, and answer 408 to a "
        "request that does not arrive in full within this long of its first byte; at most "
        f"86400 (default {DEFAULT_IDLE_TIMEOUT:g}; none: never)",
    )
    args = parser.parse_args(argv)
    if args.ui_requires_key and not args.api_key:
        parser.error("--ui-requires-key needs --api-key (the key the page asks for)")
    return args


def _fail(status: int, message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def _listen_failure(exc: OSError, host: str, port: int) -> Tuple[int, str]:
    """The exit status and message for a bind that failed: 1 when the machine refused a
    valid request (port in use, privileges), 2 when the --host value is wrong."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if isinstance(exc, socket.gaierror):
        return 2, f"argument --host: cannot resolve {host!r} to an address ({exc.strerror})"
    if exc.errno == errno.EADDRINUSE:
        return 1, (
            f"argument --port: {where} is already in use (another server listens there); "
            "choose another port, or --port 0 for a free one"
        )
    if exc.errno == errno.EACCES:
        return 1, (
            f"argument --port: listening on {where} needs privileges; choose a port above "
            "1023, or --port 0 for a free one"
        )
    if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
        return 2, f"argument --host: {host!r} is not an address of this machine ({exc.strerror})"
    return 1, f"cannot listen on {where}: {exc.strerror or exc}"


def _raise_interrupt(signum: int, frame: Optional[FrameType]) -> None:
    raise KeyboardInterrupt


def main(argv: Optional[List[str]] = None) -> int:
    args = _parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    try:
        server = EventsServer(
            api_key=args.api_key,
            host=args.host,
            port=args.port,
            verbose=not args.quiet,
            max_kept_bytes=args.max_kept_bytes,
            idle_timeout=args.idle_timeout,
            ui_requires_key=args.ui_requires_key,
        )
    except ValueError as exc:  # the flags were checked: a value only the server refuses
        return _fail(2, str(exc))
    server.delay = args.delay
    headers = {} if args.retry_after is None else {"Retry-After": args.retry_after}
    server.fail_next(args.fail_next, status=args.fail_status, headers=headers)
    try:
        server.start()
    except OSError as exc:
        return _fail(*_listen_failure(exc, args.host, args.port))
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:  # a Ctrl-C right after the line is printed must stop it cleanly too
        print(f"Speakeasy local events server listening on {server.url}", flush=True)
        print(_routes(), file=sys.stderr, flush=True)
        print(f"Live page of what arrives: {server.url}/", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
