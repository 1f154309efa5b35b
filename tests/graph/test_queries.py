"""The named queries on the handmade estate, and their output formats."""

from __future__ import annotations

import copy
import csv
import io
import json

import networkx as nx
import pytest

from graph.queries import QUERIES, QueryError
from graph.schema import node_id
from tenantmap.rows import format_rows
from tests.graph.handmade import (
    AUDITOR,
    CIRCUIT,
    FW,
    HOME,
    HUB_VNET,
    IPC_DB,
    LB,
    LOCAL_GATEWAY,
    MSP,
    NSG_APP,
    PARTNER,
    PARTNER_CIRCUIT,
    PARTNER_GATEWAY,
    PARTNER_VNET,
    PIP_WEB,
    SPOKE_VNET,
    SUB_PARTNER,
    SUB_PROD,
    SUB_TREE_ONLY,
    VM_WEB,
    VPN_SITE,
)


def run(g: nx.MultiDiGraph, name: str, *params: str, **kw: object) -> list[dict]:
    return QUERIES[name].run(g, *params, **kw)  # type: ignore[arg-type]


def test_every_query_has_description_columns_and_cypher_unless_it_compares_runs() -> None:
    for q in QUERIES.values():
        assert q.description and q.columns
        assert (q.cypher is None) == (q.needs_previous or q.from_report), q.name


def test_rows_have_exactly_the_query_columns(contoso: nx.MultiDiGraph) -> None:
    for name in ("connected-tenants", "cross-links", "internet-paths"):
        assert {tuple(r) for r in run(contoso, name)} == {QUERIES[name].columns}


def test_connected_tenants_names_each_link_with_its_channel(contoso: nx.MultiDiGraph) -> None:
    pairs = {(r["connectedTenant"], r["channel"]) for r in run(contoso, "connected-tenants")}
    assert pairs == {
        (PARTNER, "vnet-peering"),
        (PARTNER, "gateway-connection"),
        (PARTNER, "expressroute-authorization"),
        (PARTNER, "expressroute-global-reach"),
        (PARTNER, "private-endpoint"),
        (PARTNER, "private-endpoint-inbound"),
        (MSP, "lighthouse"),
        (AUDITOR, "lighthouse"),
    }


def test_connected_tenants_orients_inbound_private_links_from_our_side(
    contoso: nx.MultiDiGraph,
) -> None:
    [row] = [
        r for r in run(contoso, "connected-tenants") if r["channel"] == "private-endpoint-inbound"
    ]
    assert (row["tenant"], row["from"].rsplit("/", 1)[-1], row["state"]) == (
        HOME,
        "stcontoso",
        "Pending",
    )


def test_connected_tenants_leaves_out_the_hub_managed_peering(contoso: nx.MultiDiGraph) -> None:
    assert not [r for r in run(contoso, "connected-tenants") if r["from"] == node_id(SPOKE_VNET)]


def test_cross_links_include_the_cross_tenant_peering_with_both_subscriptions(
    contoso: nx.MultiDiGraph,
) -> None:
    [row] = [r for r in run(contoso, "cross-links") if r["channel"] == "vnet-peering"]
    assert (
        row["from"],
        row["fromSubscription"],
        row["to"],
        row["toSubscription"],
        row["crossTenant"],
    ) == (
        node_id(HUB_VNET),
        SUB_PROD,
        node_id(PARTNER_VNET),
        SUB_PARTNER,
        True,
    )


def test_cross_links_leave_out_links_inside_one_subscription(contoso: nx.MultiDiGraph) -> None:
    assert not [r for r in run(contoso, "cross-links") if r["to"] == node_id(LOCAL_GATEWAY)]


def test_internet_paths_follow_a_public_ip_to_its_vm(contoso: nx.MultiDiGraph) -> None:
    [row] = [r for r in run(contoso, "internet-paths") if r["publicIp"] == node_id(PIP_WEB)]
    assert (row["via"], row["target"], row["subscriptionId"]) == (
        "public-ip",
        node_id(VM_WEB),
        SUB_PROD,
    )


