"""Gateways, connections, ExpressRoute (authorizations, Global Reach) and Virtual WAN."""

from __future__ import annotations

import networkx as nx

from graph.schema import Label, Rel
from tests.graph.handmade import (
    AUTHORIZATION,
    CIRCUIT,
    CONN_S2S,
    CONN_V2V,
    ER_GATEWAY,
    GATEWAY,
    GR_CONNECTION,
    GW_SUBNET,
    HUB,
    HUB_VNET,
    LOCAL_GATEWAY,
    PARTNER,
    PARTNER_CIRCUIT,
    PARTNER_ER_CONNECTION,
    PARTNER_GATEWAY,
    SPOKE_VNET,
    VPN_GATEWAY,
    VPN_SITE,
    WAN,
)
from tests.graph.helpers import node, one_edge, out_targets


def test_gateway_connects_to_its_vnet_through_the_gateway_subnet(contoso: nx.MultiDiGraph) -> None:
    assert out_targets(contoso, GATEWAY, Rel.CONNECTS_TO) == {HUB_VNET.lower()}
    assert out_targets(contoso, GATEWAY, Rel.IN_SUBNET) == {GW_SUBNET.lower()}


def test_site_to_site_connection_names_its_gateway_and_local_gateway_ends(
    contoso: nx.MultiDiGraph,
) -> None:
    assert one_edge(contoso, CONN_S2S, GATEWAY, Rel.CONNECTS_TO)["end"] == "gateway1"
    local = one_edge(contoso, CONN_S2S, LOCAL_GATEWAY, Rel.CONNECTS_TO)
    assert (local["end"], local["connectionType"], local["connectionStatus"]) == (
        "local",
        "IPsec",
        "Connected",
    )


def test_local_network_gateway_carries_its_address_and_prefixes(contoso: nx.MultiDiGraph) -> None:
    lng = node(contoso, LOCAL_GATEWAY)
    assert (lng["gatewayIpAddress"], lng["addressPrefixes"], lng["bgp"]) == (
        "198.51.100.7",
        ["192.168.10.0/24"],
        False,
    )


def test_vnet_to_vnet_connection_reaches_a_foreign_gateway_placeholder(
    contoso: nx.MultiDiGraph,
) -> None:
    assert one_edge(contoso, CONN_V2V, PARTNER_GATEWAY, Rel.CONNECTS_TO)["end"] == "gateway2"
    remote = node(contoso, PARTNER_GATEWAY)
    assert (remote["label"], remote["foreign"], remote["tenantId"]) == (
        Label.VNET_GATEWAY,
        True,
        PARTNER,
    )


def test_circuit_contains_its_authorization(contoso: nx.MultiDiGraph) -> None:
    assert out_targets(contoso, CIRCUIT, Rel.CONTAINS) == {AUTHORIZATION.lower()}
    assert node(contoso, AUTHORIZATION)["authorizationUseStatus"] == "InUse"


def test_authorization_is_redeemed_by_the_connection_its_uri_names(
    contoso: nx.MultiDiGraph,
) -> None:
    assert (
        one_edge(contoso, AUTHORIZATION, PARTNER_ER_CONNECTION, Rel.REDEEMED_BY)[
            "authorizationUseStatus"
        ]
        == "InUse"
    )


def test_redeeming_connection_not_crawled_is_a_foreign_connection_placeholder(
    contoso: nx.MultiDiGraph,
) -> None:
    conn = node(contoso, PARTNER_ER_CONNECTION)
    assert (conn["label"], conn["foreign"], conn["tenantId"]) == (Label.CONNECTION, True, PARTNER)


def test_global_reach_links_the_two_circuits(contoso: nx.MultiDiGraph) -> None:
    edge = one_edge(contoso, CIRCUIT, PARTNER_CIRCUIT, Rel.GLOBAL_REACH)
    assert (edge["connectionId"], edge["circuitConnectionStatus"], edge["via"]) == (
        GR_CONNECTION.lower(),
        "Connected",
        "connections",
    )
    assert node(contoso, PARTNER_CIRCUIT)["label"] == Label.EXPRESSROUTE_CIRCUIT


def test_virtual_hub_and_vpn_site_are_part_of_the_wan(contoso: nx.MultiDiGraph) -> None:
    assert out_targets(contoso, HUB, Rel.PART_OF) == {WAN.lower()}
    assert out_targets(contoso, VPN_SITE, Rel.PART_OF) == {WAN.lower()}


def test_hub_connection_connects_the_hub_to_the_spoke_vnet(contoso: nx.MultiDiGraph) -> None:
    assert one_edge(contoso, HUB, SPOKE_VNET, Rel.CONNECTS_TO)["state"] == "Succeeded"


def test_vwan_vpn_gateway_is_part_of_its_hub_and_connects_to_its_site(
    contoso: nx.MultiDiGraph,
) -> None:
    assert out_targets(contoso, VPN_GATEWAY, Rel.PART_OF) == {HUB.lower()}
    assert one_edge(contoso, VPN_GATEWAY, VPN_SITE, Rel.CONNECTS_TO)["state"] == "Connected"


def test_expressroute_gateway_connects_to_the_circuit_of_its_peering(
    contoso: nx.MultiDiGraph,
) -> None:
    assert out_targets(contoso, ER_GATEWAY, Rel.CONNECTS_TO) == {CIRCUIT.lower()}


def test_vpn_site_carries_link_addresses_and_prefixes(contoso: nx.MultiDiGraph) -> None:
    site = node(contoso, VPN_SITE)
    assert (site["linkIpAddresses"], site["addressPrefixes"]) == (
        ["203.0.113.9"],
        ["192.168.20.0/24"],
    )
