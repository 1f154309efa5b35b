"""Entry point 1: a public IP on a NIC IP configuration, filtered by NSGs (exposure.md rules 1, 6-8).

Each case is a small estate written as a snapshot and built into the real graph.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from discovery.estates.arm import resource
from graph.analysis.exposure import Exposure, find_exposures
from tests.analysis.exposure.estate import Estate, nsg_rule, rid

NIC_IP = "10.0.1.4"
ALL = [{"protocol": p, "ports": "*"} for p in ("icmp", "tcp", "udp")]


def tcp(*ports: str) -> list[dict[str, str]]:
    return [{"protocol": "tcp", "ports": p} for p in ports]


def by_name(exposures: list[Exposure]) -> dict[str, Exposure]:
    return {e.subject_name: e for e in exposures}


def single_vm(
    tmp_path: Path,
    *,
    sku: str = "Standard",
    subnet_rules: list[dict[str, Any]] | None = None,
    nic_rules: list[dict[str, Any]] | None = None,
) -> dict[str, Exposure]:
    """One VM with a public IP; an NSG on the subnet and/or the NIC when rules are given."""
    estate = Estate()
    subnet_nsg = estate.nsg("nsg-subnet", subnet_rules) if subnet_rules is not None else None
    nic_nsg = estate.nsg("nsg-nic", nic_rules) if nic_rules is not None else None
    vnet = estate.vnet(
        "vnet",
        "10.0.0.0/16",
        {"web": "10.0.1.0/24"},
        nsgs={"web": subnet_nsg} if subnet_nsg else None,
    )
    pip = estate.public_ip("pip-vm", "20.1.1.1", sku=sku)
    estate.nic(
        "nic-vm", [{"ip": NIC_IP, "subnet": estate.subnet(vnet, "web"), "pip": pip}], nsg=nic_nsg
    )
    return by_name(find_exposures(estate.graph(tmp_path / "estate")))


def ports_of(found: dict[str, Exposure]) -> list[dict[str, str]]:
    return found["vm"].ports.to_report() if "vm" in found else []


ALLOW_22 = nsg_rule(
    "ssh",
    100,
    sourceAddressPrefix="Internet",
    destinationAddressPrefix="*",
    destinationPortRange="22",
)
ALLOW_22_443 = nsg_rule(
    "web",
    100,
    sourceAddressPrefix="*",
    destinationAddressPrefix="*",
    destinationPortRanges=["22", "443"],
)
DENY_ALL = nsg_rule(
    "deny",
    100,
    "Deny",
    protocol="*",
    sourceAddressPrefix="*",
    destinationAddressPrefix="*",
    destinationPortRange="*",
)


@pytest.mark.parametrize(
    ("sku", "subnet_rules", "nic_rules", "expected"),
    [
        ("Standard", None, None, []),
        ("Basic", None, None, ALL),
        ("Standard", [ALLOW_22], None, tcp("22")),
        ("Standard", None, [ALLOW_22], tcp("22")),
        ("Basic", None, [DENY_ALL], []),
        ("Basic", [], None, []),
        ("Basic", [ALLOW_22], None, tcp("22")),
    ],
    ids=[
        "standard-no-nsg-closed",
        "basic-no-nsg-open",
        "standard-subnet-nsg-allows",
        "standard-nic-nsg-allows",
        "basic-nsg-denies",
        "basic-nsg-defaults-deny",
        "basic-nsg-allows-one-port",
    ],
)
def test_sku_default_decides_only_without_any_nsg(
    tmp_path: Path,
    sku: str,
    subnet_rules: list[dict[str, Any]] | None,
    nic_rules: list[dict[str, Any]] | None,
    expected: list[dict[str, str]],
) -> None:
    """Standard public IPs are secure by default and closed to inbound traffic unless an NSG
    allows it; Basic ones are open by default ("Public IP addresses", SKU section,
    https://learn.microsoft.com/en-us/azure/virtual-network/ip-services/public-ip-addresses#sku).
    With an NSG, its default DenyAllInBound applies ("Network security groups", default rules,
    https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#default-security-rules)."""
    found = single_vm(tmp_path, sku=sku, subnet_rules=subnet_rules, nic_rules=nic_rules)
    assert ports_of(found) == expected


@pytest.mark.parametrize(
    ("subnet_rules", "nic_rules", "expected"),
    [
        ([ALLOW_22_443], [ALLOW_22], tcp("22")),
        ([ALLOW_22], [ALLOW_22_443], tcp("22")),
        ([ALLOW_22_443], [], []),
        ([], [ALLOW_22_443], []),
        ([ALLOW_22_443], None, tcp("22", "443")),
    ],
    ids=["nic-narrower", "subnet-narrower", "nic-denies", "subnet-denies", "no-nic-nsg"],
)
def test_subnet_and_nic_nsgs_must_both_allow(
    tmp_path: Path,
    subnet_rules: list[dict[str, Any]],
    nic_rules: list[dict[str, Any]] | None,
    expected: list[dict[str, str]],
) -> None:
    """Inbound traffic is processed by the subnet's NSG, then the NIC's; both must allow it,
    and a level without an NSG allows all ("How network security groups filter network
    traffic", https://learn.microsoft.com/en-us/azure/virtual-network/network-security-group-how-it-works)."""
    found = single_vm(tmp_path, subnet_rules=subnet_rules, nic_rules=nic_rules)
    assert ports_of(found) == expected


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            [
                nsg_rule(
                    "deny-smb",
                    100,
                    "Deny",
                    sourceAddressPrefix="Internet",
                    destinationAddressPrefix="*",
                    destinationPortRanges=["139", "445"],
                ),
                nsg_rule(
                    "allow-low",
                    200,
                    sourceAddressPrefix="*",
                    destinationAddressPrefix="*",
                    destinationPortRange="1-1024",
                ),
            ],
            tcp("1-138", "140-444", "446-1024"),
        ),
        (
            [
                nsg_rule(
                    "allow-low",
                    100,
                    sourceAddressPrefix="*",
                    destinationAddressPrefix="*",
                    destinationPortRange="1-1024",
                ),
                nsg_rule(
                    "deny-smb",
                    200,
                    "Deny",
                    sourceAddressPrefix="Internet",
                    destinationAddressPrefix="*",
                    destinationPortRanges=["139", "445"],
                ),
            ],
            tcp("1-1024"),
        ),
        (
            [
                nsg_rule(
                    "deny-corp",
                    100,
                    "Deny",
                    sourceAddressPrefix="10.0.0.0/8",
                    destinationAddressPrefix="*",
                    destinationPortRange="*",
                ),
                nsg_rule(
                    "allow-web",
                    200,
                    sourceAddressPrefix="Internet",
                    destinationAddressPrefix="*",
                    destinationPortRange="8000-8100",
                ),
            ],
            tcp("8000-8100"),
        ),
        (
            [
                nsg_rule(
                    "deny-some-src",
                    100,
                    "Deny",
                    sourceAddressPrefix="*",
                    sourcePortRange="1024-65535",
                    destinationAddressPrefix="*",
                    destinationPortRange="22",
                ),
                nsg_rule(
                    "allow-ssh",
                    200,
                    sourceAddressPrefix="Internet",
                    destinationAddressPrefix="*",
                    destinationPortRange="22",
                ),
            ],
            tcp("22"),
        ),
        (
            [
                nsg_rule(
                    "deny-8080",
                    150,
                    "Deny",
                    sourceAddressPrefix="Internet",
                    destinationAddressPrefix="*",
                    destinationPortRange="8080",
                ),
                nsg_rule(
                    "allow-range",
                    200,
                    sourceAddressPrefix="Internet",
                    destinationAddressPrefix="*",
                    destinationPortRange="8000-8100",
                ),
                nsg_rule(
                    "allow-office",
                    210,
                    sourceAddressPrefix="198.51.100.0/24",
                    destinationAddressPrefix="*",
                    destinationPortRange="22",
                ),
            ],
            tcp("8000-8079", "8081-8100"),
        ),
    ],
    ids=[
        "deny-first-cuts-holes",
        "allow-first-wins",
        "private-deny-no-shadow",
        "source-port-deny-no-shadow",
        "office-only-not-internet",
    ],
)
def test_priority_order_and_deny_shadowing_give_exact_ranges(
    tmp_path: Path, rules: list[dict[str, Any]], expected: list[dict[str, str]]
) -> None:
    """Rules are processed in priority order, lower numbers first; once traffic matches a rule,
    processing stops, and a rule matches on source, source port, destination, destination port
    and protocol ("Network security groups", Security rules,
    https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules)."""
    assert ports_of(single_vm(tmp_path, nic_rules=rules)) == expected


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            nsg_rule(
                "a",
                100,
                sourceAddressPrefix="Internet",
                destinationAddressPrefix="*",
                destinationPortRange="443",
            ),
            tcp("443"),
        ),
        (
            nsg_rule(
                "b",
                100,
                sourceAddressPrefixes=["Internet"],
                destinationAddressPrefixes=["10.0.1.0/24"],
                destinationPortRanges=["443", "8443"],
            ),
            tcp("443", "8443"),
        ),
        (
            nsg_rule(
                "c",
                100,
                sourceAddressPrefixes=["203.0.113.0/24", "0.0.0.0/0"],
                destinationAddressPrefix=NIC_IP,
                destinationPortRange="3389",
            ),
            tcp("3389"),
        ),
        (
            nsg_rule(
                "d",
                100,
                protocol="UDP",
                sourceAddressPrefix="*",
                destinationAddressPrefix="*",
                destinationPortRange="500",
            ),
            [{"protocol": "udp", "ports": "500"}],
        ),
        (
            nsg_rule(
                "e",
                100,
                protocol="tcp",
                sourceAddressPrefix="*",
                destinationAddressPrefix="*",
                destinationPortRange="80",
            ),
            tcp("80"),
        ),
        (
            nsg_rule(
                "f",
                100,
                protocol="Icmp",
                sourceAddressPrefix="*",
                destinationAddressPrefix="*",
                destinationPortRange="*",
            ),
            [{"protocol": "icmp", "ports": "*"}],
        ),
        (
            nsg_rule(
                "g",
                100,
                protocol="Esp",
                sourceAddressPrefix="*",
                destinationAddressPrefix="*",
                destinationPortRange="*",
            ),
            [],
        ),
        (
            nsg_rule(
                "h",
                100,
                sourceAddressPrefix="Internet",
                destinationAddressPrefix="10.0.2.0/24",
                destinationPortRange="22",
            ),
            [],
        ),
    ],
    ids=[
        "singular",
        "plural",
        "mixed-plural-source",
        "protocol-upper",
        "protocol-lower",
        "icmp",
        "esp-not-reported",
        "other-destination",
    ],
)
def test_singular_plural_fields_and_protocol_case(
    tmp_path: Path, rule: dict[str, Any], expected: list[dict[str, str]]
) -> None:
    """Augmented security rules use the plural fields for several prefixes and ports; protocol is
    one of TCP, UDP, ICMP, ESP, AH or Any ("Network security groups", Augmented security rules,
    https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#augmented-security-rules)."""
    assert ports_of(single_vm(tmp_path, nic_rules=[rule])) == expected


