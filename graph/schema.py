"""The graph schema: every node label, relationship type and id rule.

This module is the single source of truth. The build, both stores, the named
queries, the analyses and the reports take labels and relationship names from
here, never from string literals of their own.

In memory the graph is a ``networkx.MultiDiGraph``:

* node key = the node id (see the id rules below); node attributes are
  ``label`` (one of :class:`Label`) plus the properties (scalars or lists of
  scalars only; structured values are JSON strings, as Neo4j allows nothing
  else and both stores must hold the same thing).
* edge key = :func:`edge_key` (unique per source/target pair); edge attributes
  are ``type`` (one of :class:`Rel`) plus the properties (same rule).
* the build's attribute dicts are read-only: edges without properties share one
  dict per type. Copy the graph before changing it.
"""

from __future__ import annotations

from enum import StrEnum

INTERNET_ID = "internet"
SITE_PREFIX = "site:"
ALIAS_PREFIX = "alias:"


class Label(StrEnum):
    """Node labels. The value is the label as stored in Neo4j and SQLite."""

    INTERNET = "Internet"
    TENANT = "Tenant"
    MANAGEMENT_GROUP = "ManagementGroup"
    SUBSCRIPTION = "Subscription"
    VIRTUAL_NETWORK = "VirtualNetwork"
    SUBNET = "Subnet"
    NETWORK_INTERFACE = "NetworkInterface"
    IP_CONFIGURATION = "IpConfiguration"
    VIRTUAL_MACHINE = "VirtualMachine"
    PUBLIC_IP = "PublicIpAddress"
    NSG = "NetworkSecurityGroup"
    ASG = "ApplicationSecurityGroup"
    ROUTE_TABLE = "RouteTable"
    LOAD_BALANCER = "LoadBalancer"
    APPLICATION_GATEWAY = "ApplicationGateway"
    WAF_POLICY = "WafPolicy"
    FIREWALL = "Firewall"
    FIREWALL_POLICY = "FirewallPolicy"
    IP_GROUP = "IpGroup"
    BASTION = "BastionHost"
    VNET_GATEWAY = "VirtualNetworkGateway"
    LOCAL_NETWORK_GATEWAY = "LocalNetworkGateway"
    CONNECTION = "Connection"
    EXPRESSROUTE_CIRCUIT = "ExpressRouteCircuit"
    EXPRESSROUTE_AUTHORIZATION = "ExpressRouteAuthorization"
    EXPRESSROUTE_GATEWAY = "ExpressRouteGateway"
    VIRTUAL_WAN = "VirtualWan"
    VIRTUAL_HUB = "VirtualHub"
    VPN_GATEWAY = "VpnGateway"
    VPN_SITE = "VpnSite"
    PRIVATE_ENDPOINT = "PrivateEndpoint"
    PRIVATE_LINK_SERVICE = "PrivateLinkService"
    PAAS_SERVICE = "PaasService"
    NETWORK_MANAGER = "NetworkManager"
    NETWORK_MANAGER_CONNECTION = "NetworkManagerConnection"
    REGISTRATION_DEFINITION = "RegistrationDefinition"
    REGISTRATION_ASSIGNMENT = "RegistrationAssignment"
    SITE = "Site"
    RESOURCE = "Resource"
    # governance (docs/spec/governance.md)
    POLICY_ASSIGNMENT = "PolicyAssignment"
    ROLE_ASSIGNMENT = "RoleAssignment"
    PRINCIPAL = "Principal"
    DEFENDER_PRICING = "DefenderPricing"
    SECURITY_CONTACT = "SecurityContact"
    SUBSCRIPTION_POLICY = "TenantSubscriptionPolicy"
    GROUP_SETTINGS = "ManagementGroupSettings"


