"""The raw HTTP response as the SDK's public types see it, whichever edge read it.

``HttpResponse`` is what handling code may rely on: a sync call's
``requests.Response`` has all of it, and so has ``DetachedResponse``, the
read-only response of async calls (and of errors once pickled). A leaf module:
it imports nothing of the SDK.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator, Mapping, Optional, Protocol


class HttpResponse(Protocol):
    """What every ``raw_response`` offers, on both edges: a sync call's
    ``requests.Response`` and an async call's ``DetachedResponse`` alike."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def content(self) -> bytes: ...
    @property
    def text(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def ok(self) -> bool:
        """True for a status below 400."""

    @property
    def reason(self) -> str:
        """The status line's reason phrase (``"Not Found"``); may be empty."""

    @property
    def encoding(self) -> Optional[str]:
        """The body's declared charset, or None."""

    def json(self, **kwargs: Any) -> Any: ...


class DetachedResponse:
    """A read-only HTTP response: status, headers, body and URL, already read.

    The async edge answers with it (``raw_response`` of async calls and their
    errors), and an error carries one once pickled. It offers what handling code
    reads on a ``requests.Response``: ``status_code``, ``headers`` (case-insensitive),
    ``content``, ``text``, ``json()``, ``url``, ``encoding``, ``reason`` and ``ok``.
    """

    __slots__ = ("_content", "_encoding", "headers", "reason", "status_code", "url")

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str],
        content: bytes,
        url: str,
        reason: str = "",
        encoding: Optional[str] = None,
    ) -> None:
        self.status_code = status_code
        self.headers: Mapping[str, str] = CaseInsensitiveHeaders(headers)
        self._content = content
        self.url = url
        self.reason = reason
        self._encoding = encoding

    @property
    def content(self) -> bytes:
        return self._content

    @property
    def encoding(self) -> Optional[str]:
        return self._encoding or charset_of(self.headers.get("content-type", ""))

    @property
    def text(self) -> str:
        return text_of(self)

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    def json(self, **kwargs: Any) -> Any:
        return json.loads(self._content, **kwargs)

    def __repr__(self) -> str:
        return f"<DetachedResponse [{self.status_code}]>"

    def __reduce__(self) -> Any:
        return (
            DetachedResponse,
            (self.status_code, dict(self.headers), self._content, self.url, self.reason),
        )


class CaseInsensitiveHeaders(Mapping[str, str]):
    """Headers looked up whatever their case; the first spelling seen is kept."""

    __slots__ = ("_map",)

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._map = {k.lower(): (k, v) for k, v in headers.items()}

    def __getitem__(self, name: str) -> str:
        return self._map[name.lower()][1]

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._map.values())

    def __len__(self) -> int:
        return len(self._map)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._map

    def __repr__(self) -> str:
        return repr(dict(self._map.values()))


def charset_of(content_type: str) -> Optional[str]:
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"') or None
    return None


def text_of(response: HttpResponse) -> str:
    """The body as text: the declared charset, else UTF-8 (never a guess over 1 MiB)."""
    content = response.content
    charset = charset_of(response.headers.get("content-type", "")) or "utf-8"
    try:
        return content.decode(charset, "replace")
    except (LookupError, ValueError):  # unknown, or "idna" and co. that refuse "replace"
        return content.decode("utf-8", "replace")


def detach(response: HttpResponse, redact: Callable[[str], str], max_body: int) -> DetachedResponse:
    """A copy of ``response`` that holds no secret: redacted body and headers, no request."""
    text = redact(text_of(response))[:max_body]
    return DetachedResponse(
        response.status_code,
        {name: redact(value) for name, value in response.headers.items()},
        text.encode("utf-8"),
        redact(str(getattr(response, "url", "") or "")),
        redact(str(getattr(response, "reason", "") or "")),
        "utf-8",
    )
