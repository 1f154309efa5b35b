"""Tenants, subscriptions and the management-group tree (the directory side of the estate)."""

from __future__ import annotations

from typing import Any

from graph.build.context import BuildContext
from graph.build.ids import last_segment
from graph.resource_types import ResourceType
from graph.schema import Label, Rel, node_id, subscription_id, tenant_id


def _guid(value: Any) -> str | None:
    return tenant_id(value) if isinstance(value, str) and value.strip() else None


def _is_subscription_entity(entity: dict[str, Any]) -> bool:
    ident = str(entity.get("id") or "").lower()
    kind = str(entity.get("type") or "").lower()
    return ident.startswith("/subscriptions/") or kind.endswith("/subscriptions")


def index_directory(
    ctx: BuildContext,
    subscriptions: list[dict[str, Any]],
    management_groups: list[dict[str, Any]],
) -> None:
    """Learn every subscription's tenant before resources are read."""
    for item in ctx.foreign_subs.values():
        ten = _guid(item.get("tenantId"))
        sub = _guid(item.get("subscriptionId"))
        if sub and ten:
            ctx.sub_tenant[sub] = ten
    for entity in management_groups:
        if _is_subscription_entity(entity):
            sub = subscription_id(last_segment(str(entity.get("id"))))
            ten = _guid((entity.get("properties") or {}).get("tenantId"))
            ctx.tree_subs.add(sub)
            if ten:
                ctx.sub_tenant[sub] = ten
    for item in subscriptions:
        sub = _guid(item.get("subscriptionId")) or _guid(last_segment(str(item.get("id") or "")))
        if not sub:
            continue
        ctx.listed_subs.add(sub)
        ten = _guid(item.get("tenantId"))
        if ten:
            ctx.sub_tenant[sub] = ten


def add_tenants(ctx: BuildContext) -> None:
    for tid, item in ctx.known_tenants.items():
        ctx.add(
            tid,
            {
                "id": tid,
                "label": Label.TENANT.value,
                "name": item.get("displayName") or tid,
                "tenantId": tid,
                "category": item.get("tenantCategory"),
                "defaultDomain": item.get("defaultDomain"),
                "foreign": False,
            },
        )


def ensure_tenant(ctx: BuildContext, tid: str) -> None:
    """A tenant named by a link or a subscription; foreign unless tenants.json lists it."""
    node = ctx.g.nodes.get(tid)
    if node is not None and "label" in node:
        return
    ctx.add(
        tid,
        {"id": tid, "label": Label.TENANT.value, "name": tid, "tenantId": tid, "foreign": True},
    )


def add_subscriptions(ctx: BuildContext, subscriptions: list[dict[str, Any]]) -> None:
    for item in subscriptions:
        sub = _guid(item.get("subscriptionId")) or _guid(last_segment(str(item.get("id") or "")))
        if not sub:
            continue
        ten = ctx.sub_tenant.get(sub)
        managers = [
            t
            for t in (_guid(m.get("tenantId")) for m in item.get("managedByTenants") or [])
            if isinstance(t, str)
        ]
        ctx.add(
            sub,
            {
                "id": sub,
                "label": Label.SUBSCRIPTION.value,
                "name": item.get("displayName") or sub,
                "subscriptionId": sub,
                "tenantId": ten,
                "state": item.get("state"),
                "foreign": False,
                "listed": True,
                "inManagementGroupTree": sub in ctx.tree_subs,
                "crawled": sub in ctx.crawled_subs,
                "managedByTenants": managers,
            },
        )
        if ten:
            ensure_tenant(ctx, ten)
            ctx.edge(ten, sub, Rel.CONTAINS)
        for manager in managers:
            ensure_tenant(ctx, manager)
            ctx.edge(sub, manager, Rel.MANAGED_BY, "managedByTenants", via="managedByTenants")