def test_asg_destination_matches_only_member_ip_configurations(tmp_path: Path) -> None:
    """A rule whose destination is an application security group applies to the network
    interfaces' IP configurations that are members of it ("Application security groups",
    https://learn.microsoft.com/en-us/azure/virtual-network/application-security-groups)."""
    estate = Estate()
    asg = estate.asg("asg-web")
    nsg = estate.nsg(
        "nsg",
        [
            nsg_rule(
                "web-to-asg",
                100,
                sourceAddressPrefix="Internet",
                destinationApplicationSecurityGroups=[{"id": asg}],
                destinationPortRange="443",
            )
        ],
    )
    vnet = estate.vnet("vnet", "10.0.0.0/16", {"web": "10.0.1.0/24"}, nsgs={"web": nsg})
    subnet = estate.subnet(vnet, "web")
    member = estate.public_ip("pip-member", "20.1.1.1")
    other = estate.public_ip("pip-other", "20.1.1.2")
    estate.nic("nic-member", [{"ip": "10.0.1.4", "subnet": subnet, "pip": member, "asgs": [asg]}])
    estate.nic("nic-other", [{"ip": "10.0.1.5", "subnet": subnet, "pip": other}])
    found = by_name(find_exposures(estate.graph(tmp_path / "estate")))
    assert {name: e.ports.to_report() for name, e in found.items()} == {"member": tcp("443")}


