"""A small estate for the identity and data channels (docs/spec/identity-links.md).

Contoso (home tenant) with a production and a development subscription. Every
channel appears twice, once towards a declared far end (Fabrikam, a partner
listed in the inventory with its CSP group) and once towards an undeclared one
(Litware), plus the cases that must raise nothing: an issuer of our own tenant,
an AKS cluster signing in through our own tenant, a storage rule for our own
tenant, a private endpoint connection that was Rejected, and a gallery shared
only with our own subscription. ``write_identity_estate`` writes the folder
(the emulator's estate layout, with its inventory); tests build it in a
temporary folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

from discovery.crawl.identity import named_subscriptions
from discovery.crawl.links import linked_subscriptions
from discovery.estates.arm import (
    SNAPSHOT_FORMAT,
    Json,
    res_id,
    resource,
    stable_guid,
    write_json,
    write_resources,
)
from discovery.estates.governance_source import role_assignment

HOME = "5c0a1e00-0000-4000-8000-000000000001"  # Contoso (home)
FABRIKAM = "5c0a1e00-0000-4000-8000-0000000000fb"  # partner, declared
LITWARE = "5c0a1e00-0000-4000-8000-0000000000e7"  # undeclared

PROD = "5c0a1e00-0000-4000-8000-000000000101"  # production (no environment: counts as such)
DEV = "5c0a1e00-0000-4000-8000-000000000102"  # environment: non-production
FABRIKAM_SUB = "5c0a1e00-0000-4000-8000-0000000001fb"  # Fabrikam's, declared with it
LITWARE_SUB = "5c0a1e00-0000-4000-8000-0000000001e7"  # Litware's, undeclared

DECLARED_GROUP = "5c0a1e00-0000-4000-8000-00000000a001"  # Fabrikam's admin agents
UNKNOWN_GROUP = "5c0a1e00-0000-4000-8000-00000000a002"  # nobody declares it
IDENTITY_PRINCIPAL = "5c0a1e00-0000-4000-8000-00000000b001"  # deploy identity's object id
KEY_APP = "5c0a1e00-0000-4000-8000-00000000c001"  # multi-tenant app holding a storage key

GITHUB = "https://token.actions.githubusercontent.com"
UNDECLARED_IDP = "https://auth.unknown-ci.example/oidc"

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"

CLIENT_ID = "5c0a1e00-0000-4000-8000-00000000ffff"
LOCATION = "westeurope"

INVENTORY_YAML = f"""\
version: 1
organization: Contoso
tenants:
  - id: {HOME}
    name: Contoso
    relationship: home
  - id: {FABRIKAM}
    name: Fabrikam
    relationship: partner
    principals: [{DECLARED_GROUP}]
subscriptions:
  - id: {PROD}
    name: contoso-prod
  - id: {DEV}
    name: contoso-dev
    environment: non-production
trusted_issuers:
  - issuer: {GITHUB}
    name: GitHub Actions
    reason: deployments from the contoso organisation's repositories