LABEL_MEANING: dict[Label, str] = {
    Label.INTERNET: "the one node standing for every address on the internet (id 'internet')",
    Label.TENANT: "an Entra tenant (id = tenant GUID), ours or one a link names",
    Label.MANAGEMENT_GROUP: "a management group (id = lower-cased ARM id)",
    Label.SUBSCRIPTION: "a subscription (id = subscription GUID); foreign=true when only a link names it",
    Label.VIRTUAL_NETWORK: "a virtual network; foreign=true for a placeholder the crawl could not read",
    Label.SUBNET: "a subnet of a virtual network (id = lower-cased subnet ARM id)",
    Label.NETWORK_INTERFACE: "a network interface",
    Label.IP_CONFIGURATION: "one IP configuration of a NIC (private IP, subnet, public IP, ASGs)",
    Label.VIRTUAL_MACHINE: "a virtual machine",
    Label.PUBLIC_IP: "a public IP address with its SKU and address",
    Label.NSG: "a network security group; its rules kept as JSON strings (securityRules, defaultSecurityRules)",
    Label.ASG: "an application security group",
    Label.ROUTE_TABLE: "a route table; its routes kept as a JSON string in 'routes'",
    Label.LOAD_BALANCER: "a load balancer with its SKU",
    Label.APPLICATION_GATEWAY: "an application gateway with listeners and WAF state",
    Label.WAF_POLICY: "an application gateway WAF policy (mode, state)",
    Label.FIREWALL: "an Azure Firewall",
    Label.FIREWALL_POLICY: "an Azure Firewall policy with its rule collection groups",
    Label.IP_GROUP: "an IP group (address list used by firewall rules)",
    Label.BASTION: "an Azure Bastion host",
    Label.VNET_GATEWAY: "a VPN or ExpressRoute virtual network gateway",
    Label.LOCAL_NETWORK_GATEWAY: "an on-premises VPN device and its address space",
    Label.CONNECTION: "a gateway connection (IPsec, Vnet2Vnet or ExpressRoute)",
    Label.EXPRESSROUTE_CIRCUIT: "an ExpressRoute circuit; foreign=true when only a link names it",
    Label.EXPRESSROUTE_AUTHORIZATION: "an authorization on a circuit that another party can redeem",
    Label.EXPRESSROUTE_GATEWAY: "a Virtual WAN ExpressRoute gateway",
    Label.VIRTUAL_WAN: "a Virtual WAN",
    Label.VIRTUAL_HUB: "a Virtual WAN hub",
    Label.VPN_GATEWAY: "a Virtual WAN site-to-site VPN gateway",
    Label.VPN_SITE: "a Virtual WAN VPN site (an on-premises location)",
    Label.PRIVATE_ENDPOINT: "a private endpoint",
    Label.PRIVATE_LINK_SERVICE: "a private link service",
    Label.PAAS_SERVICE: "a storage account, key vault, SQL server or Cosmos DB account with private endpoint connections",
    Label.NETWORK_MANAGER: "an Azure Virtual Network Manager",
    Label.NETWORK_MANAGER_CONNECTION: "a connection of a subscription or management group to a network manager",
    Label.REGISTRATION_DEFINITION: "a Lighthouse registration definition (the managing tenant and its roles)",
    Label.REGISTRATION_ASSIGNMENT: "a Lighthouse registration assignment (the delegation of a scope)",
    Label.SITE: "a declared site from the inventory (id 'site:<name>'), added by the analysis",
    Label.RESOURCE: "a resource a link names whose type the build does not model",
    Label.POLICY_ASSIGNMENT: "an Azure Policy assignment at a management group or subscription",
    Label.ROLE_ASSIGNMENT: "an Azure RBAC role assignment at a management group or subscription",
    Label.PRINCIPAL: "a principal (user, group, service principal) a role assignment names (id = "
    "'principal:<object id>')",
    Label.DEFENDER_PRICING: "a Defender for Cloud plan of a subscription (Microsoft.Security/pricings)",
    Label.SECURITY_CONTACT: "a subscription's Defender for Cloud security contact",
    Label.SUBSCRIPTION_POLICY: "a tenant's subscription policy (who may move subscriptions in or out)",
    Label.GROUP_SETTINGS: "a tenant root group's settings (default management group of new subscriptions)",
}


class Rel(StrEnum):
    """Relationship types. Direction is given in each meaning as (from)->(to)."""

    CONTAINS = "CONTAINS"
    MANAGED_BY = "MANAGED_BY"
    PEERS_WITH = "PEERS_WITH"
    IN_SUBNET = "IN_SUBNET"
    HAS_IP_CONFIG = "HAS_IP_CONFIG"
    ATTACHED_TO = "ATTACHED_TO"
    PROTECTED_BY = "PROTECTED_BY"
    MEMBER_OF = "MEMBER_OF"
    ROUTES_VIA = "ROUTES_VIA"
    FORWARDS_TO = "FORWARDS_TO"
    USES_POLICY = "USES_POLICY"
    INHERITS_FROM = "INHERITS_FROM"
    CONNECTS_TO = "CONNECTS_TO"
    REDEEMED_BY = "REDEEMED_BY"
    GLOBAL_REACH = "GLOBAL_REACH"
    PART_OF = "PART_OF"
    PRIVATE_LINK = "PRIVATE_LINK"
    SCOPES = "SCOPES"
    EXPOSES = "EXPOSES"
    ASSIGNED_AT = "ASSIGNED_AT"
    GRANTS = "GRANTS"
    OF = "OF"


