"""The graph schema: every node label, relationship type and id rule.

This module and the declarations are the single source of truth. The build, both
stores, the named queries, the analyses and the reports take labels and
relationship names from here, never from string literals of their own. What each
label means, its properties and the joins its build writes are declared once per
type beside its build code (graph/resource_types.py); graph/build/registry.py
gathers them and derives the tables (ARM type -> label, property meanings, ...).

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

from graph.resource_types import ResourceType

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
    # identity and data channels (docs/spec/identity-links.md)
    MANAGED_IDENTITY = "ManagedIdentity"
    MANAGED_APPLICATION = "ManagedApplication"
    COMPUTE_GALLERY = "ComputeGallery"
    EXTERNAL_PARTY = "ExternalParty"


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
    TRUSTS = "TRUSTS"


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
    Rel.MEMBER_OF: "(IpConfiguration|PrivateEndpoint)->(ApplicationSecurityGroup)",
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
    Rel.TRUSTS: "(RoleAssignment|ManagedIdentity|ManagedApplication|PrivateLinkService|"
    "PaasService (storage, AKS, Data Explorer)|ComputeGallery)->(Tenant|Subscription|ExternalParty): an "
    "identity or data channel (identity-links.md, named by `channel`) lets the far end in or "
    "sends data to it",
}


# The common node properties the stores key on (docs/graph-model.md documents them all).
PROP_ID = "id"  # the node key, see id rules
PROP_LABEL = "label"
PROP_SUBSCRIPTION = "subscriptionId"  # lower-cased GUID, or absent
PROP_TENANT = "tenantId"  # lower-cased GUID, or absent when unknown
PROP_FIRST_SEEN = "firstSeen"  # set by the stores
PROP_LAST_SEEN = "lastSeen"  # set by the stores
PROP_PRESENT = "present"  # set by the stores: false = stale


# Node properties every resource node has. A property whose value is unknown is absent,
# never null; in a declaration's props, JSON = a JSON string of the raw ARM value.
COMMON_NODE_PROPS: dict[str, str] = {
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
    "foreign": "true when the crawl did not read it (a placeholder, or another tenant's "
    "subscription)",
    "placeholder": "true for a node created only because a link names it",
    "firstSeen": "set by the stores: first run that saw it",
    "lastSeen": "set by the stores: last run that saw it",
    "present": "set by the stores: false when stale",
}

# Edge properties every relationship has. Absent when unknown, never null.
COMMON_EDGE_PROPS: dict[str, str] = {
    "type": "the relationship type (Rel)",
    "subscriptionId": "scope of an edge observed from its target's side (inbound PRIVATE_LINK); "
    "otherwise an edge belongs to its source node's scope",
    "firstSeen": "set by the stores",
    "lastSeen": "set by the stores",
    "present": "set by the stores: false when stale",
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


def subscription_of(arm_id: str) -> str | None:
    """The lower-cased subscription GUID an ARM id lives in, or None."""
    parts = arm_id.strip("/").split("/")
    if len(parts) >= 2 and parts[0].lower() == "subscriptions":
        return parts[1].lower()
    return None


def edge_key(rel: Rel, discriminator: str = "") -> str:
    """Edge key in the MultiDiGraph and the stores: the type, plus what tells parallel edges apart."""
    return f"{rel.value}:{discriminator}" if discriminator else rel.value


# The labels no ARM type stands behind; resource types are declared beside their build
# code (graph/build/registry.py gathers them all).
INTERNET = ResourceType(
    label=Label.INTERNET,
    meaning="the one node standing for every address on the internet (id 'internet')",
    column="directory",
    joins=((Label.INTERNET, Rel.EXPOSES, Label.PUBLIC_IP),),
)

RESOURCE = ResourceType(
    label=Label.RESOURCE,
    meaning="a resource a link names whose type the build does not model",
    column="private links",
)

SITE = ResourceType(
    label=Label.SITE,
    meaning="a declared site from the inventory (id 'site:<name>'), added by the analysis",
    column="private links",
)
