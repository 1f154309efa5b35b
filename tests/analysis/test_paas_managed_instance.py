"""SQL Managed Instance's public data endpoint (3342) is decided by the NSG on its subnet
(paas-exposure.md table 2.1), evaluated with the NIC engine's NSG rules."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from graph.analysis.paas_exposure import CLOSED, INTERNET, RESTRICTED
from graph.analysis.paas_findings import find_paas_exposures
from graph.schema import Label, Rel

SUB = "/subscriptions/1a2b3c4d-0000-4000-8000-000000000109"
SUBNET = f"{SUB}/resourcegroups/rg/providers/microsoft.network/virtualnetworks/vnet/subnets/mi"
NSG = f"{SUB}/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/nsg-mi"
MI = f"{SUB}/resourcegroups/rg/providers/microsoft.sql/managedinstances/mi1"


def rule(name: str, priority: int, access: str, source: str) -> dict[str, Any]:
    return {
        "name": name,
        "properties": {
            "priority": priority,
            "direction": "Inbound",
            "access": access,
            "protocol": "Tcp",
            "sourceAddressPrefix": source,
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "destinationPortRange": "3342",
        },
    }


def graph_with(public: bool, rules: list[dict[str, Any]] | None) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    settings = {"publicDataEndpointEnabled": public, "subnetId": SUBNET}
    g.add_node(
        MI,
        label=Label.PAAS_SERVICE.value,
        type="Microsoft.Sql/managedInstances",
        name="mi1",
        subscriptionId=SUB.rsplit("/", 1)[1],
        exposureSettings=json.dumps(settings),
    )
    g.add_node(SUBNET, label=Label.SUBNET.value, addressPrefixes=["10.9.1.0/24"])
    if rules is not None:
        g.add_node(NSG, label=Label.NSG.value, securityRules=json.dumps(rules))
        g.add_edge(SUBNET, NSG, type=Rel.PROTECTED_BY.value)
    return g


def verdict(g: nx.MultiDiGraph) -> str:
    (exposure,) = find_paas_exposures(g, every=True)
    (endpoint,) = exposure.endpoints
    assert endpoint.ports == (3342,)
    return endpoint.result


def test_public_data_endpoint_off_is_closed() -> None:
    assert verdict(graph_with(False, None)) == CLOSED


def test_public_data_endpoint_with_an_nsg_allowing_the_internet_is_internet() -> None:
    assert verdict(graph_with(True, [rule("public-3342", 100, "Allow", "Internet")])) == INTERNET


def test_public_data_endpoint_with_an_nsg_admitting_one_office_is_restricted() -> None:
    assert (
        verdict(graph_with(True, [rule("office-3342", 100, "Allow", "203.0.113.0/28")]))
        == RESTRICTED
    )


def test_public_data_endpoint_without_an_nsg_is_open() -> None:
    assert verdict(graph_with(True, None)) == INTERNET