def add_management_groups(ctx: BuildContext, entities: list[dict[str, Any]]) -> None:
    """Tenant -> root management group -> ... -> subscription, from Entities_List."""
    for entity in entities:
        props = entity.get("properties") or {}
        ten = _guid(props.get("tenantId"))
        parent = (
            (props.get("parent") or {}).get("id") if isinstance(props.get("parent"), dict) else None
        )
        parent_nid = node_id(parent) if isinstance(parent, str) and parent.strip() else None
        if _is_subscription_entity(entity):
            sub = subscription_id(last_segment(str(entity.get("id"))))
            if "label" not in ctx.g.nodes.get(sub, {}):
                ctx.add(
                    sub,
                    {
                        "id": sub,
                        "label": Label.SUBSCRIPTION.value,
                        "name": props.get("displayName") or entity.get("name") or sub,
                        "subscriptionId": sub,
                        "tenantId": ctx.sub_tenant.get(sub),
                        "foreign": False,
                        "listed": False,
                        "inManagementGroupTree": True,
                        "crawled": sub in ctx.crawled_subs,
                        "managedByTenants": [],
                    },
                )
            nid = sub
            # what the analyses read of the tree beside its edges (the run's listing
            # may name another tenant, and a chain may name groups not listed)
            chain = [str(n).lower() for n in props.get("parentNameChain") or []]
            ctx.add(sub, {"managementGroupTenantId": ten, "parentNameChain": chain or None})
        else:
            nid = node_id(str(entity.get("id")))
            ctx.add(
                nid,
                {
                    "id": nid,
                    "label": Label.MANAGEMENT_GROUP.value,
                    "name": entity.get("name") or last_segment(nid),
                    "armId": entity.get("id"),
                    "type": "microsoft.management/managementgroups",
                    "displayName": props.get("displayName"),
                    "tenantId": ten,
                    "foreign": False,
                },
            )
        if ten:
            ensure_tenant(ctx, ten)
        if parent_nid:
            ctx.edge(parent_nid, nid, Rel.CONTAINS)
        elif ten and nid != ten:
            ctx.edge(ten, nid, Rel.CONTAINS)
        if ten and _is_subscription_entity(entity):
            ctx.edge(ten, nid, Rel.CONTAINS)


def mark_resolutions(ctx: BuildContext) -> None:
    """foreign.json's status on the subscriptions the listings or the tree made (the
    placeholders links make get it from ensure_subscription)."""
    for sub, item in ctx.foreign_subs.items():
        node = ctx.g.nodes.get(sub)
        if node is not None and "label" in node:
            ctx.add(sub, {"resolution": item.get("status")})


def ensure_subscription(ctx: BuildContext, sub: str) -> None:
    """A subscription that only links name: foreign, with the tenant foreign.json resolved."""
    node = ctx.g.nodes.get(sub)
    if node is not None and "label" in node:
        return
    resolved = ctx.foreign_subs.get(sub) or {}
    ten = ctx.sub_tenant.get(sub)
    crawled = sub in ctx.crawled_subs
    ctx.add(
        sub,
        {
            "id": sub,
            "label": Label.SUBSCRIPTION.value,
            "name": sub,
            "subscriptionId": sub,
            "tenantId": ten,
            "foreign": not crawled,
            "listed": False,
            "inManagementGroupTree": False,
            "crawled": crawled,
            "resolution": resolved.get("status"),
            "managedByTenants": [],
        },
    )
    if ten:
        ensure_tenant(ctx, ten)
        ctx.edge(ten, sub, Rel.CONTAINS)


# -- declarations (graph/resource_types.py) ----------------------------------------

TENANT = ResourceType(
    label=Label.TENANT,
    meaning="an Entra tenant (id = tenant GUID), ours or one a link names",
    column="directory",
    props={
        "category": "tenantCategory from Tenants_List (Home, ProjectedBy, ManagedBy), absent if "
        "not listed",
        "defaultDomain": "the tenant's default domain",
    },
)

MANAGEMENT_GROUP = ResourceType(
    label=Label.MANAGEMENT_GROUP,
    meaning="a management group (id = lower-cased ARM id)",
    column="directory",
    arm_types=("microsoft.management/managementgroups",),
    props={
        "displayName": "the management group's display name",
    },
    joins=(
        (Label.TENANT, Rel.CONTAINS, Label.MANAGEMENT_GROUP),
        (Label.MANAGEMENT_GROUP, Rel.CONTAINS, Label.MANAGEMENT_GROUP),
        (Label.MANAGEMENT_GROUP, Rel.CONTAINS, Label.SUBSCRIPTION),
    ),
    nouns={"managementgroups": "management group"},
)

SUBSCRIPTION = ResourceType(
    label=Label.SUBSCRIPTION,
    meaning="a subscription (id = subscription GUID); foreign=true when only a link names it",
    column="directory",
    props={
        "state": "Enabled, Disabled, Warned, PastDue or Deleted",
        "crawled": "in manifest subscriptionsCrawled (read completely)",
        "listed": "in subscriptions.json (the crawler's identity can see it)",
        "inManagementGroupTree": "appears in the management-group tree",
        "managementGroupTenantId": "the tenant whose management-group tree (Entities_List) holds it",
        "parentNameChain": "Entities_List parentNameChain: names of the management groups above it, lower-cased",
        "resolution": "foreign.json status of a subscription links name (resolved, not-found, error)",
        "managedByTenants": "Lighthouse managing tenant ids from Subscriptions_List",
    },
    joins=(
        (Label.TENANT, Rel.CONTAINS, Label.SUBSCRIPTION),
        (Label.SUBSCRIPTION, Rel.MANAGED_BY, Label.TENANT),
    ),
    edge_props={
        Rel.MANAGED_BY: {
            "via": "managedByTenants or registrationDefinition",
            "definitionId": "the registration definition (via registrationDefinition)",
        },
    },
)

TYPES = (TENANT, MANAGEMENT_GROUP, SUBSCRIPTION)
