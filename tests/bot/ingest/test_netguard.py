import ipaddress

import pytest

from bot.ingest.netguard import AddressPolicy, address_problem


@pytest.mark.parametrize(
    ("address", "label"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("::ffff:127.0.0.1", "loopback"),
        ("fc00::1", "private"),
    ],
)
def test_non_public_addresses_are_refused(address, label):
    problem = address_problem(ipaddress.ip_address(address))
    assert problem is not None and problem.startswith(label)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::1111", "1.1.1.1"])
def test_public_addresses_pass(address):
    assert address_problem(ipaddress.ip_address(address)) is None


def test_policy_exemptions_are_exact_origins():
    policy = AddressPolicy(exempt=frozenset({"127.0.0.1:8080"}))
    loopback = [ipaddress.ip_address("127.0.0.1")]
    assert policy.refusal("127.0.0.1", 8080, loopback) is None
    assert policy.refusal("127.0.0.1", 8081, loopback) is not None
    assert AddressPolicy(allow_private=True).refusal("127.0.0.1", 1, loopback) is None


def test_one_bad_address_among_several_is_enough_to_refuse():
    mixed = [ipaddress.ip_address("1.1.1.1"), ipaddress.ip_address("10.0.0.1")]
    assert AddressPolicy().refusal("rebind.example", 80, mixed) is not None


@pytest.mark.parametrize(
    "address",
    ["2002:a9fe:a9fe::", "2002:7f00:1::", "fec0::1", "2001:0:4136:e378:8000:63bf:80ff:fffe"],
)
def test_ipv4_inside_ipv6_and_site_local_are_refused(address):
    # 6to4 of 169.254.169.254 and 127.0.0.1, site-local, Teredo of 127.0.0.1
    assert address_problem(ipaddress.ip_address(address)) is not None
