"""``EventsServer``: start, stop, options and what was recorded.

The parts: ``_schema`` (the contract's CliEvent, checked by hand), ``_api`` (what the real
API answers), ``_records`` (what is recorded and scripted), ``_http`` (the wire, faults
included; it asks this module through ``_backend``), ``_hosts`` (the ``Host`` names a
loopback server answers). This module wires them together and owns the serving thread.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections import deque
from typing import Any, Callable, Dict, List, Optional

from . import _page
from ._api import Answer, EventPredicate, Settings, answer, refusal
from ._framing import DEFAULT_IDLE_TIMEOUT
from ._hosts import is_loopback_name
from ._http import HTTPServer
from ._records import Action, ReceivedRequest, Reply, ReplyBody
from ._store import Slot, Store, check_max_bytes

__all__ = ["EventsServer"]

logger = logging.getLogger("speakeasy.testing")

Handler = Callable[[ReceivedRequest], Optional[Reply]]


class EventsServer:
    """A local Events API server for tests, on real loopback sockets.

    It stores the events posted to each workspace and answers the reads from them.

    ``api_key``: the accepted key (as ``x-api-key`` or bearer token); None accepts any
    non-empty credential (key, bearer token or workspace identifier). ``port=0``
    picks a free port. ``GET /`` serves a live page of what arrived (``ui_requires_key=True``
    makes it ask for ``api_key``). ``verbose=True`` logs one line per request to the
    ``speakeasy.testing`` logger (method, path, event count, byte count, status; never
    bodies or keys). ``idle_timeout`` (seconds, default 30; None: never): a connection
    silent for that long between requests is closed, and a request must arrive in full
    within that long of its first byte (else 408, recorded, and closed). It applies to the
    connections accepted after it is set.

    Use as a context manager, or call :meth:`start` and :meth:`stop`.

    Options (plain attributes, restored by :meth:`reset`): ``replies`` (a deque of scripted
    :class:`Reply`, consumed one per request), ``max_body_bytes`` (larger bodies get 413),
    ``reject_event`` (a predicate; a batch with a matching event gets 422), ``delay`` (seconds
    before every answer), ``handler`` (``ReceivedRequest -> Optional[Reply]``, asked when no
    scripted reply is queued; a Reply overrides normal handling) and ``record`` (False keeps
    no requests nor events in memory, only :attr:`request_count` and :attr:`event_count`).
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        verbose: bool = False,
        max_kept_bytes: Optional[int] = None,
        idle_timeout: Optional[float] = DEFAULT_IDLE_TIMEOUT,
        ui_requires_key: bool = False,
    ) -> None:
        if ui_requires_key and not api_key:
            raise ValueError("ui_requires_key=True needs an api_key (the key the page asks for)")
        self.api_key = api_key
        self.idle_timeout = _check_timeout(idle_timeout)
        #: The live page (``GET /``) asks for ``api_key`` (see docs/testing.md).
        self.ui_requires_key = ui_requires_key
        self.verbose = verbose
        self._host = host
        self._port = _check_port(port)
        self._store = Store(max_kept_bytes)
        self._httpd: Optional[HTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        #: Scripted replies, consumed one per request, first in first out.
        self.replies: deque[Reply] = deque()
        self.max_body_bytes: Optional[int] = None
        self.reject_event: Optional[EventPredicate] = None
        self.delay: float = 0.0
        self.handler: Optional[Handler] = None
        #: False: keep no requests nor events (only the counts), for long benchmarks.
        self.record: bool = True

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> EventsServer:
        """Bind and serve in a background thread; returns self."""
        if self._httpd is not None:
            raise RuntimeError("EventsServer is already running")
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        httpd = HTTPServer(_Backend(self), (self._host, self._port), family)
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"EventsServer:{self.port}",
            daemon=True,
        )
        self._thread.start()
        if self.verbose:
            logger.info("listening on %s", self.url)
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop serving and close every connection (also keep-alive ones). Idempotent."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        httpd.shutdown()  # no new connections after this
        if thread is not None:
            thread.join(timeout)
        httpd.close_all(timeout)
        httpd.server_close()
        self._httpd = None
        self._thread = None

    def __enter__(self) -> EventsServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- addresses --------------------------------------------------------------------

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The bound port (the one picked when constructed with ``port=0``)."""
        if self._httpd is None:
            if self._port == 0:
                raise RuntimeError("EventsServer is not running; its port is not known yet")
            return self._port
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """``http://HOST:PORT``, without a trailing slash."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def active_connections(self) -> int:
        """How many client connections are open right now."""
        httpd = self._httpd
        return 0 if httpd is None else httpd.connection_count()

    # -- recordings -------------------------------------------------------------------

    @property
    def received(self) -> List[ReceivedRequest]:
        """A snapshot of every request received, in arrival order."""
        return self._store.received()

    @property
    def events(self) -> List[Dict[str, Any]]:
        """A snapshot of every event of every request answered 200 by normal handling."""
        return self._store.events()

    @property
    def request_count(self) -> int:
        """How many requests arrived since the last reset (counted even when not recording)."""
        return self._store.counts()[0]

    @property
    def event_count(self) -> int:
        """How many events were accepted (answered 200) since the last reset."""
        return self._store.counts()[1]

    @property
    def max_kept_bytes(self) -> Optional[int]:
        """Keep the most recent requests whose bodies (request and answer) add up to at most
        this many bytes, with their events; older ones are dropped, with a warning logged
        the first time. The newest request is always kept. None (the default) keeps all.

        A setting of the server, not an option: :meth:`reset` leaves it as it is.
        """
        return self._store.max_bytes

    @max_kept_bytes.setter
    def max_kept_bytes(self, value: Optional[int]) -> None:
        self._store.max_bytes = check_max_bytes(value)

    @property
    def kept_bytes(self) -> int:
        """What the kept requests, answers and events cost in memory right now, as
        :attr:`max_kept_bytes` counts it."""
        return self._store.kept()[1]

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> List[ReceivedRequest]:
        """Wait until ``count`` requests were answered; returns :attr:`received`.

        Raises ``TimeoutError`` when fewer arrived within ``timeout`` seconds.
        """
        return self._store.wait_answered(count, timeout)

    # -- scripting --------------------------------------------------------------------

    def fail_next(
        self,
        count: int = 1,
        status: int = 503,
        headers: Optional[Dict[str, str]] = None,
        *,
        body: ReplyBody = None,
        action: Action = "respond",
        delay: float = 0.0,
    ) -> None:
        """Script the next ``count`` requests to get the same failing reply."""
        for _ in range(count):
            self.replies.append(
                Reply(
                    status=status,
                    body=body,
                    headers=dict(headers or {}),
                    delay=delay,
                    action=action,
                )
            )

    def reset(self) -> None:
        """Forget what was received and scripted; restore the default options."""
        self._store.clear()
        self.replies.clear()
        self.max_body_bytes = None
        self.reject_event = None
        self.delay = 0.0
        self.handler = None
        self.record = True

    def __repr__(self) -> str:
        state = f"url={self.url!r}" if self.running else "stopped"
        key = "any" if self.api_key is None else "configured"
        received = self._store.kept()[0]
        return f"EventsServer({state}, api_key={key}, received={received})"