REL_MEANING: dict[Rel, str] = {
    Rel.CONTAINS: "(Tenant|ManagementGroup)->(ManagementGroup|Subscription), (Subscription)->(resource), "
    "(VirtualNetwork)->(Subnet), (ExpressRouteCircuit)->(ExpressRouteAuthorization), "
    "(ManagementGroup)->(NetworkManagerConnection) at group scope, (parent)->(child) of a placeholder",
    Rel.MANAGED_BY: "(Subscription)->(Tenant): Lighthouse delegation to a managing tenant "
    "(via: managedByTenants or registration definition)",
    Rel.PEERS_WITH: "(VirtualNetwork)->(VirtualNetwork): a peering as seen from its owner, with state and flags",
    Rel.IN_SUBNET: "(IpConfiguration|VirtualNetworkGateway|Firewall|BastionHost|ApplicationGateway|"
    "PrivateEndpoint|LoadBalancer (private frontend)|PrivateLinkService)->(Subnet)",
    Rel.HAS_IP_CONFIG: "(NetworkInterface)->(IpConfiguration)",
    Rel.ATTACHED_TO: "(NetworkInterface)->(VirtualMachine|PrivateEndpoint); (PublicIpAddress)->(IpConfiguration|"
    "LoadBalancer|ApplicationGateway|Firewall|VirtualNetworkGateway|BastionHost|VpnGateway) that holds it",
    Rel.PROTECTED_BY: "(Subnet|NetworkInterface)->(NetworkSecurityGroup)",
    Rel.MEMBER_OF: "(IpConfiguration)->(ApplicationSecurityGroup)",
    Rel.ROUTES_VIA: "(Subnet)->(RouteTable)",
    Rel.FORWARDS_TO: "(LoadBalancer)->(IpConfiguration) per load-balancing rule or inbound NAT rule; "
    "(Firewall)->(IpConfiguration) per DNAT rule (->(Firewall) itself, resolved=false, when the "
    "translated address names no NIC; ->(LoadBalancer) for an internal frontend); ports and "
    "protocol on the edge; (PrivateLinkService)->(LoadBalancer) whose frontend it uses",
    Rel.USES_POLICY: "(Firewall)->(FirewallPolicy), (ApplicationGateway)->(WafPolicy) (its own "
    "and its listeners' per-site policies)",
    Rel.INHERITS_FROM: "(FirewallPolicy)->(FirewallPolicy): basePolicy",
    Rel.CONNECTS_TO: "(Connection)->(VirtualNetworkGateway|LocalNetworkGateway|ExpressRouteCircuit), "
    "(VirtualNetworkGateway)->(VirtualNetwork), (VirtualHub)->(VirtualNetwork) hub connection, "
    "(BastionHost)->(VirtualNetwork) of a developer Bastion, "
    "(ExpressRouteGateway)->(ExpressRouteCircuit), (VpnGateway)->(VpnSite), "
    "(NetworkManagerConnection)->(NetworkManager)",
    Rel.REDEEMED_BY: "(ExpressRouteAuthorization)->(Connection|Resource) that redeemed it",
    Rel.GLOBAL_REACH: "(ExpressRouteCircuit)->(ExpressRouteCircuit): Global Reach link",
    Rel.PART_OF: "(VirtualHub|VpnSite)->(VirtualWan), (VpnGateway|ExpressRouteGateway|Firewall)->(VirtualHub)",
    Rel.PRIVATE_LINK: "(PrivateEndpoint)->(PaasService|PrivateLinkService|Resource): direction=outbound when "
    "seen on our endpoint, inbound when seen on our service's privateEndpointConnections",
    Rel.SCOPES: "(NetworkManager)->(Subscription|ManagementGroup) in its networkManagerScopes",
    Rel.EXPOSES: "(Internet)->(PublicIpAddress): every public IP is an entry point to evaluate",
    Rel.ASSIGNED_AT: "(PolicyAssignment|RoleAssignment)->(ManagementGroup|Subscription): the scope "
    "it is assigned at (it applies there and below)",
    Rel.GRANTS: "(RoleAssignment)->(Principal): the principal that holds the role",
    Rel.OF: "(DefenderPricing|SecurityContact)->(Subscription), "
    "(TenantSubscriptionPolicy|ManagementGroupSettings)->(Tenant): whose setting it is",
}


# ARM resource type (lower-cased) -> label. Types not listed become Label.RESOURCE.
TYPE_LABELS: dict[str, Label] = {
    "microsoft.network/virtualnetworks": Label.VIRTUAL_NETWORK,
    "microsoft.network/virtualnetworks/subnets": Label.SUBNET,
    "microsoft.network/networkinterfaces": Label.NETWORK_INTERFACE,
    "microsoft.network/networkinterfaces/ipconfigurations": Label.IP_CONFIGURATION,
    "microsoft.compute/virtualmachines": Label.VIRTUAL_MACHINE,
    "microsoft.network/publicipaddresses": Label.PUBLIC_IP,
    "microsoft.network/networksecuritygroups": Label.NSG,
    "microsoft.network/applicationsecuritygroups": Label.ASG,
    "microsoft.network/routetables": Label.ROUTE_TABLE,
    "microsoft.network/loadbalancers": Label.LOAD_BALANCER,
    "microsoft.network/applicationgateways": Label.APPLICATION_GATEWAY,
    "microsoft.network/applicationgatewaywebapplicationfirewallpolicies": Label.WAF_POLICY,
    "microsoft.network/azurefirewalls": Label.FIREWALL,
    "microsoft.network/firewallpolicies": Label.FIREWALL_POLICY,
    "microsoft.network/ipgroups": Label.IP_GROUP,
    "microsoft.network/bastionhosts": Label.BASTION,
    "microsoft.network/virtualnetworkgateways": Label.VNET_GATEWAY,
    "microsoft.network/localnetworkgateways": Label.LOCAL_NETWORK_GATEWAY,
    "microsoft.network/connections": Label.CONNECTION,
    "microsoft.network/expressroutecircuits": Label.EXPRESSROUTE_CIRCUIT,
    "microsoft.network/expressroutecircuits/authorizations": Label.EXPRESSROUTE_AUTHORIZATION,
    "microsoft.network/expressroutegateways": Label.EXPRESSROUTE_GATEWAY,
    "microsoft.network/virtualwans": Label.VIRTUAL_WAN,
    "microsoft.network/virtualhubs": Label.VIRTUAL_HUB,
    "microsoft.network/vpngateways": Label.VPN_GATEWAY,
    "microsoft.network/vpnsites": Label.VPN_SITE,
    "microsoft.network/privateendpoints": Label.PRIVATE_ENDPOINT,
    "microsoft.network/privatelinkservices": Label.PRIVATE_LINK_SERVICE,
    "microsoft.storage/storageaccounts": Label.PAAS_SERVICE,
    "microsoft.keyvault/vaults": Label.PAAS_SERVICE,
    "microsoft.sql/servers": Label.PAAS_SERVICE,
    "microsoft.documentdb/databaseaccounts": Label.PAAS_SERVICE,
    "microsoft.network/networkmanagers": Label.NETWORK_MANAGER,
    "microsoft.network/networkmanagerconnections": Label.NETWORK_MANAGER_CONNECTION,
    "microsoft.managedservices/registrationdefinitions": Label.REGISTRATION_DEFINITION,
    "microsoft.managedservices/registrationassignments": Label.REGISTRATION_ASSIGNMENT,
    "microsoft.management/managementgroups": Label.MANAGEMENT_GROUP,
    "microsoft.authorization/policyassignments": Label.POLICY_ASSIGNMENT,
    "microsoft.authorization/roleassignments": Label.ROLE_ASSIGNMENT,
    "microsoft.security/pricings": Label.DEFENDER_PRICING,
    "microsoft.security/securitycontacts": Label.SECURITY_CONTACT,
    "microsoft.subscription/policies": Label.SUBSCRIPTION_POLICY,
    "microsoft.management/managementgroups/settings": Label.GROUP_SETTINGS,
}


