"""Tenants, the management-group tree, subscriptions and Lighthouse delegations."""

from __future__ import annotations

import networkx as nx

from graph.schema import Label, Rel
from tests.graph.handmade import (
    AUDITOR,
    HOME,
    MSP,
    PARTNER,
    REG_DEFINITION,
    SUB_PARTNER,
    SUB_PROD,
    SUB_TREE_ONLY,
)
from tests.graph.helpers import node, one_edge, out_targets

ROOT_MG = f"/providers/microsoft.management/managementgroups/{HOME}"
PROD_MG = "/providers/microsoft.management/managementgroups/mg-prod"


def test_home_tenant_comes_from_tenants_json_and_is_not_foreign(contoso: nx.MultiDiGraph) -> None:
    home = node(contoso, HOME)
    assert (home["label"], home["name"], home["category"], home["foreign"]) == (
        Label.TENANT,
        "Contoso",
        "Home",
        False,
    )


def test_management_group_tree_runs_from_tenant_to_subscription(contoso: nx.MultiDiGraph) -> None:
    assert ROOT_MG in out_targets(contoso, HOME, Rel.CONTAINS)
    assert PROD_MG in out_targets(contoso, ROOT_MG, Rel.CONTAINS)
    assert SUB_PROD in out_targets(contoso, PROD_MG, Rel.CONTAINS)


def test_owning_tenant_contains_its_subscription_directly(contoso: nx.MultiDiGraph) -> None:
    assert SUB_PROD in out_targets(contoso, HOME, Rel.CONTAINS)


def test_subscription_seen_only_in_the_tree_is_ours_but_not_listed(
    contoso: nx.MultiDiGraph,
) -> None:
    sub = node(contoso, SUB_TREE_ONLY)
    assert (sub["foreign"], sub["listed"], sub["inManagementGroupTree"], sub["crawled"]) == (
        False,
        False,
        True,
        False,
    )


def test_listed_subscription_records_crawl_and_delegations(contoso: nx.MultiDiGraph) -> None:
    sub = node(contoso, SUB_PROD)
    assert (sub["crawled"], sub["listed"], sub["managedByTenants"]) == (True, True, [AUDITOR])


def test_managed_by_tenants_becomes_managed_by_edge(contoso: nx.MultiDiGraph) -> None:
    assert one_edge(contoso, SUB_PROD, AUDITOR, Rel.MANAGED_BY)["via"] == "managedByTenants"


def test_registration_assignment_makes_subscription_managed_by_the_definitions_tenant(
    contoso: nx.MultiDiGraph,
) -> None:
    edge = one_edge(contoso, SUB_PROD, MSP, Rel.MANAGED_BY)
    assert (edge["via"], edge["definitionId"]) == ("registrationDefinition", REG_DEFINITION.lower())


def test_managing_tenant_not_in_tenants_json_is_foreign(contoso: nx.MultiDiGraph) -> None:
    assert node(contoso, MSP)["foreign"] is True


def test_foreign_subscription_carries_resolved_tenant_and_status(contoso: nx.MultiDiGraph) -> None:
    sub = node(contoso, SUB_PARTNER)
    assert (sub["foreign"], sub["tenantId"], sub["resolution"], sub["crawled"]) == (
        True,
        PARTNER,
        "resolved",
        False,
    )


def test_resolved_foreign_tenant_contains_the_foreign_subscription(
    contoso: nx.MultiDiGraph,
) -> None:
    assert SUB_PARTNER in out_targets(contoso, PARTNER, Rel.CONTAINS)
    assert node(contoso, PARTNER)["foreign"] is True


def test_subscription_in_the_tree_records_the_tenant_whose_tree_holds_it(
    contoso: nx.MultiDiGraph,
) -> None:
    # the analyses read it from the graph, not from management-groups.json
    assert node(contoso, SUB_TREE_ONLY)["managementGroupTenantId"] == HOME
