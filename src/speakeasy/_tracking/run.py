"""``Run``: the context manager (and decorator) behind ``events.track()``.

Entering stamps the start and fills the event from facts gathered once per process
and environment (CI, GitHub, git, host, command line); leaving stamps the end, decides
``success`` and ``error``, and hands the event to a batcher: the client's own tracking
batcher unless the caller gave one. The user's block never waits on the network.
"""

from __future__ import annotations

import functools
import inspect
import os
import socket
import sys
import threading
import time
import weakref
from datetime import datetime, timezone
from typing import (
    Any,
    Callable,
    Dict,
    Mapping,
    Optional,
    Protocol,
    Tuple,
    TypedDict,
    TypeVar,
    Union,
    cast,
)

import speakeasy
from speakeasy import _version
from speakeasy._tracking import environment, git, ids
from speakeasy.models import shared
from speakeasy.models.errors import FieldTypeError, ValidationError


class Source(Protocol):
    """What ``track`` needs of the client's ``events``."""

    def batcher(
        self, *, on_full: Any = ..., exit_timeout: float = ...
    ) -> speakeasy.EventBatcher: ...


class TrackOptions(TypedDict, total=False):
    """The keyword options of ``events.track`` and ``events.tracked`` (docs/tracking.md)."""

    version: Optional[str]
    api_key_name: Optional[str]
    git_user: bool
    batcher: Optional[speakeasy.EventBatcher]


_F = TypeVar("_F", bound=Callable[..., Any])

#: How long interpreter exit, and ``close()`` of the client, wait for tracked events.
EXIT_TIMEOUT = 5.0
#: How much of an exception's text ``error`` keeps.
MAX_ERROR_CHARS = 2000
VERSION_VARIABLES = ("SPEAKEASY_VERSION", "GH_ACTION_VERSION")
KEY_NAME_VARIABLE = "SPEAKEASY_API_KEY_NAME"

_lock = threading.Lock()
_facts_cache: Dict[Tuple[Any, ...], Dict[str, Any]] = {}
_batchers: weakref.WeakKeyDictionary[Any, speakeasy.EventBatcher] = weakref.WeakKeyDictionary()


def _command_line() -> list[str]:
    argv = list(getattr(sys, "orig_argv", None) or [sys.executable, *sys.argv])
    return argv


#: The variables the facts depend on: a change of any gathers them again.
_FACT_VARIABLES = tuple(
    sorted(
        {v for v, _, _ in environment.CI_ENVIRONMENTS}
        | {
            "GITHUB_REPOSITORY",
            "GITHUB_REPOSITORY_OWNER",
            "GITHUB_SERVER_URL",
            "GITHUB_RUN_ID",
            "GITHUB_RUN_ATTEMPT",
            "GITHUB_REF",
            "GH_ACTION_VERSION",
            "SPEAKEASY_API_KEY",
        }
    )
)


def facts(git_user: bool = False) -> Dict[str, Any]:
    """The event fields the environment gives, gathered once per (cwd, variables)."""
    env = os.environ
    cwd = os.getcwd()
    argv = _command_line()
    key = (cwd, git_user, tuple(argv), *(env.get(v) for v in _FACT_VARIABLES))
    found = _facts_cache.get(key)
    if found is None:
        found = gather(env, cwd, argv, git_user)
        with _lock:
            if len(_facts_cache) > 64:
                _facts_cache.clear()
            _facts_cache[key] = found
    return found


def gather(
    env: Mapping[str, str], cwd: str, argv: list[str], git_user: bool = False
) -> Dict[str, Any]:
    """The environment's fields, uncached (tests call this with their own values)."""
    fields: Dict[str, Any] = dict(git.git_facts(cwd, git_user)._asdict())
    fields["hostname"] = socket.gethostname() or None
    fields["continuous_integration_environment"] = environment.ci_environment(env)
    fields.update(environment.github_fields(env))
    fields["raw_command"] = environment.masked_command(argv, _env_redactor(env))
    return {k: v for k, v in fields.items() if v is not None}


def _env_redactor(env: Mapping[str, str]) -> Optional[Callable[[str], str]]:
    key = env.get("SPEAKEASY_API_KEY", "")
    if not key:
        return None
    from speakeasy._redact import Redactor

    return Redactor([key])


class Run:
    """One tracked run: ``event`` is the ``CliEvent`` being filled (set what you know);
    ``step(name)`` records the last step reached. Use it with ``with`` or ``async with``."""

    __slots__ = ("_auth_headers", "_batcher", "_source", "_start", "event", "recorded")

    def __init__(
        self,
        event: shared.CliEvent,
        source: Optional[Source],
        batcher: Optional[speakeasy.EventBatcher],
        auth_headers: Callable[[], Mapping[str, str]],
    ) -> None:
        #: The event; ``success`` stays ``None`` until the block ends, unless you set it.
        self.event = event
        #: True once the event was handed to a batcher (False while running, or when off).
        self.recorded = False
        self._source = source
        self._batcher = batcher
        self._auth_headers = auth_headers
        self._start = 0.0

    def step(self, name: str) -> None:
        """Record that the run reached ``name`` (the event's ``last_step``)."""
        self.event.last_step = name

    def __enter__(self) -> Run:
        now = datetime.now(timezone.utc)
        self.event.created_at = self.event.local_started_at = now
        self._start = time.perf_counter()
        return self

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> None:
        self.finish(exc)

    async def __aenter__(self) -> Run:
        return self.__enter__()

    async def __aexit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> None:
        self.finish(exc)

    def finish(self, exc: Optional[BaseException] = None, error: Optional[str] = None) -> None:
        """Stamp the end, decide ``success`` and ``error``, and hand the event over
        (what leaving the block does; ``error`` is a reason for a run without exception)."""
        event = self.event
        elapsed = time.perf_counter() - self._start
        event.local_completed_at = datetime.now(timezone.utc)
        event.duration_ms = int(elapsed * 1000)
        if isinstance(exc, SystemExit) and exc.code in (None, 0):
            exc = None  # sys.exit(0) inside the block is a normal end
        failed = exc is not None or error is not None
        if event.success is None:
            event.success = not failed
        if event.error is None and failed:
            text = error if exc is None else f"{type(exc).__name__}: {exc}"
            event.error = self.mask(str(text))[:MAX_ERROR_CHARS]
        if self._source is None and self._batcher is None:
            return  # tracking is off: the block ran, nothing is sent
        batcher = self._batcher or client_batcher(self._source)
        try:
            self.recorded = batcher.add(event)
        except (ValidationError, FieldTypeError):
            raise
        except Exception:  # a closed batcher, a full spool disk: telemetry never breaks a run
            import logging

            logging.getLogger("speakeasy.tracking").warning(
                "tracked event not queued", exc_info=True
            )

    def mask(self, text: str) -> str:
        """``text`` without the client's key, ``SPEAKEASY_API_KEY``, URL userinfo and
        bearer tokens (what ``error`` goes through)."""
        return environment.mask_text(text, self._redactor())

    def _redactor(self) -> Callable[[str], str]:
        return _client_redactor(self._auth_headers)

    def __repr__(self) -> str:
        return f"Run({self.event.interaction_type!s}, id={self.event.id!r})"


