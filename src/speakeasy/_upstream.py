"""What code written for upstream's 6.x/7.x passes or touches, answered this SDK's way.

Upstream's 6.x and 7.x (httpx and pydantic; import package ``speakeasy_client_sdk_python``)
have a client with many API groups, take httpx clients, and use an ``UNSET`` sentinel for
"not given". This SDK serves the Events group only and sends with requests and aiohttp, so:

- another group (``s.artifacts``, ``s.apis``, ...) is an ``AttributeError`` naming the
  Events-only scope, not a bare missing attribute;
- an httpx client passed as ``client=``/``async_client=`` is a ``FieldTypeError`` saying
  what to pass instead;
- ``UNSET`` is accepted where 7.x's signatures default to it, meaning "not given".

Standard library only: the client imports it, and so does ``speakeasy_client_sdk_python.types``.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, Optional, TypeVar, Union

#: The API groups of upstream's ``Speakeasy`` besides ``events``: 5.9.15, 6.3.0 and 7.0.0rc2
#: (read from each release's ``sdk.py``).
OTHER_GROUPS: FrozenSet[str] = frozenset(
    {
        "api_endpoints",
        "apis",
        "artifacts",
        "auth",
        "code_samples",
        "embeds",
        "github",
        "metadata",
        "organizations",
        "reports",
        "requests",
        "schemas",
        "short_ur_ls",
        "short_urls",
        "subscriptions",
        "suggest",
        "workspaces",
    }
)

_MIGRATING = "docs/migrating-from-6x-7x.md"


def out_of_scope(owner: object, name: str) -> AttributeError:
    """The error for ``owner.name``: an upstream API group, or a plain missing attribute."""
    kind = type(owner).__name__
    if name in OTHER_GROUPS:
        return AttributeError(
            f"{kind!r} object has no attribute {name!r}: this SDK covers the Speakeasy "
            f"Events API only (s.events); upstream's {name!r} API group is out of its "
            f"scope (see {_MIGRATING})"
        )
    return AttributeError(f"{kind!r} object has no attribute {name!r}")


#: ``client=``/``async_client=``: what this SDK takes there, and how to get it.
_INSTEAD: Dict[str, str] = {
    "client": ("pass a requests.Session (set shared headers on session.headers), or leave it out"),
    "async_client": (
        "pass an aiohttp.ClientSession (the [async] extra: "
        'pip install "speakeasy-client-sdk-python[async]"), or leave it out'
    ),
}


def reject_httpx_client(client: object, field: str) -> None:
    """``FieldTypeError`` for an httpx client, or an object shaped like 6.x/7.x's ``HttpClient``.

    Upstream's ``HttpClient``/``AsyncHttpClient`` protocols are httpx's ``send`` plus
    ``build_request``; their README wraps an ``httpx.AsyncClient`` in such a class.
    """
    cls = type(client)
    from_httpx = any(c.__module__.partition(".")[0] == "httpx" for c in cls.__mro__)
    if not from_httpx and not (hasattr(client, "build_request") and hasattr(client, "send")):
        return
    from speakeasy.models.errors import FieldTypeError

    raise FieldTypeError(
        field,
        f"got {cls.__module__}.{cls.__qualname__}, an httpx-style client (what upstream 6.x/7.x "
        f"take); this SDK sends with requests and aiohttp, not httpx: {_INSTEAD[field]}",
    )


class Unset:
    """7.x's "not given" sentinel: ``UNSET`` where a default stands for "the client's choice"."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    def __reduce__(self) -> str:  # unpickles as the one ``UNSET``
        return "UNSET"


UNSET = Unset()
#: 7.x's name for the sentinel's serialised form (``"~?~unset~?~sentinel~?~"``).
UNSET_SENTINEL = "~?~unset~?~sentinel~?~"

_T = TypeVar("_T")
#: 7.x's typing aliases: ``Nullable[T]`` may be None; ``OptionalNullable[T]`` may also be ``UNSET``.
Nullable = Union[_T, None]
OptionalNullable = Union[Optional[Nullable[_T]], Unset]
