"""The sample estate's contoso-vwan subscription: Virtual WAN."""

from __future__ import annotations

from discovery.estates.arm import etag, ref, resource
from discovery.estates.sample_source.builder import Estate
from discovery.estates.sample_source.ids import (
    ER_AMS_PRIVATE_PEERING,
    SHOP_VNET,
    VWAN,
    WEU,
    N,
    net_id,
)


def add_vwan(e: Estate) -> None:
    """The contoso-vwan subscription: Virtual WAN."""
    s, rg = VWAN, "rg-vwan"
    wan = net_id(s, rg, "virtualWans", "vwan-contoso")
    vhub = net_id(s, rg, "virtualHubs", "vhub-weu")
    vpn_site = net_id(s, rg, "vpnSites", "vpnsite-berlin")
    vpn_gw = net_id(s, rg, "vpnGateways", "vpngw-weu")
    er_gw = net_id(s, rg, "expressRouteGateways", "ergw-weu")
    e.add(
        resource(
            wan,
            f"{N}/virtualWans",
            WEU,
            {
                "allowBranchToBranchTraffic": True,
                "disableVpnEncryption": False,
                "type": "Standard",
                "virtualHubs": [ref(vhub)],
                "vpnSites": [ref(vpn_site)],
            },
        )
    )
    hub_conn = f"{vhub}/hubVirtualNetworkConnections/hvc-online-shop"
    default_rt = f"{vhub}/hubRouteTables/defaultRouteTable"
    e.add(
        resource(
            vhub,
            f"{N}/virtualHubs",
            WEU,
            {
                "addressPrefix": "10.100.0.0/23",
                "allowBranchToBranchTraffic": False,
                "expressRouteGateway": ref(er_gw),
                "hubRoutingPreference": "ExpressRoute",
                "hubVirtualNetworkConnections": [
                    {
                        "name": "hvc-online-shop",
                        "id": hub_conn,
                        "etag": etag(hub_conn),
                        "type": f"{N}/virtualHubs/hubVirtualNetworkConnections",
                        "properties": {
                            "allowHubToRemoteVnetTransit": True,
                            "allowRemoteVnetToUseHubVnetGateways": True,
                            "enableInternetSecurity": True,
                            "provisioningState": "Succeeded",
                            "remoteVirtualNetwork": ref(SHOP_VNET),
                            "routingConfiguration": {
                                "associatedRouteTable": ref(default_rt),
                                "propagatedRouteTables": {
                                    "ids": [ref(default_rt)],
                                    "labels": ["default"],
                                },
                                "vnetRoutes": {"staticRoutes": []},
                            },
                        },
                    }
                ],
                "preferredRoutingGateway": "ExpressRoute",
                "routingState": "Provisioned",
                "sku": "Standard",
                "virtualRouterAsn": 65515,
                "virtualRouterIps": ["10.100.0.68", "10.100.0.69"],
                "virtualWan": ref(wan),
                "vpnGateway": ref(vpn_gw),
            },
        )
    )
    site_link = f"{vpn_site}/vpnSiteLinks/link-berlin-dt"
    e.add(
        resource(
            vpn_site,
            f"{N}/vpnSites",
            WEU,
            {
                "addressSpace": {"addressPrefixes": ["10.210.0.0/16"]},
                "deviceProperties": {
                    "deviceModel": "FortiGate-100F",
                    "deviceVendor": "Fortinet",
                    "linkSpeedInMbps": 500,
                },
                "isSecuritySite": False,
                "virtualWan": ref(wan),
                "vpnSiteLinks": [
                    {
                        "name": "link-berlin-dt",
                        "id": site_link,
                        "etag": etag(site_link),
                        "type": f"{N}/vpnSites/vpnSiteLinks",
                        "properties": {
                            "ipAddress": "203.0.113.20",
                            "linkProperties": {
                                "linkProviderName": "Deutsche Telekom",
                                "linkSpeedInMbps": 500,
                            },
                            "provisioningState": "Succeeded",
                            "psk": "Berlin-Office-PSK-9f3e!",
                        },
                    }
                ],
            },
            tags={"site": "berlin-office"},
        )
    )
    vpn_conn = f"{vpn_gw}/vpnConnections/cn-berlin"
    link_conn = f"{vpn_conn}/vpnLinkConnections/link-berlin-dt"
    e.add(
        resource(
            vpn_gw,
            f"{N}/vpnGateways",
            WEU,
            {
                "bgpSettings": {"asn": 65515, "bgpPeeringAddress": "10.100.0.12", "peerWeight": 0},
                "connections": [
                    {
                        "name": "cn-berlin",
                        "id": vpn_conn,
                        "etag": etag(vpn_conn),
                        "type": f"{N}/vpnGateways/vpnConnections",
                        "properties": {
                            "connectionStatus": "Connected",
                            "enableInternetSecurity": False,
                            "provisioningState": "Succeeded",
                            "remoteVpnSite": ref(vpn_site),
                            "vpnLinkConnections": [
                                {
                                    "name": "link-berlin-dt",
                                    "id": link_conn,
                                    "etag": etag(link_conn),
                                    "type": f"{N}/vpnGateways/vpnConnections/vpnLinkConnections",
                                    "properties": {
                                        "connectionBandwidth": 100,
                                        "connectionStatus": "Connected",
                                        "enableBgp": False,
                                        "ipsecPolicies": [],
                                        "provisioningState": "Succeeded",
                                        "routingWeight": 0,
                                        "sharedKey": "Berlin-Office-PSK-9f3e!",
                                        "useLocalAzureIpAddress": False,
                                        "usePolicyBasedTrafficSelectors": False,
                                        "vpnConnectionProtocolType": "IKEv2",
                                        "vpnSiteLink": ref(site_link),
                                    },
                                }
                            ],
                        },
                    }
                ],
                "enableBgpRouteTranslationForNat": False,
                "isRoutingPreferenceInternet": False,
                "natRules": [],
                "virtualHub": ref(vhub),
                "vpnGatewayScaleUnit": 1,
            },
        )
    )
    er_conn = f"{er_gw}/expressRouteConnections/cn-er-ams"
    e.add(
        resource(
            er_gw,
            f"{N}/expressRouteGateways",
            WEU,
            {
                "allowNonVirtualWanTraffic": False,
                "autoScaleConfiguration": {"bounds": {"min": 1}},
                "expressRouteConnections": [
                    {
                        "name": "cn-er-ams",
                        "id": er_conn,
                        "properties": {
                            "enableInternetSecurity": False,
                            "expressRouteCircuitPeering": ref(ER_AMS_PRIVATE_PEERING),
                            "provisioningState": "Succeeded",
                            "routingWeight": 0,
                        },
                    }
                ],
                "virtualHub": ref(vhub),
            },
        )
    )
