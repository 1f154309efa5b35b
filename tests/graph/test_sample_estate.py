"""The graph of the bundled sample estate (discovery/estates/sample/README.md says what it holds)."""

from __future__ import annotations

import networkx as nx
import pytest

from discovery.estates import SAMPLE_ESTATE
from graph.build import build_graph
from graph.queries import QUERIES
from graph.schema import Label, Rel
from graph.snapshot import load_snapshot

CONTOSO = "72f988bf-0000-4000-8000-000000000001"
FABRIKAM = "0d1e2f3a-0000-4000-8000-000000000002"
NORTHWIND = "4e5f6a7b-0000-4000-8000-000000000003"
LITWARE = "9a8b7c6d-0000-4000-8000-000000000004"
FABRIKAM_SETTLEMENT = "0d1e2f3a-0000-4000-8000-00000000000a"
DELETED_SUB = "deadbeef-0000-4000-8000-0000000000d0"
CONNECTIVITY = "1a2b3c4d-0000-4000-8000-000000000101"
PROD_PAYMENTS = "1a2b3c4d-0000-4000-8000-000000000102"


@pytest.fixture(scope="module")
def sample() -> nx.MultiDiGraph:
    return build_graph(load_snapshot(SAMPLE_ESTATE))


def named(g: nx.MultiDiGraph, label: Label, name: str) -> str:
    found = [
        n for n, d in g.nodes(data=True) if d.get("label") == label.value and d.get("name") == name
    ]
    assert len(found) == 1, f"{len(found)} {label} nodes named {name}"
    return found[0]


def edge(g: nx.MultiDiGraph, src: str, dst: str, rel: Rel) -> dict:
    found = [d for d in g.get_edge_data(src, dst, default={}).values() if d["type"] == rel.value]
    assert len(found) == 1, f"{len(found)} {rel} edges {src} -> {dst}"
    return found[0]


def ipconfig_of(g: nx.MultiDiGraph, nic_name: str) -> str:
    nic = named(g, Label.NETWORK_INTERFACE, nic_name)
    [ipc] = [t for _, t, d in g.out_edges(nic, data=True) if d["type"] == Rel.HAS_IP_CONFIG.value]
    return ipc


def test_cross_tenant_peering_links_payments_to_fabrikam_settlement_connected(
    sample: nx.MultiDiGraph,
) -> None:
    payments = named(sample, Label.VIRTUAL_NETWORK, "vnet-payments")
    fabrikam = named(sample, Label.VIRTUAL_NETWORK, "vnet-fab-settlement")
    assert edge(sample, payments, fabrikam, Rel.PEERS_WITH)["peeringState"] == "Connected"


def test_fabrikam_vnet_is_a_foreign_placeholder_in_the_resolved_tenant(
    sample: nx.MultiDiGraph,
) -> None:
    data = sample.nodes[named(sample, Label.VIRTUAL_NETWORK, "vnet-fab-settlement")]
    assert (data["foreign"], data["subscriptionId"], data["tenantId"]) == (
        True,
        FABRIKAM_SETTLEMENT,
        FABRIKAM,
    )


def test_litware_tenant_exists_only_as_a_foreign_tenant(sample: nx.MultiDiGraph) -> None:
    assert (sample.nodes[LITWARE]["label"], sample.nodes[LITWARE]["foreign"]) == (
        Label.TENANT,
        True,
    )


def test_peering_to_a_deleted_subscription_keeps_its_not_found_resolution(
    sample: nx.MultiDiGraph,
) -> None:
    data = sample.nodes[DELETED_SUB]
    assert (data["foreign"], data["resolution"], "tenantId" in data) == (True, "not-found", False)


def test_authorization_is_redeemed_by_the_prod_data_connection(sample: nx.MultiDiGraph) -> None:
    auth = named(sample, Label.EXPRESSROUTE_AUTHORIZATION, "auth-prod-data")
    conn = named(sample, Label.CONNECTION, "cn-data-er-ams")
    assert edge(sample, auth, conn, Rel.REDEEMED_BY)["authorizationUseStatus"] == "InUse"


