"""Fuzz: whatever a server answers, the SDK returns a response or raises a documented exception."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any, Optional

import aiohttp
import pytest
import requests
from hypothesis import event, given, settings
from hypothesis import strategies as st

import speakeasy
from speakeasy._answers import MAX_BODY_BYTES
from speakeasy.models import errors, operations, shared
from speakeasy.testing import EventsServer, Reply
from speakeasy.utils import BackoffStrategy, RetryConfig
from tests.support.edges import EDGES, NETWORK_ERROR, TIMEOUT, EdgeClient
from tests.support.factories import NO_RETRIES
from tests.support.hostile import API_KEY, make_request
from tests.support.local_server import serving

#: Each attempt's deadline in these tests.
DEADLINE_MS = 250

#: Everything the SDK documents that a call may raise, by edge.
DOCUMENTED = {
    "sync": (
        errors.Error,
        errors.SDKError,
        requests.ConnectionError,
        requests.Timeout,
        requests.exceptions.ChunkedEncodingError,
    ),
    "async": (errors.Error, errors.SDKError, aiohttp.ClientError, asyncio.TimeoutError),
}

#: Tiny waits and a 20 ms budget: a few retries at most, any Retry-After >= 1 s ends the run.
TINY_RETRIES = RetryConfig("backoff", BackoffStrategy(1, 2, 1.5, 20), True)

# 100 Continue is an interim answer, never a final one: a client waits for what follows it.
statuses = st.one_of(st.integers(101, 599), st.sampled_from([200, 408, 429, 500, 502, 503]))

# Header values as requests reads them: Latin-1, so "²" and "१" -like digits turn up too.
header_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_categories=["Cc"]),
    max_size=40,
).map(str.strip)
retry_after = st.one_of(
    st.integers(0, 10**12).map(str),
    st.sampled_from(
        ["0", "-1", "1.5", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"]
    ),
    header_text,
)
content_type = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "application/problem+json",
            "application/json; charset=latin-1",
            "application/json; charset=bogus",
            "text/plain; charset=idna",
            "text/plain; charset=utf-16",
            "text/plain",
            "text/html; charset=utf-8",
            "application/octet-stream",
        ]
    ),
    header_text,
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "Retry-After": retry_after,
        "Content-Type": content_type,
        "Content-Encoding": st.sampled_from(
            ["gzip", "deflate", "identity", "br", "zstd", "x-bogus"]
        ),
        "Location": st.sampled_from(["http://127.0.0.1:1/elsewhere", "/v1/other", "::::"]),
        "X-Random": header_text,
        "Cache-Control": header_text,
    },
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
error_shaped = st.fixed_dictionaries(
    {
        "message": st.one_of(st.text(), json_values),
        "status_code": st.one_of(st.integers(), json_values),
    }
)
bodies = st.one_of(
    st.none(),
    st.binary(max_size=512),
    st.text(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    error_shaped.map(lambda v: json.dumps(v).encode()),
    st.builds(
        lambda m, c: json.dumps({"message": m, "status_code": c}).encode(), st.text(), st.integers()
    ),
)


@st.composite
def replies(draw: st.DrawFn) -> Reply:
    """A random answer: status, headers, body; now and then a broken connection or a big body."""
    action = draw(
        st.sampled_from(["respond"] * 12 + ["drop", "reset", "reset_mid_body", "endless"])
    )
    big = action == "respond" and draw(st.integers(0, 9)) == 0
    extra = draw(headers)
    if "Content-Type" not in extra and draw(st.booleans()):
        extra["Content-Type"] = "application/json"  # else the server says octet-stream
    return Reply(
        status=draw(statuses),
        body=None if big else draw(bodies),
        headers=extra,
        action=action,
        body_size=draw(
            st.sampled_from([MAX_BODY_BYTES - 1, MAX_BODY_BYTES + 1, 3 * MAX_BODY_BYTES])
        )
        if big
        else 0,
        delay=draw(st.sampled_from([0.0] * 15 + [0.6])),  # 0.6 s > the 250 ms timeout
    )


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[EventsServer]:
    yield from serving(api_key=API_KEY)


@pytest.mark.parametrize("edge", EDGES)
@settings(max_examples=100, deadline=None)
@given(reply=replies(), retry=st.sampled_from([NO_RETRIES, TINY_RETRIES]))
def test_any_answer_gives_a_response_or_a_documented_exception(
    fuzz_server: EventsServer, reply: Reply, retry: RetryConfig, edge: str
) -> None:
    """Random status, headers, body: a 2xx response, or Error/SDKError/the edge's network
    errors (requests' or aiohttp's and asyncio.TimeoutError)."""
    fuzz_server.reset()
    fuzz_server.handler = lambda rec: reply
    outcome: Optional[Any] = None
    with requests.Session() as session:
        client = EdgeClient(
            speakeasy.Speakeasy(
                security=shared.Security(api_key=API_KEY),
                server_url=fuzz_server.url,
                client=session,
                timeout_ms=DEADLINE_MS,
            ),
            edge,
        )
        started = time.monotonic()
        try:
            outcome = client.events.post_workspace_events(make_request(), retry)
        except DOCUMENTED[edge] as exc:
            outcome = exc
        finally:
            elapsed = time.monotonic() - started
            client.dispose()
    event(type(outcome).__name__)
    check(outcome, reply, edge, elapsed)


def check(outcome: Any, reply: Reply, edge: str, elapsed: float) -> None:
    """The outcome is consistent with the reply that produced it."""
    if isinstance(outcome, operations.PostWorkspaceEventsResponse):
        assert 200 <= outcome.status_code < 300
        assert outcome.status_code == reply.status
        assert len(outcome.raw_response.content) <= MAX_BODY_BYTES
    elif isinstance(outcome, errors.SDKError) and outcome.status_code == 0:
        # A head the async edge's parser refused (a 304 with a body...): a malformed answer.
        assert edge == "async" and "malformed answer" in outcome.message
        assert API_KEY not in str(outcome) and API_KEY not in repr(outcome)
    elif isinstance(outcome, errors.SDKError):
        assert outcome.status_code == reply.status
        assert not 200 <= outcome.status_code < 300
        assert len(outcome.body) <= MAX_BODY_BYTES
        assert API_KEY not in str(outcome)
    elif isinstance(outcome, errors.Error):
        assert 500 <= reply.status < 600
        assert isinstance(outcome.message, str)
    else:
        assert isinstance(outcome, NETWORK_ERROR[edge])
        # A prompt, whole answer gives no network error, unless a loaded machine really
        # made the attempt outlast its deadline (then the timeout is the right outcome).
        late = isinstance(outcome, TIMEOUT[edge]) and elapsed >= DEADLINE_MS / 1000
        assert reply.action != "respond" or reply.delay > 0 or reply.status < 200 or late