def test_every_ip_configuration_of_a_nic_is_an_entry_point(tmp_path: Path) -> None:
    """A NIC can have several IP configurations, each with its own public IP ("Network
    interface IP configurations", https://learn.microsoft.com/en-us/azure/virtual-network/ip-services/virtual-network-network-interface-addresses);
    both are entries of the same VM, each with the ports its own address admits."""
    estate = Estate()
    nsg = estate.nsg(
        "nsg",
        [
            nsg_rule(
                "to-first",
                100,
                sourceAddressPrefix="*",
                destinationAddressPrefix="10.0.1.4",
                destinationPortRange="443",
            ),
            nsg_rule(
                "to-second",
                110,
                sourceAddressPrefix="*",
                destinationAddressPrefix="10.0.1.5/32",
                destinationPortRange="8443",
            ),
        ],
    )
    vnet = estate.vnet("vnet", "10.0.0.0/16", {"web": "10.0.1.0/24"}, nsgs={"web": nsg})
    subnet = estate.subnet(vnet, "web")
    first = estate.public_ip("pip-first", "20.1.1.1")
    second = estate.public_ip("pip-second", "20.1.1.2")
    estate.nic(
        "nic-vm",
        [
            {"ip": "10.0.1.4", "subnet": subnet, "pip": first},
            {"ip": "10.0.1.5", "subnet": subnet, "pip": second},
            {"ip": "10.0.1.6", "subnet": subnet},
        ],
    )
    exposure = by_name(find_exposures(estate.graph(tmp_path / "estate")))["vm"]
    assert [(e.entry.rsplit("/", 1)[-1], e.ports.to_report()) for e in exposure.entries] == [
        ("pip-first", tcp("443")),
        ("pip-second", tcp("8443")),
    ]
    assert exposure.ports.to_report() == tcp("443", "8443")


