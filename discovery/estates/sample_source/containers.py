"""The sample estate's containers: tenants, subscriptions, management groups, and the
foreign subscriptions its resources name."""

from __future__ import annotations

from typing import Any

from discovery.estates.arm import Json
from discovery.estates.sample_source.ids import (
    HOME,
    LEGACY,
    MANAGEMENT_GROUPS,
    MG_PREFIX,
    MS_HUB_SUB,
    NORTHWIND,
    SUBSCRIPTIONS,
)


def tenants() -> list[Json]:
    return [
        {
            "countryCode": "NL",
            "defaultDomain": "contoso.example",
            "displayName": "Contoso",
            "domains": ["contoso.example", "contoso.onmicrosoft.com"],
            "id": f"/tenants/{HOME}",
            "tenantCategory": "Home",
            "tenantId": HOME,
            "tenantType": "AAD",
        },
        {
            "countryCode": "GB",
            "defaultDomain": "northwind-msp.example",
            "displayName": "Northwind Managed Services",
            "domains": ["northwind-msp.example"],
            "id": f"/tenants/{NORTHWIND}",
            "tenantCategory": "ManagedBy",
            "tenantId": NORTHWIND,
            "tenantType": "AAD",
        },
    ]


def subscriptions() -> list[Json]:
    out = []
    for sid, name, _mg, managed_by, tags in SUBSCRIPTIONS:
        item: Json = {
            "authorizationSource": "RoleBased",
            "displayName": name,
            "id": f"/subscriptions/{sid}",
            "managedByTenants": [{"tenantId": t} for t in managed_by],
            "state": "Enabled",
            "subscriptionId": sid,
            "subscriptionPolicies": {
                "locationPlacementId": "Public_2014-09-01",
                "quotaId": "EnterpriseAgreement_2014-09-01",
                "spendingLimit": "Off",
            },
            "tenantId": HOME,
        }
        if tags:
            item["tags"] = tags
        out.append(item)
    return sorted(out, key=lambda s: s["subscriptionId"])


def management_groups() -> list[Json]:
    names = {name: display for name, display, _ in MANAGEMENT_GROUPS}
    parents = {name: parent for name, _, parent in MANAGEMENT_GROUPS}

    def chain(name: str | None) -> list[str]:
        out: list[str] = []
        while name is not None:
            out.insert(0, name)
            name = parents.get(name)
        return out

    children: dict[str, int] = {}
    groups: dict[str, int] = {}
    for _name, _, parent in MANAGEMENT_GROUPS:
        if parent:
            children[parent] = children.get(parent, 0) + 1
            groups[parent] = groups.get(parent, 0) + 1
    for _sid, _name, mg, _m, _t in SUBSCRIPTIONS:
        children[mg] = children.get(mg, 0) + 1

    def descendants(name: str) -> int:
        kids = [n for n, _, p in MANAGEMENT_GROUPS if p == name]
        subs = [s for s in SUBSCRIPTIONS if s[2] == name]
        return len(kids) + len(subs) + sum(descendants(k) for k in kids)

    out: list[Json] = []
    for name, display, parent in MANAGEMENT_GROUPS:
        parent_chain = chain(parent)
        out.append(
            {
                "id": f"{MG_PREFIX}{name}",
                "type": "Microsoft.Management/managementGroups",
                "name": name,
                "properties": {
                    "tenantId": HOME,
                    "displayName": display,
                    "parent": {"id": f"{MG_PREFIX}{parent}"} if parent else None,
                    "permissions": "view",
                    "inheritedPermissions": "view",
                    "parentDisplayNameChain": [names[p] for p in parent_chain],
                    "parentNameChain": parent_chain,
                    "numberOfDescendants": descendants(name),
                    "numberOfChildren": children.get(name, 0),
                    "numberOfChildGroups": groups.get(name, 0),
                },
            }
        )
    for sid, display, mg, _m, _t in SUBSCRIPTIONS:
        parent_chain = chain(mg)
        permission = "noaccess" if sid == LEGACY else "view"
        out.append(
            {
                "id": f"/subscriptions/{sid}",
                "type": "/subscriptions",
                "name": sid,
                "properties": {
                    "tenantId": HOME,
                    "displayName": display,
                    "parent": {"id": f"{MG_PREFIX}{mg}"},
                    "permissions": permission,
                    "inheritedPermissions": permission,
                    "parentDisplayNameChain": [names[p] for p in parent_chain],
                    "parentNameChain": parent_chain,
                },
            }
        )
    return out


def references(resources: list[Json]) -> dict[str, set[str]]:
    """Foreign subscription id -> ids of the resources that name it (virtual hub peerings excluded)."""
    ours = {s[0] for s in SUBSCRIPTIONS}
    found: dict[str, set[str]] = {}

    def walk(node: Any, owner: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if (
                    isinstance(value, str)
                    and value.lower().startswith("/subscriptions/")
                    and (
                        key
                        in (
                            "id",
                            "privateLinkServiceId",
                            "networkManagerId",
                            "connectionResourceUri",
                        )
                    )
                ):
                    sub = value.split("/")[2].lower()
                    if sub not in ours and sub != MS_HUB_SUB:
                        found.setdefault(sub, set()).add(owner)
                else:
                    walk(value, owner)
        elif isinstance(node, list):
            for item in node:
                walk(item, owner)

    for r in resources:
        walk(r["properties"], r["id"])
    return found
