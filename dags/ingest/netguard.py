"""Refuse connections to private, loopback, link-local and other non-public addresses.

The check runs inside the HTTP client's connection step, on the addresses the host name
resolves to, and the socket then connects to an address that passed: every request and every
redirect hop is checked, and a DNS answer cannot change between check and connect.
A source marked `local: true` may reach non-public addresses, but only its own origin
(scheme-less host and port of its URL), so a local feed cannot steer us to other internal hosts.
"""

from __future__ import annotations

import contextvars
import ipaddress
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddressError(Exception):
    """A request would have connected to an address the policy forbids; nothing was sent."""

    def __init__(self, host: str, port: int, address: str, why: str) -> None:
        super().__init__(
            f"refused to connect to {host}:{port} ({address} is {why}); mark the source `local: true` "
            "in the sources config if it really lives on a private network"
        )
        self.host = host
        self.port = port
        self.address = address
        self.why = why


def non_public_reason(ip: IPAddress) -> str | None:
    """Why an address must not be contacted, or None if it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
    )
    for name, hit in checks:
        if hit:
            return name
    # Shared address space (100.64/10), documentation and benchmarking ranges are not global either.
    return None if ip.is_global else "not globally routable"


def _norm_host(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


def origin_of(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return _norm_host(parts.hostname or ""), port


@dataclass(frozen=True)
class AddressPolicy:
    """Which non-public origins a client may reach: none, except the listed (host, port) pairs."""

    allowed_private_origins: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    @classmethod
    def for_source(cls, url: str, local: bool) -> AddressPolicy:
        return cls(frozenset({origin_of(url)}) if local else frozenset())

    def resolve_and_check(self, host: str, port: int) -> list[str]:
        """Resolve `host` and return its addresses; raise BlockedAddressError if any is forbidden.

        Every address is checked, not just the first: a name resolving to one public and one
        private address is refused, since the connection could land on either.
        """
        try:
            infos = socket.getaddrinfo(_norm_host(host), port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if (_norm_host(host), port) in self.allowed_private_origins:
            return addresses
        for address in addresses:
            why = non_public_reason(ipaddress.ip_address(address.split("%", 1)[0]))
            if why:
                raise BlockedAddressError(host, port, address, why)
        return addresses


# Monotonic time by which the current request must be complete (connect, headers and body),
# set by the Fetcher around each attempt; every socket operation waits at most until then.
DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("ingest_deadline", default=None)


class DeadlineExceeded(httpcore.ReadTimeout):
    """The request's total deadline passed while connecting, sending or receiving."""


def _bounded(timeout: float | None) -> float | None:
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise DeadlineExceeded("total deadline exceeded")
    return remaining if timeout is None else min(timeout, remaining)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write also stops at the request's total deadline,
    so a server that trickles its headers a byte at a time cannot hold a fetch open."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, _bounded(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore network backend that checks the policy, then connects to a checked address
    (each socket operation bounded by the request's DEADLINE)."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.policy.resolve_and_check(host, port)
        last_error: Exception | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(address, port, _bounded(timeout), local_address, socket_options)
                return DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error


class GuardedTransport(httpx.HTTPTransport):
    """httpx transport whose connection pool uses GuardedBackend.

    httpx does not expose the network backend, so the pool is rebuilt with it; environment
    proxies are ignored on purpose, since a proxy would connect on our behalf unchecked.
    """

    def __init__(self, policy: AddressPolicy, limits: httpx.Limits | None = None) -> None:
        limits = limits or httpx.Limits(max_connections=4, max_keepalive_connections=2)
        super().__init__(trust_env=False, limits=limits)
        ssl_context = httpx.create_ssl_context(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )
