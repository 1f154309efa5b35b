"""Internet sources by address coverage (exposure.md, "Internet sources").

Expected answers follow Microsoft Learn: "Network security groups overview"
(security rules: source prefixes, ranges and service tags; augmented rules),
"Service tags overview" (``Internet`` is the address space outside the virtual
network reachable from the public internet) and "How network security groups
filter network traffic" (first match by priority, per flow).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.analysis.exposure import Exposure, find_exposures
from graph.analysis.nsg import Destination, Source, allowed_ports, compile_nsg, internet_inbound
from graph.analysis.sources import IPV4, IPV6, coverage
from tests.analysis.exposure.estate import Estate, nsg_rule
from tests.analysis.exposure.test_nsg import rule as nsg_test_rule

NIC_IP = "10.0.1.4"


def rule(name: str, priority: int, access: str = "Allow", **props: Any) -> dict[str, Any]:
    """An internet SSH rule (test_nsg's), whatever ``props`` change."""
    return nsg_test_rule(name, priority, access, **{"destinationPortRange": "22", **props})


def open_to(family: int, *rules: dict[str, Any]) -> list[dict[str, str]]:
    nsg = compile_nsg("nsg", list(rules))
    return allowed_ports(nsg, Destination.for_ip(NIC_IP), Source.internet(family)).to_report()


SSH = [{"protocol": "tcp", "ports": "22"}]


@pytest.mark.parametrize(
    "fields",
    [
        {"sourceAddressPrefix": "", "sourceAddressPrefixes": ["0.0.0.0/1", "128.0.0.0/1"]},
        {"sourceAddressPrefix": "0.0.0.0/1", "sourceAddressPrefixes": ["128.0.0.0/1"]},
        {
            "sourceAddressPrefix": "",
            "sourceAddressPrefixes": ["128.0.0.0/1", "0.0.0.0/2", "64.0.0.0/2"],
        },
        # Every public block, leaving out only private and reserved space, is still all of it.
        {
            "sourceAddressPrefix": "",
            "sourceAddressPrefixes": [
                "1.0.0.0/8",
                "2.0.0.0/7",
                "4.0.0.0/6",
                "8.0.0.0/7",
                "11.0.0.0/8",
                "12.0.0.0/6",
                "16.0.0.0/4",
                "32.0.0.0/3",
                "64.0.0.0/3",
                "96.0.0.0/6",
                "100.0.0.0/10",
                "100.128.0.0/9",
                "101.0.0.0/8",
                "102.0.0.0/7",
                "104.0.0.0/5",
                "112.0.0.0/5",
                "120.0.0.0/6",
                "124.0.0.0/7",
                "126.0.0.0/8",
                "128.0.0.0/3",
                "160.0.0.0/5",
                "168.0.0.0/8",
                "169.0.0.0/9",
                "169.128.0.0/10",
                "169.192.0.0/11",
                "169.224.0.0/12",
                "169.240.0.0/13",
                "169.248.0.0/14",
                "169.252.0.0/15",
                "169.255.0.0/16",
                "170.0.0.0/7",
                "172.0.0.0/12",
                "172.32.0.0/11",
                "172.64.0.0/10",
                "172.128.0.0/9",
                "173.0.0.0/8",
                "174.0.0.0/7",
                "176.0.0.0/4",
                "192.0.0.0/9",
                "192.128.0.0/11",
                "192.160.0.0/13",
                "192.169.0.0/16",
                "192.170.0.0/15",
                "192.172.0.0/14",
                "192.176.0.0/12",
                "192.192.0.0/10",
                "193.0.0.0/8",
                "194.0.0.0/7",
                "196.0.0.0/6",
                "200.0.0.0/5",
                "208.0.0.0/4",
            ],
        },
    ],
)
def test_prefixes_whose_union_covers_the_family_admit_the_internet(fields: dict[str, Any]) -> None:
    """Sources are read together, singular and plural ("Augmented security rules" in
    "Network security groups overview"): two /1s are every IPv4 address."""
    assert open_to(IPV4, rule("halves", 100, **fields)) == SSH


def test_letter_case_of_sources_is_ignored() -> None:
    """Service tags are case-insensitive ("Service tags overview")."""
    assert open_to(IPV4, rule("tag", 100, sourceAddressPrefix="INTERNET")) == SSH
    assert open_to(IPV6, rule("v6", 100, sourceAddressPrefix="::/0")) == SSH


def test_ipv6_all_admits_nothing_to_an_ipv4_frontend_and_vice_versa() -> None:
    """A prefix matches only addresses of its own family ("Network security groups
    overview", security rules: IPv4 or IPv6 prefixes)."""
    assert open_to(IPV4, rule("v6", 100, sourceAddressPrefix="::/0")) == []
    assert open_to(IPV6, rule("v4", 100, sourceAddressPrefix="0.0.0.0/0")) == []
    assert open_to(IPV6, rule("both", 100, sourceAddressPrefix="Internet")) == SSH


@pytest.mark.parametrize(
    ("prefixes", "full", "broad"),
    [
        (["0.0.0.0/0"], {IPV4}, set()),
        (["20.0.0.0/8"], set(), {IPV4}),
        (["20.0.0.0/9", "20.128.0.0/9"], set(), {IPV4}),  # a /8's worth in pieces
        (["20.0.0.0/9", "52.0.0.0/9"], set(), {IPV4}),
        (["20.0.0.0/9"], set(), set()),  # less than a /8
        (["10.0.0.0/8", "172.16.0.0/12"], set(), set()),  # private space is not the internet
        (["0.0.0.0/1"], set(), {IPV4}),
        (["2000::/8"], set(), {IPV6}),
        (["2001:db8::/32"], set(), set()),
        (["AzureCloud", "GatewayManager"], set(), set()),
    ],
)
def test_coverage_by_address_count(prefixes: list[str], full: set[int], broad: set[int]) -> None:
    """exposure.md "Internet sources": all of a family, a broad source (a /8's worth of
    public addresses), or a known source; private prefixes and other service tags never
    admit the internet ("Service tags overview")."""
    got = coverage(prefixes)
    assert (set(got.full), set(got.broad)) == (full, broad)


def test_broad_source_exposes_and_is_flagged() -> None:
    """A /8 is not an office: it exposes like the internet, with the note (exposure.md)."""
    nsg = compile_nsg("nsg", [rule("wide", 100, sourceAddressPrefix="20.0.0.0/8")])
    ports, broad = internet_inbound([nsg], Destination.for_ip(NIC_IP), default_open=False)
    assert (ports.to_report(), broad.to_report()) == (SSH, SSH)


def test_internet_allow_is_not_flagged_broad() -> None:
    nsg = compile_nsg(
        "nsg",
        [
            rule("wide", 100, sourceAddressPrefix="20.0.0.0/8"),
            rule("all", 110, sourceAddressPrefix="Internet"),
        ],
    )
    ports, broad = internet_inbound([nsg], Destination.for_ip(NIC_IP), default_open=False)
    assert (ports.to_report(), broad.to_report()) == (SSH, [])


def test_broad_deny_does_not_shadow_an_internet_allow() -> None:
    """A deny matches only its own sources: internet traffic from elsewhere reaches the
    allow ("How network security groups filter network traffic")."""
    assert (
        open_to(
            IPV4,
            rule("deny-wide", 100, "Deny", sourceAddressPrefix="20.0.0.0/8"),
            rule("allow", 200),
        )
        == SSH
    )


def test_deny_from_two_halves_shadows() -> None:
    assert (
        open_to(
            IPV4,
            rule(
                "deny",
                100,
                "Deny",
                sourceAddressPrefix="",
                sourceAddressPrefixes=["0.0.0.0/1", "128.0.0.0/1"],
            ),
            rule("allow", 200),
        )
        == []
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"sourcePortRange": "0-65535"},
        {"sourcePortRange": "", "sourcePortRanges": ["0-1023", "1024-65535"]},
        {"sourcePortRange": "0-30000", "sourcePortRanges": ["30001-65535"]},
        {"sourcePortRange": "Any"},
    ],
)
def test_deny_whose_source_ports_cover_every_port_shadows(fields: dict[str, Any]) -> None:
    """A source port range is 0-65535 or '*' ("Network security groups overview",
    security rules: source port); every spelling of all ports is the same rule."""
    assert open_to(IPV4, rule("deny", 100, "Deny", **fields), rule("allow", 200)) == []


