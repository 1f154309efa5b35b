"""Small handmade snapshots for the graph tests, in the ARM shapes of
../shared/azure-api-examples (mixed-case ids and types, as Azure returns them).

`write_snapshot` writes any snapshot folder; `contoso_snapshot` writes one small
estate holding one of each network fact the build turns into edges.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HOME = "11111111-aaaa-4aaa-8aaa-000000000001"  # Contoso (home)
PARTNER = "22222222-bbbb-4bbb-8bbb-000000000002"  # Fabrikam: peering, ER, private link
MSP = "33333333-cccc-4ccc-8ccc-000000000003"  # Lighthouse via registration definition
AUDITOR = "44444444-dddd-4ddd-8ddd-000000000004"  # Lighthouse via managedByTenants

SUB_PROD = "aaaaaaaa-0000-4000-8000-000000000001"
SUB_TREE_ONLY = "aaaaaaaa-0000-4000-8000-000000000002"
SUB_PARTNER = "bbbbbbbb-0000-4000-8000-000000000001"
SUB_UNKNOWN = "cccccccc-0000-4000-8000-000000000404"
SUB_HUB_MANAGED = "dddddddd-0000-4000-8000-0000000000ff"


def rid(sub: str, rg: str, kind: str, name: str, *children: str) -> str:
    """An ARM id in Azure's mixed casing: rid(sub, 'rg', 'Microsoft.Network/virtualNetworks', 'v')."""
    path = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{kind}/{name}"
    return "/".join([path, *children]) if children else path


def write_snapshot(
    root: Path,
    *,
    resources: list[dict[str, Any]],
    tenants: list[dict[str, Any]] | None = None,
    subscriptions: list[dict[str, Any]] | None = None,
    management_groups: list[dict[str, Any]] | None = None,
    foreign: list[dict[str, Any]] | None = None,
    errors: list[dict[str, Any]] | None = None,
    manifest: dict[str, Any] | None = None,
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    subs = subscriptions or []
    doc = {
        "format": "tenantmap.snapshot/1",
        "createdAt": "2026-11-27T02:00:13Z",
        "source": {"kind": "handmade"},
        "tenantsCrawled": [
            t["tenantId"] for t in tenants or [] if t.get("tenantCategory") == "Home"
        ],
        "subscriptionsCrawled": [s["subscriptionId"] for s in subs],
        "counts": {"resources": len(resources)},
    }
    doc.update(manifest or {})
    (root / "manifest.json").write_text(json.dumps(doc))
    (root / "tenants.json").write_text(json.dumps(tenants or []))
    (root / "subscriptions.json").write_text(json.dumps(subs))
    (root / "management-groups.json").write_text(json.dumps(management_groups or []))
    if foreign is not None:
        (root / "foreign.json").write_text(json.dumps(foreign))
    if errors is not None:
        (root / "errors.json").write_text(json.dumps(errors))
    lines = sorted(resources, key=lambda r: r["id"].lower())
    (root / "resources.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    return root


def tenant(tid: str, name: str, category: str = "Home") -> dict[str, Any]:
    return {
        "id": f"/tenants/{tid}",
        "tenantId": tid,
        "tenantCategory": category,
        "displayName": name,
        "defaultDomain": f"{name.lower()}.onmicrosoft.com",
    }


def subscription(
    sid: str, name: str, tid: str, managed_by: list[str] | None = None
) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{sid}",
        "subscriptionId": sid,
        "displayName": name,
        "tenantId": tid,
        "state": "Enabled",
        "managedByTenants": [{"tenantId": t} for t in managed_by or []],
    }


def mg(name: str, tid: str, parent: str | None, display: str) -> dict[str, Any]:
    return {
        "id": f"/providers/Microsoft.Management/managementGroups/{name}",
        "type": "Microsoft.Management/managementGroups",
        "name": name,
        "properties": {
            "tenantId": tid,
            "displayName": display,
            "parent": {"id": f"/providers/Microsoft.Management/managementGroups/{parent}"}
            if parent
            else None,
        },
    }


def mg_subscription(sid: str, tid: str, parent: str, display: str) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{sid}",
        "type": "/subscriptions",
        "name": sid,
        "properties": {
            "tenantId": tid,
            "displayName": display,
            "parent": {"id": f"/providers/Microsoft.Management/managementGroups/{parent}"},
        },
    }


