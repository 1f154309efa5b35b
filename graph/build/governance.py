"""Governance documents into nodes and edges (docs/spec/governance.md, schema.py).

Assignments hang off the scope they are assigned at (ASSIGNED_AT); a pricing or a
contact belongs to its subscription (OF); a tenant's subscription policy and its
root group's settings belong to the tenant (OF). The snapshot's id of the tenant
policy carries the tenant (`/tenants/{id}/providers/...`, discovery/crawl/governance.py).
"""

from __future__ import annotations

from typing import Any

from graph.build.context import BuildContext
from graph.build.ids import props_of
from graph.resource_types import ResourceType
from graph.schema import Label, Rel, principal_id, subscription_of, tenant_id

_MG = "/providers/microsoft.management/managementgroups/"


def _scope_node(scope: str) -> str | None:
    """The graph node of an assignment scope: a subscription GUID or a management group id."""
    lowered = scope.strip().rstrip("/").lower()
    if lowered.startswith(_MG) and lowered.count("/") == 4:
        return lowered
    if lowered.startswith("/subscriptions/") and lowered.count("/") == 2:
        return lowered.split("/")[2]
    return None  # resource group or resource scope: below any subscription control


def _assignment_scope(nid: str, p: dict[str, Any]) -> str:
    scope = p.get("scope")
    if isinstance(scope, str) and scope.strip():
        return scope.strip().rstrip("/").lower()
    return nid.rsplit("/providers/", 1)[0]


def policy_assignment(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.POLICY_ASSIGNMENT, arm_type)
    scope = _assignment_scope(nid, p)
    definition = p.get("policyDefinitionId")
    props["scope"] = scope
    props["policyDefinitionId"] = definition.lower() if isinstance(definition, str) else None
    props["enforcementMode"] = str(p.get("enforcementMode") or "Default")
    props["notScopes"] = [str(s).rstrip("/").lower() for s in p.get("notScopes") or []]
    props["displayName"] = p.get("displayName")
    ctx.add(nid, props)
    target = _scope_node(scope)
    if target:
        ctx.edge(nid, target, Rel.ASSIGNED_AT)


def role_assignment(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.ROLE_ASSIGNMENT, arm_type)
    scope = _assignment_scope(nid, p)
    role = str(p.get("roleDefinitionId") or "").rstrip("/").rsplit("/", 1)[-1].lower()
    principal = p.get("principalId")
    kind = p.get("principalType")
    props["scope"] = scope
    props["roleDefinitionGuid"] = role or None
    props["principalId"] = principal.lower() if isinstance(principal, str) else None
    props["principalType"] = kind if isinstance(kind, str) else None
    ctx.add(nid, props)
    target = _scope_node(scope)
    if target:
        ctx.edge(nid, target, Rel.ASSIGNED_AT)
    if isinstance(principal, str) and principal.strip():
        pid = principal_id(principal)
        ctx.add(
            pid,
            {
                "id": pid,
                "label": Label.PRINCIPAL._value_,
                "name": principal.lower(),
                "principalType": props["principalType"],
            },
        )
        ctx.edge(nid, pid, Rel.GRANTS)


def alert_notifications(p: dict[str, Any]) -> bool:
    """Alerts reach the contact: 2023-12-01-preview (isEnabled and an Alert source) or the
    older shape (alertNotifications state On, or the string "On")."""
    older = p.get("alertNotifications")
    if isinstance(older, dict):
        return str(older.get("state", "")).lower() == "on"
    if isinstance(older, str):
        return older.lower() == "on"
    sources = p.get("notificationsSources") or []
    alerts = any(isinstance(s, dict) and s.get("sourceType") == "Alert" for s in sources)
    return bool(p.get("isEnabled", True)) and alerts


def defender_pricing(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.DEFENDER_PRICING, arm_type)
    props["pricingTier"] = p.get("pricingTier")
    props["subPlan"] = p.get("subPlan")
    ctx.add(nid, props)
    sub = subscription_of(nid)
    if sub:
        ctx.edge(nid, sub, Rel.OF)


def security_contact(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.SECURITY_CONTACT, arm_type)
    emails = p.get("emails") if isinstance(p.get("emails"), str) else p.get("email")
    props["emails"] = emails if isinstance(emails, str) and emails.strip() else None
    props["alertNotifications"] = alert_notifications(p)
    ctx.add(nid, props)
    sub = subscription_of(nid)
    if sub:
        ctx.edge(nid, sub, Rel.OF)


def subscription_policy(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.SUBSCRIPTION_POLICY, arm_type)
    for key in ("blockSubscriptionsIntoTenant", "blockSubscriptionsLeavingTenant"):
        props[key] = p.get(key) if isinstance(p.get(key), bool) else None
    parts = nid.split("/")
    tenant = tenant_id(parts[2]) if len(parts) > 2 and parts[1] == "tenants" else None
    props["tenantId"] = tenant
    ctx.add(nid, props)
    if tenant:
        ctx.edge(nid, tenant, Rel.OF)