def test_deny_leaving_some_source_ports_does_not_shadow() -> None:
    fields = {"sourcePortRange": "", "sourcePortRanges": ["0-1023", "1025-65535"]}
    assert open_to(IPV4, rule("deny", 100, "Deny", **fields), rule("allow", 200)) == SSH


def ssh_from(source: str) -> tuple[Estate, str, str]:
    """An estate with a VNet and an NSG allowing SSH from ``source``: (estate, VNet, NSG)."""
    estate = Estate()
    vnet = estate.vnet("vnet", "10.0.0.0/16")
    allow = nsg_rule(
        "ssh",
        100,
        sourceAddressPrefix=source,
        destinationAddressPrefix="*",
        destinationPortRange="22",
    )
    return estate, vnet, estate.nsg("nsg", [allow])


def vm_behind_public_ip(tmp_path: Path, address: str, source: str) -> dict[str, Exposure]:
    estate, vnet, nsg = ssh_from(source)
    pip = estate.public_ip("pip", address)
    estate.nic("nic-vm", [{"ip": "10.0.0.4", "subnet": estate.subnet(vnet), "pip": pip}], nsg=nsg)
    return {x.subject_name: x for x in find_exposures(estate.graph(tmp_path / "estate"))}


@pytest.mark.parametrize(
    ("address", "source", "exposed"),
    [
        ("20.1.1.1", "0.0.0.0/0", True),
        ("20.1.1.1", "::/0", False),
        ("2603:1020::10", "::/0", True),
        ("2603:1020::10", "0.0.0.0/0", False),
    ],
)
def test_public_ip_exposure_follows_the_frontend_address_family(
    tmp_path: Path, address: str, source: str, exposed: bool
) -> None:
    """A prefix admits only its own family ("Network security groups overview"; "IPv6 for
    Azure Virtual Network"): ::/0 does not open an IPv4-only VM."""
    assert ("vm" in vm_behind_public_ip(tmp_path, address, source)) is exposed


def test_public_ip_exposure_notes_a_broad_source(tmp_path: Path) -> None:
    found = vm_behind_public_ip(tmp_path, "20.1.1.1", "40.0.0.0/6")
    assert (found["vm"].ports.to_report(), found["vm"].notes) == (SSH, ["broad-source"])


def test_a_broad_allow_on_a_port_the_load_balancer_does_not_forward_reports_nothing(
    tmp_path: Path,
) -> None:
    """Only what a load-balancing rule forwards is exposed ("Azure Load Balancer components"):
    a broad allow on another port is neither an exposure nor a note."""
    estate, vnet, nsg = ssh_from("40.0.0.0/6")
    nic, _ = estate.nic("nic-vm", [{"ip": "10.0.0.4", "subnet": estate.subnet(vnet)}], nsg=nsg)
    pip = estate.public_ip("pip-lb", "20.2.2.2")
    rule = {"protocol": "Tcp", "frontendPort": 443, "backendPort": 443}
    estate.load_balancer("lb", pip, pool=[Estate.ipconfig(nic)], rules=[rule])
    assert find_exposures(estate.graph(tmp_path / "estate")) == []
