"""Who is who in the sample estate: tenants, subscriptions, management groups, and the
resource ids that more than one subscription's resources name."""

from __future__ import annotations

from discovery.estates.arm import res_id

# ---------------------------------------------------------------- tenants
HOME = "72f988bf-0000-4000-8000-000000000001"  # Contoso (home)
RETAIL = "72f988bf-0000-4000-8000-000000000005"  # Contoso Retail (subsidiary, declared only)
FABRIKAM = "0d1e2f3a-0000-4000-8000-000000000002"  # partner, reached by links only
NORTHWIND = "4e5f6a7b-0000-4000-8000-000000000003"  # Lighthouse service provider
LITWARE = "9a8b7c6d-0000-4000-8000-000000000004"  # undeclared, reached by links only

# ---------------------------------------------------------- subscriptions
CONNECTIVITY = "1a2b3c4d-0000-4000-8000-000000000101"
PAYMENTS = "1a2b3c4d-0000-4000-8000-000000000102"
WEB = "1a2b3c4d-0000-4000-8000-000000000103"
DEV = "1a2b3c4d-0000-4000-8000-000000000104"
VWAN = "1a2b3c4d-0000-4000-8000-000000000105"
SHOP = "1a2b3c4d-0000-4000-8000-000000000106"
SANDBOX = "1a2b3c4d-0000-4000-8000-000000000107"
LEGACY = "1a2b3c4d-0000-4000-8000-000000000108"  # denied (403)
DATA = "1a2b3c4d-0000-4000-8000-000000000109"
MANAGEMENT = "1a2b3c4d-0000-4000-8000-000000000110"
SHADOW = "1a2b3c4d-0000-4000-8000-000000000111"  # undeclared
RETAIL_POS = "1a2b3c4d-0000-4000-8000-000000000112"  # declared in the wrong tenant
MISSING = "1a2b3c4d-0000-4000-8000-0000000001ee"  # declared, does not exist

FAB_PAYMENTS = "0d1e2f3a-0000-4000-8000-00000000000a"  # Fabrikam, declared
FAB_ANALYTICS = "0d1e2f3a-0000-4000-8000-00000000000b"  # Fabrikam, not in its list
NORTHWIND_SUB = "4e5f6a7b-0000-4000-8000-0000000000c1"
LITWARE_SUB = "9a8b7c6d-0000-4000-8000-0000000000b1"
GONE_SUB = "deadbeef-0000-4000-8000-0000000000d0"  # referenced, does not exist (404)
MS_HUB_SUB = "e3f1a2b4-0000-4000-8000-0000000000f1"  # Microsoft-managed virtual hub subscription

HUB_GUID = "5b7d9a3c-0000-4000-8000-00000000d001"
HUB_PEERING_GUID = "5b7d9a3c-0000-4000-8000-00000000d002"
VENDOR_ALIAS = (
    "tailspin-api.5e1c0a7d-0000-4000-8000-0000000000a1.westeurope.azure.privatelinkservice"
)
CLIENT_ID = "c0ffee00-0000-4000-8000-00000000c0de"

WEU = "westeurope"
NEU = "northeurope"
MG_PREFIX = "/providers/Microsoft.Management/managementGroups/"

SUBSCRIPTIONS: list[tuple[str, str, str, list[str], dict[str, str]]] = [
    # id, displayName, management group, managedByTenants, tags
    (CONNECTIVITY, "contoso-connectivity", "contoso-platform", [NORTHWIND], {"env": "prod"}),
    (PAYMENTS, "prod-payments", "corp", [NORTHWIND], {"env": "prod", "costCenter": "4711"}),
    (WEB, "prod-web", "online", [], {"env": "prod"}),
    (DEV, "dev-apps", "corp", [], {"env": "dev"}),
    (VWAN, "contoso-vwan", "contoso-platform", [], {"env": "prod"}),
    (SHOP, "online-shop", "online", [], {}),
    (SANDBOX, "sandbox-alice", "sandbox", [], {"owner": "alice@contoso.example"}),
    (LEGACY, "legacy-erp", "corp", [], {}),
    (DATA, "prod-data", "corp", [], {"env": "prod"}),
    (MANAGEMENT, "contoso-management", "contoso-platform", [], {}),
    (SHADOW, "shadow-it-marketing", HOME, [], {}),
    (RETAIL_POS, "retail-pos", "online", [], {"bu": "retail"}),
]

MANAGEMENT_GROUPS: list[tuple[str, str, str | None]] = [
    # name, displayName, parent name
    (HOME, "Tenant Root Group", None),
    # Contoso's own top group (the landing-zone layout): the organisation's policy and
    # the security team's access are assigned here; shadow-it-marketing sits beside it.
    ("contoso", "Contoso", HOME),
    ("contoso-platform", "Platform", "contoso"),
    ("contoso-landing-zones", "Landing Zones", "contoso"),
    ("corp", "Corp", "contoso-landing-zones"),
    ("online", "Online", "contoso-landing-zones"),
    ("sandbox", "Sandbox", "contoso"),
]

FOREIGN_SUBSCRIPTIONS = {
    FAB_PAYMENTS: FABRIKAM,
    FAB_ANALYTICS: FABRIKAM,
    NORTHWIND_SUB: NORTHWIND,
    LITWARE_SUB: LITWARE,
}

N = "Microsoft.Network"


def vm_resource_id(sub: str, rg: str, name: str) -> str:
    return res_id(sub, rg, "Microsoft.Compute/virtualMachines", name)


def net_id(sub: str, rg: str, kind: str, name: str) -> str:
    return res_id(sub, rg, f"{N}/{kind}", name)


# ids one subscription defines and another names
HUB_VNET = net_id(CONNECTIVITY, "rg-connectivity", "virtualNetworks", "vnet-hub-weu")
PAYMENTS_VNET = net_id(PAYMENTS, "rg-network", "virtualNetworks", "vnet-payments")
WEB_VNET = net_id(WEB, "rg-network", "virtualNetworks", "vnet-web")
ER_AMS = net_id(CONNECTIVITY, "rg-connectivity", "expressRouteCircuits", "er-ams")
ER_AMS_PRIVATE_PEERING = f"{ER_AMS}/peerings/AzurePrivatePeering"
SHOP_VNET = net_id(SHOP, "rg-shop", "virtualNetworks", "vnet-shop")
CONTOSO_AVNM = net_id(MANAGEMENT, "rg-avnm", "networkManagers", "avnm-contoso")