# The common node properties the stores key on (NODE_PROPS below documents them all).
PROP_ID = "id"  # the node key, see id rules
PROP_LABEL = "label"
PROP_SUBSCRIPTION = "subscriptionId"  # lower-cased GUID, or absent
PROP_TENANT = "tenantId"  # lower-cased GUID, or absent when unknown
PROP_FIRST_SEEN = "firstSeen"  # set by the stores
PROP_LAST_SEEN = "lastSeen"  # set by the stores
PROP_PRESENT = "present"  # set by the stores: false = stale


# Node properties the build writes. A property whose value is unknown is absent,
# never null. "*" lists what resource nodes share; JSON = a JSON string of the raw ARM value.
NODE_PROPS: dict[str, dict[str, str]] = {
    "*": {
        "id": "the node key: lower-cased ARM id (tenants and subscriptions: their GUID)",
        "label": "the node label (Label)",
        "name": "display name in its original casing",
        "armId": "the ARM id as Azure spelled it (placeholders: as the naming link spelled it)",
        "type": "the ARM type, lower-cased",
        "subscriptionId": "the subscription the resource lives in (lower-cased GUID)",
        "tenantId": "the tenant of that subscription, when known",
        "resourceGroup": "the resource group, as spelled in the id",
        "location": "the Azure region",
        "provisioningState": "ARM provisioningState",
        "foreign": "true when the crawl did not read it (a placeholder, or another tenant's subscription)",
        "placeholder": "true for a node created only because a link names it",
        "firstSeen": "set by the stores: first run that saw it",
        "lastSeen": "set by the stores: last run that saw it",
        "present": "set by the stores: false when stale",
    },
    Label.INTERNET: {},
    Label.TENANT: {
        "category": "tenantCategory from Tenants_List (Home, ProjectedBy, ManagedBy), absent if not listed",
        "defaultDomain": "the tenant's default domain",
    },
    Label.SUBSCRIPTION: {
        "state": "Enabled, Disabled, Warned, PastDue or Deleted",
        "crawled": "in manifest subscriptionsCrawled (read completely)",
        "listed": "in subscriptions.json (the crawler's identity can see it)",
        "inManagementGroupTree": "appears in the management-group tree",
        "managementGroupTenantId": "the tenant whose management-group tree (Entities_List) holds it",
        "parentNameChain": "Entities_List parentNameChain: names of the management groups above it, lower-cased",
        "resolution": "foreign.json status of a subscription links name (resolved, not-found, error)",
        "managedByTenants": "Lighthouse managing tenant ids from Subscriptions_List",
    },
    Label.MANAGEMENT_GROUP: {"displayName": "the management group's display name"},
    Label.VIRTUAL_NETWORK: {
        "addressPrefixes": "address space prefixes (placeholders: from the peering's remote address space)",
        "hubManaged": "true for a Virtual WAN hub's managed VNet (HV_*), named by the automatic peering",
    },
    Label.SUBNET: {"addressPrefixes": "from addressPrefix or addressPrefixes"},
    Label.NETWORK_INTERFACE: {"enableIPForwarding": "IP forwarding enabled (bool)"},
    Label.IP_CONFIGURATION: {
        "privateIPAddress": "the private IP address",
        "primary": "the NIC's primary IP configuration (bool)",
    },
    Label.VIRTUAL_MACHINE: {"vmSize": "hardwareProfile.vmSize", "osType": "Linux or Windows"},
    Label.PUBLIC_IP: {
        "sku": "Basic or Standard",
        "ipAddress": "the address, when allocated",
        "fqdn": "dnsSettings.fqdn",
        "allocationMethod": "Static or Dynamic",
        "ipVersion": "IPv4 or IPv6 (publicIPAddressVersion)",
        "hubManagedAddress": "true for a secured-hub firewall's public address (a node under the "
        "firewall: no public IP resource holds it)",
    },
    Label.NSG: {
        "securityRules": "JSON: securityRules",
        "defaultSecurityRules": "JSON: defaultSecurityRules",
    },
    Label.ASG: {},
    Label.ROUTE_TABLE: {
        "routes": "JSON: routes",
        "disableBgpRoutePropagation": "BGP route propagation disabled (bool)",
    },
    Label.LOAD_BALANCER: {
        "sku": "Basic, Standard or Gateway",
        "frontendIPConfigurations": "JSON",
        "backendAddressPools": "JSON",
        "loadBalancingRules": "JSON",
        "inboundNatRules": "JSON",
        "inboundNatPools": "JSON",
        "natPoolsNotExpanded": "how many inbound NAT pools (scale sets) exist; they get no edges",
        "unresolvedBackendAddresses": "pool IP addresses no crawled NIC holds",
    },
    Label.APPLICATION_GATEWAY: {
        "sku": "sku.name",
        "skuTier": "sku.tier (Standard_v2, WAF_v2, ...)",
        "frontendIPConfigurations": "JSON",
        "frontendPorts": "JSON",
        "httpListeners": "JSON",
        "listeners": "JSON: layer-4 (Tcp/Tls) listeners, API 2022-05-01 on",
        "wafMode": "none, detection or prevention: from its WAF policy, else the legacy configuration",
        "wafPolicyUnread": "true when its WAF policy was not crawled (wafMode then from legacy config)",
    },
    Label.WAF_POLICY: {"mode": "policySettings.mode", "state": "policySettings.state"},
    Label.FIREWALL: {
        "ipConfigurations": "JSON",
        "natRuleCollections": "JSON: classic DNAT rule collections",
        "privateIPAddress": "the firewall's private IP (first IP configuration, or hub IP)",
        "hubPublicIPAddresses": "public addresses of a secured-hub firewall",
        "skuTier": "Basic, Standard or Premium",
    },
    Label.FIREWALL_POLICY: {"ruleCollectionGroups": "JSON: the full rule collection groups"},
    Label.IP_GROUP: {"ipAddresses": "the group's addresses and prefixes"},
    Label.BASTION: {"sku": "Basic, Standard, Premium or Developer"},
    Label.VNET_GATEWAY: {
        "gatewayType": "Vpn or ExpressRoute",
        "vpnType": "RouteBased or PolicyBased",
        "sku": "gateway SKU name",
        "enableBgp": "BGP enabled (bool)",
        "activeActive": "active-active (bool)",
    },
    Label.LOCAL_NETWORK_GATEWAY: {
        "gatewayIpAddress": "the on-premises device's public IP",
        "fqdn": "the device's FQDN",
        "addressPrefixes": "on-premises prefixes",
        "bgp": "has BGP settings (bool)",
    },
    Label.CONNECTION: {
        "connectionType": "IPsec, Vnet2Vnet or ExpressRoute",
        "connectionStatus": "Connected, Connecting, NotConnected or Unknown",
    },
    Label.EXPRESSROUTE_CIRCUIT: {
        "serviceProviderName": "the connectivity provider",
        "peeringLocation": "the peering location",
        "bandwidthInMbps": "bandwidth",
        "circuitProvisioningState": "Enabled or Disabled",
        "serviceProviderProvisioningState": "NotProvisioned, Provisioning, Provisioned, Deprovisioning",
        "skuTier": "Standard, Premium or Local",
    },
    Label.EXPRESSROUTE_AUTHORIZATION: {"authorizationUseStatus": "Available or InUse"},
    Label.EXPRESSROUTE_GATEWAY: {},
    Label.VIRTUAL_WAN: {"wanType": "Basic or Standard"},
    Label.VIRTUAL_HUB: {"addressPrefix": "the hub's prefix", "sku": "Basic or Standard"},
    Label.VPN_GATEWAY: {"publicIpAddresses": "the gateway's public addresses (ipConfigurations)"},
    Label.VPN_SITE: {
        "linkIpAddresses": "public IPs of the site's links",
        "linkFqdns": "FQDNs of the site's links",
        "addressPrefixes": "the site's prefixes",
    },
    Label.PRIVATE_ENDPOINT: {},
    Label.PRIVATE_LINK_SERVICE: {
        "alias": "the service alias (alias:<...> placeholders: the alias)"
    },
    Label.PAAS_SERVICE: {
        "publicNetworkAccess": "Enabled or Disabled",
        "kind": "the resource kind (StorageV2, ...)",
    },
    Label.NETWORK_MANAGER: {
        "scopeSubscriptions": "subscription GUIDs in networkManagerScopes",
        "scopeManagementGroups": "management group ids in networkManagerScopes",
    },
    Label.NETWORK_MANAGER_CONNECTION: {
        "networkManagerId": "the network manager it connects its scope to",
        "managementGroupId": "the management group it sits on (group-scope connections)",
    },
    Label.REGISTRATION_DEFINITION: {
        "managedByTenantId": "the managing tenant",
        "managedByTenantName": "the managing tenant's name",
        "definitionName": "registrationDefinitionName",
    },
    Label.REGISTRATION_ASSIGNMENT: {"registrationDefinitionId": "the definition it assigns"},
    Label.SITE: {},
    Label.RESOURCE: {},
    Label.POLICY_ASSIGNMENT: {
        "scope": "the scope it is assigned at (lower-cased)",
        "policyDefinitionId": "the policy or initiative (policy set) definition, lower-cased",
        "enforcementMode": "Default or DoNotEnforce",
        "notScopes": "scopes excluded from it (lower-cased)",
        "displayName": "the assignment's display name",
    },
    Label.ROLE_ASSIGNMENT: {
        "scope": "the scope it is granted at (lower-cased)",
        "roleDefinitionGuid": "the role definition's GUID (the last segment of roleDefinitionId)",
        "principalId": "the principal's object id",
        "principalType": "User, Group, ServicePrincipal, ForeignGroup or Device",
    },
    Label.PRINCIPAL: {"principalType": "as the role assignment gives it"},
    Label.DEFENDER_PRICING: {
        "pricingTier": "Free or Standard",
        "subPlan": "the plan's sub-plan (P1, P2, ...)",
    },
    Label.SECURITY_CONTACT: {
        "emails": "the contact's addresses (semicolon-separated)",
        "alertNotifications": "true when alert notifications go to it (isEnabled with an Alert source, "
        "or the older alertNotifications state On)",
    },
    Label.SUBSCRIPTION_POLICY: {
        "blockSubscriptionsIntoTenant": "bool",
        "blockSubscriptionsLeavingTenant": "bool",
    },
    Label.GROUP_SETTINGS: {
        "defaultManagementGroup": "the group new subscriptions land in (its name, lower-cased)",
        "requireAuthorizationForGroupCreation": "bool",
    },
}