def client_batcher(source: Any) -> speakeasy.EventBatcher:
    """The batcher of a client's tracked events: made on first use, dropping events
    (never blocking the run) when its queue is full, waiting ``EXIT_TIMEOUT`` at exit."""
    with _lock:
        batcher = _batchers.get(source)
        if batcher is None or batcher.closed:
            batcher = source.batcher(on_full="drop", exit_timeout=EXIT_TIMEOUT)
            _batchers[source] = batcher
    return batcher


def close_client_batcher(source: Any) -> None:
    """Deliver a client's tracked events (at most ``EXIT_TIMEOUT``) before it closes."""
    batcher = _batchers.pop(source, None)
    if batcher is not None:
        batcher.close(EXIT_TIMEOUT)


async def aclose_client_batcher(source: Any) -> None:
    """``close_client_batcher`` for ``aclose()``: the event loop keeps running meanwhile."""
    batcher = _batchers.pop(source, None)
    if batcher is not None:
        await batcher.aclose(EXIT_TIMEOUT)


def _client_redactor(auth_headers: Callable[[], Mapping[str, str]]) -> Callable[[str], str]:
    """The client's key (as its next request would send it) and ``SPEAKEASY_API_KEY``."""
    from speakeasy._redact import Redactor

    secrets = [v for v in (os.environ.get("SPEAKEASY_API_KEY"),) if v]
    try:
        headers = auth_headers()
    except Exception:  # a security callable that fails now: mask what we know
        headers = {}
    return _Both(Redactor.from_headers(headers), Redactor(secrets))


class _Both:
    """Two redactors in turn."""

    __slots__ = ("_first", "_second")

    def __init__(self, first: Callable[[str], str], second: Callable[[str], str]) -> None:
        self._first, self._second = first, second

    def __call__(self, text: str) -> str:
        return self._second(self._first(text))


def start(
    source: Source,
    interaction_type: Union[shared.InteractionType, str],
    options: TrackOptions,
    workspace_id: Optional[str],
    auth_headers: Callable[[], Mapping[str, str]],
) -> Run:
    """A ``Run`` for ``events.track`` (checks its options before the block runs)."""
    unknown = set(options) - {"version", "api_key_name", "git_user", "batcher"}
    if unknown:
        raise ValidationError(sorted(unknown)[0], "is not an option of track()")
    env = os.environ
    if not isinstance(interaction_type, str) or not interaction_type:
        raise FieldTypeError("interaction_type", "expected an InteractionType or a non-empty str")
    version = options.get("version") or _first(env, VERSION_VARIABLES) or _version.__version__
    key_name = options.get("api_key_name") or env.get(KEY_NAME_VARIABLE) or "default"
    batcher = options.get("batcher")
    off = environment.tracking_off(env)
    if workspace_id is None and not off:
        raise ValidationError(
            "workspace_id",
            "is required to track: set it on the client (Speakeasy(workspace_id=...))",
        )
    fields = facts(bool(options.get("git_user", False)))
    if "raw_command" in fields:  # the facts are the process's; the key is this client's
        fields = {**fields, "raw_command": _client_redactor(auth_headers)(fields["raw_command"])}
    event = shared.CliEvent(
        created_at=_EPOCH,
        execution_id=ids.execution_id(env),
        id=ids.uuid7(),
        interaction_type=interaction_type,
        local_started_at=_EPOCH,
        speakeasy_api_key_name=key_name,
        speakeasy_version=version,
        success=cast(bool, None),
        workspace_id=workspace_id or "",
        **fields,
    )
    if off:
        return Run(event, None, None, auth_headers)
    return Run(event, source, batcher, auth_headers)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _first(env: Mapping[str, str], names: Tuple[str, ...]) -> Optional[str]:
    return next((env[n] for n in names if env.get(n)), None)


def tracked(make: Callable[[], Run]) -> Callable[[_F], _F]:
    """A decorator running each call of a function (sync or async) in a new ``Run``."""

    def decorate(func: _F) -> _F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                async with make():
                    return await func(*args, **kwargs)

            return cast(_F, run_async)

        @functools.wraps(func)
        def run_sync(*args: Any, **kwargs: Any) -> Any:
            with make():
                return func(*args, **kwargs)

        return cast(_F, run_sync)

    return decorate
