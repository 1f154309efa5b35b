"""VNets, subnets, peerings, NICs, VMs, public IPs, NSGs, route tables and placeholders."""

from __future__ import annotations

import networkx as nx

from graph.schema import INTERNET_ID, Label, Rel, node_id
from tests.graph.handmade import (
    APP_SUBNET,
    ASG_WEB,
    FW,
    HUB_VNET,
    HV_VNET,
    IPC_WEB,
    LB,
    LB_FRONTEND,
    NIC_WEB,
    NSG_APP,
    PARTNER,
    PARTNER_VNET,
    PIP_FW,
    PIP_LB,
    PIP_WEB,
    RT_APP,
    SPOKE_VNET,
    SUB_HUB_MANAGED,
    SUB_PARTNER,
    SUB_PROD,
    VM_WEB,
)
from tests.graph.helpers import node, one_edge, out_targets


def test_node_ids_are_lower_cased_arm_ids_and_arm_id_keeps_the_spelling(
    contoso: nx.MultiDiGraph,
) -> None:
    vnet = node(contoso, HUB_VNET)
    assert (vnet["id"], vnet["armId"]) == (HUB_VNET.lower(), HUB_VNET)


def test_resource_node_has_the_common_properties(contoso: nx.MultiDiGraph) -> None:
    vnet = node(contoso, HUB_VNET)
    assert {
        k: vnet[k]
        for k in ("label", "name", "type", "subscriptionId", "resourceGroup", "location", "foreign")
    } == {
        "label": Label.VIRTUAL_NETWORK,
        "name": "vnet-hub",
        "type": "microsoft.network/virtualnetworks",
        "subscriptionId": SUB_PROD,
        "resourceGroup": "rg-net",
        "location": "westeurope",
        "foreign": False,
    }


def test_subscription_contains_its_top_level_resources(contoso: nx.MultiDiGraph) -> None:
    assert HUB_VNET.lower() in out_targets(contoso, SUB_PROD, Rel.CONTAINS)


def test_vnet_contains_subnet_with_its_prefix(contoso: nx.MultiDiGraph) -> None:
    assert APP_SUBNET.lower() in out_targets(contoso, HUB_VNET, Rel.CONTAINS)
    assert node(contoso, APP_SUBNET)["addressPrefixes"] == ["10.0.2.0/24"]


def test_subnet_is_protected_by_its_nsg_and_routes_via_its_route_table(
    contoso: nx.MultiDiGraph,
) -> None:
    assert out_targets(contoso, APP_SUBNET, Rel.PROTECTED_BY) == {NSG_APP.lower()}
    assert out_targets(contoso, APP_SUBNET, Rel.ROUTES_VIA) == {RT_APP.lower()}


def test_nic_is_protected_by_its_nsg(contoso: nx.MultiDiGraph) -> None:
    assert out_targets(contoso, NIC_WEB, Rel.PROTECTED_BY) == {NSG_APP.lower()}


def test_nsg_rules_are_kept_as_a_json_string(contoso: nx.MultiDiGraph) -> None:
    assert '"allow-https"' in node(contoso, NSG_APP)["securityRules"]


def test_cross_tenant_peering_links_the_right_vnets_with_state_and_flags(
    contoso: nx.MultiDiGraph,
) -> None:
    edge = one_edge(contoso, HUB_VNET, PARTNER_VNET, Rel.PEERS_WITH)
    assert {
        k: edge[k]
        for k in (
            "peeringName",
            "peeringState",
            "allowVirtualNetworkAccess",
            "allowGatewayTransit",
            "useRemoteGateways",
            "hubManaged",
        )
    } == {
        "peeringName": "to-fabrikam",
        "peeringState": "Connected",
        "allowVirtualNetworkAccess": True,
        "allowGatewayTransit": True,
        "useRemoteGateways": False,
        "hubManaged": False,
    }


def test_unread_peered_vnet_is_a_foreign_placeholder_with_its_resolved_tenant(
    contoso: nx.MultiDiGraph,
) -> None:
    remote = node(contoso, PARTNER_VNET)
    assert {
        k: remote[k]
        for k in (
            "label",
            "foreign",
            "placeholder",
            "subscriptionId",
            "tenantId",
            "addressPrefixes",
        )
    } == {
        "label": Label.VIRTUAL_NETWORK,
        "foreign": True,
        "placeholder": True,
        "subscriptionId": SUB_PARTNER,
        "tenantId": PARTNER,
        "addressPrefixes": ["172.16.0.0/16"],
    }


def test_placeholder_keeps_the_spelling_of_the_id_that_named_it(contoso: nx.MultiDiGraph) -> None:
    assert node(contoso, PARTNER_VNET)["armId"] == PARTNER_VNET


def test_foreign_subscription_contains_its_placeholder(contoso: nx.MultiDiGraph) -> None:
    assert PARTNER_VNET.lower() in out_targets(contoso, SUB_PARTNER, Rel.CONTAINS)


def test_virtual_wan_peering_is_flagged_hub_managed(contoso: nx.MultiDiGraph) -> None:
    assert one_edge(contoso, SPOKE_VNET, HV_VNET, Rel.PEERS_WITH)["hubManaged"] is True


def test_hub_managed_vnet_makes_no_foreign_subscription(contoso: nx.MultiDiGraph) -> None:
    assert SUB_HUB_MANAGED not in contoso
    assert "tenantId" not in node(contoso, HV_VNET)


def test_nic_has_its_ip_configuration_in_its_subnet(contoso: nx.MultiDiGraph) -> None:
    assert out_targets(contoso, NIC_WEB, Rel.HAS_IP_CONFIG) == {IPC_WEB.lower()}
    assert out_targets(contoso, IPC_WEB, Rel.IN_SUBNET) == {APP_SUBNET.lower()}
    ipc = node(contoso, IPC_WEB)
    assert (ipc["label"], ipc["privateIPAddress"], ipc["primary"]) == (
        Label.IP_CONFIGURATION,
        "10.0.2.4",
        True,
    )


def test_nic_is_attached_to_its_vm(contoso: nx.MultiDiGraph) -> None:
    assert out_targets(contoso, NIC_WEB, Rel.ATTACHED_TO) == {VM_WEB.lower()}


def test_ip_configuration_is_member_of_its_asg(contoso: nx.MultiDiGraph) -> None:
    assert out_targets(contoso, IPC_WEB, Rel.MEMBER_OF) == {ASG_WEB.lower()}


def test_public_ip_is_attached_to_the_nic_ip_configuration(contoso: nx.MultiDiGraph) -> None:
    assert out_targets(contoso, PIP_WEB, Rel.ATTACHED_TO) == {IPC_WEB.lower()}
    pip = node(contoso, PIP_WEB)
    assert (pip["sku"], pip["ipAddress"]) == ("Standard", "20.1.1.1")


def test_public_ip_is_attached_to_load_balancer_with_the_frontend_id(
    contoso: nx.MultiDiGraph,
) -> None:
    assert (
        one_edge(contoso, PIP_LB, LB, Rel.ATTACHED_TO)["frontendIPConfigId"] == LB_FRONTEND.lower()
    )


def test_public_ip_is_attached_to_firewall(contoso: nx.MultiDiGraph) -> None:
    assert out_targets(contoso, PIP_FW, Rel.ATTACHED_TO) == {FW.lower()}


def test_internet_exposes_every_public_ip(contoso: nx.MultiDiGraph) -> None:
    assert out_targets(contoso, INTERNET_ID, Rel.EXPOSES) == {
        node_id(p) for p in (PIP_WEB, PIP_LB, PIP_FW)
    }