def test_internet_paths_follow_a_nat_rule_to_its_backend_with_ports(
    contoso: nx.MultiDiGraph,
) -> None:
    rows = [
        r
        for r in run(contoso, "internet-paths")
        if r["holder"] == node_id(LB) and node_id(IPC_DB) in r["path"]
    ]
    assert sorted(r["ports"] for r in rows) == ["Tcp 3390->3389", "Tcp 80->8080"]


def test_internet_paths_follow_firewall_dnat(contoso: nx.MultiDiGraph) -> None:
    [row] = [r for r in run(contoso, "internet-paths") if r["via"] == "firewall-dnat"]
    assert (row["holder"], row["target"], row["ports"]) == (
        node_id(FW),
        node_id(VM_WEB),
        "TCP 3389->3389",
    )


def test_vnet_reach_lists_peer_gateway_and_what_connections_lead_to(
    contoso: nx.MultiDiGraph,
) -> None:
    reached = {r["reached"]: r["relation"] for r in run(contoso, "vnet-reach", HUB_VNET)}
    assert reached == {
        node_id(PARTNER_VNET): "peering",
        node_id(PARTNER_GATEWAY): "connection-gateway2",
        node_id(LOCAL_GATEWAY): "connection-local",
        node_id(
            "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworkGateways/vng-hub"
        ): "gateway",
    }


def test_vnet_reach_through_virtual_wan_finds_sites_circuits_and_global_reach(
    contoso: nx.MultiDiGraph,
) -> None:
    reached = {r["reached"]: r["relation"] for r in run(contoso, "vnet-reach", SPOKE_VNET)}
    assert {
        k: reached.get(k) for k in (node_id(VPN_SITE), node_id(CIRCUIT), node_id(PARTNER_CIRCUIT))
    } == {
        node_id(VPN_SITE): "vpn-site",
        node_id(CIRCUIT): "circuit",
        node_id(PARTNER_CIRCUIT): "global-reach",
    }


def test_vnet_reach_of_something_that_is_not_a_vnet_says_so(contoso: nx.MultiDiGraph) -> None:
    with pytest.raises(QueryError, match="is not a virtual network"):
        run(contoso, "vnet-reach", LB)


def test_mg_subscriptions_finds_subscriptions_at_any_depth_by_display_name(
    contoso: nx.MultiDiGraph,
) -> None:
    rows = run(contoso, "mg-subscriptions", "Tenant Root Group")
    assert [(r["subscriptionId"], r["managementGroupPath"]) for r in rows] == [
        (SUB_PROD, f"{HOME} / mg-prod"),
        (SUB_TREE_ONLY, f"{HOME} / mg-prod"),
    ]


def test_mg_subscriptions_of_an_unknown_group_says_what_to_give(contoso: nx.MultiDiGraph) -> None:
    with pytest.raises(QueryError, match="no management group 'nope'"):
        run(contoso, "mg-subscriptions", "nope")


def test_vnet_reach_takes_the_vnet_id_in_any_letter_case(contoso: nx.MultiDiGraph) -> None:
    # Azure resource ids are case-insensitive ("Resource naming restrictions", Microsoft Learn).
    respelled = HUB_VNET.upper().replace(
        "/PROVIDERS/MICROSOFT.NETWORK/", "/providers/microsoft.network/"
    )
    assert run(contoso, "vnet-reach", respelled + "/") == run(contoso, "vnet-reach", HUB_VNET)


def test_mg_subscriptions_takes_the_group_name_in_any_letter_case(contoso: nx.MultiDiGraph) -> None:
    expected = run(contoso, "mg-subscriptions", "mg-prod")
    assert expected
    assert run(contoso, "mg-subscriptions", "MG-PROD") == expected
    assert (
        run(contoso, "mg-subscriptions", "/PROVIDERS/Microsoft.Management/MANAGEMENTGROUPS/MG-Prod")
        == expected
    )


def test_queries_leave_out_stale_items_unless_asked(contoso: nx.MultiDiGraph) -> None:
    g = copy.deepcopy(contoso)
    for data in g[node_id(HUB_VNET)][node_id(PARTNER_VNET)].values():
        data["present"] = False
    assert not [r for r in run(g, "cross-links") if r["channel"] == "vnet-peering"]
    assert [r for r in run(g, "cross-links", include_stale=True) if r["channel"] == "vnet-peering"]


