"""Inbound NSG evaluation on rule dicts (exposure.md rules 6-8).

Expected answers follow Microsoft Learn:
- "Network security groups" (overview), https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview
- "How network security groups filter network traffic", https://learn.microsoft.com/en-us/azure/virtual-network/network-security-group-how-it-works
- "Application security groups", https://learn.microsoft.com/en-us/azure/virtual-network/application-security-groups
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.analysis.nsg import (
    Destination,
    NsgRuleError,
    Source,
    allowed_ports,
    compile_nsg,
    compile_rule,
    evaluate_inbound,
)
from graph.analysis.ports import PortSet

NIC_IP = "10.0.1.4"
ASG = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/web"


def rule(name: str, priority: int, access: str = "Allow", **props: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "access": access,
        "direction": "Inbound",
        "priority": priority,
        "protocol": "Tcp",
        "sourceAddressPrefix": "Internet",
        "sourcePortRange": "*",
        "destinationAddressPrefix": "*",
    }
    body.update(props)
    return {"name": name, "properties": body}


def open_ports(*rules: dict[str, Any], dest: Destination | None = None) -> list[dict[str, str]]:
    nsg = compile_nsg("nsg", list(rules))
    return allowed_ports(nsg, dest or Destination.for_ip(NIC_IP)).to_report()


def tcp(*ports: str) -> list[dict[str, str]]:
    return [{"protocol": "tcp", "ports": p} for p in ports]


def test_defaults_alone_let_no_internet_traffic_in() -> None:
    """DenyAllInBound (65500) drops internet traffic; AllowVNetInBound and
    AllowAzureLoadBalancerInBound admit other sources only ("Default security rules",
    https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#default-security-rules)."""
    assert open_ports() == []


@pytest.mark.parametrize("source", ["*", "Any", "Internet", "internet", "0.0.0.0/0"])
def test_sources_that_admit_the_internet(source: str) -> None:
    """'*', Any, the Internet service tag and the all-addresses prefixes admit any
    internet address ("Service tags", https://learn.microsoft.com/en-us/azure/virtual-network/service-tags-overview)."""
    assert open_ports(
        rule("ssh", 100, sourceAddressPrefix=source, destinationPortRange="22")
    ) == tcp("22")


@pytest.mark.parametrize(
    "source",
    [
        "203.0.113.7/32",
        "AzureCloud",
        "GatewayManager",
        "VirtualNetwork",
        "AzureLoadBalancer",
        "10.0.0.0/8",
    ],
)
def test_narrower_sources_are_not_the_internet(source: str) -> None:
    """A rule matches only traffic from its source; a /32 or another service tag
    is not every internet address (exposure.md, "Internet sources";
    https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules)."""
    assert open_ports(rule("x", 100, sourceAddressPrefix=source, destinationPortRange="22")) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"destinationPortRange": "443"}, tcp("443")),
        ({"destinationPortRanges": ["80", "443", "8000-8010"]}, tcp("80", "443", "8000-8010")),
        ({"destinationPortRange": "", "destinationPortRanges": ["22"]}, tcp("22")),
        (
            {
                "sourceAddressPrefix": "",
                "sourceAddressPrefixes": ["198.51.100.0/24", "Internet"],
                "destinationPortRange": "3389",
            },
            tcp("3389"),
        ),
        (
            {
                "destinationAddressPrefix": "",
                "destinationAddressPrefixes": ["10.9.0.0/16", "10.0.1.0/24"],
                "destinationPortRange": "22",
            },
            tcp("22"),
        ),
    ],
)
def test_singular_and_plural_fields_are_read_alike(
    fields: dict[str, Any], expected: list[dict[str, str]]
) -> None:
    """Augmented security rules put several ports or prefixes in one rule through the
    plural fields ("Augmented security rules",
    https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#augmented-security-rules)."""
    assert open_ports(rule("r", 100, **fields)) == expected


