"""What the crawler reads: resource types, their ARM casing, list paths and api-versions.

api-versions are those the installed azure-mgmt SDKs call (network 33.x,
compute 39.x, resource 26.x, subscriptions 1.x, managementgroups 2.x,
resourcegraph 8.x); the platform services' versions are each provider's current
stable version. One table so both crawl modes read exactly the same types.
"""

from __future__ import annotations

from dataclasses import dataclass

NETWORK_API = "2026-03-01"
COMPUTE_API = "2026-04-01"
RESOURCES_API = "2025-04-01"
SUBSCRIPTIONS_API = "2022-12-01"
MANAGEMENT_GROUPS_API = "2023-04-01"
RESOURCE_GRAPH_API = "2021-03-01"
MANAGED_SERVICES_API = "2022-10-01"

RG_PAGE_SIZE = 1000
RG_MAX_SUBSCRIPTIONS = 1000


@dataclass(frozen=True)
class ListedType:
    """A top-level type and how ARM mode lists it."""

    type: str  # ARM canonical casing
    operation: str  # operationId, for errors.json and logs
    scope: str  # "subscription" | "resourceGroup"
    api_version: str
    paas: bool = (
        False  # a platform service (paas-exposure.md): its children in discovery/crawl/paas.py
    )

    @property
    def lower(self) -> str:
        return self.type.lower()

    @property
    def segment(self) -> str:
        """The provider path after ``/providers/``."""
        return self.type


def _network(name: str, operation: str, scope: str = "subscription") -> ListedType:
    return ListedType(f"Microsoft.Network/{name}", operation, scope, NETWORK_API)


LISTED_TYPES: tuple[ListedType, ...] = (
    _network("virtualNetworks", "VirtualNetworks_ListAll"),
    _network("networkInterfaces", "NetworkInterfaces_ListAll"),
    _network("networkSecurityGroups", "NetworkSecurityGroups_ListAll"),
    _network("applicationSecurityGroups", "ApplicationSecurityGroups_ListAll"),
    _network("publicIPAddresses", "PublicIPAddresses_ListAll"),
    _network("loadBalancers", "LoadBalancers_ListAll"),
    _network("applicationGateways", "ApplicationGateways_ListAll"),
    _network(
        "ApplicationGatewayWebApplicationFirewallPolicies",
        "WebApplicationFirewallPolicies_ListAll",
    ),
    _network("azureFirewalls", "AzureFirewalls_ListAll"),
    _network("firewallPolicies", "FirewallPolicies_ListAll"),
    _network("ipGroups", "IpGroups_List"),
    _network("bastionHosts", "BastionHosts_List"),
    _network("routeTables", "RouteTables_ListAll"),
    _network("virtualNetworkGateways", "VirtualNetworkGateways_List", "resourceGroup"),
    _network("localNetworkGateways", "LocalNetworkGateways_List", "resourceGroup"),
    _network("connections", "VirtualNetworkGatewayConnections_List", "resourceGroup"),
    _network("expressRouteCircuits", "ExpressRouteCircuits_ListAll"),
    _network("expressRouteGateways", "ExpressRouteGateways_ListBySubscription"),
    _network("virtualWans", "VirtualWans_List"),
    _network("virtualHubs", "VirtualHubs_List"),
    _network("vpnGateways", "VpnGateways_List"),
    _network("vpnSites", "VpnSites_List"),
    _network("privateEndpoints", "PrivateEndpoints_ListBySubscription"),
    _network("privateLinkServices", "PrivateLinkServices_ListBySubscription"),
    _network("networkManagers", "NetworkManagers_ListBySubscription"),
    ListedType(
        "Microsoft.Compute/virtualMachines", "VirtualMachines_ListAll", "subscription", COMPUTE_API
    ),
    *(
        ListedType(type_name, operation, "subscription", api_version, paas=True)
        for type_name, operation, api_version in (
            # paas-exposure.md "Services": listed per subscription, full bodies.
            ("Microsoft.Storage/storageAccounts", "StorageAccounts_List", "2023-05-01"),
            ("Microsoft.KeyVault/vaults", "Vaults_ListBySubscription", "2023-07-01"),
            ("Microsoft.Sql/servers", "Servers_List", "2023-08-01"),
            ("Microsoft.Sql/managedInstances", "ManagedInstances_List", "2023-08-01"),
            ("Microsoft.DocumentDB/databaseAccounts", "DatabaseAccounts_List", "2024-11-15"),
            ("Microsoft.Web/sites", "WebApps_List", "2023-12-01"),
            ("Microsoft.ContainerService/managedClusters", "ManagedClusters_List", "2024-09-01"),
            ("Microsoft.ContainerRegistry/registries", "Registries_List", "2023-07-01"),
            ("Microsoft.DBforPostgreSQL/flexibleServers", "Servers_List", "2024-08-01"),
            ("Microsoft.DBforMySQL/flexibleServers", "Servers_List", "2023-12-30"),
            ("Microsoft.Cache/redis", "Redis_ListBySubscription", "2024-03-01"),
            ("Microsoft.EventHub/namespaces", "Namespaces_List", "2024-01-01"),
            ("Microsoft.ServiceBus/namespaces", "Namespaces_List", "2021-11-01"),
            ("Microsoft.CognitiveServices/accounts", "Accounts_List", "2024-10-01"),
            ("Microsoft.ApiManagement/service", "ApiManagementService_List", "2024-05-01"),
            ("Microsoft.Kusto/clusters", "Clusters_List", "2024-04-13"),
        )
    ),
)