def test_subject_is_the_nic_when_no_vm_holds_it(tmp_path: Path) -> None:
    """findings.md: the subject is the VM when the NIC is attached to one, else the NIC."""
    estate = Estate()
    vnet = estate.vnet("vnet", "10.0.0.0/16")
    pip = estate.public_ip("pip", "20.1.1.1", sku="Basic")
    nic, _ = estate.nic(
        "nic-loose", [{"ip": "10.0.0.4", "subnet": estate.subnet(vnet), "pip": pip}], vm=False
    )
    [exposure] = find_exposures(estate.graph(tmp_path / "estate"))
    assert exposure.subject == nic.lower()
    assert exposure.subject_name == "nic-loose"


def test_evidence_is_the_chain_from_internet_to_the_vm(tmp_path: Path) -> None:
    """findings.md: evidence is the chain of graph edges from `internet` to the target,
    with the schema's relationship names (here also the NSG that admitted the traffic)."""
    estate = Estate()
    nsg = estate.nsg("nsg", [ALLOW_22])
    vnet = estate.vnet("vnet", "10.0.0.0/16")
    pip = estate.public_ip("pip", "20.1.1.1")
    nic, vm = estate.nic(
        "nic-vm", [{"ip": "10.0.0.4", "subnet": estate.subnet(vnet), "pip": pip}], nsg=nsg
    )
    [exposure] = find_exposures(estate.graph(tmp_path / "estate"))
    ipconfig = Estate.ipconfig(nic).lower()
    assert vm is not None
    assert [(h["from"], h["relation"], h["to"], h["channel"]) for h in exposure.evidence] == [
        ("internet", "EXPOSES", pip.lower(), None),
        (pip.lower(), "ATTACHED_TO", ipconfig, None),
        (nic.lower(), "HAS_IP_CONFIG", ipconfig, None),
        (nic.lower(), "ATTACHED_TO", vm.lower(), None),
        (nic.lower(), "PROTECTED_BY", nsg.lower(), None),
    ]
    assert [(e.via, e.waf) for e in exposure.entries] == [("public-ip", None)]


