"""Events a batcher did not deliver reach the user without any logging set up: a warning.

``EventsNotDeliveredWarning`` (a ``UserWarning``, public as
``speakeasy.EventsNotDeliveredWarning``) is issued with ``warnings.warn`` once
per cause and per batcher, counting the events: events given up (refused by
the server, abandoned at close) when no ``on_error`` receives them, and
events dropped for a full queue (``on_full="drop"``; ``on_error`` never sees
those). Python shows a ``UserWarning`` on stderr by default; users silence it
the usual way (``warnings.filterwarnings("ignore", category=...)``,
``-W ignore::speakeasy.EventsNotDeliveredWarning``, ``PYTHONWARNINGS``).

A warning names the cause by status code or exception class only: never
an event's content, never a response body, never a credential.

Counts of one cause gather until the batcher has nothing else to send (or a
second has passed since the first, or ``flush``/``close`` return), so that a
script's three events make one warning saying "3 events".
"""

from __future__ import annotations

import re
import sys
import threading
import time
import warnings
from typing import Dict, Optional, Set, Tuple

from speakeasy._retry import describe, status_of
from speakeasy.models.errors import BatcherClosedError, ClientClosedError

#: Seconds a counted cause may wait for more events of its kind before its warning.
GATHER_SECONDS = 1.0

_HINTS = {
    400: "the server found them invalid",
    401: "check the API key",
    403: "check the API key and its permissions",
    404: "check workspace_id and server_url",
    413: "an event is larger than the server accepts",
    422: "the server found them invalid",
}


class EventsNotDeliveredWarning(UserWarning):
    """Events an ``EventBatcher`` gave up or dropped, reported once per cause.

    Issued when no ``on_error`` receives the events given up (and for events
    dropped by ``on_full="drop"`` in any case). Silence it with
    ``warnings.filterwarnings("ignore", category=speakeasy.EventsNotDeliveredWarning)``.
    """

    __module__ = "speakeasy"


#: How ``-W``/``PYTHONWARNINGS`` may name the category.
_NAMES = ("speakeasy.EventsNotDeliveredWarning", f"{__name__}.EventsNotDeliveredWarning")
_ACTIONS = ("default", "always", "ignore", "module", "once", "error")


def apply_command_line_options() -> None:
    """Apply the ``-W``/``PYTHONWARNINGS`` options that name this category.

    Python reads them before site-packages can be imported, so it rejects a
    third-party category ("Invalid -W option ignored: invalid module name")
    and drops the option. They are kept in ``sys.warnoptions``: this applies
    those naming ``EventsNotDeliveredWarning`` the way Python would have.
    """
    for option in sys.warnoptions:
        parts = [part.strip() for part in option.split(":")]
        if len(parts) < 3 or len(parts) > 5 or parts[2] not in _NAMES:
            continue
        parts += [""] * (5 - len(parts))
        action, message, _, module, line = parts
        actions = [name for name in _ACTIONS if name.startswith(action or "default")]
        if len(actions) != 1 or not (line.isdigit() or not line):
            continue
        warnings.filterwarnings(
            actions[0],  # type: ignore[arg-type]
            message=re.escape(message),
            category=EventsNotDeliveredWarning,
            module=re.escape(module) + r"\Z" if module else "",
            lineno=int(line or 0),
        )


def cause_of(error: BaseException) -> Tuple[str, str]:
    """A key (one warning per key) and the words for why events were given up."""
    if isinstance(error, BatcherClosedError):
        last = error.__cause__
        why = "nothing had been tried yet" if last is None else f"last attempt: {describe(last)}"
        return "closed", f"the batcher closed before the server took them ({why})"
    if isinstance(error, ClientClosedError):
        return "client closed", "the Speakeasy client was closed before they were sent"
    status = status_of(error)
    if status is not None:
        hint = _HINTS.get(status)
        return f"status {status}", f"the server answered {status}" + (f" ({hint})" if hint else "")
    name = type(error).__name__
    return f"error {name}", f"{name} (retries=RetryConfig('none') gives a batch up at once)"


class Notices:
    """Counts of undelivered events per cause, and the warnings they become (thread-safe)."""

    def __init__(self, warn_failed: bool, rejected_path: Optional[str]) -> None:
        #: False when ``on_error`` receives the events given up: then it is the report.
        self._warn_failed = warn_failed
        self._rejected_path = rejected_path
        self._lock = threading.Lock()
        # Cause key -> events and words, in the order first seen; causes warned once already.
        self._counts: Dict[str, int] = {}
        self._texts: Dict[str, str] = {}
        self._warned: Set[str] = set()
        self._since: Optional[float] = None

    def failed(self, count: int, error: BaseException) -> None:
        """``count`` events were given up because of ``error``."""
        if self._warn_failed and count:
            key, text = cause_of(error)
            where = (
                f"; kept in {self._rejected_path}"
                if self._rejected_path is not None and key != "closed"
                else ""
            )
            self._add(key, f"not delivered: {text}{where}", count)

    def dropped(self, count: int) -> None:
        """``count`` events were not queued: the queue was full and ``on_full="drop"``."""
        if count:
            self._add("dropped", "dropped: the queue was full (on_full='drop')", count)

    def _add(self, key: str, text: str, count: int) -> None:
        with self._lock:
            if key in self._warned:
                return
            self._counts[key] = self._counts.get(key, 0) + count
            self._texts.setdefault(key, text)
            if self._since is None:
                self._since = time.monotonic()

    def due(self, idle: bool) -> bool:
        """Whether to warn now: something is counted and the sender is idle, or it waited enough."""
        since = self._since
        return since is not None and (idle or time.monotonic() - since >= GATHER_SECONDS)

    def emit(self, raising: bool) -> None:
        """Issue one warning per cause counted (each cause warns once per batcher).

        ``raising`` False (the worker thread, interpreter exit): a warning
        turned into an error by the user's filters goes to ``threading.excepthook``
        (printed on stderr), since nobody there could catch it.
        """
        with self._lock:
            counts, self._counts, self._since = self._counts, {}, None
            texts = [(n, self._texts[key]) for key, n in counts.items()]
            self._warned.update(counts)
        for n, text in texts:
            message = (
                f"{n} event{'s' if n != 1 else ''} {'were' if n != 1 else 'was'} {text} "
                "(once per cause: later ones only count in the batcher's stats)"
            )
            try:
                warnings.warn(message, EventsNotDeliveredWarning, stacklevel=2)
            except Exception:
                if raising:
                    raise
                exc_type, exc, tb = sys.exc_info()
                threading.excepthook(
                    threading.ExceptHookArgs((exc_type, exc, tb, threading.current_thread()))
                )


apply_command_line_options()
