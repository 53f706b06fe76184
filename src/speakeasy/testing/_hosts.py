"""Which ``Host`` a server bound to loopback answers to: its defence against DNS rebinding.

A web page at ``http://evil.example:8080/`` whose name the attacker re-points at 127.0.0.1
is same-origin with the local server, so its scripts could read and post events. Browsers
always send the name they connected to as ``Host``; a server bound to loopback therefore
answers only to a loopback name or address, and refuses every other ``Host`` on the request
head alone, before a body is read (docs/testing.md, "Who it answers").

Accepted, with any port or none, in any case, with one trailing dot: ``localhost`` and
``*.localhost`` (reserved by RFC 6761: no one can point them elsewhere), an IPv4 address
in ``127.0.0.0/8`` written as four decimal numbers, and ``[::1]`` in any IPv6 spelling (an
IPv4-mapped loopback too). Everything else is refused with 421, ``0.0.0.0`` included (some
browsers reach loopback through it). A missing ``Host`` is refused with 400 on HTTP/1.1,
which requires one, and accepted on HTTP/1.0 (no browser sends that). More than one
``Host``, or one that is not ``host[:port]``, is 400.
"""

from __future__ import annotations

import ipaddress
import re
from typing import List, Optional, Tuple

#: ``[v6]`` or a name/IPv4, then an optional ``:port`` (RFC 9110 §7.2, RFC 3986 §3.2.2).
_HOST = re.compile(
    r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9._~!$&'()*+,;=%-]+))(?::[0-9]{0,5})?"
)
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
#: ``localhost`` and its subdomains, in any case.
_LOCALHOST = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*localhost", re.IGNORECASE | re.ASCII
)
_SHOWN = 80  # how much of a refused Host the error quotes


def is_loopback_name(host: str) -> bool:
    """Whether ``host`` (a bare name or address, no port, no brackets) is loopback."""
    if _LOCALHOST.fullmatch(host):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 (is_loopback differs across Pythons)
    return address.is_loopback


def host_refusal(values: List[str], version: str, bound: str) -> Optional[Tuple[int, str]]:
    """Why a server bound to the loopback address ``bound`` refuses a request whose ``Host``
    headers are ``values`` (status and message), or None when it answers it."""
    if not values:
        if version == "HTTP/1.0":
            return None
        return 400, "missing Host header (HTTP/1.1 requires one)"
    if len(values) > 1:
        return 400, f"{len(values)} Host headers: a request has exactly one"
    value = values[0].strip(" \t")
    shown = repr(value[:_SHOWN] + ("..." if len(value) > _SHOWN else ""))
    match = _HOST.fullmatch(value)
    if match is None:
        return 400, f"Host {shown} is not host[:port]"
    v6, name = match.group("v6"), match.group("name")
    if v6 is not None:
        loopback = _ipv6_loopback(v6)
    else:
        name = name[:-1] if name.endswith(".") else name  # the absolute form: one dot
        loopback = bool(_LOCALHOST.fullmatch(name)) or _ipv4_loopback(name)
    if loopback:
        return None
    return 421, (
        f"Host {shown} is not a loopback name: this server binds {bound} and answers only "
        "to localhost, 127.0.0.1 or [::1] (any port), so that a web page elsewhere cannot "
        "reach it through DNS rebinding; to serve other names, bind another address (--host)"
    )


def _ipv6_loopback(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return is_loopback_name(text)


def _ipv4_loopback(name: str) -> bool:
    # Only four decimal numbers: 127.1, 0x7f.0.0.1 or 2130706433 are not what a browser
    # sends (it rewrites them to 127.0.0.1), and resolvers disagree on what they mean.
    return _IPV4.fullmatch(name) is not None and is_loopback_name(name)