NETWORK_MANAGER_CONNECTIONS = "Microsoft.Network/networkManagerConnections"
REGISTRATION_DEFINITIONS = "Microsoft.ManagedServices/registrationDefinitions"
REGISTRATION_ASSIGNMENTS = "Microsoft.ManagedServices/registrationAssignments"

# Children ARM does not embed: parent type -> (collection URL segment, operationId).
CHILD_COLLECTIONS: dict[str, tuple[str, str]] = {
    "microsoft.network/virtualhubs": (
        "hubVirtualNetworkConnections",
        "HubVirtualNetworkConnections_List",
    ),
    "microsoft.network/firewallpolicies": (
        "ruleCollectionGroups",
        "FirewallPolicyRuleCollectionGroups_List",
    ),
}

# Governance (docs/spec/governance.md): what is read and the api-versions the SDKs call.
POLICY_ASSIGNMENTS = "Microsoft.Authorization/policyAssignments"
ROLE_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments"
PRICINGS = "Microsoft.Security/pricings"
SECURITY_CONTACTS = "Microsoft.Security/securityContacts"
TENANT_SUBSCRIPTION_POLICY = "Microsoft.Subscription/policies"
MANAGEMENT_GROUP_SETTINGS = "Microsoft.Management/managementGroups/settings"
POLICY_API = "2026-06-01"
AUTHORIZATION_API = "2022-04-01"
PRICINGS_API = "2024-01-01"
SECURITY_CONTACTS_API = "2023-12-01-preview"
SUBSCRIPTION_POLICY_API = "2021-10-01"

# Identity and data channels (docs/spec/identity-links.md): (type, list operation,
# api-version), each provider's current stable version; two child collections that no
# Resource Graph table holds (one ARM list per parent).
USER_ASSIGNED_IDENTITIES = "Microsoft.ManagedIdentity/userAssignedIdentities"
FEDERATED_CREDENTIALS = f"{USER_ASSIGNED_IDENTITIES}/federatedIdentityCredentials"
MANAGED_APPLICATIONS = "Microsoft.Solutions/applications"
MANAGED_CLUSTERS = "Microsoft.ContainerService/managedClusters"
KUSTO_CLUSTERS = "Microsoft.Kusto/clusters"
GALLERIES = "Microsoft.Compute/galleries"
STORAGE_ACCOUNTS = "Microsoft.Storage/storageAccounts"
REPLICATION_POLICIES = f"{STORAGE_ACCOUNTS}/objectReplicationPolicies"
# AKS and Data Explorer clusters and storage accounts are platform services that
# LISTED_TYPES reads already: their identity channels come from those same lines (and a
# storage account's replication policies are read as its child), not from a second list.
IDENTITY_READS: tuple[tuple[str, str, str], ...] = (
    (USER_ASSIGNED_IDENTITIES, "UserAssignedIdentities_ListBySubscription", "2023-01-31"),
    (MANAGED_APPLICATIONS, "Applications_ListBySubscription", "2021-07-01"),
    (GALLERIES, "Galleries_List", "2023-07-03"),
)
IDENTITY_TYPES: tuple[str, ...] = (
    *(t for t, _o, _v in IDENTITY_READS),
    FEDERATED_CREDENTIALS,
    REPLICATION_POLICIES,
)

CANONICAL_TYPES: dict[str, str] = {
    t.lower(): t
    for t in (
        *(lt.type for lt in LISTED_TYPES),
        NETWORK_MANAGER_CONNECTIONS,
        REGISTRATION_DEFINITIONS,
        REGISTRATION_ASSIGNMENTS,
        POLICY_ASSIGNMENTS,
        ROLE_ASSIGNMENTS,
        PRICINGS,
        SECURITY_CONTACTS,
        TENANT_SUBSCRIPTION_POLICY,
        MANAGEMENT_GROUP_SETTINGS,
        *IDENTITY_TYPES,
    )
}
PAAS_TYPES = frozenset(lt.lower for lt in LISTED_TYPES if lt.paas)
API_VERSIONS: dict[str, str] = {lt.lower: lt.api_version for lt in LISTED_TYPES}


def canonical_type(rg_type: str) -> str:
    """ARM's casing for a Resource Graph (lower-cased) type; unknown types pass unchanged."""
    return CANONICAL_TYPES.get(rg_type.lower(), rg_type)