@pytest.mark.parametrize(
    ("protocol", "expected"),
    [
        ("TCP", tcp("53")),
        ("udp", [{"protocol": "udp", "ports": "53"}]),
        ("Icmp", [{"protocol": "icmp", "ports": "*"}]),
        (
            "*",
            [
                {"protocol": "icmp", "ports": "*"},
                {"protocol": "tcp", "ports": "53"},
                {"protocol": "udp", "ports": "53"},
            ],
        ),
        ("Esp", []),
        ("Ah", []),
    ],
)
def test_protocol_is_compared_case_insensitively(
    protocol: str, expected: list[dict[str, str]]
) -> None:
    """Protocols TCP, UDP, ICMP, ESP, AH or Any ("Security rules",
    https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules);
    ESP and AH are not reported (findings.md)."""
    assert open_ports(rule("r", 100, protocol=protocol, destinationPortRange="53")) == expected


def test_higher_priority_deny_shadows_part_of_a_range_exactly() -> None:
    """Rules are processed in priority order, lower numbers first; once traffic
    matches a rule processing stops ("Security rules",
    https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules)."""
    ports = open_ports(
        rule("deny-ssh", 100, "Deny", sourceAddressPrefix="*", destinationPortRange="22"),
        rule(
            "deny-mid",
            110,
            "Deny",
            sourceAddressPrefix="Internet",
            destinationPortRanges=["1000-1999"],
        ),
        rule("allow-all", 200, destinationPortRange="*"),
    )
    assert ports == tcp("0-21", "23-999", "2000-65535")


def test_lower_priority_deny_does_not_shadow_an_allow() -> None:
    """The first matching rule wins (priority 100 before 200)
    (https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules)."""
    ports = open_ports(
        rule("allow", 100, destinationPortRange="20-30"),
        rule("deny", 200, "Deny", sourceAddressPrefix="*", destinationPortRange="22"),
    )
    assert ports == tcp("20-30")


def test_deny_from_a_private_prefix_does_not_shadow_an_internet_allow() -> None:
    """A rule matches only the five-tuple it names: a deny from 10.0.0.0/8 says
    nothing about internet sources
    (https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules)."""
    ports = open_ports(
        rule("deny-corp", 100, "Deny", sourceAddressPrefix="10.0.0.0/8", destinationPortRange="*"),
        rule("allow", 200, destinationPortRange="443"),
    )
    assert ports == tcp("443")


def test_deny_with_a_narrow_source_port_range_does_not_shadow() -> None:
    """The source port is part of the five-tuple; traffic from other source ports
    passes the deny and reaches the allow
    (https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules)."""
    ports = open_ports(
        rule(
            "deny",
            100,
            "Deny",
            sourceAddressPrefix="*",
            sourcePortRange="1024-65535",
            destinationPortRange="22",
        ),
        rule("allow", 200, destinationPortRange="22"),
    )
    assert ports == tcp("22")


def test_allow_with_a_narrow_source_port_range_still_exposes() -> None:
    """An attacker chooses the source port (exposure.md rule 6)."""
    assert open_ports(rule("allow", 100, sourcePortRange="80", destinationPortRange="22")) == tcp(
        "22"
    )


def test_deny_on_other_protocol_leaves_tcp_open() -> None:
    """The protocol is part of the five-tuple
    (https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules)."""
    ports = open_ports(
        rule(
            "deny-udp",
            100,
            "Deny",
            protocol="Udp",
            sourceAddressPrefix="*",
            destinationPortRange="*",
        ),
        rule("allow-any", 200, protocol="*", destinationPortRange="53"),
    )
    assert ports == [{"protocol": "icmp", "ports": "*"}, {"protocol": "tcp", "ports": "53"}]


@pytest.mark.parametrize(
    ("destination", "matches"),
    [
        ("*", True),
        ("VirtualNetwork", True),
        ("10.0.1.4", True),
        ("10.0.1.4/32", True),
        ("10.0.0.0/16", True),
        ("10.0.2.0/24", False),
        ("Internet", False),
        ("203.0.113.10", False),
    ],
)
def test_destination_is_the_nic_private_ip(destination: str, matches: bool) -> None:
    """Azure translates a public IP to the private IP before the NSG sees it, so
    destination rules name the private address ("How network security groups filter
    network traffic", https://learn.microsoft.com/en-us/azure/virtual-network/network-security-group-how-it-works)."""
    ports = open_ports(
        rule("r", 100, destinationAddressPrefix=destination, destinationPortRange="22")
    )
    assert ports == (tcp("22") if matches else [])


