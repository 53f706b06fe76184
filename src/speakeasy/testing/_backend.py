"""What the HTTP handler asks of the server that owns it (``_server._Backend`` answers)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Protocol

from ._api import Answer
from ._records import ReceivedRequest, Reply
from ._store import Slot


class Backend(Protocol):
    """What the handler asks of the server that owns it."""

    @property
    def verbose(self) -> bool: ...

    @property
    def delay(self) -> float: ...

    @property
    def idle_timeout(self) -> Optional[float]: ...

    @property
    def loopback_host(self) -> Optional[str]:
        """The address bound when it is loopback (then only loopback ``Host`` names are
        answered), else None."""

    def scripted_pending(self) -> bool:
        """Whether a scripted reply may answer the next request (queued, or a handler)."""

    def refusal(self, rec: ReceivedRequest) -> Optional[Answer]:
        """The answer to a request refused on its head alone (path, method, credentials)."""

    def arrive(self, rec: ReceivedRequest) -> Slot:
        """Record a request whose body was read; returns where it is kept."""

    def finish(self, slot: Slot, rec: ReceivedRequest, accepted: Optional[List[Any]]) -> None:
        """Replace the request's record by its answered one."""

    def scripted_reply(self, rec: ReceivedRequest) -> Optional[Reply]:
        """The next scripted reply (queued, or from the handler), if any."""

    def answer(self, rec: ReceivedRequest, parsed: Any, parse_error: Optional[str]) -> Answer:
        """What the real API answers to ``rec``."""

    def page(self, method: str, path: str, query: str, headers: Dict[str, str]) -> Optional[Answer]:
        """The answer of the live page (never recorded nor scripted), or None for the API."""