def test_bastion_and_vpn_gateway_public_ips_are_not_reported(tmp_path: Path) -> None:
    """Bastion and VPN gateways are managed entry points (exposure.md rule 5; "About Azure
    Bastion", https://learn.microsoft.com/en-us/azure/bastion/bastion-overview)."""
    estate = Estate()
    vnet = estate.vnet(
        "vnet", "10.0.0.0/16", {"AzureBastionSubnet": "10.0.0.0/26", "GatewaySubnet": "10.0.1.0/27"}
    )
    bastion_pip = estate.public_ip("pip-bastion", "20.1.1.1")
    gateway_pip = estate.public_ip("pip-vgw", "20.1.1.2")
    bastion = rid("bastionHosts", "bas")
    estate.add(
        resource(
            bastion,
            "Microsoft.Network/bastionHosts",
            "westeurope",
            {
                "ipConfigurations": [
                    {
                        "name": "ipconf",
                        "id": f"{bastion}/bastionHostIpConfigurations/ipconf",
                        "properties": {
                            "publicIPAddress": {"id": bastion_pip},
                            "subnet": {"id": estate.subnet(vnet, "AzureBastionSubnet")},
                        },
                    }
                ]
            },
            sku={"name": "Standard"},
        )
    )
    gateway = estate.vnet_gateway("vgw", vnet)
    estate.get(gateway)["properties"]["ipConfigurations"][0]["properties"]["publicIPAddress"] = {
        "id": gateway_pip
    }
    graph = estate.graph(tmp_path / "estate")
    holders = {
        pip: {
            t for _, t, d in graph.out_edges(pip.lower(), data=True) if d["type"] == "ATTACHED_TO"
        }
        for pip in (bastion_pip, gateway_pip)
    }
    assert holders == {bastion_pip: {bastion.lower()}, gateway_pip: {gateway.lower()}}
    assert find_exposures(graph) == []


def test_nics_behind_one_nsg_are_told_apart_by_the_address_a_rule_names(tmp_path: Path) -> None:
    # The answer for one NIC is reused for the next behind the same NSGs only where no
    # rule could tell them apart: here the allow names the first NIC's address alone.
    estate = Estate()
    nsg = estate.nsg(
        "nsg-web",
        [
            nsg_rule(
                "https-to-one",
                100,
                sourceAddressPrefix="Internet",
                destinationAddressPrefix=NIC_IP,
                destinationPortRange="443",
            )
        ],
    )
    vnet = estate.vnet("vnet", "10.0.0.0/16", {"web": "10.0.1.0/24"}, nsgs={"web": nsg})
    for name, ip, address in (("one", NIC_IP, "20.1.1.1"), ("two", "10.0.1.5", "20.1.1.2")):
        pip = estate.public_ip(f"pip-{name}", address)
        estate.nic(f"nic-{name}", [{"ip": ip, "subnet": estate.subnet(vnet, "web"), "pip": pip}])
    found = by_name(find_exposures(estate.graph(tmp_path / "estate")))
    assert sorted(found) == ["one"]
    assert found["one"].ports.to_report() == tcp("443")
