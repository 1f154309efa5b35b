"""Governance documents for estates, in the shapes ARM returns (docs/spec/governance.md).

Shapes follow the REST examples the research names: policyAssignments
2023-04-01 getPolicyAssignment.json, RoleAssignments_ListForScope.json
(2022-04-01), Pricings ListPricings_example.json (2024-01-01),
GetSecurityContactsSubscription_example.json (2023-12-01-preview), the
tenant's subscription policy (2021-10-01) and a root group's settings.
"""

from __future__ import annotations

from typing import Any

from discovery.estates.arm import stable_guid

Json = dict[str, Any]
MG = "/providers/Microsoft.Management/managementGroups/"
MCSB = (
    "/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8"
)
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
SECURITY_READER = "39bc4728-0917-49c7-9d2c-d95423bc2eb4"
BASELINE_PLANS = ("VirtualMachines", "StorageAccounts", "KeyVaults", "Arm", "CloudPosture")


def policy_assignment(
    scope: str,
    name: str,
    definition: str,
    display: str,
    *,
    enforcement: str = "Default",
    not_scopes: tuple[str, ...] = (),
) -> Json:
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/policyAssignments/{name}",
        "name": name,
        "type": "Microsoft.Authorization/policyAssignments",
        "properties": {
            "displayName": display,
            "policyDefinitionId": definition,
            "scope": scope,
            "notScopes": list(not_scopes),
            "enforcementMode": enforcement,
            "parameters": {},
            "metadata": {"assignedBy": "Platform team"},
        },
    }


def role_assignment(scope: str, principal: str, role: str, *, kind: str = "Group") -> Json:
    name = stable_guid("role-assignment", scope, principal, role)
    definitions = scope if scope.startswith("/subscriptions/") else ""
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "roleDefinitionId": f"{definitions}/providers/Microsoft.Authorization/roleDefinitions/{role}",
            "principalId": principal,
            "principalType": kind,
            "scope": scope,
            "createdOn": "2026-01-15T09:00:00Z",
            "updatedOn": "2026-01-15T09:00:00Z",
        },
    }


def pricings(
    subscription: str, standard: tuple[str, ...], free: tuple[str, ...] = ()
) -> list[Json]:
    out = []
    for plan in sorted((*standard, *free)):
        on = plan in standard
        props: Json = {"pricingTier": "Standard" if on else "Free"}
        props["freeTrialRemainingTime"] = "PT0S"
        if on:
            props["enablementTime"] = "2026-02-01T08:00:00Z"
            props["resourcesCoverageStatus"] = "FullyCovered"
        out.append(
            {
                "id": f"/subscriptions/{subscription}/providers/Microsoft.Security/pricings/{plan}",
                "name": plan,
                "type": "Microsoft.Security/pricings",
                "properties": props,
            }
        )
    return out


def security_contact(subscription: str, emails: str, *, alerts: bool = True) -> Json:
    return {
        "id": f"/subscriptions/{subscription}/providers/Microsoft.Security/securityContacts/default",
        "name": "default",
        "type": "Microsoft.Security/securityContacts",
        "properties": {
            "emails": emails,
            "phone": "",
            "isEnabled": alerts,
            "notificationsByRole": {"state": "On", "roles": ["Owner"]},
            "notificationsSources": [{"sourceType": "Alert", "minimalSeverity": "Medium"}]
            if alerts
            else [],
        },
    }


def tenant_subscription_policy(tenant: str, *, block_entering: bool, block_leaving: bool) -> Json:
    return {
        "id": f"/tenants/{tenant}/providers/Microsoft.Subscription/policies/default",
        "name": "default",
        "type": "Microsoft.Subscription/policies",
        "properties": {
            "policyId": stable_guid("subscription-policy", tenant),
            "blockSubscriptionsLeavingTenant": block_leaving,
            "blockSubscriptionsIntoTenant": block_entering,
            "exemptedPrincipals": [],
        },
    }


def root_group_settings(tenant: str, default_group: str) -> Json:
    return {
        "id": f"{MG}{tenant}/settings/default",
        "name": "default",
        "type": "Microsoft.Management/managementGroups/settings",
        "properties": {
            "tenantId": tenant,
            "defaultManagementGroup": f"{MG}{default_group}",
            "requireAuthorizationForGroupCreation": True,
        },
    }
