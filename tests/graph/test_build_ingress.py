"""Load-balancer rules, inbound NAT rules and firewall DNAT as FORWARDS_TO edges."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graph.build import build_graph
from graph.schema import Rel
from graph.snapshot import load_snapshot
from tests.graph.handmade import (
    FW,
    FW_BASE,
    FW_POLICY,
    IPC_DB,
    IPC_WEB,
    IPC_WEB2,
    LB,
    LB_FRONTEND,
    LB_NAT_RANGE,
    LB_NAT_SINGLE,
    LB_RULE,
    LB_RULE_IP,
    contoso_resources,
    contoso_snapshot,
)
from tests.graph.helpers import edges, node, one_edge, out_targets

PORTS = ("kind", "protocol", "frontendPortStart", "frontendPortEnd", "backendPort")


def _ports(edge: dict) -> tuple:
    return tuple(edge[k] for k in PORTS)


def _by_rule(found: list[dict], rule: str) -> dict:
    [edge] = [e for e in found if e["ruleId"] == rule.lower()]
    return edge


def test_load_balancing_rule_forwards_to_every_backend_ip_configuration(
    contoso: nx.MultiDiGraph,
) -> None:
    for ipc in (IPC_WEB, IPC_WEB2):
        edge = _by_rule(edges(contoso, LB, ipc, Rel.FORWARDS_TO), LB_RULE)
        assert _ports(edge) == ("rule", "Tcp", 443, 443, 8443)
        assert edge["frontendIPConfigId"] == LB_FRONTEND.lower()


def test_pool_defined_by_ip_address_resolves_to_the_nic_holding_it(
    contoso: nx.MultiDiGraph,
) -> None:
    edge = _by_rule(edges(contoso, LB, IPC_DB, Rel.FORWARDS_TO), LB_RULE_IP)
    assert _ports(edge) == ("rule", "Tcp", 80, 80, 8080)


def test_pool_address_no_nic_holds_is_recorded_on_the_load_balancer(
    contoso: nx.MultiDiGraph,
) -> None:
    assert node(contoso, LB)["unresolvedBackendAddresses"] == ["10.0.2.99"]


def test_nat_rule_links_its_backend_vm_ip_configuration_with_ports(
    contoso: nx.MultiDiGraph,
) -> None:
    edge = _by_rule(edges(contoso, LB, IPC_DB, Rel.FORWARDS_TO), LB_NAT_SINGLE)
    assert _ports(edge) == ("nat", "Tcp", 3390, 3390, 3389)


def test_nat_rule_port_range_onto_a_pool_maps_one_port_per_backend_in_order(
    contoso: nx.MultiDiGraph,
) -> None:
    first = _by_rule(edges(contoso, LB, IPC_WEB, Rel.FORWARDS_TO), LB_NAT_RANGE)
    second = _by_rule(edges(contoso, LB, IPC_WEB2, Rel.FORWARDS_TO), LB_NAT_RANGE)
    assert (_ports(first), _ports(second)) == (
        ("nat", "Tcp", 50000, 50000, 22),
        ("nat", "Tcp", 50001, 50001, 22),
    )


def test_firewall_uses_its_policy_which_inherits_from_its_base(contoso: nx.MultiDiGraph) -> None:
    assert out_targets(contoso, FW, Rel.USES_POLICY) == {FW_POLICY.lower()}
    assert out_targets(contoso, FW_POLICY, Rel.INHERITS_FROM) == {FW_BASE.lower()}


def test_dnat_rule_inherited_from_base_policy_forwards_to_the_translated_ip_configuration(
    contoso: nx.MultiDiGraph,
) -> None:
    edge = one_edge(contoso, FW, IPC_WEB, Rel.FORWARDS_TO)
    assert {
        k: edge[k]
        for k in (
            "kind",
            "ruleName",
            "protocols",
            "sourceAddresses",
            "destinationAddresses",
            "destinationPorts",
            "translatedAddress",
            "translatedPort",
            "policyId",
            "resolved",
        )
    } == {
        "kind": "dnat",
        "ruleName": "rdp-to-web",
        "protocols": ["TCP"],
        "sourceAddresses": ["*"],
        "destinationAddresses": ["20.1.1.3"],
        "destinationPorts": ["3389"],
        "translatedAddress": "10.0.2.4",
        "translatedPort": "3389",
        "policyId": FW_BASE.lower(),
        "resolved": True,
    }


def test_dnat_rule_whose_target_no_nic_holds_loops_on_the_firewall_unresolved(
    tmp_path: Path,
) -> None:
    resources = contoso_resources()
    fw = next(r for r in resources if r["id"] == FW)
    fw["properties"]["natRuleCollections"] = [
        {
            "name": "classic",
            "properties": {
                "priority": 100,
                "action": {"type": "Dnat"},
                "rules": [
                    {
                        "name": "to-nowhere",
                        "protocols": ["TCP"],
                        "sourceAddresses": ["*"],
                        "destinationAddresses": ["20.1.1.3"],
                        "destinationPorts": ["8080"],
                        "translatedAddress": "10.9.9.9",
                        "translatedPort": "80",
                    }
                ],
            },
        }
    ]
    g = build_graph(load_snapshot(contoso_snapshot(tmp_path, resources=resources)))
    edge = one_edge(g, FW, FW, Rel.FORWARDS_TO)
    assert (edge["ruleName"], edge["resolved"], edge["unresolvedReason"]) == (
        "to-nowhere",
        False,
        "dnat-target-unresolved",
    )