# Edge properties the build writes ("*": every edge). Absent when unknown, never null.
EDGE_PROPS: dict[str, dict[str, str]] = {
    "*": {
        "type": "the relationship type (Rel)",
        "subscriptionId": "scope of an edge observed from its target's side (inbound PRIVATE_LINK); "
        "otherwise an edge belongs to its source node's scope",
        "firstSeen": "set by the stores",
        "lastSeen": "set by the stores",
        "present": "set by the stores: false when stale",
    },
    Rel.CONTAINS: {},
    Rel.MANAGED_BY: {
        "via": "managedByTenants or registrationDefinition",
        "definitionId": "the registration definition (via registrationDefinition)",
    },
    Rel.PEERS_WITH: {
        "peeringId": "the peering's id",
        "peeringName": "the peering's name",
        "peeringState": "Initiated, Connected or Disconnected",
        "peeringSyncLevel": "FullyInSync, RemoteNotInSync, ...",
        "allowVirtualNetworkAccess": "bool",
        "allowForwardedTraffic": "bool",
        "allowGatewayTransit": "bool",
        "useRemoteGateways": "bool",
        "hubManaged": "true for the automatic Virtual WAN peering (RemoteVnetToHubPeering_* to HV_*)",
        "remoteAddressPrefixes": "the remote VNet's address space as the peering shows it",
    },
    Rel.IN_SUBNET: {},
    Rel.HAS_IP_CONFIG: {},
    Rel.ATTACHED_TO: {
        "frontendIPConfigId": "public IP -> load balancer or application gateway: the frontend",
        "management": "public IP -> firewall: true for the management IP configuration",
    },
    Rel.PROTECTED_BY: {},
    Rel.MEMBER_OF: {},
    Rel.ROUTES_VIA: {},
    Rel.FORWARDS_TO: {
        "kind": "rule or nat (load balancer), dnat (firewall), private-link-service (private link "
        "service -> the load balancer whose frontend it uses)",
        "ruleId": "load balancer: the rule's id",
        "protocol": "load balancer: Tcp, Udp or All",
        "frontendPortStart": "load balancer: first frontend port (0 with backendPort 0 = HA ports)",
        "frontendPortEnd": "load balancer: last frontend port",
        "backendPort": "load balancer: the backend port",
        "frontendIPConfigId": "load balancer: the rule's frontend; firewall: the internal load "
        "balancer frontend a DNAT translates to",
        "floatingIP": "load balancer: true when the rule enables floating IP",
        "order": "firewall: processing order of the DNAT rule (0 first)",
        "ruleName": "firewall: the DNAT rule's name",
        "ruleCollection": "firewall: rule collection (group/collection for policies)",
        "protocols": "firewall: protocols",
        "sourceAddresses": "firewall: source addresses",
        "sourceIpGroups": "firewall: source IP group ids",
        "destinationAddresses": "firewall: destination (public) addresses",
        "destinationPorts": "firewall: destination ports",
        "translatedAddress": "firewall: translated private address",
        "translatedFqdn": "firewall: translated FQDN (not resolved)",
        "translatedPort": "firewall: translated port",
        "policyId": "firewall: the policy that defines the rule (a base policy for inherited rules)",
        "resolved": "firewall: false when the edge loops on the firewall (target not found)",
        "unresolvedReason": "firewall: dnat-target-unresolved or dnat-fqdn-target",
    },
    Rel.USES_POLICY: {},
    Rel.INHERITS_FROM: {},
    Rel.CONNECTS_TO: {
        "end": "Connection -> X: gateway1, gateway2, local or peer",
        "connectionType": "Connection -> X: the connection's type",
        "connectionStatus": "Connection -> X: the connection's status",
        "connectionId": "hub, VPN and ExpressRoute gateway links: the child connection's id",
        "state": "hub, VPN and ExpressRoute gateway links: connection or provisioning state",
    },
    Rel.REDEEMED_BY: {"authorizationUseStatus": "Available or InUse"},
    Rel.GLOBAL_REACH: {
        "connectionId": "the circuit connection's id",
        "circuitConnectionStatus": "Connected, Connecting or Disconnected",
        "via": "connections or peeredConnections",
    },
    Rel.PART_OF: {},
    Rel.PRIVATE_LINK: {
        "direction": "outbound (seen on our endpoint) or inbound (seen on our service)",
        "status": "Approved, Pending, Rejected or Disconnected",
        "manual": "outbound: a manual (approval-requiring) connection",
        "groupIds": "the target sub-resources (blob, vault, sqlServer, ...)",
        "connectionId": "the connection's id",
    },
    Rel.SCOPES: {},
    Rel.EXPOSES: {},
    Rel.ASSIGNED_AT: {},
    Rel.GRANTS: {},
    Rel.OF: {},
}


