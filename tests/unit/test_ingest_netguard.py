import ipaddress
import socket
import threading

import httpx
import pytest

from dags.ingest.netguard import AddressPolicy, BlockedAddressError, GuardedTransport, non_public_reason, origin_of


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("0.0.0.0", "private"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "not globally routable"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
    ],
)
def test_non_public_addresses(address: str, reason: str) -> None:
    assert non_public_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses(address: str) -> None:
    assert non_public_reason(ipaddress.ip_address(address)) is None


def test_policy_blocks_loopback_names_and_literals() -> None:
    policy = AddressPolicy()
    for host in ("127.0.0.1", "localhost", "10.0.0.1", "169.254.169.254"):
        with pytest.raises(BlockedAddressError, match="local: true"):
            policy.resolve_and_check(host, 80)


def test_local_source_may_reach_only_its_own_origin() -> None:
    policy = AddressPolicy.for_source("http://127.0.0.1:8765/feed.xml", local=True)
    assert policy.resolve_and_check("127.0.0.1", 8765) == ["127.0.0.1"]
    with pytest.raises(BlockedAddressError):
        policy.resolve_and_check("127.0.0.1", 8766)
    with pytest.raises(BlockedAddressError):
        policy.resolve_and_check("10.0.0.1", 80)
    assert origin_of("https://Example.com/a") == ("example.com", 443)


def test_refused_before_any_connection() -> None:
    """The client raises without the listening socket ever seeing a connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    accepted: list[object] = []

    def accept() -> None:
        try:
            accepted.append(listener.accept())
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    with httpx.Client(transport=GuardedTransport(AddressPolicy())) as client:
        with pytest.raises(BlockedAddressError):
            client.get(f"http://127.0.0.1:{port}/")
    thread.join()
    listener.close()
    assert accepted == []
