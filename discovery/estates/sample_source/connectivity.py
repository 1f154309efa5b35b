"""The sample estate's contoso-connectivity subscription: the hub."""

from __future__ import annotations

from discovery.estates.arm import Json, child, etag, ref, resource, stable_guid
from discovery.estates.sample_source.builder import Estate
from discovery.estates.sample_source.ids import (
    CONNECTIVITY,
    DATA,
    ER_AMS,
    ER_AMS_PRIVATE_PEERING,
    FAB_PAYMENTS,
    HUB_VNET,
    LITWARE_SUB,
    PAYMENTS_VNET,
    WEB_VNET,
    WEU,
    N,
    net_id,
)


def add_connectivity(e: Estate) -> None:
    """The contoso-connectivity subscription: the hub."""
    s, rg = CONNECTIVITY, "rg-connectivity"
    fw = net_id(s, rg, "azureFirewalls", "azfw-hub")
    fw_policy = net_id(s, rg, "firewallPolicies", "afwp-hub")
    base_policy = net_id(s, rg, "firewallPolicies", "afwp-base")
    ip_group = net_id(s, rg, "ipGroups", "ipg-partner-offices")
    bastion = net_id(s, rg, "bastionHosts", "bas-hub")
    vpngw = net_id(s, rg, "virtualNetworkGateways", "vpngw-hub")
    ergw = net_id(s, rg, "virtualNetworkGateways", "ergw-hub")
    er_fra = net_id(s, rg, "expressRouteCircuits", "er-fra-backup")
    lng_ams = net_id(s, rg, "localNetworkGateways", "lng-amsterdam-dc")
    lng_lab = net_id(s, rg, "localNetworkGateways", "lng-contractor-lab")
    litware_gw = net_id(LITWARE_SUB, "rg-litware-net", "virtualNetworkGateways", "vgw-litware-weu")
    fab_circuit = net_id(FAB_PAYMENTS, "rg-fab-connectivity", "expressRouteCircuits", "er-fab-lon")
    cn_data_er = net_id(DATA, "rg-data-net", "connections", "cn-data-er-ams")

    e.vnet(
        s,
        rg,
        "vnet-hub-weu",
        "10.0.0.0/16",
        [
            ("AzureFirewallSubnet", "10.0.0.0/26", None, None),
            ("AzureBastionSubnet", "10.0.1.0/26", None, None),
            ("GatewaySubnet", "10.0.2.0/27", None, None),
            ("snet-shared", "10.0.3.0/24", None, None),
        ],
        peerings=[
            Estate.peering(
                "peer-hub-to-payments", PAYMENTS_VNET, ["10.1.0.0/16"], allow_gateway_transit=True
            ),
            Estate.peering(
                "peer-hub-to-web", WEB_VNET, ["10.2.0.0/16"], allow_gateway_transit=True
            ),
        ],
        tags={"role": "hub"},
    )
    pip_fw = e.public_ip(
        s, rg, "pip-azfw-hub", "20.61.10.4", attached_to=f"{fw}/ipConfigurations/ipconfig-fw"
    )
    e.add(
        resource(
            fw,
            f"{N}/azureFirewalls",
            WEU,
            {
                "applicationRuleCollections": [],
                "firewallPolicy": ref(fw_policy),
                "ipConfigurations": [
                    {
                        "name": "ipconfig-fw",
                        "id": f"{fw}/ipConfigurations/ipconfig-fw",
                        "etag": etag(f"{fw}/ipConfigurations/ipconfig-fw"),
                        "type": f"{N}/azureFirewalls/azureFirewallIpConfigurations",
                        "properties": {
                            "privateIPAddress": "10.0.0.4",
                            "provisioningState": "Succeeded",
                            "publicIPAddress": ref(pip_fw),
                            "subnet": ref(f"{HUB_VNET}/subnets/AzureFirewallSubnet"),
                        },
                    }
                ],
                "natRuleCollections": [],
                "networkRuleCollections": [],
                "sku": {"name": "AZFW_VNet", "tier": "Standard"},
                "threatIntelMode": "Alert",
            },
            zones=["1", "2", "3"],
        )
    )
    e.add(
        resource(
            ip_group,
            f"{N}/ipGroups",
            WEU,
            {
                "firewallPolicies": [ref(fw_policy)],
                "firewalls": [],
                "ipAddresses": ["198.51.100.0/24", "192.0.2.0/27"],
            },
        )
    )
    dnat_group = f"{fw_policy}/ruleCollectionGroups/DefaultDnatRuleCollectionGroup"
    net_group = f"{fw_policy}/ruleCollectionGroups/NetworkRuleCollectionGroup"
    base_group = f"{base_policy}/ruleCollectionGroups/PlatformBaseline"
    e.add(
        resource(
            fw_policy,
            f"{N}/firewallPolicies",
            WEU,
            {
                "basePolicy": ref(base_policy),
                "childPolicies": [],
                "dnsSettings": {"enableProxy": True, "servers": []},
                "firewalls": [ref(fw)],
                "ruleCollectionGroups": [
                    {
                        "name": "DefaultDnatRuleCollectionGroup",
                        "id": dnat_group,
                        "etag": etag(dnat_group),
                        "type": f"{N}/FirewallPolicies/RuleCollectionGroups",
                        "properties": {
                            "priority": 100,
                            "provisioningState": "Succeeded",
                            "ruleCollections": [
                                {
                                    "ruleCollectionType": "FirewallPolicyNatRuleCollection",
                                    "name": "dnat-inbound",
                                    "priority": 100,
                                    "action": {"type": "DNAT"},
                                    "rules": [
                                        {
                                            "ruleType": "NatRule",
                                            "name": "dnat-rdp-pay-app-01",
                                            "description": "temporary vendor access, ticket INC-2231",
                                            "ipProtocols": ["TCP"],
                                            "sourceAddresses": ["*"],
                                            "sourceIpGroups": [],
                                            "destinationAddresses": ["20.61.10.4"],
                                            "destinationPorts": ["3389"],
                                            "translatedAddress": "10.1.1.4",
                                            "translatedPort": "3389",
                                        },
                                        {
                                            "ruleType": "NatRule",
                                            "name": "dnat-ssh-jump-partners",
                                            "ipProtocols": ["TCP"],
                                            "sourceAddresses": [],
                                            "sourceIpGroups": [ip_group],
                                            "destinationAddresses": ["20.61.10.4"],
                                            "destinationPorts": ["2222"],
                                            "translatedAddress": "10.1.2.4",
                                            "translatedPort": "22",
                                        },
                                    ],
                                }
                            ],
                        },
                    },
                    {
                        "name": "NetworkRuleCollectionGroup",
                        "id": net_group,
                        "etag": etag(net_group),
                        "type": f"{N}/FirewallPolicies/RuleCollectionGroups",
                        "properties": {
                            "priority": 200,
                            "provisioningState": "Succeeded",
                            "ruleCollections": [
                                {
                                    "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                                    "name": "spoke-to-spoke",
                                    "priority": 200,
                                    "action": {"type": "Allow"},
                                    "rules": [
                                        {
                                            "ruleType": "NetworkRule",
                                            "name": "web-to-payments-api",
                                            "ipProtocols": ["TCP"],
                                            "sourceAddresses": ["10.2.0.0/16"],
                                            "sourceIpGroups": [],
                                            "destinationAddresses": ["10.1.1.0/24"],
                                            "destinationIpGroups": [],
                                            "destinationFqdns": [],
                                            "destinationPorts": ["443"],
                                        }
                                    ],
                                }
                            ],
                        },
                    },
                ],
                "sku": {"tier": "Standard"},
                "threatIntelMode": "Alert",
            },
        )
    )
    e.add(
        resource(
            base_policy,
            f"{N}/firewallPolicies",
            WEU,
            {
                "childPolicies": [ref(fw_policy)],
                "firewalls": [],
                "ruleCollectionGroups": [
                    {
                        "name": "PlatformBaseline",
                        "id": base_group,
                        "etag": etag(base_group),
                        "type": f"{N}/FirewallPolicies/RuleCollectionGroups",
                        "properties": {
                            "priority": 300,
                            "provisioningState": "Succeeded",
                            "ruleCollections": [
                                {
                                    "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                                    "name": "dns",
                                    "priority": 300,
                                    "action": {"type": "Allow"},
                                    "rules": [
                                        {
                                            "ruleType": "NetworkRule",
                                            "name": "allow-dns",
                                            "ipProtocols": ["UDP", "TCP"],
                                            "sourceAddresses": ["10.0.0.0/8"],
                                            "sourceIpGroups": [],
                                            "destinationAddresses": ["10.0.3.4"],
                                            "destinationIpGroups": [],
                                            "destinationFqdns": [],
                                            "destinationPorts": ["53"],
                                        }
                                    ],
                                }
                            ],
                        },
                    }
                ],
                "sku": {"tier": "Standard"},
                "threatIntelMode": "Alert",
            },
        )
    )
    pip_bas = e.public_ip(
        s,
        rg,
        "pip-bas-hub",
        "20.61.10.5",
        attached_to=f"{bastion}/bastionHostIpConfigurations/IpConf",
    )
    e.add(
        resource(
            bastion,
            f"{N}/bastionHosts",
            WEU,
            {
                "disableCopyPaste": False,
                "dnsName": "bst-5b7d9a3c-0000-4000-8000-00000000b001.bastion.azure.com",
                "enableIpConnect": False,
                "enableKerberos": False,
                "enableShareableLink": False,
                "enableTunneling": True,
                "ipConfigurations": [
                    {
                        "name": "IpConf",
                        "id": f"{bastion}/bastionHostIpConfigurations/IpConf",
                        "etag": etag(f"{bastion}/bastionHostIpConfigurations/IpConf"),
                        "type": f"{N}/bastionHosts/bastionHostIpConfigurations",
                        "properties": {
                            "privateIPAllocationMethod": "Dynamic",
                            "provisioningState": "Succeeded",
                            "publicIPAddress": ref(pip_bas),
                            "subnet": ref(f"{HUB_VNET}/subnets/AzureBastionSubnet"),
                        },
                    }
                ],
                "scaleUnits": 2,
            },
            sku={"name": "Standard"},
        )
    )
    pip_vpn = e.public_ip(
        s, rg, "pip-vpngw-hub", "20.61.10.6", attached_to=f"{vpngw}/ipConfigurations/default"
    )
    for gw, gtype, sku_name, pip in (
        (vpngw, "Vpn", "VpnGw2AZ", pip_vpn),
        (ergw, "ExpressRoute", "ErGw1AZ", None),
    ):
        ipc: Json = {
            "privateIPAllocationMethod": "Dynamic",
            "provisioningState": "Succeeded",
            "subnet": ref(f"{HUB_VNET}/subnets/GatewaySubnet"),
        }
        if pip:
            ipc["publicIPAddress"] = ref(pip)
        props: Json = {
            "activeActive": False,
            "allowRemoteVnetTraffic": False,
            "allowVirtualWanTraffic": False,
            "disableIPSecReplayProtection": False,
            "enableBgp": False,
            "enablePrivateIpAddress": False,
            "gatewayType": gtype,
            "ipConfigurations": [
                {
                    "name": "default",
                    "id": f"{gw}/ipConfigurations/default",
                    "etag": etag(f"{gw}/ipConfigurations/default"),
                    "properties": ipc,
                }
            ],
            "natRules": [],
            "resourceGuid": stable_guid("guid", gw),
            "sku": {"name": sku_name, "tier": sku_name, "capacity": 2},
        }
        if gtype == "Vpn":
            props["bgpSettings"] = {"asn": 65515, "bgpPeeringAddress": "10.0.2.30", "peerWeight": 0}
            props["vpnType"] = "RouteBased"
            props["vpnGatewayGeneration"] = "Generation2"
        e.add(resource(gw, f"{N}/virtualNetworkGateways", WEU, props))
    for lng, address, prefixes in (
        (lng_ams, "203.0.113.10", ["10.200.0.0/16", "10.201.0.0/16"]),
        (lng_lab, "198.51.100.77", ["192.168.50.0/24"]),
    ):
        e.add(
            resource(
                lng,
                f"{N}/localNetworkGateways",
                WEU,
                {
                    "gatewayIpAddress": address,
                    "localNetworkAddressSpace": {"addressPrefixes": prefixes},
                    "resourceGuid": stable_guid("guid", lng),
                },
            )
        )

    e.connection(
        s,
        rg,
        "cn-hub-amsterdam-dc",
        "IPsec",
        vpngw,
        localNetworkGateway2={"id": lng_ams, "properties": {}},
        sharedKey="Ams-DC!vpn#2024-Kq7rT9w",
    )
    e.connection(
        s,
        rg,
        "cn-hub-contractor-lab",
        "IPsec",
        vpngw,
        localNetworkGateway2={"id": lng_lab, "properties": {}},
        sharedKey="labtest123",
    )
    e.connection(
        s,
        rg,
        "cn-hub-litware",
        "Vnet2Vnet",
        vpngw,
        virtualNetworkGateway2={"id": litware_gw, "properties": {}},
        sharedKey="L1tw@re-Sh4red-K3y",
    )
    e.connection(s, rg, "cn-hub-er-ams", "ExpressRoute", ergw, peer=ref(ER_AMS))

    gr_id = f"{ER_AMS_PRIVATE_PEERING}/connections/gr-to-fabrikam-lon"
    e.add(
        resource(
            ER_AMS,
            f"{N}/expressRouteCircuits",
            WEU,
            {
                "allowClassicOperations": False,
                "authorizations": [
                    child(
                        ER_AMS,
                        "authorizations",
                        "auth-prod-data",
                        f"{N}/expressRouteCircuits/authorizations",
                        authorizationKey="b7e4c1d2-6f3a-4e8b-9c0d-2a1f5e6b7c8d",
                        authorizationUseStatus="InUse",
                        connectionResourceUri=cn_data_er,
                    ),
                ],
                "circuitProvisioningState": "Enabled",
                "gatewayManagerEtag": "",
                "globalReachEnabled": False,
                "peerings": [
                    {
                        "name": "AzurePrivatePeering",
                        "id": ER_AMS_PRIVATE_PEERING,
                        "etag": etag(ER_AMS_PRIVATE_PEERING),
                        "type": f"{N}/expressRouteCircuits/peerings",
                        "properties": {
                            "azureASN": 12076,
                            "connections": [
                                {
                                    "name": "gr-to-fabrikam-lon",
                                    "id": gr_id,
                                    "etag": etag(gr_id),
                                    "type": f"{N}/expressRouteCircuits/peerings/connections",
                                    "properties": {
                                        "addressPrefix": "192.168.200.0/29",
                                        "authorizationKey": "3f9a6c2e-1b4d-4e7f-8a9b-0c1d2e3f4a5b",
                                        "circuitConnectionStatus": "Connected",
                                        "expressRouteCircuitPeering": ref(ER_AMS_PRIVATE_PEERING),
                                        "peerExpressRouteCircuitPeering": ref(
                                            f"{fab_circuit}/peerings/AzurePrivatePeering"
                                        ),
                                        "provisioningState": "Succeeded",
                                    },
                                }
                            ],
                            "gatewayManagerEtag": "",
                            "lastModifiedBy": "Customer",
                            "peerASN": 65020,
                            "peeredConnections": [],
                            "peeringType": "AzurePrivatePeering",
                            "primaryAzurePort": "EquinixAMS-ER-1",
                            "primaryPeerAddressPrefix": "192.168.100.0/30",
                            "provisioningState": "Succeeded",
                            "secondaryAzurePort": "EquinixAMS-ER-2",
                            "secondaryPeerAddressPrefix": "192.168.100.4/30",
                            "state": "Enabled",
                            "vlanId": 100,
                        },
                    }
                ],
                "serviceKey": "a1410692-5d3c-4ceb-b94a-b90b94d398d1",
                "serviceProviderProperties": {
                    "bandwidthInMbps": 1000,
                    "peeringLocation": "Amsterdam",
                    "serviceProviderName": "Equinix",
                },
                "serviceProviderProvisioningState": "Provisioned",
            },
            sku={"name": "Premium_MeteredData", "tier": "Premium", "family": "MeteredData"},
        )
    )
    e.add(
        resource(
            er_fra,
            f"{N}/expressRouteCircuits",
            "germanywestcentral",
            {
                "allowClassicOperations": False,
                "authorizations": [],
                "circuitProvisioningState": "Enabled",
                "gatewayManagerEtag": "",
                "globalReachEnabled": False,
                "peerings": [],
                "serviceKey": "c9d8e7f6-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
                "serviceProviderProperties": {
                    "bandwidthInMbps": 200,
                    "peeringLocation": "Frankfurt",
                    "serviceProviderName": "Colt",
                },
                "serviceProviderProvisioningState": "Provisioned",
            },
            sku={"name": "Standard_MeteredData", "tier": "Standard", "family": "MeteredData"},
            tags={"createdBy": "network-team-poc"},
        )
    )
