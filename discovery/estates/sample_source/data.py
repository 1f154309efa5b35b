"""The sample estate's prod-data subscription: circuit authorization redeemer, PaaS with inbound endpoints."""

from __future__ import annotations

from discovery.estates.arm import child, etag, ref, res_id, resource, stable_guid
from discovery.estates.sample_source.builder import Estate, add_private_endpoint, paas_pe_connection
from discovery.estates.sample_source.ids import (
    DATA,
    ER_AMS,
    FAB_ANALYTICS,
    HOME,
    LITWARE_SUB,
    VENDOR_ALIAS,
    WEU,
    N,
    net_id,
)


def add_data(e: Estate) -> None:
    """The prod-data subscription: circuit authorization redeemer, PaaS with inbound endpoints."""
    s, rg = DATA, "rg-data-net"
    data_vnet = net_id(s, rg, "virtualNetworks", "vnet-data")
    e.vnet(
        s,
        rg,
        "vnet-data",
        "10.5.0.0/16",
        [
            ("snet-data", "10.5.1.0/24", None, None),
            ("snet-pe", "10.5.2.0/24", None, None),
            ("GatewaySubnet", "10.5.255.0/27", None, None),
        ],
    )
    ergw_data = net_id(s, rg, "virtualNetworkGateways", "ergw-data")
    e.add(
        resource(
            ergw_data,
            f"{N}/virtualNetworkGateways",
            WEU,
            {
                "activeActive": False,
                "enableBgp": False,
                "gatewayType": "ExpressRoute",
                "ipConfigurations": [
                    {
                        "name": "default",
                        "id": f"{ergw_data}/ipConfigurations/default",
                        "etag": etag(f"{ergw_data}/ipConfigurations/default"),
                        "properties": {
                            "privateIPAllocationMethod": "Dynamic",
                            "provisioningState": "Succeeded",
                            "subnet": ref(f"{data_vnet}/subnets/GatewaySubnet"),
                        },
                    }
                ],
                "natRules": [],
                "resourceGuid": stable_guid("guid", ergw_data),
                "sku": {"name": "ErGw1AZ", "tier": "ErGw1AZ", "capacity": 2},
            },
        )
    )
    e.connection(
        s,
        rg,
        "cn-data-er-ams",
        "ExpressRoute",
        ergw_data,
        peer=ref(ER_AMS),
        authorizationKey="b7e4c1d2-6f3a-4e8b-9c0d-2a1f5e6b7c8d",
    )
    prg = "rg-data"
    kv = res_id(s, prg, "Microsoft.KeyVault/vaults", "kv-data-prod")
    sql = res_id(s, prg, "Microsoft.Sql/servers", "sql-data-prod")
    pe_sql = net_id(s, prg, "privateEndpoints", "pe-sql-data-prod")
    litware_pe = net_id(LITWARE_SUB, "rg-litware-apps", "privateEndpoints", "pe-contoso-kv")
    fab_analytics_pe = net_id(FAB_ANALYTICS, "rg-fab-bi", "privateEndpoints", "pe-contoso-sql")
    e.add(
        resource(
            kv,
            "Microsoft.KeyVault/vaults",
            WEU,
            {
                "enableRbacAuthorization": True,
                "enableSoftDelete": True,
                "networkAcls": {
                    "bypass": "AzureServices",
                    "defaultAction": "Deny",
                    "ipRules": [],
                    "virtualNetworkRules": [],
                },
                "privateEndpointConnections": [
                    paas_pe_connection(
                        kv,
                        "Microsoft.KeyVault/vaults",
                        "pe-contoso-kv.litware",
                        litware_pe,
                        "Pending",
                        "Litware integration requests secrets access",
                        with_name=False,
                    ),
                ],
                "publicNetworkAccess": "Disabled",
                "sku": {"family": "A", "name": "standard"},
                "tenantId": HOME,
                "vaultUri": "https://kv-data-prod.vault.azure.net/",
            },
            with_etag=False,
        )
    )
    e.add(
        resource(
            sql,
            "Microsoft.Sql/servers",
            WEU,
            {
                "administratorLogin": "sqladmin",
                "fullyQualifiedDomainName": "sql-data-prod.database.windows.net",
                "minimalTlsVersion": "1.2",
                "privateEndpointConnections": [
                    {
                        "id": f"{sql}/privateEndpointConnections/pe-sql-data-prod",
                        "properties": {
                            "groupIds": ["sqlServer"],
                            "privateEndpoint": ref(pe_sql),
                            "privateLinkServiceConnectionState": {
                                "actionsRequired": "None",
                                "description": "Auto-approved",
                                "status": "Approved",
                            },
                            "provisioningState": "Ready",
                        },
                    },
                    {
                        "id": f"{sql}/privateEndpointConnections/pe-contoso-sql.fab-bi",
                        "properties": {
                            "groupIds": ["sqlServer"],
                            "privateEndpoint": ref(fab_analytics_pe),
                            "privateLinkServiceConnectionState": {
                                "actionsRequired": "None",
                                "description": "approved by dba on call",
                                "status": "Approved",
                            },
                            "provisioningState": "Ready",
                        },
                    },
                ],
                "publicNetworkAccess": "Disabled",
                "state": "Ready",
                "version": "12.0",
            },
            kind="v12.0",
            with_etag=False,
        )
    )
    add_private_endpoint(
        e,
        s,
        prg,
        "pe-sql-data-prod",
        f"{data_vnet}/subnets/snet-pe",
        "10.5.2.4",
        sql,
        "sqlServer",
        manual=False,
    )
    add_private_endpoint(
        e,
        s,
        prg,
        "pe-tailspin-api",
        f"{data_vnet}/subnets/snet-pe",
        "10.5.2.5",
        VENDOR_ALIAS,
        None,
        manual=True,
        status="Approved",
        request="Tailspin market data feed",
    )

    # a private link service in front of an internal load balancer, consumed from Litware
    lb_int = net_id(s, prg, "loadBalancers", "lbi-data-api")
    lb_int_fe = f"{lb_int}/frontendIPConfigurations/fe-data-api"
    pls = net_id(s, prg, "privateLinkServices", "pls-data-api")
    litware_pls_pe = net_id(
        LITWARE_SUB, "rg-litware-apps", "privateEndpoints", "pe-contoso-data-api"
    )
    e.add(
        resource(
            lb_int,
            f"{N}/loadBalancers",
            WEU,
            {
                "backendAddressPools": [],
                "frontendIPConfigurations": [
                    child(
                        lb_int,
                        "frontendIPConfigurations",
                        "fe-data-api",
                        f"{N}/loadBalancers/frontendIPConfigurations",
                        privateIPAddress="10.5.1.10",
                        privateIPAddressVersion="IPv4",
                        privateIPAllocationMethod="Static",
                        subnet=ref(f"{data_vnet}/subnets/snet-data"),
                    ),
                ],
                "inboundNatPools": [],
                "inboundNatRules": [],
                "loadBalancingRules": [],
                "outboundRules": [],
                "probes": [],
                "resourceGuid": stable_guid("guid", lb_int),
            },
            sku={"name": "Standard", "tier": "Regional"},
        )
    )
    pls_conn = f"{pls}/privateEndpointConnections/pe-contoso-data-api.litware"
    e.add(
        resource(
            pls,
            f"{N}/privateLinkServices",
            WEU,
            {
                "alias": "pls-data-api.7d2e9f10-0000-4000-8000-0000000000a2.westeurope.azure.privatelinkservice",
                "autoApproval": {"subscriptions": []},
                "enableProxyProtocol": False,
                "fqdns": [],
                "ipConfigurations": [
                    child(
                        pls,
                        "ipConfigurations",
                        "ipconfig-nat",
                        f"{N}/privateLinkServices/ipConfigurations",
                        primary=True,
                        privateIPAddressVersion="IPv4",
                        privateIPAllocationMethod="Dynamic",
                        subnet=ref(f"{data_vnet}/subnets/snet-data"),
                    ),
                ],
                "loadBalancerFrontendIpConfigurations": [ref(lb_int_fe)],
                "networkInterfaces": [],
                "privateEndpointConnections": [
                    {
                        "name": "pe-contoso-data-api.litware",
                        "id": pls_conn,
                        "etag": etag(pls_conn),
                        "type": f"{N}/privateLinkServices/privateEndpointConnections",
                        "properties": {
                            "linkIdentifier": "536890123",
                            "privateEndpoint": ref(litware_pls_pe),
                            "privateLinkServiceConnectionState": {
                                "actionsRequired": "None",
                                "description": "Litware reporting integration",
                                "status": "Approved",
                            },
                            "provisioningState": "Succeeded",
                        },
                    }
                ],
                "visibility": {"subscriptions": [LITWARE_SUB]},
            },
        )
    )
