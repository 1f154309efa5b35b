"""Load balancer floating IP and HA ports (exposure.md entry 2).

Microsoft Learn: "Azure Load Balancer floating IP configuration" (with floating IP the
backend receives the packet still addressed to the frontend IP, so NSG rules must name the
frontend address; AKS writes its rules that way) and "High availability ports overview"
(an HA-ports rule, protocol All and port 0, balances every TCP and UDP flow).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.analysis.exposure import Exposure, find_exposures
from tests.analysis.exposure.estate import Estate, nsg_rule

FRONTEND = "20.2.2.2"
NIC_IP = "10.0.1.4"


def exposures(
    tmp_path: Path, rules: list[dict[str, Any]], nic_rules: list[dict[str, Any]]
) -> dict[str, Exposure]:
    estate = Estate()
    vnet = estate.vnet("vnet", "10.0.0.0/16", {"be": "10.0.1.0/24", "int": "10.0.2.0/24"})
    nsg = estate.nsg("nsg-be", nic_rules)
    nic, _ = estate.nic("nic-vm-0", [{"ip": NIC_IP, "subnet": estate.subnet(vnet, "be")}], nsg=nsg)
    pip = estate.public_ip("pip-lb", FRONTEND)
    estate.load_balancer(
        "lb",
        pip,
        pool=[Estate.ipconfig(nic)],
        rules=rules,
        internal=(estate.subnet(vnet, "int"), "10.0.2.10"),
    )
    return {x.subject_name: x for x in find_exposures(estate.graph(tmp_path / "estate"))}


def allow_to(destination: str, port: str = "443", protocol: str = "Tcp") -> dict[str, Any]:
    return nsg_rule(
        "web",
        100,
        protocol=protocol,
        sourceAddressPrefix="Internet",
        destinationAddressPrefix=destination,
        destinationPortRange=port,
    )


HTTPS = {"protocol": "Tcp", "frontendPort": 443, "backendPort": 443}


@pytest.mark.parametrize(
    ("floating", "destination", "exposed"),
    [
        (True, FRONTEND, True),
        (True, NIC_IP, False),
        (True, "*", True),
        (False, NIC_IP, True),
        (False, FRONTEND, False),
    ],
    ids=[
        "floating-rule-names-frontend",
        "floating-rule-names-nic",
        "floating-any",
        "plain-rule-names-nic",
        "plain-rule-names-frontend",
    ],
)
def test_floating_ip_backend_nsg_sees_the_frontend_address(
    tmp_path: Path, floating: bool, destination: str, exposed: bool
) -> None:
    """ "Azure Load Balancer floating IP configuration": with floating IP the destination the
    NSG evaluates is the frontend IP, not the NIC's private IP."""
    rule = {**HTTPS, "enableFloatingIP": floating}
    found = exposures(tmp_path, [rule], [allow_to(destination)])
    assert ("vm-0" in found and not found["vm-0"].ports.is_empty()) is exposed


def test_floating_ip_frontend_is_not_in_the_virtual_network_tag(tmp_path: Path) -> None:
    """The VirtualNetwork tag is the VNet's address space ("Service tags overview"); a
    public frontend address is not in it."""
    rule = {**HTTPS, "enableFloatingIP": True}
    assert exposures(tmp_path, [rule], [allow_to("VirtualNetwork")]) == {}


def test_ha_ports_rule_exposes_every_tcp_and_udp_port(tmp_path: Path) -> None:
    """ "High availability ports overview": protocol All with frontend and backend port 0
    forwards every TCP and UDP port (ICMP is not load balanced)."""
    ha = {"protocol": "All", "frontendPort": 0, "backendPort": 0}
    found = exposures(tmp_path, [ha], [allow_to("*", "*", "*")])
    assert found["vm-0"].ports.to_report() == [
        {"protocol": "tcp", "ports": "*"},
        {"protocol": "udp", "ports": "*"},
    ]


def test_ha_ports_on_an_internal_frontend_expose_nothing(tmp_path: Path) -> None:
    """HA ports are offered on internal frontends; only a public frontend takes internet
    traffic (exposure.md entry 2, "High availability ports overview")."""
    ha = {"protocol": "All", "frontendPort": 0, "backendPort": 0, "frontend": "internal"}
    found = exposures(tmp_path, [HTTPS, ha], [allow_to("*", "*", "*")])
    assert found["vm-0"].ports.to_report() == [{"protocol": "tcp", "ports": "443"}]