def node_id(arm_id: str) -> str:
    """The graph id of an ARM resource: its lower-cased ARM id without a trailing slash."""
    return arm_id.strip().rstrip("/").lower()


def tenant_id(guid: str) -> str:
    return guid.strip().lower()


def subscription_id(guid: str) -> str:
    return guid.strip().lower()


def site_id(name: str) -> str:
    return SITE_PREFIX + name


PRINCIPAL_PREFIX = "principal:"


def principal_id(object_id: str) -> str:
    return PRINCIPAL_PREFIX + object_id.strip().lower()


def label_for_type(arm_type: str) -> Label:
    return TYPE_LABELS.get(arm_type.lower(), Label.RESOURCE)


def subscription_of(arm_id: str) -> str | None:
    """The lower-cased subscription GUID an ARM id lives in, or None."""
    parts = arm_id.strip("/").split("/")
    if len(parts) >= 2 and parts[0].lower() == "subscriptions":
        return parts[1].lower()
    return None


def edge_key(rel: Rel, discriminator: str = "") -> str:
    """Edge key in the MultiDiGraph and the stores: the type, plus what tells parallel edges apart."""
    return f"{rel.value}:{discriminator}" if discriminator else rel.value


# Which labels each relationship joins, (from, relationship, to): the picture in
# docs/graph-model.md is drawn from this list.
L = Label
MODEL_EDGES: tuple[tuple[Label, Rel, Label], ...] = (
    (L.TENANT, Rel.CONTAINS, L.MANAGEMENT_GROUP),
    (L.MANAGEMENT_GROUP, Rel.CONTAINS, L.MANAGEMENT_GROUP),
    (L.MANAGEMENT_GROUP, Rel.CONTAINS, L.SUBSCRIPTION),
    (L.TENANT, Rel.CONTAINS, L.SUBSCRIPTION),
    (L.SUBSCRIPTION, Rel.CONTAINS, L.VIRTUAL_NETWORK),
    (L.SUBSCRIPTION, Rel.MANAGED_BY, L.TENANT),
    (L.SUBSCRIPTION, Rel.CONTAINS, L.REGISTRATION_ASSIGNMENT),
    (L.SUBSCRIPTION, Rel.CONTAINS, L.REGISTRATION_DEFINITION),
    (L.MANAGEMENT_GROUP, Rel.CONTAINS, L.NETWORK_MANAGER_CONNECTION),
    (L.VIRTUAL_NETWORK, Rel.CONTAINS, L.SUBNET),
    (L.VIRTUAL_NETWORK, Rel.PEERS_WITH, L.VIRTUAL_NETWORK),
    (L.SUBNET, Rel.PROTECTED_BY, L.NSG),
    (L.SUBNET, Rel.ROUTES_VIA, L.ROUTE_TABLE),
    (L.NETWORK_INTERFACE, Rel.PROTECTED_BY, L.NSG),
    (L.NETWORK_INTERFACE, Rel.HAS_IP_CONFIG, L.IP_CONFIGURATION),
    (L.NETWORK_INTERFACE, Rel.ATTACHED_TO, L.VIRTUAL_MACHINE),
    (L.NETWORK_INTERFACE, Rel.ATTACHED_TO, L.PRIVATE_ENDPOINT),
    (L.IP_CONFIGURATION, Rel.IN_SUBNET, L.SUBNET),
    (L.IP_CONFIGURATION, Rel.MEMBER_OF, L.ASG),
    (L.INTERNET, Rel.EXPOSES, L.PUBLIC_IP),
    (L.PUBLIC_IP, Rel.ATTACHED_TO, L.IP_CONFIGURATION),
    (L.PUBLIC_IP, Rel.ATTACHED_TO, L.LOAD_BALANCER),
    (L.PUBLIC_IP, Rel.ATTACHED_TO, L.APPLICATION_GATEWAY),
    (L.PUBLIC_IP, Rel.ATTACHED_TO, L.FIREWALL),
    (L.PUBLIC_IP, Rel.ATTACHED_TO, L.BASTION),
    (L.PUBLIC_IP, Rel.ATTACHED_TO, L.VNET_GATEWAY),
    (L.LOAD_BALANCER, Rel.FORWARDS_TO, L.IP_CONFIGURATION),
    (L.FIREWALL, Rel.FORWARDS_TO, L.IP_CONFIGURATION),
    (L.FIREWALL, Rel.FORWARDS_TO, L.LOAD_BALANCER),
    (L.PRIVATE_LINK_SERVICE, Rel.FORWARDS_TO, L.LOAD_BALANCER),
    (L.FIREWALL, Rel.CONTAINS, L.PUBLIC_IP),
    (L.FIREWALL, Rel.USES_POLICY, L.FIREWALL_POLICY),
    (L.FIREWALL_POLICY, Rel.INHERITS_FROM, L.FIREWALL_POLICY),
    (L.APPLICATION_GATEWAY, Rel.USES_POLICY, L.WAF_POLICY),
    (L.APPLICATION_GATEWAY, Rel.IN_SUBNET, L.SUBNET),
    (L.FIREWALL, Rel.IN_SUBNET, L.SUBNET),
    (L.BASTION, Rel.IN_SUBNET, L.SUBNET),
    (L.VNET_GATEWAY, Rel.IN_SUBNET, L.SUBNET),
    (L.VNET_GATEWAY, Rel.CONNECTS_TO, L.VIRTUAL_NETWORK),
    (L.CONNECTION, Rel.CONNECTS_TO, L.VNET_GATEWAY),
    (L.CONNECTION, Rel.CONNECTS_TO, L.LOCAL_NETWORK_GATEWAY),
    (L.CONNECTION, Rel.CONNECTS_TO, L.EXPRESSROUTE_CIRCUIT),
    (L.EXPRESSROUTE_CIRCUIT, Rel.CONTAINS, L.EXPRESSROUTE_AUTHORIZATION),
    (L.EXPRESSROUTE_AUTHORIZATION, Rel.REDEEMED_BY, L.CONNECTION),
    (L.EXPRESSROUTE_CIRCUIT, Rel.GLOBAL_REACH, L.EXPRESSROUTE_CIRCUIT),
    (L.VIRTUAL_HUB, Rel.PART_OF, L.VIRTUAL_WAN),
    (L.VPN_SITE, Rel.PART_OF, L.VIRTUAL_WAN),
    (L.VPN_GATEWAY, Rel.PART_OF, L.VIRTUAL_HUB),
    (L.EXPRESSROUTE_GATEWAY, Rel.PART_OF, L.VIRTUAL_HUB),
    (L.VIRTUAL_HUB, Rel.CONNECTS_TO, L.VIRTUAL_NETWORK),
    (L.VPN_GATEWAY, Rel.CONNECTS_TO, L.VPN_SITE),
    (L.EXPRESSROUTE_GATEWAY, Rel.CONNECTS_TO, L.EXPRESSROUTE_CIRCUIT),
    (L.PRIVATE_ENDPOINT, Rel.IN_SUBNET, L.SUBNET),
    (L.PRIVATE_ENDPOINT, Rel.PRIVATE_LINK, L.PAAS_SERVICE),
    (L.PRIVATE_ENDPOINT, Rel.PRIVATE_LINK, L.PRIVATE_LINK_SERVICE),
    (L.NETWORK_MANAGER, Rel.SCOPES, L.SUBSCRIPTION),
    (L.NETWORK_MANAGER, Rel.SCOPES, L.MANAGEMENT_GROUP),
    (L.NETWORK_MANAGER_CONNECTION, Rel.CONNECTS_TO, L.NETWORK_MANAGER),
    (L.POLICY_ASSIGNMENT, Rel.ASSIGNED_AT, L.MANAGEMENT_GROUP),
    (L.POLICY_ASSIGNMENT, Rel.ASSIGNED_AT, L.SUBSCRIPTION),
    (L.ROLE_ASSIGNMENT, Rel.ASSIGNED_AT, L.MANAGEMENT_GROUP),
    (L.ROLE_ASSIGNMENT, Rel.ASSIGNED_AT, L.SUBSCRIPTION),
    (L.ROLE_ASSIGNMENT, Rel.GRANTS, L.PRINCIPAL),
    (L.DEFENDER_PRICING, Rel.OF, L.SUBSCRIPTION),
    (L.SECURITY_CONTACT, Rel.OF, L.SUBSCRIPTION),
    (L.SUBSCRIPTION_POLICY, Rel.OF, L.TENANT),
    (L.GROUP_SETTINGS, Rel.OF, L.TENANT),
)
del L
