"""A local Events API server for testing code that uses the Speakeasy SDK.

Standard library only, and independent of the SDK's models: it validates what it receives
against the wire contract on its own, so it can catch the SDK sending something wrong. It
keeps the events of each workspace and answers the reads (search, events of a target,
targets) from them. The user guide is docs/testing.md.

    from speakeasy.testing import EventsServer, Reply

    with EventsServer(api_key="test-key") as server:
        server.fail_next(2, status=503, headers={"Retry-After": "1"})
        ...  # point the SDK at server.url and post events
        assert [r.status for r in server.received] == [503, 503, 200]
        assert len(server.events) == 1

Run it on its own with ``python -m speakeasy.testing --port 8080``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._records import ReceivedRequest, Reply, SentResponse
    from ._server import EventsServer

__all__ = ["EventsServer", "ReceivedRequest", "Reply", "SentResponse"]

# Imported on first use: pytest imports the plugin (``speakeasy.testing.pytest_plugin``) at
# start-up, and a suite that does not use the server must not pay for its imports.
_WHERE = {
    "EventsServer": "_server",
    "ReceivedRequest": "_records",
    "Reply": "_records",
    "SentResponse": "_records",
}


if not TYPE_CHECKING:  # type checkers see the imports above: a misspelt name is an error

    def __getattr__(name: str) -> Any:
        if name not in _WHERE:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
