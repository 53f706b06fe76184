"""Nothing is lost silently: events given up or dropped are warned of, and close() says so.

Without any logging set up, a script whose key is wrong or whose server is
down is told on stderr (``EventsNotDeliveredWarning``, once per cause, with
the count), and ``close()`` returns False.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

import speakeasy
from speakeasy import EventsNotDeliveredWarning
from speakeasy.models import shared
from speakeasy.testing import EventsServer
from tests.support.batcher import MakeBatcher, assert_stats, events, leave_in_spool
from tests.support.factories import FAST_RETRIES

ROOT = Path(__file__).resolve().parents[2]
WRONG_KEY = "wrong-key-4f1d9c2a7b"


def _client(url: str, key: str) -> speakeasy.Speakeasy:
    return speakeasy.Speakeasy(
        security=shared.Security(api_key=key), workspace_id="ws-1", server_url=url
    )


def _refused_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_the_warning_is_public_and_a_user_warning() -> None:
    assert issubclass(speakeasy.EventsNotDeliveredWarning, UserWarning)
    assert speakeasy.EventsNotDeliveredWarning.__module__ == "speakeasy"
    assert "EventsNotDeliveredWarning" in speakeasy.__all__


def test_a_wrong_key_is_warned_with_the_count_and_close_returns_false(
    server: EventsServer,
) -> None:
    """401 from the local server (started with a key): one warning saying 3 events, no key."""
    batcher = _client(server.url, WRONG_KEY).events.batcher(retries=FAST_RETRIES)
    batcher.add_many(events(3))
    with pytest.warns(EventsNotDeliveredWarning) as caught:
        assert batcher.close(timeout=10) is False
    [message] = [str(w.message) for w in caught]
    assert message.startswith("3 events were not delivered: the server answered 401")
    assert "API key" in message
    assert WRONG_KEY not in message and "evt-" not in message
    assert_stats(batcher.stats, added=3, failed=3, sent=0, pending=0)


def test_a_server_that_is_down_is_warned_at_close(tmp_path: Path) -> None:
    """A refused port: retried until close() runs out of time, then given up and warned of."""
    url = f"http://127.0.0.1:{_refused_port()}"
    batcher = _client(url, WRONG_KEY).events.batcher(retries=FAST_RETRIES)
    for item in events(3):
        batcher.add(item)
    with pytest.warns(EventsNotDeliveredWarning) as caught:
        assert batcher.close(timeout=0.5) is False
    [message] = [str(w.message) for w in caught]
    assert message.startswith("3 events were not delivered: the batcher closed")
    assert "ConnectError" in message and WRONG_KEY not in message
    assert_stats(batcher.stats, failed=3, pending=0)


def test_one_warning_per_cause_counting_every_batch(server: EventsServer) -> None:
    """Three batches refused with 401 make one warning of 6 events; later ones are not repeated."""
    batcher = _client(server.url, WRONG_KEY).events.batcher(
        retries=FAST_RETRIES, max_batch_events=2, flush_interval=600
    )
    batcher.add_many(events(6))
    with pytest.warns(EventsNotDeliveredWarning) as caught:
        assert batcher.flush(timeout=10)
    assert [str(w.message).split(":")[0] for w in caught] == ["6 events were not delivered"]
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        batcher.add_many(events(2, start=6))
        assert batcher.close(timeout=10) is False
    assert again == []  # same cause: counted in stats only
    assert batcher.stats.failed == 8


def test_on_error_is_the_report_when_given(server: EventsServer) -> None:
    """Given-up events handed to on_error are not warned of; close() still returns False."""
    reported: List[Any] = []
    batcher = _client(server.url, WRONG_KEY).events.batcher(
        retries=FAST_RETRIES, on_error=lambda items, exc: reported.extend(items)
    )
    batcher.add_many(events(2))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert batcher.close(timeout=10) is False
    assert caught == [] and len(reported) == 2


def test_the_usual_filter_silences_it(server: EventsServer) -> None:
    batcher = _client(server.url, WRONG_KEY).events.batcher(retries=FAST_RETRIES)
    batcher.add(events(1)[0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=speakeasy.EventsNotDeliveredWarning)
        assert batcher.close(timeout=10) is False
    assert caught == []


def test_close_is_true_only_when_everything_was_delivered(
    server: EventsServer, make_batcher: MakeBatcher, spool: Path
) -> None:
    ok = make_batcher()
    ok.add_many(events(3))
    assert ok.close(timeout=10) is True
    assert ok.close(timeout=10) is True  # idempotent
    # Left pending in the spool: not lost (no warning), but not delivered either.
    kept = make_batcher(spool_dir=spool, flush_interval=600)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        leave_in_spool(server, kept, events(2, start=3))
    assert caught == [] and kept.stats.pending == 2
    assert kept.close(timeout=1) is False


# -- a script that adds events and exits ------------------------------------------------

_SCRIPT = textwrap.dedent(
    """
    import sys

    import speakeasy
    from tests.support.factories import FAST_RETRIES, cli_event
    from speakeasy.models import shared

    client = speakeasy.Speakeasy(
        security=shared.Security(api_key=sys.argv[2]), workspace_id="ws-1", server_url=sys.argv[1]
    )
    batcher = client.events.batcher(retries=FAST_RETRIES, exit_timeout=0.5)
    for i in range(3):
        batcher.add(cli_event(id=f"evt-{i}"))
    # No close(), no logging set up: the interpreter's exit closes it.
    """
)


def _run(url: str, *options: str, env: Optional[Dict[str, str]] = None) -> Any:
    return subprocess.run(
        [sys.executable, *options, "-c", _SCRIPT, url, WRONG_KEY],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env=None if env is None else {**os.environ, **env},
    )


@pytest.mark.parametrize("fault", ["wrong key", "server down"])
def test_a_script_that_exits_is_told_on_stderr_by_default(server: EventsServer, fault: str) -> None:
    url = server.url if fault == "wrong key" else f"http://127.0.0.1:{_refused_port()}"
    done = _run(url)
    assert done.returncode == 0, done.stderr
    assert "EventsNotDeliveredWarning: 3 events were not delivered" in done.stderr, done.stderr
    assert done.stderr.count("EventsNotDeliveredWarning") == 1
    assert ("401" if fault == "wrong key" else "ConnectError") in done.stderr
    assert WRONG_KEY not in done.stderr and "evt-" not in done.stderr


# Python reads -W before site-packages are importable: it prints "Invalid -W option
# ignored" for any third-party category; the SDK applies the option itself.
_PYTHON_STARTUP_NOTE = "Invalid -W option ignored: invalid module name: 'speakeasy'\n"


@pytest.mark.parametrize("how", ["-W", "PYTHONWARNINGS"])
def test_the_warning_is_silenced_the_usual_way(server: EventsServer, how: str) -> None:
    option = "ignore::speakeasy.EventsNotDeliveredWarning"
    if how == "-W":
        done = _run(server.url, "-W", option)
    else:
        done = _run(server.url, env={"PYTHONWARNINGS": option})
    assert done.returncode == 0, done.stderr
    assert done.stderr.replace(_PYTHON_STARTUP_NOTE, "") == ""


def test_error_on_the_command_line_is_honoured_in_the_closing_thread(server: EventsServer) -> None:
    """-W error::<category>: the exit reports it (never silently dropped), exit status unchanged."""
    done = _run(server.url, "-W", "error::speakeasy.EventsNotDeliveredWarning")
    assert "EventsNotDeliveredWarning: 3 events were not delivered" in done.stderr
