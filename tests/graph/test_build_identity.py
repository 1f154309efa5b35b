"""identity-links.md in the graph: each channel a TRUSTS edge to its far end."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from discovery.estates import identity_source as ids
from graph.build import build_graph
from graph.build.identity import issuer_tenant
from graph.schema import Label, Rel
from graph.snapshot import load_snapshot


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    estate = ids.write_identity_estate(tmp_path_factory.mktemp("identity") / "estate")
    return build_graph(load_snapshot(estate))


def _trusts(graph: nx.MultiDiGraph, channel: str) -> list[tuple[str, str, dict[str, Any]]]:
    return sorted(
        (u, v, d)
        for u, v, d in graph.edges(data=True)
        if d.get("type") == Rel.TRUSTS and d.get("channel") == channel
    )


def test_a_foreign_group_role_names_the_group_role_and_scope(graph: nx.MultiDiGraph) -> None:
    far = {v: d for _u, v, d in _trusts(graph, "foreign-group-role")}
    edge = far[f"foreign-group:{ids.UNKNOWN_GROUP}"]
    assert edge["role"] == ids.OWNER and edge["scope"] == f"/subscriptions/{ids.PROD}"
    assert graph.nodes[f"foreign-group:{ids.UNKNOWN_GROUP}"]["label"] == Label.EXTERNAL_PARTY


def test_a_delegated_role_assignment_joins_the_subscriptions_managing_tenant(
    graph: nx.MultiDiGraph,
) -> None:
    far = {d["scope"]: v for _u, v, d in _trusts(graph, "lighthouse-delegated-role")}
    assert far == {
        f"/subscriptions/{ids.PROD}": ids.FABRIKAM,
        f"/subscriptions/{ids.DEV}": ids.LITWARE,
    }


def test_federated_credentials_carry_issuer_and_subject_and_skip_our_own_tenant(
    graph: nx.MultiDiGraph,
) -> None:
    edges = _trusts(graph, "federated-credential")
    by_subject = {d["subject"]: v for _u, v, d in edges}
    assert by_subject == {
        "sa": ids.FABRIKAM,
        "repo:contoso/deploy:ref:refs/heads/main": f"issuer:{ids.GITHUB}",
        "svc-litware": ids.LITWARE,
        "pipeline:deploy": f"issuer:{ids.UNDECLARED_IDP}",
    }
    assert all(u.endswith("/userassignedidentities/deploy") for u, _v, _d in edges)


@pytest.mark.parametrize(
    ("issuer", "tenant"),
    [
        (
            "https://login.microsoftonline.com/72F988BF-86F1-41AF-91AB-2D7CD011DB47/v2.0",
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
        ),
        (
            "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
        ),
        (
            "https://oidc.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/0a1b2c3d-0000-4000-8000-000000000001/",
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
        ),
        ("https://token.actions.githubusercontent.com", None),
        (
            "https://login.microsoftonline.com.evil.example/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
            None,
        ),
    ],
)
def test_issuer_urls_name_a_tenant_only_in_entra_and_aks_forms(
    issuer: str, tenant: str | None
) -> None:
    assert issuer_tenant(issuer) == tenant


def test_the_remaining_channels_reach_their_far_ends(graph: nx.MultiDiGraph) -> None:
    def far(channel: str) -> set[str]:
        return {v for _u, v, _d in _trusts(graph, channel)}

    assert far("managed-application") == {ids.FABRIKAM, ids.LITWARE}
    assert far("aks-aad-tenant") == {ids.LITWARE}  # aks-own signs in through our tenant
    assert far("kusto-trusted-tenant") == {ids.FABRIKAM, "any-tenant"}
    assert far("private-link-visibility") == {ids.FABRIKAM_SUB, ids.LITWARE_SUB, "any-subscription"}
    assert far("storage-cross-tenant") == {
        ids.FABRIKAM,
        ids.LITWARE,
        ids.DEV,  # replication to our other subscription: a channel, not a finding
        ids.LITWARE_SUB,
        f"key-app:{ids.KEY_APP}",
    }
    assert far("gallery-sharing") == {ids.LITWARE, "community", ids.DEV}


def test_a_subscription_only_a_channel_names_is_a_resolved_placeholder(
    graph: nx.MultiDiGraph,
) -> None:
    node = graph.nodes[ids.LITWARE_SUB]
    assert node["label"] == Label.SUBSCRIPTION and node["foreign"] is True
    assert node["tenantId"] == ids.LITWARE