NET = "Microsoft.Network"
P = SUB_PROD
HUB_VNET = rid(P, "rg-net", f"{NET}/virtualNetworks", "vnet-hub")
APP_SUBNET = rid(P, "rg-net", f"{NET}/virtualNetworks", "vnet-hub", "subnets", "snet-app")
GW_SUBNET = rid(P, "rg-net", f"{NET}/virtualNetworks", "vnet-hub", "subnets", "GatewaySubnet")
FW_SUBNET = rid(P, "rg-net", f"{NET}/virtualNetworks", "vnet-hub", "subnets", "AzureFirewallSubnet")
PARTNER_VNET = rid(SUB_PARTNER, "rg-fab", f"{NET}/virtualNetworks", "vnet-fabrikam")
HV_VNET = rid(SUB_HUB_MANAGED, "RG_hub-we_0a1b", f"{NET}/virtualNetworks", "HV_hub-we_0a1b")
NSG_APP = rid(P, "rg-net", f"{NET}/networkSecurityGroups", "nsg-app")
RT_APP = rid(P, "rg-net", f"{NET}/routeTables", "rt-app")
ASG_WEB = rid(P, "rg-app", f"{NET}/applicationSecurityGroups", "asg-web")
NIC_WEB = rid(P, "rg-app", f"{NET}/networkInterfaces", "nic-web")
IPC_WEB = NIC_WEB + "/ipConfigurations/ipconfig1"
NIC_WEB2 = rid(P, "rg-app", f"{NET}/networkInterfaces", "nic-web2")
IPC_WEB2 = NIC_WEB2 + "/ipConfigurations/ipconfig1"
NIC_DB = rid(P, "rg-app", f"{NET}/networkInterfaces", "nic-db")
IPC_DB = NIC_DB + "/ipConfigurations/ipconfig1"
VM_WEB = rid(P, "rg-app", "Microsoft.Compute/virtualMachines", "vm-web")
PIP_WEB = rid(P, "rg-app", f"{NET}/publicIPAddresses", "pip-web")
PIP_LB = rid(P, "rg-app", f"{NET}/publicIPAddresses", "pip-lb")
PIP_FW = rid(P, "rg-net", f"{NET}/publicIPAddresses", "pip-fw")
LB = rid(P, "rg-app", f"{NET}/loadBalancers", "lb-web")
LB_FRONTEND = LB + "/frontendIPConfigurations/fe-public"
LB_POOL = LB + "/backendAddressPools/pool-web"
LB_IP_POOL = LB + "/backendAddressPools/pool-by-ip"
LB_RULE = LB + "/loadBalancingRules/https"
LB_NAT_RANGE = LB + "/inboundNatRules/ssh-range"
LB_NAT_SINGLE = LB + "/inboundNatRules/rdp-db"
LB_RULE_IP = LB + "/loadBalancingRules/http-by-ip"
FW = rid(P, "rg-net", f"{NET}/azureFirewalls", "fw-hub")
FW_POLICY = rid(P, "rg-net", f"{NET}/firewallPolicies", "fwp-child")
FW_BASE = rid(P, "rg-net", f"{NET}/firewallPolicies", "fwp-base")
GATEWAY = rid(P, "rg-net", f"{NET}/virtualNetworkGateways", "vng-hub")
PARTNER_GATEWAY = rid(SUB_PARTNER, "rg-fab", f"{NET}/virtualNetworkGateways", "vng-fabrikam")
LOCAL_GATEWAY = rid(P, "rg-net", f"{NET}/localNetworkGateways", "lng-paris")
CONN_S2S = rid(P, "rg-net", f"{NET}/connections", "conn-paris")
CONN_V2V = rid(P, "rg-net", f"{NET}/connections", "conn-fabrikam")
CIRCUIT = rid(P, "rg-net", f"{NET}/expressRouteCircuits", "er-main")
AUTHORIZATION = CIRCUIT + "/authorizations/auth-fabrikam"
PARTNER_ER_CONNECTION = rid(SUB_PARTNER, "rg-fab", f"{NET}/connections", "conn-er-redeemed")
PARTNER_CIRCUIT = rid(SUB_PARTNER, "rg-fab", f"{NET}/expressRouteCircuits", "er-fabrikam")
GR_CONNECTION = CIRCUIT + "/peerings/AzurePrivatePeering/connections/gr-fabrikam"
WAN = rid(P, "rg-wan", f"{NET}/virtualWans", "wan-main")
HUB = rid(P, "rg-wan", f"{NET}/virtualHubs", "hub-we")
SPOKE_VNET = rid(P, "rg-spoke", f"{NET}/virtualNetworks", "vnet-spoke")
VPN_GATEWAY = rid(P, "rg-wan", f"{NET}/vpnGateways", "vpngw-we")
VPN_SITE = rid(P, "rg-wan", f"{NET}/vpnSites", "site-lyon")
ER_GATEWAY = rid(P, "rg-wan", f"{NET}/expressRouteGateways", "ergw-we")
PE_OUT = rid(P, "rg-app", f"{NET}/privateEndpoints", "pe-fabrikam-blob")
PARTNER_STORAGE = rid(SUB_PARTNER, "rg-fab", "Microsoft.Storage/storageAccounts", "stfabrikam")
OUR_STORAGE = rid(P, "rg-app", "Microsoft.Storage/storageAccounts", "stcontoso")
PARTNER_PE = rid(SUB_PARTNER, "rg-fab", f"{NET}/privateEndpoints", "pe-into-contoso")
NETWORK_MANAGER = rid(P, "rg-net", f"{NET}/networkManagers", "avnm")
REG_DEFINITION = f"/subscriptions/{P}/providers/Microsoft.ManagedServices/registrationDefinitions/0c0c0c0c-0000-4000-8000-000000000001"
REG_ASSIGNMENT = f"/subscriptions/{P}/providers/Microsoft.ManagedServices/registrationAssignments/0d0d0d0d-0000-4000-8000-000000000001"


