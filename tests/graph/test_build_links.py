"""Private endpoints in both directions and network managers."""

from __future__ import annotations

import networkx as nx

from graph.schema import Label, Rel
from tests.graph.handmade import (
    APP_SUBNET,
    NETWORK_MANAGER,
    OUR_STORAGE,
    PARTNER,
    PARTNER_PE,
    PARTNER_STORAGE,
    PE_OUT,
    SUB_PROD,
)
from tests.graph.helpers import node, one_edge, out_targets


def test_our_private_endpoint_links_outbound_to_a_foreign_service(contoso: nx.MultiDiGraph) -> None:
    edge = one_edge(contoso, PE_OUT, PARTNER_STORAGE, Rel.PRIVATE_LINK)
    assert (edge["direction"], edge["status"], edge["manual"], edge["groupIds"]) == (
        "outbound",
        "Approved",
        True,
        ["blob"],
    )


def test_outbound_target_placeholder_is_a_foreign_paas_service(contoso: nx.MultiDiGraph) -> None:
    target = node(contoso, PARTNER_STORAGE)
    assert (target["label"], target["foreign"], target["tenantId"]) == (
        Label.PAAS_SERVICE,
        True,
        PARTNER,
    )


def test_foreign_endpoint_on_our_service_links_inbound(contoso: nx.MultiDiGraph) -> None:
    edge = one_edge(contoso, PARTNER_PE, OUR_STORAGE, Rel.PRIVATE_LINK)
    assert (edge["direction"], edge["status"], edge["subscriptionId"]) == (
        "inbound",
        "Pending",
        SUB_PROD,
    )
    assert node(contoso, PARTNER_PE)["label"] == Label.PRIVATE_ENDPOINT


def test_private_endpoint_sits_in_its_subnet(contoso: nx.MultiDiGraph) -> None:
    assert out_targets(contoso, PE_OUT, Rel.IN_SUBNET) == {APP_SUBNET.lower()}


def test_network_manager_scopes_its_subscriptions_and_management_groups(
    contoso: nx.MultiDiGraph,
) -> None:
    assert out_targets(contoso, NETWORK_MANAGER, Rel.SCOPES) == {
        SUB_PROD,
        "/providers/microsoft.management/managementgroups/mg-prod",
    }
