"""The async edge: the loop of a call over the aiohttp transport, awaiting between attempts.

Everything but the I/O is the core's (``_pipeline.Call``), exactly as for the
sync edge; the I/O is the transport's (``_transports._aiohttp``). Imported only
on the first async call (``Speakeasy._async_edge``), since importing the
transport imports aiohttp.
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional, TypeVar, Union

from speakeasy._pipeline import Call, Pipeline, Plan
from speakeasy._rawresponse import HttpResponse
from speakeasy._transports._aiohttp import AiohttpTransport, AsyncClient, check_session
from speakeasy._transports._base import AsyncTransport, Received
from speakeasy.models.errors import SDKError, TransportError

__all__ = ["AsyncClient", "AsyncEdge", "check_session"]

_T = TypeVar("_T")


class AsyncEdge:
    """Sends ``ApiRequest``s through an async transport (aiohttp's by default)."""

    def __init__(
        self,
        pipeline: Pipeline,
        given: Optional[AsyncClient] = None,
        transport: Optional[AsyncTransport[Any]] = None,
    ) -> None:
        self.pipeline = pipeline
        self.transport: AsyncTransport[Any] = transport or AiohttpTransport(given)

    async def send(self, plan: Plan[_T]) -> _T:
        """Awaits the plan's result (from the 2xx answer), or raises the call's exception."""
        call = self.pipeline.begin(plan)
        self.transport.check(call.url, call.request.direct)
        while (delay := call.settle(await self._attempt(call))) is not None:
            await asyncio.sleep(delay)
        return call.result()  # type: ignore[return-value]

    async def _attempt(self, call: Call) -> Union[Received[HttpResponse], BaseException]:
        transport = self.transport
        request = call.request
        sending = transport.prepare(request.method, call.url, call.start_attempt(), request.body)
        sending = call.ready(sending)
        try:
            return await transport.send(sending, call.spec)
        except (TransportError, SDKError) as error:
            return error

    async def aclose(self) -> None:
        await self.transport.aclose()

    def close_now(self) -> None:
        self.transport.close_now()