def _sub(ref: str) -> dict[str, str]:
    return {"id": ref}


def contoso_resources() -> list[dict[str, Any]]:
    return [
        {
            "id": HUB_VNET,
            "name": "vnet-hub",
            "type": f"{NET}/virtualNetworks",
            "location": "westeurope",
            "properties": {
                "provisioningState": "Succeeded",
                "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                "subnets": [
                    {
                        "id": APP_SUBNET,
                        "name": "snet-app",
                        "properties": {
                            "addressPrefix": "10.0.2.0/24",
                            "networkSecurityGroup": _sub(NSG_APP),
                            "routeTable": _sub(RT_APP),
                        },
                    },
                    {
                        "id": GW_SUBNET,
                        "name": "GatewaySubnet",
                        "properties": {"addressPrefix": "10.0.0.0/27"},
                    },
                    {
                        "id": FW_SUBNET,
                        "name": "AzureFirewallSubnet",
                        "properties": {"addressPrefixes": ["10.0.1.0/26"]},
                    },
                ],
                "virtualNetworkPeerings": [
                    {
                        "id": HUB_VNET + "/virtualNetworkPeerings/to-fabrikam",
                        "name": "to-fabrikam",
                        "properties": {
                            "peeringState": "Connected",
                            "peeringSyncLevel": "FullyInSync",
                            "allowVirtualNetworkAccess": True,
                            "allowForwardedTraffic": False,
                            "allowGatewayTransit": True,
                            "useRemoteGateways": False,
                            "remoteVirtualNetwork": {"id": PARTNER_VNET},
                            "remoteAddressSpace": {"addressPrefixes": ["172.16.0.0/16"]},
                        },
                    }
                ],
            },
        },
        {
            "id": SPOKE_VNET,
            "name": "vnet-spoke",
            "type": f"{NET}/virtualNetworks",
            "location": "westeurope",
            "properties": {
                "addressSpace": {"addressPrefixes": ["10.1.0.0/16"]},
                "subnets": [],
                "virtualNetworkPeerings": [
                    {
                        "id": SPOKE_VNET
                        + "/virtualNetworkPeerings/RemoteVnetToHubPeering_0a1b2c3d",
                        "name": "RemoteVnetToHubPeering_0a1b2c3d",
                        "properties": {
                            "peeringState": "Connected",
                            "allowVirtualNetworkAccess": True,
                            "useRemoteGateways": True,
                            "remoteVirtualNetwork": {"id": HV_VNET},
                        },
                    }
                ],
            },
        },
        {
            "id": NSG_APP,
            "name": "nsg-app",
            "type": f"{NET}/networkSecurityGroups",
            "location": "westeurope",
            "properties": {
                "securityRules": [
                    {
                        "name": "allow-https",
                        "properties": {
                            "priority": 100,
                            "direction": "Inbound",
                            "access": "Allow",
                            "protocol": "Tcp",
                            "sourceAddressPrefix": "Internet",
                            "sourcePortRange": "*",
                            "destinationAddressPrefix": "*",
                            "destinationPortRange": "8443",
                        },
                    }
                ],
                "defaultSecurityRules": [],
            },
        },
        {
            "id": RT_APP,
            "name": "rt-app",
            "type": f"{NET}/routeTables",
            "location": "westeurope",
            "properties": {
                "routes": [
                    {
                        "name": "default",
                        "properties": {
                            "addressPrefix": "0.0.0.0/0",
                            "nextHopType": "VirtualAppliance",
                            "nextHopIpAddress": "10.0.1.4",
                        },
                    }
                ]
            },
        },
        {
            "id": ASG_WEB,
            "name": "asg-web",
            "type": f"{NET}/applicationSecurityGroups",
            "location": "westeurope",
            "properties": {},
        },
        _nic(
            NIC_WEB,
            IPC_WEB,
            "10.0.2.4",
            vm=VM_WEB,
            pip=PIP_WEB,
            pools=[LB_POOL],
            asgs=[ASG_WEB],
            nsg=NSG_APP,
        ),
        _nic(NIC_WEB2, IPC_WEB2, "10.0.2.5", pools=[LB_POOL]),
        _nic(NIC_DB, IPC_DB, "10.0.2.6"),
        {
            "id": VM_WEB,
            "name": "vm-web",
            "type": "Microsoft.Compute/virtualMachines",
            "location": "westeurope",
            "properties": {
                "hardwareProfile": {"vmSize": "Standard_B2s"},
                "storageProfile": {"osDisk": {"osType": "Linux"}},
                "networkProfile": {"networkInterfaces": [{"id": NIC_WEB}]},
            },
        },
        _pip(PIP_WEB, "20.1.1.1", "Standard", IPC_WEB),
        _pip(PIP_LB, "20.1.1.2", "Standard", LB_FRONTEND),
        _pip(PIP_FW, "20.1.1.3", "Standard", FW + "/azureFirewallIpConfigurations/ipconfig"),
        {
            "id": LB,
            "name": "lb-web",
            "type": f"{NET}/loadBalancers",
            "location": "westeurope",
            "sku": {"name": "Standard"},
            "properties": {
                "frontendIPConfigurations": [
                    {
                        "id": LB_FRONTEND,
                        "name": "fe-public",
                        "properties": {"publicIPAddress": _sub(PIP_LB)},
                    }
                ],
                "backendAddressPools": [
                    {
                        "id": LB_POOL,
                        "name": "pool-web",
                        "properties": {"backendIPConfigurations": [_sub(IPC_WEB)]},
                    },
                    {
                        "id": LB_IP_POOL,
                        "name": "pool-by-ip",
                        "properties": {
                            "loadBalancerBackendAddresses": [
                                {
                                    "name": "db",
                                    "properties": {
                                        "ipAddress": "10.0.2.6",
                                        "virtualNetwork": _sub(HUB_VNET),
                                    },
                                },
                                {
                                    "name": "gone",
                                    "properties": {
                                        "ipAddress": "10.0.2.99",
                                        "virtualNetwork": _sub(HUB_VNET),
                                    },
                                },
                            ]
                        },
                    },
                ],
                "loadBalancingRules": [
                    {
                        "id": LB_RULE,
                        "name": "https",
                        "properties": {
                            "protocol": "Tcp",
                            "frontendPort": 443,
                            "backendPort": 8443,
                            "frontendIPConfiguration": _sub(LB_FRONTEND),
                            "backendAddressPool": _sub(LB_POOL),
                        },
                    },
                    {
                        "id": LB_RULE_IP,
                        "name": "http-by-ip",
                        "properties": {
                            "protocol": "Tcp",
                            "frontendPort": 80,
                            "backendPort": 8080,
                            "frontendIPConfiguration": _sub(LB_FRONTEND),
                            "backendAddressPool": _sub(LB_IP_POOL),
                        },
                    },
                ],
                "inboundNatRules": [
                    {
                        "id": LB_NAT_RANGE,
                        "name": "ssh-range",
                        "properties": {
                            "protocol": "Tcp",
                            "frontendPortRangeStart": 50000,
                            "frontendPortRangeEnd": 50009,
                            "backendPort": 22,
                            "frontendIPConfiguration": _sub(LB_FRONTEND),
                            "backendAddressPool": _sub(LB_POOL),
                        },
                    },
                    {
                        "id": LB_NAT_SINGLE,
                        "name": "rdp-db",
                        "properties": {
                            "protocol": "Tcp",
                            "frontendPort": 3390,
                            "backendPort": 3389,
                            "frontendIPConfiguration": _sub(LB_FRONTEND),
                            "backendIPConfiguration": _sub(IPC_DB),
                        },
                    },
                ],
                "inboundNatPools": [],
            },
        },
        {
            "id": FW,
            "name": "fw-hub",
            "type": f"{NET}/azureFirewalls",
            "location": "westeurope",
            "properties": {
                "ipConfigurations": [
                    {
                        "id": FW + "/azureFirewallIpConfigurations/ipconfig",
                        "name": "ipconfig",
                        "properties": {
                            "privateIPAddress": "10.0.1.4",
                            "subnet": _sub(FW_SUBNET),
                            "publicIPAddress": _sub(PIP_FW),
                        },
                    }
                ],
                "natRuleCollections": [],
                "firewallPolicy": _sub(FW_POLICY),
            },
        },
        {
            "id": FW_POLICY,
            "name": "fwp-child",
            "type": f"{NET}/firewallPolicies",
            "location": "westeurope",
            "properties": {"basePolicy": _sub(FW_BASE), "ruleCollectionGroups": []},
        },
        {
            "id": FW_BASE,
            "name": "fwp-base",
            "type": f"{NET}/firewallPolicies",
            "location": "westeurope",
            "properties": {
                "ruleCollectionGroups": [
                    {
                        "id": FW_BASE + "/ruleCollectionGroups/dnat",
                        "name": "dnat",
                        "properties": {
                            "priority": 100,
                            "ruleCollections": [
                                {
                                    "ruleCollectionType": "FirewallPolicyNatRuleCollection",
                                    "name": "inbound",
                                    "priority": 100,
                                    "action": {"type": "DNAT"},
                                    "rules": [
                                        {
                                            "ruleType": "NatRule",
                                            "name": "rdp-to-web",
                                            "ipProtocols": ["TCP"],
                                            "sourceAddresses": ["*"],
                                            "sourceIpGroups": [],
                                            "destinationAddresses": ["20.1.1.3"],
                                            "destinationPorts": ["3389"],
                                            "translatedAddress": "10.0.2.4",
                                            "translatedPort": "3389",
                                        }
                                    ],
                                }
                            ],
                        },
                    }
                ]
            },
        },
        {
            "id": GATEWAY,
            "name": "vng-hub",
            "type": f"{NET}/virtualNetworkGateways",
            "location": "westeurope",
            "properties": {
                "gatewayType": "Vpn",
                "vpnType": "RouteBased",
                "sku": {"name": "VpnGw1"},
                "ipConfigurations": [
                    {
                        "id": GATEWAY + "/ipConfigurations/default",
                        "properties": {"subnet": _sub(GW_SUBNET)},
                    }
                ],
            },
        },
        {
            "id": LOCAL_GATEWAY,
            "name": "lng-paris",
            "type": f"{NET}/localNetworkGateways",
            "location": "westeurope",
            "properties": {
                "gatewayIpAddress": "198.51.100.7",
                "localNetworkAddressSpace": {"addressPrefixes": ["192.168.10.0/24"]},
            },
        },
        {
            "id": CONN_S2S,
            "name": "conn-paris",
            "type": f"{NET}/connections",
            "location": "westeurope",
            "properties": {
                "connectionType": "IPsec",
                "connectionStatus": "Connected",
                "virtualNetworkGateway1": {"id": GATEWAY, "properties": {}},
                "localNetworkGateway2": {"id": LOCAL_GATEWAY, "properties": {}},
            },
        },
        {
            "id": CONN_V2V,
            "name": "conn-fabrikam",
            "type": f"{NET}/connections",
            "location": "westeurope",
            "properties": {
                "connectionType": "Vnet2Vnet",
                "connectionStatus": "Connected",
                "virtualNetworkGateway1": {"id": GATEWAY, "properties": {}},
                "virtualNetworkGateway2": {"id": PARTNER_GATEWAY, "properties": {}},
            },
        },
        {
            "id": CIRCUIT,
            "name": "er-main",
            "type": f"{NET}/expressRouteCircuits",
            "location": "westeurope",
            "sku": {"name": "Standard_MeteredData", "tier": "Standard"},
            "properties": {
                "circuitProvisioningState": "Enabled",
                "serviceProviderProvisioningState": "Provisioned",
                "serviceProviderProperties": {
                    "serviceProviderName": "Equinix",
                    "peeringLocation": "Amsterdam",
                    "bandwidthInMbps": 1000,
                },
                "authorizations": [
                    {
                        "id": AUTHORIZATION,
                        "name": "auth-fabrikam",
                        "properties": {
                            "authorizationKey": "<redacted:0123456789abcdef>",
                            "authorizationUseStatus": "InUse",
                            "connectionResourceUri": PARTNER_ER_CONNECTION,
                        },
                    }
                ],
                "peerings": [
                    {
                        "id": CIRCUIT + "/peerings/AzurePrivatePeering",
                        "name": "AzurePrivatePeering",
                        "properties": {
                            "peeringType": "AzurePrivatePeering",
                            "connections": [
                                {
                                    "id": GR_CONNECTION,
                                    "name": "gr-fabrikam",
                                    "properties": {
                                        "circuitConnectionStatus": "Connected",
                                        "expressRouteCircuitPeering": {
                                            "id": CIRCUIT + "/peerings/AzurePrivatePeering"
                                        },
                                        "peerExpressRouteCircuitPeering": {
                                            "id": PARTNER_CIRCUIT + "/peerings/AzurePrivatePeering"
                                        },
                                    },
                                }
                            ],
                            "peeredConnections": [],
                        },
                    }
                ],
            },
        },
        {
            "id": WAN,
            "name": "wan-main",
            "type": f"{NET}/virtualWans",
            "location": "westeurope",
            "properties": {"type": "Standard"},
        },
        {
            "id": HUB,
            "name": "hub-we",
            "type": f"{NET}/virtualHubs",
            "location": "westeurope",
            "properties": {
                "addressPrefix": "10.100.0.0/23",
                "virtualWan": _sub(WAN),
                "hubVirtualNetworkConnections": [
                    {
                        "id": HUB + "/hubVirtualNetworkConnections/spoke",
                        "name": "spoke",
                        "properties": {
                            "provisioningState": "Succeeded",
                            "remoteVirtualNetwork": _sub(SPOKE_VNET),
                        },
                    }
                ],
            },
        },
        {
            "id": VPN_GATEWAY,
            "name": "vpngw-we",
            "type": f"{NET}/vpnGateways",
            "location": "westeurope",
            "properties": {
                "virtualHub": _sub(HUB),
                "connections": [
                    {
                        "id": VPN_GATEWAY + "/vpnConnections/lyon",
                        "name": "lyon",
                        "properties": {
                            "connectionStatus": "Connected",
                            "remoteVpnSite": _sub(VPN_SITE),
                        },
                    }
                ],
            },
        },
        {
            "id": VPN_SITE,
            "name": "site-lyon",
            "type": f"{NET}/vpnSites",
            "location": "westeurope",
            "properties": {
                "virtualWan": _sub(WAN),
                "addressSpace": {"addressPrefixes": ["192.168.20.0/24"]},
                "vpnSiteLinks": [{"name": "l1", "properties": {"ipAddress": "203.0.113.9"}}],
            },
        },
        {
            "id": ER_GATEWAY,
            "name": "ergw-we",
            "type": f"{NET}/expressRouteGateways",
            "location": "westeurope",
            "properties": {
                "virtualHub": _sub(HUB),
                "expressRouteConnections": [
                    {
                        "id": ER_GATEWAY + "/expressRouteConnections/er-main",
                        "name": "er-main",
                        "properties": {
                            "provisioningState": "Succeeded",
                            "expressRouteCircuitPeering": _sub(
                                CIRCUIT + "/peerings/AzurePrivatePeering"
                            ),
                        },
                    }
                ],
            },
        },
        {
            "id": PE_OUT,
            "name": "pe-fabrikam-blob",
            "type": f"{NET}/privateEndpoints",
            "location": "westeurope",
            "properties": {
                "subnet": _sub(APP_SUBNET),
                "privateLinkServiceConnections": [],
                "manualPrivateLinkServiceConnections": [
                    {
                        "id": PE_OUT + "/manualPrivateLinkServiceConnections/blob",
                        "name": "blob",
                        "properties": {
                            "privateLinkServiceId": PARTNER_STORAGE,
                            "groupIds": ["blob"],
                            "privateLinkServiceConnectionState": {"status": "Approved"},
                        },
                    }
                ],
            },
        },
        {
            "id": OUR_STORAGE,
            "name": "stcontoso",
            "type": "Microsoft.Storage/storageAccounts",
            "location": "westeurope",
            "kind": "StorageV2",
            "properties": {
                "publicNetworkAccess": "Disabled",
                "privateEndpointConnections": [
                    {
                        "id": OUR_STORAGE + "/privateEndpointConnections/pe-into-contoso.1",
                        "properties": {
                            "privateEndpoint": {"id": PARTNER_PE},
                            "privateLinkServiceConnectionState": {"status": "Pending"},
                        },
                    }
                ],
            },
        },
        {
            "id": NETWORK_MANAGER,
            "name": "avnm",
            "type": f"{NET}/networkManagers",
            "location": "westeurope",
            "properties": {
                "networkManagerScopes": {
                    "subscriptions": [f"/subscriptions/{SUB_PROD}"],
                    "managementGroups": [
                        "/providers/Microsoft.Management/managementGroups/mg-prod"
                    ],
                }
            },
        },
        {
            "id": REG_DEFINITION,
            "name": "0c0c0c0c-0000-4000-8000-000000000001",
            "type": "Microsoft.ManagedServices/registrationDefinitions",
            "properties": {
                "managedByTenantId": MSP,
                "managedByTenantName": "Northwind MSP",
                "registrationDefinitionName": "ops",
            },
        },
        {
            "id": REG_ASSIGNMENT,
            "name": "0d0d0d0d-0000-4000-8000-000000000001",
            "type": "Microsoft.ManagedServices/registrationAssignments",
            "properties": {"registrationDefinitionId": REG_DEFINITION},
        },
    ]


