"""The one SDK exception of the sync edge: it is also a ``requests`` exception.

Kept apart so that ``speakeasy.models.errors`` imports requests only when this
name is asked for (the async edge and the core never need it).
"""

from __future__ import annotations

import requests


class BrokenResponseError(requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
    """The connection broke while the response body was read.

    requests raises ``ChunkedEncodingError`` there, which is not a
    ``ConnectionError``; this is both, so ``except requests.ConnectionError``
    catches a reset before and during the response alike.
    """


BrokenResponseError.__module__ = "speakeasy.models.errors"
