"""Observations through the identity and data channels (docs/spec/identity-links.md).

Each TRUSTS edge from a resource of ours is one observation of its far end (a tenant,
a subscription, or a party ARM names no tenant for), with the same findings as the
network channels. The access channels (roles, federated credentials) carry the roles
behind them, so that an unknown tenant seen through one is `critical` where it can
write at or above a production subscription.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.analysis.tenants import Observation, Observed, step
from graph.build.identity import (
    FEDERATED_CREDENTIAL,
    FOREIGN_GROUP_ROLE,
    LIGHTHOUSE_DELEGATED_ROLE,
    MANAGED_APPLICATION,
)
from graph.governance_decl import ROLE_NAMES
from graph.inventory import Inventory
from graph.schema import PRINCIPAL_PREFIX, Label, Rel, subscription_of

ACCESS_CHANNELS = frozenset(
    {FOREIGN_GROUP_ROLE, LIGHTHOUSE_DELEGATED_ROLE, MANAGED_APPLICATION, FEDERATED_CREDENTIAL}
)
# Owner, Contributor, User Access Administrator, Role Based Access Control Administrator:
# the built-in roles that write resources or role assignments (Azure built-in roles).
PRIVILEGED_ROLES = frozenset(
    {
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "b24988ac-6180-42a0-ab88-20f7382dd24c",
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    }
)
_ROLE_NAMES = {
    **ROLE_NAMES,
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
}
_MG = "/providers/microsoft.management/managementgroups/"
_PARTY_NAMES = {
    "foreign-group": "foreign group {}",
    "issuer": "identity provider {}",
    "key-app": "key application {}",
    "lighthouse-delegated": "managing tenant of subscription {}",
}

# Observation.access: (role GUID, scope) pairs behind an access observation.
Access = tuple[tuple[str, str], ...]


def role_name(guid: str | None) -> str | None:
    return _ROLE_NAMES.get(guid or "", guid) if guid else None


def _party_name(node: str, data: dict[str, Any]) -> str:
    kind, _, rest = node.partition(":")
    template = _PARTY_NAMES.get(kind)
    return template.format(rest) if template and rest else str(data.get("name") or node)


def _grants(graph: nx.MultiDiGraph, principal: str | None) -> list[tuple[str, dict[str, Any]]]:
    """Role assignments held by a principal (a managed identity's object id)."""
    node = PRINCIPAL_PREFIX + principal if principal else None
    if not node or node not in graph:
        return []
    return [
        (ra, graph.nodes[ra])
        for ra, _, d in graph.in_edges(node, data=True)
        if d.get("type") == Rel.GRANTS.value
    ]


def observe_trust(
    graph: nx.MultiDiGraph, out: Observed, ours: Iterable[str], u: str, v: str, data: dict[str, Any]
) -> None:
    """One TRUSTS edge: an observation of its far end when the near end is ours."""
    near_data = graph.nodes[u] if u in graph else {}
    channel = str(data.get("channel"))
    near_sub = near_data.get("subscriptionId") or subscription_of(u)
    if near_sub:
        if near_sub not in ours or near_data.get("foreign"):
            return
        near_tenant = out.tenant_of(near_sub)
        scope = frozenset({near_sub}) if near_sub in out.subscriptions_crawled else frozenset()
    elif u.startswith(_MG):  # a role assignment made at a management group
        near_tenant = out.mg_tenants.get(u[len(_MG) :].split("/", 1)[0])
        scope = frozenset({near_tenant}) if near_tenant in out.tenants_crawled else frozenset()
    else:
        return
    far_data = graph.nodes[v] if v in graph else {}
    label = far_data.get("label")
    far_sub: str | None = None
    if label == Label.SUBSCRIPTION.value:
        far_sub = v
        far_tenant = out.tenant_of(v)
    else:
        far_tenant = v
        if label == Label.EXTERNAL_PARTY.value:
            out.tenant_names.setdefault(v, _party_name(v, far_data))
    role = data.get("role")
    evidence: list[dict[str, Any]] = []
    access: list[tuple[str, str]] = []
    if role and data.get("scope"):
        access.append((str(role), str(data["scope"])))
    if channel == FEDERATED_CREDENTIAL:
        # what the far end can do once it signs in as this identity
        for ra, ra_data in _grants(graph, near_data.get("principalId")):
            guid, where = ra_data.get("roleDefinitionGuid"), ra_data.get("scope")
            if guid and where:
                access.append((str(guid), str(where)))
            evidence.append(
                step(
                    ra,
                    Rel.GRANTS.value,
                    PRINCIPAL_PREFIX + str(near_data.get("principalId")),
                    channel,
                    role=role_name(guid),
                    scope=where,
                )
            )
    evidence.insert(
        0,
        step(
            u,
            Rel.TRUSTS.value,
            v,
            channel,
            role=role_name(role),
            scope=data.get("scope"),
            issuer=data.get("issuer"),
            subject=data.get("subject"),
            via=data.get("via"),
            jitAccessEnabled=data.get("jitAccessEnabled"),
        ),
    )
    if far_sub and far_tenant:
        evidence.append(step(far_tenant, Rel.CONTAINS.value, far_sub, channel, note="foreign.json"))
    obs = Observation(
        channel=channel,
        near=u,
        far=v,
        evidence=tuple(evidence),
        scope=scope,
        near_tenant=near_tenant,
        far_subscription=far_sub,
        far_tenant=far_tenant,
        access=tuple(access) if channel in ACCESS_CHANNELS else (),
    )
    out.links.append(obs)
    if far_sub and far_sub != near_sub:
        out.subscriptions.setdefault(far_sub, []).append(obs)
    if far_tenant and far_tenant != near_tenant:
        out.tenants.setdefault(far_tenant, []).append(obs)


def _at_or_above_production(scope: str, inventory: Inventory, observed: Observed) -> bool:
    lowered = scope.rstrip("/").lower()
    parts = lowered.split("/")
    if len(parts) == 3 and parts[1] == "subscriptions":
        return inventory.is_production(parts[2])
    if lowered.startswith(_MG) and lowered.count("/") == 4:
        group = parts[-1]
        return any(
            group in info.ancestors and inventory.is_production(sid)
            for sid, info in observed.subscription_info.items()
        )
    return False  # a resource group or a resource: below any subscription


def tenant_severity(
    observations: Iterable[Observation], inventory: Inventory, observed: Observed
) -> str:
    """`critical` when an access channel gives a privileged role at or above a production
    subscription, else `high` (identity-links.md; findings.md for the others)."""
    for obs in observations:
        for role, scope in obs.access:
            if role in PRIVILEGED_ROLES and _at_or_above_production(scope, inventory, observed):
                return "critical"
    return "high"
