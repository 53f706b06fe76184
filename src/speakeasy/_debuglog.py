"""``Speakeasy(debug_logger=...)``: 7.x's per-client debug logger, with the key redacted.

Upstream 7.x calls ``debug_logger.debug(...)`` for every attempt with these messages (its
``basesdk.py``), and so does this SDK, through the client's hooks:

- ``"Request:\\nMethod: %s\\nURL: %s\\nHeaders: %s\\nBody: %s"``
- ``"Response:\\nStatus Code: %s\\nURL: %s\\nHeaders: %s\\nBody: %s"`` (2xx and error answers)
- ``"Request Exception"`` with ``exc_info`` (a network failure of an attempt)

Unlike 7.x, which logs the headers as sent, the credential headers (``x-api-key``,
``Authorization``, ``x-workspace-identifier``) show as ``***``, and a key echoed in a URL or
a body is replaced by ``***`` too. Bodies are logged as text (request bodies are the events
posted: the caller asked for them by passing a logger).
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any, Deque, Dict, Mapping, Optional

from speakeasy._hooks import Hooks
from speakeasy._redact import MASK, SECRET_HEADERS, Redactor
from speakeasy.models.errors import FieldTypeError

#: Keys remembered for redacting answers (a rotating key's recent values).
_REMEMBERED = 8


def attach(hooks: Hooks, logger: object) -> None:
    """Register the hooks that feed ``logger``, after checking it has ``debug``."""
    if not callable(getattr(logger, "debug", None)):
        raise FieldTypeError(
            "debug_logger",
            f"expected a logging.Logger (an object with .debug()), got {type(logger).__name__}",
        )
    log = _DebugLog(logger)
    hooks.before_request(log.request)
    hooks.after_success(log.response)
    hooks.after_error(log.failure)


class _DebugLog:
    __slots__ = ("_lock", "_logger", "_redact", "_secrets")

    def __init__(self, logger: Any) -> None:
        self._logger = logger
        self._lock = threading.Lock()
        self._secrets: Deque[str] = deque(maxlen=_REMEMBERED)
        self._redact = Redactor(())

    def request(self, request: Any) -> None:
        headers: Mapping[str, Any] = request.headers
        self._remember(headers)
        redact = self._redact
        self._logger.debug(
            "Request:\nMethod: %s\nURL: %s\nHeaders: %s\nBody: %s",
            request.method,
            redact(str(request.url)),
            _masked(headers),
            redact(_text(request.body)),
        )

    def response(self, response: Any) -> None:
        redact = self._redact
        self._logger.debug(
            "Response:\nStatus Code: %s\nURL: %s\nHeaders: %s\nBody: %s",
            response.status_code,
            redact(str(response.url)),
            _masked(response.headers),
            redact(_text(response.content)),
        )

    def failure(self, outcome: Any) -> None:
        if isinstance(outcome, BaseException):
            self._logger.debug("Request Exception", exc_info=outcome)
        else:
            self.response(outcome)

    def _remember(self, headers: Mapping[str, Any]) -> None:
        secrets = []
        for name, value in headers.items():
            if name.lower() in SECRET_HEADERS and isinstance(value, str) and value:
                secrets.append(value)
        if not secrets or all(s in self._secrets for s in secrets):
            return
        with self._lock:
            self._secrets.extend(s for s in secrets if s not in self._secrets)
            self._redact = _redactor(self._secrets)


def _redactor(secrets: Deque[str]) -> Redactor:
    # As ``Redactor.from_headers``: a bearer token is redacted with and without ``Bearer ``.
    values = list(secrets)
    values += [s[7:] for s in values if s[:7].lower() == "bearer "]
    return Redactor(values)


def _masked(headers: Mapping[str, Any]) -> Dict[str, Any]:
    return {
        name: MASK if name.lower() in SECRET_HEADERS else value for name, value in headers.items()
    }


def _text(body: Optional[object]) -> str:
    if body is None:
        return ""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body).decode("utf-8", errors="replace")
    return str(body)