class _Backend:
    """The seam the HTTP handler sees: the server's options, store and script."""

    def __init__(self, server: EventsServer) -> None:
        self._server = server

    @property
    def verbose(self) -> bool:
        return self._server.verbose

    @property
    def delay(self) -> float:
        return self._server.delay

    @property
    def idle_timeout(self) -> Optional[float]:
        return self._server.idle_timeout

    @property
    def loopback_host(self) -> Optional[str]:
        host = self._server.host
        return host if is_loopback_name(host) else None

    def _settings(self) -> Settings:
        server = self._server
        return Settings(server.api_key, server.max_body_bytes, server.reject_event)

    def scripted_pending(self) -> bool:
        return bool(self._server.replies) or self._server.handler is not None

    def refusal(self, rec: ReceivedRequest) -> Optional[Answer]:
        return refusal(rec, self._settings())

    def arrive(self, rec: ReceivedRequest) -> Slot:
        return self._server._store.arrive(rec, keep=self._server.record)

    def finish(self, slot: Slot, rec: ReceivedRequest, accepted: Optional[List[Any]]) -> None:
        self._server._store.finish(slot, rec, accepted)

    def scripted_reply(self, rec: ReceivedRequest) -> Optional[Reply]:
        server = self._server
        try:
            return server.replies.popleft()
        except IndexError:
            pass
        handler = server.handler
        if handler is None:
            return None
        try:
            return handler(rec)
        except Exception as exc:
            logger.warning("EventsServer.handler raised", exc_info=True)
            return Reply(500, {"message": f"handler raised {exc!r}", "status_code": 500})

    def page(self, method: str, path: str, query: str, headers: Dict[str, str]) -> Optional[Answer]:
        if not _page.is_page_request(method, path):
            return None
        return _page.serve(self._server, path, query, headers)

    def answer(self, rec: ReceivedRequest, parsed: Any, parse_error: Optional[str]) -> Answer:
        return answer(rec, parsed, parse_error, self._settings(), self._server._store.events_of)


def _check_timeout(value: Optional[float]) -> Optional[float]:
    if value is not None and (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 < value < float("inf")
    ):
        raise ValueError(f"idle_timeout must be None or seconds > 0, got {value!r}")
    return value


def _check_port(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
        raise ValueError(f"port must be an int from 0 to 65535 (0 picks a free one), got {value!r}")
    return value
