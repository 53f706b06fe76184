"""An overall deadline for each attempt, however the server stalls.

A socket timeout bounds each wait for data, not the whole exchange: a server
that answers ``100 Continue`` forever, or drips headers or a body one byte at
a time, never trips it. So every attempt is also watched: one daemon thread
checks the attempts in flight every ``TICK`` seconds and, when one is past its
deadline, shuts its socket down. The blocked read then fails at once, and the
send path reports a ``requests.Timeout``.

The socket is found through the connection classes of ``DeadlineAdapter``,
which the client mounts on the sessions it creates: each connection tells the
attempt running on its thread that it carries it.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from typing import Any, Dict, Optional

import requests
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

#: How often the watchdog looks at the attempts in flight (the deadline's precision).
TICK = 0.05
#: The watchdog thread ends after this long without attempts (a new one starts on demand).
_IDLE = 5.0

_local = threading.local()


class Attempt:
    """One attempt in flight: its deadline, its connection once known, and whether it expired."""

    __slots__ = ("conn", "deadline", "expired")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.conn: Optional[HTTPConnection] = None
        self.expired = False

    def expire(self) -> None:
        self.expired = True
        sock = getattr(self.conn, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # closed meanwhile: the attempt is over anyway


class _Watchdog:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.attempts: Dict[int, Attempt] = {}
        self.thread: Optional[threading.Thread] = None

    def watch(self, attempt: Attempt) -> None:
        with self.lock:
            self.attempts[id(attempt)] = attempt
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._run, name="speakeasy-deadline", daemon=True
                )
                self.thread.start()

    def unwatch(self, attempt: Attempt) -> None:
        with self.lock:
            self.attempts.pop(id(attempt), None)

    def _run(self) -> None:
        idle_since = time.monotonic()
        while True:
            time.sleep(TICK)
            now = time.monotonic()
            with self.lock:
                if not self.attempts:
                    if now - idle_since > _IDLE:
                        self.thread = None
                        return
                    continue
                idle_since = now
                late = [a for a in self.attempts.values() if a.deadline <= now]
                for attempt in late:
                    del self.attempts[id(attempt)]
            for attempt in late:
                attempt.expire()


_watchdog = _Watchdog()


def _reset_after_fork() -> None:
    global _watchdog
    _watchdog = _Watchdog()  # the parent's thread and lock do not exist here


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


def start(seconds: float) -> Attempt:
    """Watch the attempt about to run on this thread; it may last ``seconds`` in all."""
    attempt = Attempt(time.monotonic() + seconds)
    _local.attempt = attempt
    _watchdog.watch(attempt)
    return attempt


def finish(attempt: Attempt) -> None:
    """The attempt is over (the body is read, or it failed)."""
    _local.attempt = None
    _watchdog.unwatch(attempt)


def _claim(conn: HTTPConnection) -> None:
    attempt = getattr(_local, "attempt", None)
    if attempt is not None:
        attempt.conn = conn


class _WatchedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _claim(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _claim(self)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class DeadlineAdapter(requests.adapters.HTTPAdapter):
    """requests' own adapter, whose connections can be cut at an attempt's deadline."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> urllib3.PoolManager:
        manager: urllib3.PoolManager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools connect their own way
            manager.pool_classes_by_scheme = _POOLS
        return manager


def new_session() -> requests.Session:
    """A ``requests.Session`` whose attempts the deadline can cut."""
    session = requests.Session()
    session.mount("https://", DeadlineAdapter())
    session.mount("http://", DeadlineAdapter())
    return session