def test_changes_lists_added_removed_and_changed_items(contoso: nx.MultiDiGraph) -> None:
    previous = copy.deepcopy(contoso)
    current = copy.deepcopy(contoso)
    current.remove_node(node_id(LOCAL_GATEWAY))
    current.add_node("new-node", id="new-node", label="Tenant", name="new")
    for data in current[node_id(HUB_VNET)][node_id(PARTNER_VNET)].values():
        data["peeringState"] = "Disconnected"
    rows = run(current, "changes", previous=previous)
    summary = {
        (r["change"], r["kind"], r["id"] if r["kind"] == "node" else r["label"], r["property"])
        for r in rows
    }
    assert ("added", "node", "new-node", None) in summary
    assert ("removed", "node", node_id(LOCAL_GATEWAY), None) in summary
    assert ("removed", "edge", "CONNECTS_TO", None) in summary
    [changed] = [r for r in rows if r["change"] == "changed"]
    assert (changed["property"], changed["before"], changed["after"]) == (
        "peeringState",
        "Connected",
        "Disconnected",
    )


def test_changes_ignore_the_stores_bookkeeping(contoso: nx.MultiDiGraph) -> None:
    current = copy.deepcopy(contoso)
    for _, data in current.nodes(data=True):
        data["lastSeen"] = "2026-11-28T02:00:00Z"
    assert run(current, "changes", previous=contoso) == []


def test_changes_ignore_a_new_letter_case_of_the_same_ids(contoso: nx.MultiDiGraph) -> None:
    previous = copy.deepcopy(contoso)
    current = copy.deepcopy(contoso)
    rules = [{"id": f"{NSG_APP}/securityRules/allow-https", "name": "allow-https"}]
    previous.nodes[node_id(NSG_APP)]["securityRules"] = json.dumps(rules)
    respelled = [{"id": f"{NSG_APP}/securityRules/allow-https".upper(), "name": "allow-https"}]
    current.nodes[node_id(NSG_APP)]["securityRules"] = json.dumps(respelled)
    vm = current.nodes[node_id(VM_WEB)]
    vm.update(armId=vm["armId"].upper(), name=vm["name"].upper())
    vm["resourceGroup"] = vm["resourceGroup"].upper()
    assert run(current, "changes", previous=previous) == []


def test_changes_report_a_change_of_case_that_is_not_an_id(contoso: nx.MultiDiGraph) -> None:
    previous = copy.deepcopy(contoso)
    current = copy.deepcopy(contoso)
    rules = [{"id": f"{NSG_APP}/securityRules/allow-https", "description": "web"}]
    previous.nodes[node_id(NSG_APP)]["securityRules"] = json.dumps(rules)
    current.nodes[node_id(NSG_APP)]["securityRules"] = json.dumps(
        [{**rules[0], "description": "WEB"}]
    )
    current.nodes[SUB_PROD]["name"] = str(current.nodes[SUB_PROD]["name"]).upper()
    rows = run(current, "changes", previous=previous)
    assert {(r["id"], r["property"]) for r in rows} == {
        (node_id(NSG_APP), "securityRules"),
        (SUB_PROD, "name"),
    }


def test_format_json_gives_the_rows_with_their_columns(contoso: nx.MultiDiGraph) -> None:
    q = QUERIES["mg-subscriptions"]
    rows = q.run(contoso, "mg-prod")
    assert json.loads(format_rows(rows, q.columns, "json")) == rows


def test_format_csv_has_a_header_and_one_line_per_row(contoso: nx.MultiDiGraph) -> None:
    q = QUERIES["mg-subscriptions"]
    rows = q.run(contoso, "mg-prod")
    parsed = list(csv.reader(io.StringIO(format_rows(rows, q.columns, "csv"))))
    assert parsed[0] == list(q.columns) and len(parsed) == len(rows) + 1


def test_format_table_aligns_columns_under_a_header(contoso: nx.MultiDiGraph) -> None:
    q = QUERIES["mg-subscriptions"]
    lines = format_rows(q.run(contoso, "mg-prod"), q.columns, "table").splitlines()
    assert lines[0].startswith("subscriptionId") and lines[2].index("prod") == lines[0].index(
        "name"
    )


def test_format_unknown_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        format_rows([], ["a"], "xml")