"""


def _id(sub: str, rg: str, rtype: str, name: str) -> str:
    return res_id(sub, rg, rtype, name)


def _role_assignments() -> list[Json]:
    prod, dev = f"/subscriptions/{PROD}", f"/subscriptions/{DEV}"
    delegated = []
    for scope, sub in ((prod, PROD), (dev, DEV)):
        item = role_assignment(scope, stable_guid("policy-remediation", sub), CONTRIBUTOR)
        item["properties"]["principalType"] = "ServicePrincipal"
        item["properties"]["delegatedManagedIdentityResourceId"] = _id(
            sub, "policy", "Microsoft.ManagedIdentity/userAssignedIdentities", "remediation"
        )
        delegated.append(item)
    return [
        role_assignment(prod, UNKNOWN_GROUP, OWNER, kind="ForeignGroup"),
        role_assignment(dev, DECLARED_GROUP, READER, kind="ForeignGroup"),
        role_assignment(prod, IDENTITY_PRINCIPAL, CONTRIBUTOR, kind="ServicePrincipal"),
        *delegated,
    ]


def _identities() -> list[Json]:
    identity = _id(PROD, "deploy", "Microsoft.ManagedIdentity/userAssignedIdentities", "deploy")
    quiet = _id(DEV, "apps", "Microsoft.ManagedIdentity/userAssignedIdentities", "no-credentials")
    out = [
        resource(
            identity,
            "Microsoft.ManagedIdentity/userAssignedIdentities",
            LOCATION,
            {"tenantId": HOME, "principalId": IDENTITY_PRINCIPAL, "clientId": stable_guid("c")},
            with_etag=False,
        ),
        resource(
            quiet,
            "Microsoft.ManagedIdentity/userAssignedIdentities",
            LOCATION,
            {"tenantId": HOME, "principalId": stable_guid("quiet"), "clientId": stable_guid("q")},
            with_etag=False,
        ),
    ]
    for name, issuer, subject in (
        ("own-tenant", f"https://login.microsoftonline.com/{HOME}/v2.0", "app-1"),
        ("fabrikam-aks", f"https://oidc.prod-aks.azure.com/{FABRIKAM}/{stable_guid('i')}/", "sa"),
        ("github", GITHUB, "repo:contoso/deploy:ref:refs/heads/main"),
        ("litware-entra", f"https://sts.windows.net/{LITWARE}/", "svc-litware"),
        ("unknown-ci", UNDECLARED_IDP, "pipeline:deploy"),
    ):
        credential = f"{identity}/federatedIdentityCredentials/{name}"
        out.append(
            {
                "id": credential,
                "name": name,
                "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
                "properties": {
                    "issuer": issuer,
                    "subject": subject,
                    "audiences": ["api://AzureADTokenExchange"],
                },
            }
        )
    return out


def _applications() -> list[Json]:
    out = []
    for name, publisher, jit in (("fabrikam-app", FABRIKAM, True), ("litware-app", LITWARE, False)):
        managed_rg = f"/subscriptions/{PROD}/resourceGroups/mrg-{name}"
        out.append(
            resource(
                _id(PROD, "apps", "Microsoft.Solutions/applications", name),
                "Microsoft.Solutions/applications",
                LOCATION,
                {
                    "managedResourceGroupId": managed_rg,
                    "publisherTenantId": publisher,
                    "authorizations": [
                        {"principalId": stable_guid("publisher", name), "roleDefinitionId": OWNER}
                    ],
                    "jitAccessPolicy": {
                        "jitAccessEnabled": jit,
                        "jitApprovalMode": "ManualApprove",
                    },
                    "managementMode": "Managed",
                },
                kind="MarketPlace",
                with_etag=False,
            )
        )
    return out


def _clusters() -> list[Json]:
    out = []
    for name, tenant in (("aks-own", HOME), ("aks-litware", LITWARE)):
        out.append(
            resource(
                _id(PROD, "aks", "Microsoft.ContainerService/managedClusters", name),
                "Microsoft.ContainerService/managedClusters",
                LOCATION,
                {
                    "kubernetesVersion": "1.30.4",
                    "aadProfile": {"managed": True, "enableAzureRBAC": True, "tenantID": tenant},
                },
                with_etag=False,
            )
        )
    for name, trusted in (("adxfabrikam", [FABRIKAM]), ("adxanyone", ["*"])):
        out.append(
            resource(
                _id(DEV, "data", "Microsoft.Kusto/clusters", name),
                "Microsoft.Kusto/clusters",
                LOCATION,
                {"trustedExternalTenants": [{"value": t} for t in trusted], "state": "Running"},
                sku={"name": "Dev(No SLA)_Standard_E2a_v4", "tier": "Basic", "capacity": 1},
                with_etag=False,
            )
        )
    return out


def _private_link_services() -> list[Json]:
    out = []
    for name, visible, auto in (
        ("pls-partners", [FABRIKAM_SUB], [LITWARE_SUB]),
        ("pls-public", ["*"], []),
    ):
        pls = _id(PROD, "net", "Microsoft.Network/privateLinkServices", name)
        connections = []
        if name == "pls-partners":
            consumer = _id(LITWARE_SUB, "x", "Microsoft.Network/privateEndpoints", "pe-rejected")
            connections.append(
                {
                    "id": f"{pls}/privateEndpointConnections/rejected",
                    "name": "rejected",
                    "properties": {
                        "privateEndpoint": {"id": consumer},
                        "privateLinkServiceConnectionState": {
                            "status": "Rejected",
                            "description": "not ours",
                            "actionsRequired": "None",
                        },
                    },
                }
            )
        out.append(
            resource(
                pls,
                "Microsoft.Network/privateLinkServices",
                LOCATION,
                {
                    "visibility": {"subscriptions": visible},
                    "autoApproval": {"subscriptions": auto},
                    "fqdns": [],
                    "alias": f"{name}.{stable_guid(name)}.{LOCATION}.azure.privatelinkservice",
                    "privateEndpointConnections": connections,
                },
            )
        )
    return out


def _storage() -> list[Json]:
    def account(sub: str, name: str, **extra: object) -> Json:
        return resource(
            _id(sub, "data", "Microsoft.Storage/storageAccounts", name),
            "Microsoft.Storage/storageAccounts",
            LOCATION,
            {
                "allowCrossTenantReplication": False,
                "allowedCopyScope": "AAD",
                "networkAcls": {
                    "bypass": "AzureServices",
                    "defaultAction": "Deny",
                    "ipRules": [],
                    "virtualNetworkRules": [],
                    "resourceAccessRules": extra.pop("rules", []),
                },
                **extra,
            },
            kind="StorageV2",
            sku={"name": "Standard_LRS", "tier": "Standard"},
            with_etag=False,
        )

    def rule(tenant: str, name: str) -> Json:
        return {
            "tenantId": tenant,
            "resourceId": _id(PROD, "x", "Microsoft.Synapse/workspaces", name),
        }

    replicated = account(PROD, "contosoreplica")
    keyed = account(
        DEV,
        "contosokeyed",
        encryption={
            "keySource": "Microsoft.Keyvault",
            "keyvaultproperties": {"keyvaulturi": "https://vault.litware.example/", "keyname": "k"},
            "identity": {
                "userAssignedIdentity": _id(
                    DEV,
                    "apps",
                    "Microsoft.ManagedIdentity/userAssignedIdentities",
                    "no-credentials",
                ),
                "federatedIdentityClientId": KEY_APP,
            },
        },
    )
    ruled = account(
        PROD,
        "contosoruled",
        rules=[rule(HOME, "own"), rule(FABRIKAM, "fabrikam"), rule(LITWARE, "litware")],
    )
    policies = []
    for target_sub, name in ((DEV, "to-dev"), (LITWARE_SUB, "to-litware")):
        other = _id(target_sub, "data", "Microsoft.Storage/storageAccounts", f"dst{name[3:]}")
        policies.append(
            {
                "id": f"{replicated['id']}/objectReplicationPolicies/{name}",
                "name": name,
                "type": "Microsoft.Storage/storageAccounts/objectReplicationPolicies",
                "properties": {
                    "policyId": stable_guid("orp", name),
                    "sourceAccount": replicated["id"],
                    "destinationAccount": other,
                    "rules": [
                        {
                            "ruleId": stable_guid("rule", name),
                            "sourceContainer": "src",
                            "destinationContainer": "dst",
                        }
                    ],
                },
            }
        )
    return [replicated, keyed, ruled, *policies]


def _galleries() -> list[Json]:
    out = []
    for name, profile in (
        (
            "galpartners",
            {"permissions": "Groups", "groups": [{"type": "AADTenants", "ids": [LITWARE]}]},
        ),
        (
            "galinternal",
            {"permissions": "Groups", "groups": [{"type": "Subscriptions", "ids": [DEV]}]},
        ),
        (
            "galcommunity",
            {
                "permissions": "Community",
                "communityGalleryInfo": {"publisherUri": "https://contoso.example"},
            },
        ),
    ):
        out.append(
            resource(
                _id(PROD, "images", "Microsoft.Compute/galleries", name),
                "Microsoft.Compute/galleries",
                LOCATION,
                {"identifier": {"uniqueName": f"{HOME}-{name.upper()}"}, "sharingProfile": profile},
                with_etag=False,
            )
        )
    return out


def identity_resources() -> list[Json]:
    return [
        *_role_assignments(),
        *_identities(),
        *_applications(),
        *_clusters(),
        *_private_link_services(),
        *_storage(),
        *_galleries(),
    ]


def _tenants() -> list[Json]:
    return [
        {
            "defaultDomain": "contoso.example",
            "displayName": "Contoso",
            "domains": ["contoso.example"],
            "id": f"/tenants/{HOME}",
            "tenantCategory": "Home",
            "tenantId": HOME,
            "tenantType": "AAD",
        }
    ]


def _subscriptions() -> list[Json]:
    return [
        {
            "authorizationSource": "RoleBased",
            "displayName": name,
            "id": f"/subscriptions/{sid}",
            "managedByTenants": [{"tenantId": manager}],
            "state": "Enabled",
            "subscriptionId": sid,
            "tenantId": HOME,
        }
        # Lighthouse: Fabrikam (declared) manages production, Litware development
        for sid, name, manager in ((PROD, "contoso-prod", FABRIKAM), (DEV, "contoso-dev", LITWARE))
    ]


def _management_groups() -> list[Json]:
    root = f"/providers/Microsoft.Management/managementGroups/{HOME}"
    out: list[Json] = [
        {
            "id": root,
            "type": "Microsoft.Management/managementGroups",
            "name": HOME,
            "properties": {
                "tenantId": HOME,
                "displayName": "Tenant Root Group",
                "parent": None,
                "permissions": "view",
                "inheritedPermissions": "view",
                "parentDisplayNameChain": [],
                "parentNameChain": [],
                "numberOfDescendants": 2,
                "numberOfChildren": 2,
                "numberOfChildGroups": 0,
            },
        }
    ]
    for sid, name in ((PROD, "contoso-prod"), (DEV, "contoso-dev")):
        out.append(
            {
                "id": f"/subscriptions/{sid}",
                "type": "/subscriptions",
                "name": sid,
                "properties": {
                    "tenantId": HOME,
                    "displayName": name,
                    "parent": {"id": root},
                    "permissions": "view",
                    "inheritedPermissions": "view",
                    "parentDisplayNameChain": ["Tenant Root Group"],
                    "parentNameChain": [HOME],
                },
            }
        )
    return out


def write_identity_estate(out_dir: Path) -> Path:
    """Write the estate (and its inventory.yaml) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    resources = identity_resources()
    by_type = write_resources(out_dir / "resources.jsonl", resources)
    write_json(out_dir / "tenants.json", _tenants())
    write_json(out_dir / "subscriptions.json", _subscriptions())
    write_json(out_dir / "management-groups.json", _management_groups())
    owners: dict[str, set[str]] = {}
    for item in resources:
        for sub in {*named_subscriptions(item), *linked_subscriptions(item)} - {PROD, DEV}:
            owners.setdefault(sub, set()).add(item["id"])
    tenants = {FABRIKAM_SUB: FABRIKAM, LITWARE_SUB: LITWARE}
    write_json(
        out_dir / "foreign.json",
        [
            {
                "subscriptionId": sub,
                "tenantId": tenants[sub],
                "status": "resolved",
                "referencedBy": sorted(found, key=str.lower),
            }
            for sub, found in sorted(owners.items())
        ],
    )
    write_json(out_dir / "errors.json", [])
    write_json(
        out_dir / "manifest.json",
        {
            "format": SNAPSHOT_FORMAT,
            "createdAt": "2026-11-27T02:00:00Z",
            "source": {"kind": "handmade", "endpoint": "https://management.azure.com"},
            "principal": {"tenantId": HOME, "clientId": CLIENT_ID},
            "tenantsCrawled": [HOME],
            "subscriptionsCrawled": [PROD, DEV],
            "counts": {"resources": len(resources), "byType": by_type},
        },
    )
    write_json(
        out_dir / "emulator.json",
        {
            "principal": {"tenantId": HOME},
            "foreignSubscriptions": {FABRIKAM_SUB: FABRIKAM, LITWARE_SUB: LITWARE},
            "deny": {},
        },
    )
    (out_dir / "inventory.yaml").write_text(INVENTORY_YAML, encoding="utf-8")
    return out_dir


if __name__ == "__main__":  # pragma: no cover
    print(write_identity_estate(Path(sys.argv[1])))
