"""The sync edge: the loop of a call over the requests transport, sleeping between attempts.

Everything but the I/O is the core's (``_pipeline.Call``); the I/O is the
transport's (``_transports._requests``). This module imports neither requests
nor urllib3 itself.
"""

from __future__ import annotations

import time
from typing import Any, Optional, TypeVar, Union

from speakeasy._pipeline import Call, Pipeline, Plan
from speakeasy._rawresponse import HttpResponse
from speakeasy._transports._base import Received, Transport
from speakeasy._transports._requests import (
    RequestsTransport,
    SyncClient,
    check_session,
    wire_host,
)
from speakeasy.models.errors import SDKError, TransportError

__all__ = ["SyncClient", "SyncEdge", "check_session", "wire_host"]

_T = TypeVar("_T")


class SyncEdge:
    """Sends ``ApiRequest``s through a transport (requests' by default), attempt by attempt."""

    def __init__(self, pipeline: Pipeline, transport: Transport[Any]) -> None:
        self.pipeline = pipeline
        self.transport = transport

    @classmethod
    def create(cls, pipeline: Pipeline, client: Optional[SyncClient]) -> SyncEdge:
        return cls(pipeline, RequestsTransport.create(client))

    def close(self) -> None:
        self.transport.close()

    def reset_connections(self) -> None:
        """Drop pooled connections (a forked child must not share its parent's sockets)."""
        self.transport.reset_connections()

    def send(self, plan: Plan[_T]) -> _T:
        """The plan's result (made from the 2xx answer), or the exception for the call."""
        call = self.pipeline.begin(plan)
        self.transport.check(call.url, call.request.direct)
        while (delay := call.settle(self._attempt(call))) is not None:
            time.sleep(delay)
        return call.result()  # type: ignore[return-value]

    def _attempt(self, call: Call) -> Union[Received[HttpResponse], BaseException]:
        """One attempt: the answer, or the transport's error (hooks' errors are raised)."""
        transport = self.transport
        request = call.request
        prepared = transport.prepare(request.method, call.url, call.start_attempt(), request.body)
        prepared = call.ready(prepared)
        try:
            return transport.send(prepared, call.spec)
        except (TransportError, SDKError) as error:
            return error