@pytest.mark.parametrize(("member", "expected"), [(True, tcp("443")), (False, [])])
def test_destination_asg_matches_only_members(member: bool, expected: list[dict[str, str]]) -> None:
    """A rule with an application security group as destination applies to the NICs
    whose IP configurations are members ("Application security groups",
    https://learn.microsoft.com/en-us/azure/virtual-network/application-security-groups)."""
    r = rule(
        "web",
        100,
        destinationAddressPrefix="",
        destinationApplicationSecurityGroups=[{"id": ASG.upper()}],
        destinationPortRange="443",
    )
    dest = Destination.for_ip(NIC_IP, [ASG] if member else [])
    assert open_ports(r, dest=dest) == expected


def test_outbound_rules_are_ignored() -> None:
    """Inbound traffic is evaluated by inbound rules only
    (https://learn.microsoft.com/en-us/azure/virtual-network/network-security-group-how-it-works)."""
    assert open_ports(rule("out", 100, direction="Outbound", destinationPortRange="*")) == []


SUBNET_ALLOWS_80 = compile_nsg("subnet", [rule("web", 100, destinationPortRanges=["80", "443"])])
NIC_ALLOWS_80 = compile_nsg("nic", [rule("http", 100, destinationPortRange="80")])
NIC_ALLOWS_NOTHING = compile_nsg("nic", [])


@pytest.mark.parametrize(
    ("levels", "default_open", "expected"),
    [
        ((SUBNET_ALLOWS_80, NIC_ALLOWS_80), False, tcp("80")),
        ((SUBNET_ALLOWS_80, NIC_ALLOWS_NOTHING), True, []),
        ((SUBNET_ALLOWS_80, None), False, tcp("80", "443")),
        ((None, NIC_ALLOWS_80), False, tcp("80")),
        ((None, None), False, []),
        ((None, None), True, [{"protocol": p, "ports": "*"} for p in ("icmp", "tcp", "udp")]),
    ],
    ids=["both-allow", "nic-denies", "subnet-only", "nic-only", "none-standard", "none-basic"],
)
def test_both_levels_must_allow_and_missing_levels_allow(
    levels: tuple[Any, Any], default_open: bool, expected: list[dict[str, str]]
) -> None:
    """Inbound: the subnet NSG first, then the NIC NSG; both must allow. With no NSG at a
    level, all traffic passes that level ("How network security groups filter network
    traffic", https://learn.microsoft.com/en-us/azure/virtual-network/network-security-group-how-it-works).
    With no NSG at all, a Standard public IP is closed and a Basic one open ("Public IP
    addresses", https://learn.microsoft.com/en-us/azure/virtual-network/ip-services/public-ip-addresses#sku)."""
    got = evaluate_inbound(levels, Destination.for_ip(NIC_IP), default_open=default_open)
    assert got.to_report() == expected


def test_private_source_is_admitted_by_virtual_network_tag_inside_the_address_space() -> None:
    """AllowVNetInBound admits sources in the VirtualNetwork tag: the VNet's address
    space and peered VNets ("Service tags", VirtualNetwork,
    https://learn.microsoft.com/en-us/azure/virtual-network/service-tags-overview#available-service-tags)."""
    nsg = compile_nsg("nsg", [])
    inside = Source.private("10.100.0.4", ["10.0.0.0/16", "10.100.0.0/16"])
    outside = Source.private("10.100.0.4", ["10.0.0.0/16"])
    dest = Destination.for_ip(NIC_IP)
    assert allowed_ports(nsg, dest, inside) == PortSet.all("*")
    assert allowed_ports(nsg, dest, outside).is_empty()


@pytest.mark.parametrize(
    ("source_prefix", "expected"),
    [("10.100.0.0/24", tcp("8080")), ("*", tcp("8080")), ("Internet", []), ("10.200.0.0/24", [])],
)
def test_private_source_matches_prefixes_containing_it(
    source_prefix: str, expected: list[dict[str, str]]
) -> None:
    """A rule's source may be an IP range; the firewall's private address matches
    ranges containing it (https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules)."""
    nsg = compile_nsg(
        "nsg",
        [
            rule("from-fw", 100, sourceAddressPrefix=source_prefix, destinationPortRange="8080"),
            rule(
                "deny-vnet",
                200,
                "Deny",
                protocol="*",
                sourceAddressPrefix="VirtualNetwork",
                destinationPortRange="*",
            ),
        ],
    )
    source = Source.private("10.100.0.4", ["10.100.0.0/16"])
    assert allowed_ports(nsg, Destination.for_ip(NIC_IP), source).to_report() == expected