def test_nat_rule_reaches_web_01_on_3389_from_50001(sample: nx.MultiDiGraph) -> None:
    lb = named(sample, Label.LOAD_BALANCER, "lb-web")
    [nat] = [
        d
        for d in sample.get_edge_data(lb, ipconfig_of(sample, "nic-web-01")).values()
        if d.get("kind") == "nat"
    ]
    assert (
        nat["protocol"],
        nat["frontendPortStart"],
        nat["frontendPortEnd"],
        nat["backendPort"],
    ) == (
        "Tcp",
        50001,
        50001,
        3389,
    )


def test_dnat_rule_reaches_pay_app_01_through_the_hub_policy(sample: nx.MultiDiGraph) -> None:
    fw = named(sample, Label.FIREWALL, "azfw-hub")
    dnat = edge(sample, fw, ipconfig_of(sample, "nic-pay-app-01"), Rel.FORWARDS_TO)
    assert (
        dnat["destinationAddresses"],
        dnat["destinationPorts"],
        dnat["translatedPort"],
        dnat["resolved"],
    ) == (
        ["20.61.10.4"],
        ["3389"],
        "3389",
        True,
    )


def test_virtual_hub_peering_of_vnet_shop_is_hub_managed(sample: nx.MultiDiGraph) -> None:
    shop = named(sample, Label.VIRTUAL_NETWORK, "vnet-shop")
    [peering] = [
        d for _, _, d in sample.out_edges(shop, data=True) if d["type"] == Rel.PEERS_WITH.value
    ]
    assert peering["hubManaged"] is True


def test_private_links_run_both_ways_on_stpaymentsprod(sample: nx.MultiDiGraph) -> None:
    storage = named(sample, Label.PAAS_SERVICE, "stpaymentsprod")
    directions = {
        (sample.nodes[u].get("foreign"), d["direction"])
        for u, _, d in sample.in_edges(storage, data=True)
        if d["type"] == Rel.PRIVATE_LINK.value
    }
    assert (True, "inbound") in directions and (False, "outbound") in directions


def test_our_private_endpoint_links_out_to_fabrikam_storage(sample: nx.MultiDiGraph) -> None:
    pe = named(sample, Label.PRIVATE_ENDPOINT, "pe-fabrikam-settlement")
    target = named(sample, Label.PAAS_SERVICE, "stfabsettlement")
    link = edge(sample, pe, target, Rel.PRIVATE_LINK)
    assert (link["direction"], link["manual"], sample.nodes[target]["tenantId"]) == (
        "outbound",
        True,
        FABRIKAM,
    )


def test_alias_endpoint_points_at_an_alias_node(sample: nx.MultiDiGraph) -> None:
    pe = named(sample, Label.PRIVATE_ENDPOINT, "pe-tailspin-api")
    [target] = [
        t for _, t, d in sample.out_edges(pe, data=True) if d["type"] == Rel.PRIVATE_LINK.value
    ]
    assert target.startswith("alias:tailspin-api.") and sample.nodes[target]["foreign"] is True


def test_lighthouse_delegations_make_managed_by_edges_both_ways(sample: nx.MultiDiGraph) -> None:
    vias = {d["via"] for d in sample.get_edge_data(PROD_PAYMENTS, NORTHWIND).values()}
    assert vias == {"managedByTenants", "registrationDefinition"}


def test_group_scope_network_manager_connection_hangs_under_its_group(
    sample: nx.MultiDiGraph,
) -> None:
    nmc = named(sample, Label.NETWORK_MANAGER_CONNECTION, "nmc-avnm-contoso")
    parents = {u for u, _, d in sample.in_edges(nmc, data=True) if d["type"] == Rel.CONTAINS.value}
    assert parents == {"/providers/microsoft.management/managementgroups/sandbox"}
    assert sample.nodes[nmc]["tenantId"] == CONTOSO


def test_connected_tenants_names_litware_by_gateway_private_endpoint_and_visibility(
    sample: nx.MultiDiGraph,
) -> None:
    channels = {
        r["channel"]
        for r in QUERIES["connected-tenants"].run(sample)
        if r["connectedTenant"] == LITWARE
    }
    # the private link service Litware's endpoint reaches lists Litware's subscription in
    # its visibility (identity-links.md's private-link-visibility)
    assert channels == {"gateway-connection", "private-endpoint-inbound", "private-link-visibility"}


