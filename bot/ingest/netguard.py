"""Server-side request forgery guard: which addresses trendbot may connect to.

Feed URLs come from admins and article links from strangers, so a link to
``http://169.254.169.254/`` or ``http://localhost:6379/`` must never be fetched.
The check sits in the network backend underneath httpx, where the TCP
connection is opened: every hop of every redirect chain, every article link and
every retry passes through it, the host is resolved once, each resolved address
is checked, and the connection goes to the checked address itself (so a DNS
answer that changes between check and connect cannot slip through).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(Exception):
    """A connection was refused by the guard before it was made."""


def address_problem(address: IPAddress) -> str | None:
    """Why connecting to this address is refused, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.is_site_local:
            return f"site-local address {address}"
        # an IPv4 address carried inside IPv6 (mapped, 6to4, Teredo) is judged as itself
        embedded = (
            address.ipv4_mapped
            or address.sixtofour
            or (address.teredo[1] if address.teredo else None)
        )
        if embedded is not None:
            problem = address_problem(embedded)
            return f"{problem} (inside {address})" if problem else None
    for label, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    ):
        if flag:
            return f"{label} address {address}"
    if not address.is_global:
        return f"non-public address {address}"
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """What may be connected to: public addresses, plus private ones when allowed.

    ``exempt`` lists ``host:port`` origins that are trusted even though private
    (an intranet feed, or a test server), without opening every private address.
    """

    allow_private: bool = False
    exempt: frozenset[str] = field(default_factory=frozenset)

    def refusal(self, host: str, port: int, addresses: Iterable[IPAddress]) -> str | None:
        if self.allow_private or f"{host}:{port}".lower() in self.exempt:
            return None
        for address in addresses:
            problem = address_problem(address)
            if problem:
                return f"refused to connect to {host}: {problem} (http.allow_private is false)"
        return None


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to, literal IPs included, in resolver order."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if address not in seen:
            seen.append(address)
    return seen


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that checks each address before connecting to it."""

    def __init__(self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None):
        self.policy = policy
        self.inner = inner or httpcore.AnyIOBackend()
        # the most recent addresses actually connected to (bounded: the process runs for months)
        self.connections: deque[tuple[str, int]] = deque(maxlen=256)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await resolve(host, port)
        except (OSError, UnicodeError, ValueError) as exc:  # bad names fail here, not later
            reason = getattr(exc, "strerror", None) or exc
            raise httpcore.ConnectError(f"cannot resolve host {host[:100]}: {reason}") from None
        refusal = self.policy.refusal(host, port, addresses)
        if refusal:
            raise BlockedAddress(refusal)
        last_error: Exception | None = None
        for address in addresses:
            try:
                stream = await self.inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
                continue
            self.connections.append((str(address), port))
            return stream
        raise last_error or httpcore.ConnectError(f"no address for {host}")

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are never used for fetching")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
