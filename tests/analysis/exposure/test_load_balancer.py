"""Entry point 2: public load balancers, their rules and inbound NAT rules (exposure.md rule 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.analysis.exposure import Exposure, find_exposures
from tests.analysis.exposure.estate import Estate, nsg_rule


def tcp(*ports: str) -> list[dict[str, str]]:
    return [{"protocol": "tcp", "ports": p} for p in ports]


def lb_estate(
    tmp_path: Path,
    *,
    sku: str = "Standard",
    nic_rules: list[dict[str, Any]] | None = None,
    rules: list[dict[str, Any]] | None = None,
    nat_rules: list[dict[str, Any]] | None = None,
    nat_pools: list[dict[str, Any]] | None = None,
    backends: int = 2,
) -> dict[str, Exposure]:
    """A public load balancer in front of ``backends`` VMs (vm-0, vm-1, ...) sharing one NIC NSG."""
    estate = Estate()
    vnet = estate.vnet("vnet", "10.0.0.0/16", {"be": "10.0.1.0/24"})
    nsg = estate.nsg("nsg-be", nic_rules) if nic_rules is not None else None
    configs = []
    for i in range(backends):
        nic, _ = estate.nic(
            f"nic-vm-{i}", [{"ip": f"10.0.1.{4 + i}", "subnet": estate.subnet(vnet, "be")}], nsg=nsg
        )
        configs.append(Estate.ipconfig(nic))
    pip = estate.public_ip("pip-lb", "20.2.2.2", sku=sku)
    resolved_nat = []
    for r in nat_rules or []:
        r = dict(r)
        if "target_index" in r:
            r["target"] = configs[r.pop("target_index")]
        resolved_nat.append(r)
    estate.load_balancer(
        "lb", pip, sku=sku, pool=configs, rules=rules, nat_rules=resolved_nat, nat_pools=nat_pools
    )
    return {e.subject_name: e for e in find_exposures(estate.graph(tmp_path / "estate"))}


def entries(found: dict[str, Exposure]) -> dict[str, list[tuple[Any, Any]]]:
    return {
        name: [(e.frontend_ports.to_report(), e.ports.to_report()) for e in exposure.entries]
        for name, exposure in found.items()
        if not exposure.ports.is_empty()
    }


HTTPS_RULE = {"protocol": "Tcp", "frontendPort": 443, "backendPort": 8443}
ALLOW_8443 = nsg_rule(
    "app",
    100,
    sourceAddressPrefix="Internet",
    destinationAddressPrefix="*",
    destinationPortRange="8443",
)
ALLOW_3389 = nsg_rule(
    "rdp", 110, sourceAddressPrefix="*", destinationAddressPrefix="*", destinationPortRange="3389"
)


@pytest.mark.parametrize(
    ("sku", "nic_rules", "expected"),
    [
        ("Standard", None, {}),
        ("Standard", [ALLOW_8443], {n: [(tcp("443"), tcp("8443"))] for n in ("vm-0", "vm-1")}),
        ("Basic", None, {n: [(tcp("443"), tcp("8443"))] for n in ("vm-0", "vm-1")}),
        ("Basic", [], {}),
        ("Standard", [ALLOW_3389], {}),
    ],
    ids=[
        "standard-no-nsg",
        "standard-nsg-allows-backend-port",
        "basic-no-nsg",
        "basic-nsg-default-deny",
        "nsg-allows-other-port",
    ],
)
def test_rule_exposes_backend_port_per_sku_default_and_nsg(
    tmp_path: Path,
    sku: str,
    nic_rules: list[dict[str, Any]] | None,
    expected: dict[str, list[tuple[Any, Any]]],
) -> None:
    """A load-balancing rule maps a frontend port to a backend port on the pool's instances
    ("Azure Load Balancer components", https://learn.microsoft.com/en-us/azure/load-balancer/components);
    a Standard load balancer is closed to inbound flows unless an NSG allows them, a Basic one
    open by default ("Azure Load Balancer SKUs", https://learn.microsoft.com/en-us/azure/load-balancer/skus).
    The client's address is kept, so the backend NSG is evaluated for the internet on the
    backend port."""
    found = lb_estate(tmp_path, sku=sku, nic_rules=nic_rules, rules=[HTTPS_RULE])
    assert entries(found) == expected


def test_nat_rule_to_one_backend_exposes_its_backend_port(tmp_path: Path) -> None:
    """An inbound NAT rule forwards one frontend port to one backend instance's port ("Inbound
    NAT rules", https://learn.microsoft.com/en-us/azure/load-balancer/inbound-nat-rules)."""
    found = lb_estate(
        tmp_path,
        nic_rules=[ALLOW_8443, ALLOW_3389],
        rules=[HTTPS_RULE],
        nat_rules=[
            {"protocol": "Tcp", "frontendPort": 50001, "backendPort": 3389, "target_index": 0}
        ],
    )
    assert [(e.frontend_ports.to_report(), e.ports.to_report()) for e in found["vm-0"].entries] == [
        (tcp("443", "50001"), tcp("3389", "8443"))
    ]
    assert found["vm-1"].ports.to_report() == tcp("8443")


def test_nat_rule_frontend_range_onto_a_pool_maps_one_port_per_member(tmp_path: Path) -> None:
    """A NAT rule version 2 with a frontend port range and a backend pool gives each pool
    member its own frontend port, in order ("Inbound NAT rules", version 2,
    https://learn.microsoft.com/en-us/azure/load-balancer/inbound-nat-rules)."""
    found = lb_estate(
        tmp_path,
        nic_rules=[ALLOW_3389],
        nat_rules=[
            {
                "protocol": "Tcp",
                "frontendPortRangeStart": 500,
                "frontendPortRangeEnd": 501,
                "backendPort": 3389,
            }
        ],
        backends=3,
    )
    assert entries(found) == {
        "vm-0": [(tcp("500"), tcp("3389"))],
        "vm-1": [(tcp("501"), tcp("3389"))],
    }


def test_udp_rule_needs_a_udp_allow(tmp_path: Path) -> None:
    """The NSG rule must match the flow's protocol ("Network security groups", Security rules,
    https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules)."""
    udp_allow = nsg_rule(
        "dns",
        100,
        protocol="Udp",
        sourceAddressPrefix="*",
        destinationAddressPrefix="*",
        destinationPortRange="53",
    )
    found = lb_estate(
        tmp_path,
        nic_rules=[udp_allow],
        rules=[
            {"protocol": "Udp", "frontendPort": 53, "backendPort": 53},
            {"protocol": "Tcp", "frontendPort": 53, "backendPort": 53},
        ],
        backends=1,
    )
    assert entries(found) == {
        "vm-0": [([{"protocol": "udp", "ports": "53"}], [{"protocol": "udp", "ports": "53"}])]
    }


def test_nat_pools_are_noted_not_evaluated(tmp_path: Path) -> None:
    """Inbound NAT pools serve scale sets, out of scope in this version (exposure.md rule 2):
    the load balancer is reported with the note and the frontend range, no target ports."""
    found = lb_estate(
        tmp_path,
        nat_pools=[
            {
                "protocol": "Tcp",
                "frontendPortRangeStart": 50000,
                "frontendPortRangeEnd": 50099,
                "backendPort": 22,
            }
        ],
        backends=0,
    )
    lb = found["lb"]
    assert lb.notes == ["nat-pool-not-evaluated"]
    assert [(e.via, e.frontend_ports.to_report(), e.ports.to_report()) for e in lb.entries] == [
        ("load-balancer", tcp("50000-50099"), [])
    ]


def test_load_balancer_evidence_goes_through_forwards_to(tmp_path: Path) -> None:
    """findings.md: internet -EXPOSES-> public IP -ATTACHED_TO-> load balancer -FORWARDS_TO->
    IP configuration <-HAS_IP_CONFIG- NIC -ATTACHED_TO-> VM."""
    found = lb_estate(tmp_path, sku="Basic", rules=[HTTPS_RULE], backends=1)
    relations = [
        (h["from"].rsplit("/", 1)[-1], h["relation"], h["to"].rsplit("/", 1)[-1])
        for h in found["vm-0"].evidence
    ]
    assert relations == [
        ("internet", "EXPOSES", "pip-lb"),
        ("pip-lb", "ATTACHED_TO", "lb"),
        ("lb", "FORWARDS_TO", "ipconfig1"),
        ("nic-vm-0", "HAS_IP_CONFIG", "ipconfig1"),
        ("nic-vm-0", "ATTACHED_TO", "vm-0"),
    ]


def test_pool_by_ip_address_resolves_to_the_nic_holding_it(tmp_path: Path) -> None:
    """A backend pool can name IP addresses in a VNet instead of NICs ("Backend pool management",
    https://learn.microsoft.com/en-us/azure/load-balancer/backend-pool-management); an address
    a NIC holds in that VNet is that NIC's target, any other is noted `ip-pool-unresolved`."""
    estate = Estate()
    vnet = estate.vnet("vnet", "10.0.0.0/16", {"be": "10.0.1.0/24"})
    estate.nic("nic-vm-0", [{"ip": "10.0.1.4", "subnet": estate.subnet(vnet, "be")}])
    pip = estate.public_ip("pip-lb", "20.2.2.2", sku="Basic")
    estate.load_balancer(
        "lb",
        pip,
        sku="Basic",
        rules=[HTTPS_RULE],
        pool_addresses=[("10.0.1.4", vnet), ("10.0.1.99", vnet)],
    )
    found = {e.subject_name: e for e in find_exposures(estate.graph(tmp_path / "estate"))}
    assert found["vm-0"].ports.to_report() == tcp("8443")
    assert found["lb"].notes == ["ip-pool-unresolved"]
    assert [e.frontend_ports.to_report() for e in found["lb"].entries] == [tcp("443")]
