"""Governance documents become nodes and edges (schema.py; governance.md "What is read")."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from discovery.estates import SAMPLE_ESTATE
from graph.build import build_graph
from graph.schema import Label, Rel, principal_id
from graph.snapshot import load_snapshot

HOME = "72f988bf-0000-4000-8000-000000000001"
WEB = "1a2b3c4d-0000-4000-8000-000000000103"
CONNECTIVITY = "1a2b3c4d-0000-4000-8000-000000000101"
SECOPS = "9f1b0e1c-0000-4000-8000-0000000000aa"
CONTOSO = "/providers/microsoft.management/managementgroups/contoso"


@pytest.fixture(scope="module")
def sample() -> nx.MultiDiGraph:
    return build_graph(load_snapshot(SAMPLE_ESTATE))


def _out(g: nx.MultiDiGraph, nid: str, rel: Rel) -> set[str]:
    return {dst for _, dst, data in g.out_edges(nid, data=True) if data["type"] == rel}


def _labelled(g: nx.MultiDiGraph, label: Label) -> dict[str, dict[str, Any]]:
    return {n: d for n, d in g.nodes(data=True) if d.get("label") == label}


def test_a_policy_assignment_at_a_management_group_is_assigned_at_that_group(
    sample: nx.MultiDiGraph,
) -> None:
    nid = f"{CONTOSO}/providers/microsoft.authorization/policyassignments/mcsb"
    node = sample.nodes[nid]
    assert node["label"] == Label.POLICY_ASSIGNMENT
    assert node["enforcementMode"] == "Default"
    assert node["notScopes"] == ["/providers/microsoft.management/managementgroups/sandbox"]
    assert _out(sample, nid, Rel.ASSIGNED_AT) == {CONTOSO}


def test_a_role_assignment_grants_its_principal_at_its_scope(sample: nx.MultiDiGraph) -> None:
    grants = {
        n: d
        for n, d in _labelled(sample, Label.ROLE_ASSIGNMENT).items()
        if d["scope"] == f"/subscriptions/{CONNECTIVITY}"
    }
    ((nid, data),) = grants.items()
    assert data["roleDefinitionGuid"] == "39bc4728-0917-49c7-9d2c-d95423bc2eb4"
    assert _out(sample, nid, Rel.GRANTS) == {principal_id(SECOPS)}
    assert _out(sample, nid, Rel.ASSIGNED_AT) == {CONNECTIVITY}
    assert sample.nodes[principal_id(SECOPS)]["label"] == Label.PRINCIPAL


def test_pricings_and_contacts_belong_to_their_subscription(sample: nx.MultiDiGraph) -> None:
    vm = f"/subscriptions/{WEB}/providers/microsoft.security/pricings/virtualmachines"
    assert sample.nodes[vm]["pricingTier"] == "Free"
    assert _out(sample, vm, Rel.OF) == {WEB}
    contact = f"/subscriptions/{WEB}/providers/microsoft.security/securitycontacts/default"
    assert sample.nodes[contact]["alertNotifications"] is True
    assert _out(sample, contact, Rel.OF) == {WEB}


def test_tenant_settings_belong_to_the_tenant(sample: nx.MultiDiGraph) -> None:
    (policy,) = _labelled(sample, Label.SUBSCRIPTION_POLICY)
    assert sample.nodes[policy]["blockSubscriptionsIntoTenant"] is False
    assert _out(sample, policy, Rel.OF) == {HOME}
    (settings,) = _labelled(sample, Label.GROUP_SETTINGS)
    assert sample.nodes[settings]["defaultManagementGroup"] == "sandbox"
    assert _out(sample, settings, Rel.OF) == {HOME}