def group_settings(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.GROUP_SETTINGS, arm_type)
    default = p.get("defaultManagementGroup")
    props["defaultManagementGroup"] = (
        str(default).rstrip("/").rsplit("/", 1)[-1].lower()
        if isinstance(default, str) and default
        else None
    )
    require = p.get("requireAuthorizationForGroupCreation")
    props["requireAuthorizationForGroupCreation"] = require if isinstance(require, bool) else None
    # the root group is named by the tenant id
    tenant = tenant_id(nid[len(_MG) :].split("/", 1)[0]) if nid.startswith(_MG) else None
    props["tenantId"] = tenant
    ctx.add(nid, props)
    if tenant:
        ctx.edge(nid, tenant, Rel.OF)


# -- declarations (graph/resource_types.py) ----------------------------------------

POLICY_ASSIGNMENT = ResourceType(
    label=Label.POLICY_ASSIGNMENT,
    meaning="an Azure Policy assignment at a management group or subscription",
    column="governance",
    arm_types=("microsoft.authorization/policyassignments",),
    props={
        "scope": "the scope it is assigned at (lower-cased)",
        "policyDefinitionId": "the policy or initiative (policy set) definition, lower-cased",
        "enforcementMode": "Default or DoNotEnforce",
        "notScopes": "scopes excluded from it (lower-cased)",
        "displayName": "the assignment's display name",
    },
    joins=(
        (Label.POLICY_ASSIGNMENT, Rel.ASSIGNED_AT, Label.MANAGEMENT_GROUP),
        (Label.POLICY_ASSIGNMENT, Rel.ASSIGNED_AT, Label.SUBSCRIPTION),
    ),
    handler=policy_assignment,
)

ROLE_ASSIGNMENT = ResourceType(
    label=Label.ROLE_ASSIGNMENT,
    meaning="an Azure RBAC role assignment at a management group or subscription",
    column="governance",
    arm_types=("microsoft.authorization/roleassignments",),
    props={
        "scope": "the scope it is granted at (lower-cased)",
        "roleDefinitionGuid": "the role definition's GUID (the last segment of roleDefinitionId)",
        "principalId": "the principal's object id",
        "principalType": "User, Group, ServicePrincipal, ForeignGroup or Device",
    },
    joins=(
        (Label.ROLE_ASSIGNMENT, Rel.ASSIGNED_AT, Label.MANAGEMENT_GROUP),
        (Label.ROLE_ASSIGNMENT, Rel.ASSIGNED_AT, Label.SUBSCRIPTION),
        (Label.ROLE_ASSIGNMENT, Rel.GRANTS, Label.PRINCIPAL),
    ),
    handler=role_assignment,
)

PRINCIPAL = ResourceType(
    label=Label.PRINCIPAL,
    meaning="a principal (user, group, service principal) a role assignment names (id = "
    "'principal:<object id>')",
    column="governance",
    props={
        "principalType": "as the role assignment gives it",
    },
)

DEFENDER_PRICING = ResourceType(
    label=Label.DEFENDER_PRICING,
    meaning="a Defender for Cloud plan of a subscription (Microsoft.Security/pricings)",
    column="governance",
    arm_types=("microsoft.security/pricings",),
    props={
        "pricingTier": "Free or Standard",
        "subPlan": "the plan's sub-plan (P1, P2, ...)",
    },
    joins=((Label.DEFENDER_PRICING, Rel.OF, Label.SUBSCRIPTION),),
    handler=defender_pricing,
)

SECURITY_CONTACT = ResourceType(
    label=Label.SECURITY_CONTACT,
    meaning="a subscription's Defender for Cloud security contact",
    column="governance",
    arm_types=("microsoft.security/securitycontacts",),
    props={
        "emails": "the contact's addresses (semicolon-separated)",
        "alertNotifications": "true when alert notifications go to it (isEnabled with an Alert "
        "source, or the older alertNotifications state On)",
    },
    joins=((Label.SECURITY_CONTACT, Rel.OF, Label.SUBSCRIPTION),),
    handler=security_contact,
)

SUBSCRIPTION_POLICY = ResourceType(
    label=Label.SUBSCRIPTION_POLICY,
    meaning="a tenant's subscription policy (who may move subscriptions in or out)",
    column="governance",
    arm_types=("microsoft.subscription/policies",),
    props={
        "blockSubscriptionsIntoTenant": "bool",
        "blockSubscriptionsLeavingTenant": "bool",
    },
    joins=((Label.SUBSCRIPTION_POLICY, Rel.OF, Label.TENANT),),
    handler=subscription_policy,
)

GROUP_SETTINGS = ResourceType(
    label=Label.GROUP_SETTINGS,
    meaning="a tenant root group's settings (default management group of new subscriptions)",
    column="governance",
    arm_types=("microsoft.management/managementgroups/settings",),
    props={
        "defaultManagementGroup": "the group new subscriptions land in (its name, lower-cased)",
        "requireAuthorizationForGroupCreation": "bool",
    },
    joins=((Label.GROUP_SETTINGS, Rel.OF, Label.TENANT),),
    handler=group_settings,
)

TYPES = (
    POLICY_ASSIGNMENT,
    ROLE_ASSIGNMENT,
    PRINCIPAL,
    DEFENDER_PRICING,
    SECURITY_CONTACT,
    SUBSCRIPTION_POLICY,
    GROUP_SETTINGS,
)