def test_connected_tenants_never_names_the_hub_managed_subscription(
    sample: nx.MultiDiGraph,
) -> None:
    far = {r["to"] for r in QUERIES["connected-tenants"].run(sample)}
    assert not [t for t in far if "/virtualnetworks/hv_" in t]


def test_internet_paths_reach_jump_01_directly(sample: nx.MultiDiGraph) -> None:
    jump = named(sample, Label.VIRTUAL_MACHINE, "jump-01")
    vias = {r["via"] for r in QUERIES["internet-paths"].run(sample) if r["target"] == jump}
    assert "public-ip" in vias


def test_vnet_reach_of_payments_includes_the_hub_gateways_sites(sample: nx.MultiDiGraph) -> None:
    payments = named(sample, Label.VIRTUAL_NETWORK, "vnet-payments")
    reached = {r["name"] for r in QUERIES["vnet-reach"].run(sample, payments)}
    assert {"vnet-hub-weu", "vnet-fab-settlement", "lng-amsterdam-dc", "er-ams"} <= reached


def test_mg_subscriptions_of_corp_lists_its_four_subscriptions(sample: nx.MultiDiGraph) -> None:
    names = {r["name"] for r in QUERIES["mg-subscriptions"].run(sample, "corp")}
    assert names == {"prod-payments", "dev-apps", "legacy-erp", "prod-data"}


def test_cross_links_mark_the_hub_spoke_peering_as_cross_subscription_only(
    sample: nx.MultiDiGraph,
) -> None:
    payments = named(sample, Label.VIRTUAL_NETWORK, "vnet-payments")
    hub = named(sample, Label.VIRTUAL_NETWORK, "vnet-hub-weu")
    [row] = [
        r for r in QUERIES["cross-links"].run(sample) if (r["from"], r["to"]) == (payments, hub)
    ]
    assert (row["fromSubscription"], row["toSubscription"], row["crossTenant"]) == (
        PROD_PAYMENTS,
        CONNECTIVITY,
        False,
    )


def test_every_property_of_the_sample_graph_is_storable(sample: nx.MultiDiGraph) -> None:
    scalars = (str, int, float, bool)

    def ok(v: object) -> bool:
        return isinstance(v, scalars) or (
            isinstance(v, list) and all(isinstance(x, scalars) for x in v)
        )

    bad = [k for _, d in sample.nodes(data=True) for k, v in d.items() if not ok(v)]
    bad += [k for *_, d in sample.edges(data=True) for k, v in d.items() if not ok(v)]
    assert bad == []


def test_internet_paths_give_the_listener_ports_of_an_application_gateway(
    sample: nx.MultiDiGraph,
) -> None:
    agw = named(sample, Label.APPLICATION_GATEWAY, "agw-web")
    [row] = [r for r in QUERIES["internet-paths"].run(sample) if r["holder"] == agw]
    assert (row["via"], row["ports"]) == ("application-gateway", "Tcp 80,443")


def test_application_gateway_takes_its_waf_mode_from_its_policy(sample: nx.MultiDiGraph) -> None:
    agw = named(sample, Label.APPLICATION_GATEWAY, "agw-api")
    policy = named(sample, Label.WAF_POLICY, "wafp-api")
    assert policy in {
        t for _, t, d in sample.out_edges(agw, data=True) if d["type"] == Rel.USES_POLICY.value
    }
    assert sample.nodes[agw]["wafMode"] == "detection"


def test_application_gateway_without_waf_has_waf_mode_none(sample: nx.MultiDiGraph) -> None:
    assert sample.nodes[named(sample, Label.APPLICATION_GATEWAY, "agw-web")]["wafMode"] == "none"


def test_private_link_service_sees_litwares_endpoint_inbound(sample: nx.MultiDiGraph) -> None:
    pls = named(sample, Label.PRIVATE_LINK_SERVICE, "pls-data-api")
    tenants = {
        sample.nodes[u].get("tenantId")
        for u, _, d in sample.in_edges(pls, data=True)
        if d["type"] == Rel.PRIVATE_LINK.value and d["direction"] == "inbound"
    }
    assert tenants == {LITWARE}
