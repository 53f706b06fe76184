"""Secrets out of every text the SDK shows: error messages, bodies, headers, log lines.

A ``Redactor`` is built from the credential headers an attempt actually sent.
It replaces each secret, in every spelling JSON may give it (literal, ``\\/``,
``\\u002b``), by ``***``.

Short secrets (under ``WHOLE_TOKEN_BELOW`` characters, such as the ``k`` people
use against the local server) are replaced only where they stand as a whole
token, between characters that cannot be part of a key: redacting every ``k``
would garble ``/v1/workspace/`` into ``/v1/wor***space/`` and hide what the
user needs to read, while a whole-token echo of the key is still hidden.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, Mapping, Tuple

#: Request headers whose values are secrets.
SECRET_HEADERS = ("x-api-key", "authorization", "x-workspace-identifier")
#: Secrets shorter than this are redacted only as whole tokens.
WHOLE_TOKEN_BELOW = 8
#: What a secret is replaced by.
MASK = "***"

# Characters that may be part of a key: a short key is only redacted where the
# text around it holds none of them (letters, digits, and the usual key punctuation).
_TOKEN_CHARS = r"A-Za-z0-9_\-"


class Redactor:
    """Replaces the given secrets in text; ``Redactor(())`` leaves text alone."""

    __slots__ = ("_patterns",)

    def __init__(self, secrets: Iterable[str]) -> None:
        self._patterns: Tuple[re.Pattern[str], ...] = tuple(
            _pattern(s) for s in sorted(set(secrets), key=len, reverse=True) if s
        )

    @classmethod
    def from_headers(cls, headers: Mapping[str, object]) -> Redactor:
        """The secrets of a request's headers (bearer tokens without ``Bearer``)."""
        secrets = []
        for name, value in headers.items():
            if name.lower() not in SECRET_HEADERS:
                continue
            if isinstance(value, bytes):
                value = value.decode("latin-1")
            if not isinstance(value, str) or not value:
                continue
            secrets.append(value)
            if value[:7].lower() == "bearer ":
                secrets.append(value[7:])
        return cls(secrets)

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def __call__(self, text: str) -> str:
        for pattern in self._patterns:
            text = pattern.sub(MASK, text)
        return text

    def __repr__(self) -> str:  # never the secrets
        return f"Redactor({len(self._patterns)} secret(s))"


NO_SECRETS = Redactor(())


@functools.lru_cache(maxsize=32)
def _pattern(secret: str) -> re.Pattern[str]:
    """Every way JSON text can spell ``secret``: each character literal or escaped."""
    parts = []
    for char in secret:
        hex4 = "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in f"{ord(char):04x}")
        options = [re.escape(char), r"\\u" + hex4]
        if char in _JSON_SHORT_ESCAPES:
            options.append(re.escape(_JSON_SHORT_ESCAPES[char]))
        parts.append("(?:" + "|".join(options) + ")")
    body = "".join(parts)
    if len(secret) < WHOLE_TOKEN_BELOW:
        body = f"(?<![{_TOKEN_CHARS}]){body}(?![{_TOKEN_CHARS}])"
    return re.compile(body)


_JSON_SHORT_ESCAPES = {
    "/": "\\/",
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