def test_unreadable_rule_names_the_rule_and_the_field() -> None:
    with pytest.raises(NsgRuleError, match=r"'broken'.*destinationPortRange"):
        compile_rule(rule("broken", 100, destinationPortRange="http"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("destinationPortRange", ":"),
        ("destinationPortRange", "abc"),
        ("destinationPortRange", "443-80"),
        ("destinationPortRange", "70000"),
        ("sourcePortRange", "x-y"),
        ("priority", -1),
        ("priority", 70000),
        ("priority", 100.5),
        ("priority", "high"),
        ("protocol", "Tcpp"),
        ("access", "Alow"),
        ("direction", "Inbund"),
    ],
)
def test_an_unreadable_rule_is_left_out_and_kept_for_the_report(field: str, value: Any) -> None:
    """One broken rule must not end the run: the NSG compiles without it and says which
    rule and field could not be read ("Network security groups overview", "Security rules",
    lists the values each field accepts)."""
    broken = rule("broken", 100, destinationPortRange="22")
    broken["properties"][field] = value
    nsg = compile_nsg("nsg", [broken, rule("web", 200, destinationPortRange="443")])
    assert [r.name for r in nsg.rules if r.priority < 65000] == ["web"]
    assert [(u.rule, u.field) for u in nsg.unreadable] == [("broken", field)]


def test_an_unreadable_deny_shadows_nothing() -> None:
    """A deny we cannot read is not taken as closing anything: the allow behind it still
    counts ("How network security groups filter network traffic": a deny only stops what it
    matches, and what this one matches is unknown)."""
    deny = rule("deny-all", 100, "Deny", destinationPortRange=":", sourceAddressPrefix="*")
    assert open_ports(deny, rule("rdp", 200, destinationPortRange="3389")) == tcp("3389")


def test_an_unreadable_allow_opens_nothing_it_cannot_name_but_is_recorded_as_an_allow() -> None:
    nsg = compile_nsg("nsg", [rule("odd", 100, destinationPortRange="abc")])
    assert allowed_ports(nsg, Destination.for_ip(NIC_IP)).is_empty()
    assert [u.allow for u in nsg.unreadable] == [True]


def test_a_rule_whose_access_is_unreadable_may_allow() -> None:
    nsg = compile_nsg("nsg", [rule("odd", 100, "Permit", destinationPortRange="22")])
    assert [u.allow for u in nsg.unreadable] == [None]


def test_rules_alike_in_many_nsgs_are_read_alike_and_an_unreadable_one_is_kept_in_each() -> None:
    """An estate repeats its rules (templates, Azure's defaults) in every NSG: each NSG
    still gets its own answer, ids and etags aside, and its own note of a broken rule."""

    def in_nsg(nsg: str, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "id": f"{nsg}/securityRules/{body['name']}", "etag": nsg}

    ssh = rule("ssh", 100, destinationPortRange="22")
    broken = rule("broken", 200, destinationPortRange="http")
    first, second = (
        compile_nsg(n, [in_nsg(n, ssh), in_nsg(n, broken)]) for n in ("nsg-a", "nsg-b")
    )
    for nsg in (first, second):
        assert allowed_ports(nsg, Destination.for_ip(NIC_IP)).to_report() == tcp("22")
        assert [(u.rule, u.field) for u in nsg.unreadable] == [("broken", "destinationPortRange")]
    narrower = rule("ssh", 100, destinationPortRange="22", sourceAddressPrefix="10.0.0.0/8")
    assert open_ports(narrower) == []  # same name, other properties: read on its own


def test_a_private_ip_that_is_no_address_matches_no_destination_prefix() -> None:
    cidr_rule = rule("net", 100, destinationPortRange="22", destinationAddressPrefix="10.0.1.0/24")
    assert open_ports(cidr_rule, dest=Destination.for_ip("10.0.1.0/24")) == []
    assert open_ports(cidr_rule, dest=Destination.for_ip(" 10.0.1.4 ")) == tcp("22")
