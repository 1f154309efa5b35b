"""Internet-exposure findings: approvals port by port, expired approvals, severity, reaches."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import networkx as nx

from graph.analysis import all_findings
from graph.analysis.exposure import Exposure, ExposureEntry
from graph.analysis.findings import Finding
from graph.analysis.ports import PortSet
from graph.crawl_record import crawl_record
from graph.inventory import Inventory
from tests.analysis.estate import (
    HOME,
    SUB_A,
    SUB_B,
    TODAY,
    Estate,
    findings_of,
    inventory,
    report_of,
    rid,
)

VM = rid(SUB_A, "rg", "Microsoft.Compute/virtualMachines", "web-01")
PIP = rid(SUB_A, "rg", "publicIPAddresses", "pip-web-01").lower()
LNG = rid(SUB_B, "net", "localNetworkGateways", "lng-ams")
BASE = (
    f"tenants:\n  - id: {HOME}\n    relationship: home\n"
    f"subscriptions:\n  - id: {SUB_A}\n    environment: {{env}}\n  - id: {SUB_B}\n"
    "sites:\n  - name: ams\n    gateway_ips: [203.0.113.10]\n    address_prefixes: [10.200.0.0/16]\n"
)


def _exposure(ports: PortSet, *, reaches: list[str] | None = None) -> Exposure:
    return Exposure(
        subject=VM.lower(),
        subject_name="web-01",
        subscription_id=SUB_A,
        entries=[
            ExposureEntry(entry=PIP, via="public-ip", waf=None, frontend_ports=ports, ports=ports)
        ],
        ports=ports,
        notes=["route-none"],
        evidence=[{"from": "internet", "relation": "EXPOSES", "to": PIP, "channel": None}],
        reaches=reaches if reaches is not None else [SUB_A],
        scope={SUB_A},
    )


def _graph(tmp_path: Path) -> tuple[Any, nx.MultiDiGraph]:
    lng = {
        "id": LNG,
        "name": "lng-ams",
        "type": "Microsoft.Network/localNetworkGateways",
        "location": "westeurope",
        "properties": {
            "gatewayIpAddress": "203.0.113.10",
            "localNetworkAddressSpace": {"addressPrefixes": ["10.200.0.0/24"]},
        },
    }
    return Estate.home(SUB_A, SUB_B).add(lng).load(tmp_path)


def _exposures(
    tmp_path: Path, inv: Inventory, *exposures: Exposure, today: dt.date = TODAY
) -> dict[str, Finding]:
    snap, graph = _graph(tmp_path)
    found, _ = all_findings(graph, crawl_record(snap), inv, today=today, exposures=list(exposures))
    return {f.kind: f for f in found if f.kind in ("internet-exposure", "expired-approval")}


def _approval(ports: str, protocol: str = "tcp", expires: str = "2027-06-30") -> str:
    return (
        f'  - resource: {VM}\n    ports: {ports}\n    protocol: "{protocol}"\n'
        f"    expires: {expires}\n    ticket: CHG-1\n"
    )


def test_a_management_port_in_production_is_critical_with_a_title_naming_it(
    tmp_path: Path,
) -> None:
    found = _exposures(
        tmp_path, inventory(BASE.format(env="production")), _exposure(PortSet.parse("tcp", ["22"]))
    )
    finding = found["internet-exposure"]
    assert finding.severity == "critical"
    assert finding.title == "SSH (22/tcp) open to the internet on web-01"
    assert finding.details["ports"] == [{"protocol": "tcp", "ports": "22"}]
    assert finding.details["notes"] == ["route-none"]
    assert finding.scope == frozenset({SUB_A})


def test_a_management_port_outside_production_is_high(tmp_path: Path) -> None:
    found = _exposures(
        tmp_path, inventory(BASE.format(env="sandbox")), _exposure(PortSet.parse("tcp", ["3389"]))
    )
    assert found["internet-exposure"].severity == "high"


def test_a_subscription_listed_without_an_environment_counts_as_production(
    tmp_path: Path,
) -> None:
    # inventory.md: a forgotten label must never lower a severity.
    unset = BASE.replace("    environment: {env}\n", "")
    found = _exposures(tmp_path, inventory(unset), _exposure(PortSet.parse("tcp", ["22"])))
    assert found["internet-exposure"].severity == "critical"


def test_a_subscription_the_inventory_does_not_list_counts_as_production(
    tmp_path: Path,
) -> None:
    unlisted = f"tenants:\n  - id: {HOME}\n    relationship: home\n"
    found = _exposures(tmp_path, inventory(unlisted), _exposure(PortSet.parse("tcp", ["22"])))
    assert found["internet-exposure"].severity == "critical"


def test_all_udp_ports_count_as_all_ports(tmp_path: Path) -> None:
    found = _exposures(
        tmp_path, inventory(BASE.format(env="sandbox")), _exposure(PortSet.all("udp"))
    )
    assert found["internet-exposure"].severity == "high"


def test_a_web_port_in_production_is_high_and_elsewhere_medium(tmp_path: Path) -> None:
    prod = _exposures(
        tmp_path / "a",
        inventory(BASE.format(env="production")),
        _exposure(PortSet.parse("tcp", ["443"])),
    )
    assert prod["internet-exposure"].severity == "high"
    dev = _exposures(
        tmp_path / "b",
        inventory(BASE.format(env="non-production")),
        _exposure(PortSet.parse("tcp", ["443"])),
    )
    assert dev["internet-exposure"].severity == "medium"


def test_reaching_a_production_subscription_raises_severity(tmp_path: Path) -> None:
    inv = inventory(
        BASE.format(env="sandbox").replace(
            f"  - id: {SUB_B}\n", f"  - id: {SUB_B}\n    environment: production\n"
        )
    )
    found = _exposures(
        tmp_path, inv, _exposure(PortSet.parse("tcp", ["22"]), reaches=[SUB_A, SUB_B])
    )
    assert found["internet-exposure"].severity == "critical"


def test_a_reached_gateway_that_a_declared_site_covers_is_shown_as_the_site(
    tmp_path: Path,
) -> None:
    exposure = _exposure(PortSet.parse("tcp", ["443"]), reaches=[SUB_A, LNG.lower()])
    found = _exposures(tmp_path, inventory(BASE.format(env="sandbox")), exposure)
    finding = found["internet-exposure"]
    assert finding.details["reaches"] == [SUB_A, "site:ams"]
    assert finding.severity == "high"  # reaches outside Azure


def test_an_undeclared_reached_circuit_keeps_its_id_and_raises_severity(tmp_path: Path) -> None:
    circuit = rid(SUB_B, "net", "expressRouteCircuits", "er-x").lower()
    exposure = _exposure(PortSet.parse("tcp", ["443"]), reaches=[SUB_A, circuit])
    finding = _exposures(tmp_path, inventory(BASE.format(env="sandbox")), exposure)[
        "internet-exposure"
    ]
    assert circuit in finding.details["reaches"]
    assert finding.severity == "high"


def test_an_approval_covering_every_exposed_port_leaves_no_finding(tmp_path: Path) -> None:
    inv = inventory(
        BASE.format(env="production") + "approved_exposures:\n" + _approval('["443", "8080-8090"]')
    )
    found = _exposures(tmp_path, inv, _exposure(PortSet.parse("tcp", ["443", "8080-8085"])))
    assert found == {}


def test_an_approval_covering_part_leaves_the_rest_and_lists_the_approved(tmp_path: Path) -> None:
    inv = inventory(BASE.format(env="production") + "approved_exposures:\n" + _approval("[443]"))
    found = _exposures(tmp_path, inv, _exposure(PortSet.parse("tcp", ["22", "443"])))
    finding = found["internet-exposure"]
    assert finding.details["ports"] == [{"protocol": "tcp", "ports": "22"}]
    assert finding.details["approvedPorts"] == [{"protocol": "tcp", "ports": "443"}]
    assert finding.details["entries"][0]["ports"] == [{"protocol": "tcp", "ports": "22"}]
    assert finding.details["entries"][0]["frontendPorts"] == [
        {"protocol": "tcp", "ports": "22"},
        {"protocol": "tcp", "ports": "443"},
    ]


def test_several_approvals_of_one_resource_add_up_per_protocol(tmp_path: Path) -> None:
    inv = inventory(
        BASE.format(env="sandbox")
        + "approved_exposures:\n"
        + _approval("[443]", "tcp")
        + _approval("[443]", "udp")
    )
    exposed = PortSet.parse("tcp", ["443"]) | PortSet.parse("udp", ["443", "500"])
    finding = _exposures(tmp_path, inv, _exposure(exposed))["internet-exposure"]
    assert finding.details["ports"] == [{"protocol": "udp", "ports": "500"}]


def test_an_approval_for_any_protocol_covers_icmp_too(tmp_path: Path) -> None:
    inv = inventory(BASE.format(env="sandbox") + "approved_exposures:\n" + _approval('["*"]', "*"))
    exposed = PortSet.all("*")
    assert _exposures(tmp_path, inv, _exposure(exposed)) == {}


def test_an_expired_approval_no_longer_approves_and_is_its_own_finding(tmp_path: Path) -> None:
    inv = inventory(
        BASE.format(env="sandbox")
        + "approved_exposures:\n"
        + _approval("[443]", expires="2026-11-26")
        + _approval("[80]", expires="2026-01-01")
    )
    found = _exposures(tmp_path, inv, _exposure(PortSet.parse("tcp", ["443"])))
    assert found["internet-exposure"].details["approvedPorts"] == []
    expired = found["expired-approval"]
    assert expired.subject == VM.lower()
    assert expired.severity == "low"
    assert [a["expires"] for a in expired.details["approvals"]] == ["2026-11-26", "2026-01-01"]
    assert expired.scope == frozenset()


def test_an_approval_expiring_today_still_approves(tmp_path: Path) -> None:
    inv = inventory(
        BASE.format(env="sandbox")
        + "approved_exposures:\n"
        + _approval("[443]", expires=TODAY.isoformat())
    )
    assert _exposures(tmp_path, inv, _exposure(PortSet.parse("tcp", ["443"]))) == {}


def test_an_expired_approval_stands_when_the_resource_is_gone(tmp_path: Path) -> None:
    inv = inventory(
        BASE.format(env="sandbox")
        + "approved_exposures:\n"
        + _approval("[443]", expires="2025-01-01")
    )
    found = _exposures(tmp_path, inv)
    assert set(found) == {"expired-approval"}


# ---------------------------------------------------------------- through the real exposure analysis


def _exposed_vm_estate() -> Estate:
    vnet_id = rid(SUB_A, "rg", "virtualNetworks", "vnet")
    subnet = vnet_id + "/subnets/default"
    nsg = rid(SUB_A, "rg", "networkSecurityGroups", "nsg-web")
    nic = rid(SUB_A, "rg", "networkInterfaces", "nic-web-01")
    pip = rid(SUB_A, "rg", "publicIPAddresses", "pip-web-01")
    rule = {
        "name": "ssh",
        "properties": {
            "priority": 100,
            "direction": "Inbound",
            "access": "Allow",
            "protocol": "Tcp",
            "sourceAddressPrefix": "Internet",
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "destinationPortRanges": ["22", "443"],
        },
    }
    return Estate.home(SUB_A).add(
        {
            "id": vnet_id,
            "name": "vnet",
            "type": "Microsoft.Network/virtualNetworks",
            "location": "westeurope",
            "properties": {
                "addressSpace": {"addressPrefixes": ["10.1.0.0/16"]},
                "subnets": [
                    {
                        "id": subnet,
                        "name": "default",
                        "properties": {"addressPrefix": "10.1.0.0/24"},
                    }
                ],
            },
        },
        {
            "id": nsg,
            "name": "nsg-web",
            "type": "Microsoft.Network/networkSecurityGroups",
            "location": "westeurope",
            "properties": {"securityRules": [rule], "defaultSecurityRules": []},
        },
        {
            "id": pip,
            "name": "pip-web-01",
            "type": "Microsoft.Network/publicIPAddresses",
            "location": "westeurope",
            "sku": {"name": "Standard"},
            "properties": {
                "ipAddress": "20.61.20.10",
                "ipConfiguration": {"id": nic + "/ipConfigurations/ipconfig1"},
            },
        },
        {
            "id": nic,
            "name": "nic-web-01",
            "type": "Microsoft.Network/networkInterfaces",
            "location": "westeurope",
            "properties": {
                "networkSecurityGroup": {"id": nsg},
                "virtualMachine": {"id": VM},
                "ipConfigurations": [
                    {
                        "id": nic + "/ipConfigurations/ipconfig1",
                        "name": "ipconfig1",
                        "properties": {
                            "privateIPAddress": "10.1.0.4",
                            "primary": True,
                            "subnet": {"id": subnet},
                            "publicIPAddress": {"id": pip},
                        },
                    }
                ],
            },
        },
        {
            "id": VM,
            "name": "web-01",
            "type": "Microsoft.Compute/virtualMachines",
            "location": "westeurope",
            "properties": {"networkProfile": {"networkInterfaces": [{"id": nic}]}},
        },
    )


def test_the_real_exposure_analysis_feeds_an_approved_and_titled_finding(tmp_path: Path) -> None:
    inv = inventory(BASE.format(env="production") + "approved_exposures:\n" + _approval("[443]"))
    report = report_of(_exposed_vm_estate(), tmp_path, inv)
    finding = findings_of(report, "internet-exposure")[VM.lower()]
    assert finding["title"] == "SSH (22/tcp) open to the internet on web-01"
    assert finding["severity"] == "critical"
    assert finding["details"]["approvedPorts"] == [{"protocol": "tcp", "ports": "443"}]
    assert finding["evidence"][0]["from"] == "internet"