def _nic(
    nic: str,
    ipc: str,
    ip: str,
    *,
    vm: str | None = None,
    pip: str | None = None,
    pools: list[str] | None = None,
    asgs: list[str] | None = None,
    nsg: str | None = None,
) -> dict[str, Any]:
    ipc_props: dict[str, Any] = {
        "privateIPAddress": ip,
        "primary": True,
        "subnet": _sub(APP_SUBNET),
        "loadBalancerBackendAddressPools": [_sub(p) for p in pools or []],
        "applicationSecurityGroups": [_sub(a) for a in asgs or []],
    }
    if pip:
        ipc_props["publicIPAddress"] = _sub(pip)
    props: dict[str, Any] = {
        "ipConfigurations": [{"id": ipc, "name": "ipconfig1", "properties": ipc_props}]
    }
    if vm:
        props["virtualMachine"] = _sub(vm)
    if nsg:
        props["networkSecurityGroup"] = _sub(nsg)
    return {
        "id": nic,
        "name": nic.rsplit("/", 1)[-1],
        "type": f"{NET}/networkInterfaces",
        "location": "westeurope",
        "properties": props,
    }


def _pip(pip: str, address: str, sku: str, holder: str) -> dict[str, Any]:
    return {
        "id": pip,
        "name": pip.rsplit("/", 1)[-1],
        "type": f"{NET}/publicIPAddresses",
        "location": "westeurope",
        "sku": {"name": sku},
        "properties": {
            "ipAddress": address,
            "publicIPAllocationMethod": "Static",
            "ipConfiguration": _sub(holder),
        },
    }


def contoso_snapshot(root: Path, *, resources: list[dict[str, Any]] | None = None) -> Path:
    """A small estate with one of each link the build models (see the constants above)."""
    return write_snapshot(
        root,
        resources=contoso_resources() if resources is None else resources,
        tenants=[tenant(HOME, "Contoso")],
        subscriptions=[subscription(SUB_PROD, "prod", HOME, managed_by=[AUDITOR])],
        management_groups=[
            mg(HOME, HOME, None, "Tenant Root Group"),
            mg("mg-prod", HOME, HOME, "Production"),
            mg_subscription(SUB_PROD, HOME, "mg-prod", "prod"),
            mg_subscription(SUB_TREE_ONLY, HOME, "mg-prod", "legacy"),
        ],
        foreign=[
            {
                "subscriptionId": SUB_PARTNER,
                "tenantId": PARTNER,
                "status": "resolved",
                "referencedBy": [HUB_VNET],
            },
            {
                "subscriptionId": SUB_UNKNOWN,
                "tenantId": None,
                "status": "not-found",
                "referencedBy": [],
            },
        ],
        errors=[],
    )
