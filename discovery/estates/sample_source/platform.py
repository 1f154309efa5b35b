"""The sample estate's platform services (paas-exposure.md): one resource group ``rg-platform``
per subscription that has them, every service named by the contract, and one case per layer.

Each service's children (firewall rules, the namespace's network rule set, App Service
``config/web``, blob containers) sit under ``properties.<key>`` as the snapshot keeps
them; the emulator serves them at their own paths (discovery/emulator/paas.py).
"""

from __future__ import annotations

from typing import Any

from discovery.estates.arm import Json, res_id, resource
from discovery.estates.sample_source.builder import Estate, add_private_endpoint, paas_pe_connection
from discovery.estates.sample_source.ids import (
    DATA,
    DEV,
    PAYMENTS,
    SHADOW,
    SHOP,
    WEB,
    WEU,
    net_id,
)

RG = "rg-platform"


def _id(sub: str, provider_type: str, name: str) -> str:
    return res_id(sub, RG, provider_type, name)


def _rule(parent: str, name: str, start: str, end: str, *, redis: bool = False) -> Json:
    keys = ("startIP", "endIP") if redis else ("startIpAddress", "endIpAddress")
    return {
        "id": f"{parent}/firewallRules/{name}",
        "name": name,
        "type": f"{parent.split('/providers/')[1].rsplit('/', 1)[0]}/firewallRules",
        "properties": {keys[0]: start, keys[1]: end},
    }


def _container(account: str, name: str, access: str) -> Json:
    return {
        "id": f"{account}/blobServices/default/containers/{name}",
        "name": name,
        "type": "Microsoft.Storage/storageAccounts/blobServices/containers",
        "properties": {
            "publicAccess": access,
            "hasImmutabilityPolicy": False,
            "hasLegalHold": False,
        },
    }


def _endpoints(name: str) -> Json:
    return {k: f"https://{name}.{k}.core.windows.net/" for k in ("blob", "queue", "table", "file")}


def _storage(sub: str, name: str, props: Json) -> Json:
    rid = _id(sub, "Microsoft.Storage/storageAccounts", name)
    base: Json = {
        "accessTier": "Hot",
        "allowBlobPublicAccess": False,
        "minimumTlsVersion": "TLS1_2",
        "primaryEndpoints": _endpoints(name),
        "supportsHttpsTrafficOnly": True,
    }
    return resource(
        rid,
        "Microsoft.Storage/storageAccounts",
        WEU,
        {**base, **props},
        sku={"name": "Standard_LRS", "tier": "Standard"},
        kind="StorageV2",
    )


def _restriction(ip: str, action: str, priority: int, name: str, **extra: Any) -> Json:
    return {"ipAddress": ip, "action": action, "priority": priority, "name": name, **extra}


def add_platform(e: Estate) -> None:
    """Every platform service the contract names, spread over the subscriptions."""
    _payments(e)
    _web(e)
    _dev(e)
    _shop(e)
    _data(e)
    _shadow(e)


def _payments(e: Estate) -> None:
    s = PAYMENTS
    # Public network access disabled, though a rule admits everything: closed.
    sql = _id(s, "Microsoft.Sql/servers", "sql-ledger-prod")
    e.add(
        resource(
            sql,
            "Microsoft.Sql/servers",
            WEU,
            {
                "administratorLogin": "ledgeradmin",
                "fullyQualifiedDomainName": "sql-ledger-prod.database.windows.net",
                "minimalTlsVersion": "1.2",
                "publicNetworkAccess": "Disabled",
                "state": "Ready",
                "version": "12.0",
                "firewallRules": [_rule(sql, "AllowAll", "0.0.0.0", "255.255.255.255")],
            },
            kind="v12.0",
        )
    )
    # VNet-integrated PostgreSQL: no public endpoint.
    e.add(
        resource(
            _id(s, "Microsoft.DBforPostgreSQL/flexibleServers", "psql-orders-prod"),
            "Microsoft.DBforPostgreSQL/flexibleServers",
            WEU,
            {
                "version": "16",
                "state": "Ready",
                "fullyQualifiedDomainName": "psql-orders-prod.postgres.database.azure.com",
                "network": {
                    "publicNetworkAccess": "Disabled",
                    "delegatedSubnetResourceId": net_id(
                        s, "rg-network", "virtualNetworks", "vnet-payments"
                    )
                    + "/subnets/snet-mgmt",
                },
            },
            sku={"name": "Standard_D2ds_v5", "tier": "GeneralPurpose"},
        )
    )
    e.add(
        resource(
            _id(s, "Microsoft.ServiceBus/namespaces", "sb-payments-prod"),
            "Microsoft.ServiceBus/namespaces",
            WEU,
            {
                "publicNetworkAccess": "Disabled",
                "minimumTlsVersion": "1.2",
                "disableLocalAuth": True,
            },
            sku={"name": "Premium", "tier": "Premium", "capacity": 1},
        )
    )


def _web(e: Estate) -> None:
    s = WEB
    # Deny, but the two halves of the IPv4 space together admit everyone: internet.
    kv = _id(s, "Microsoft.KeyVault/vaults", "kv-web-prod")
    e.add(
        resource(
            kv,
            "Microsoft.KeyVault/vaults",
            WEU,
            {
                "tenantId": "72f988bf-0000-4000-8000-000000000001",
                "sku": {"family": "A", "name": "standard"},
                "vaultUri": "https://kv-web-prod.vault.azure.net/",
                "publicNetworkAccess": "Enabled",
                "networkAcls": {
                    "bypass": "AzureServices",
                    "defaultAction": "Deny",
                    "ipRules": [{"value": "0.0.0.0/1"}, {"value": "128.0.0.0/1"}],
                    "virtualNetworkRules": [],
                },
            },
        )
    )
    # AKS with narrow authorized ranges: restricted.
    e.add(
        resource(
            _id(s, "Microsoft.ContainerService/managedClusters", "aks-web-prod"),
            "Microsoft.ContainerService/managedClusters",
            WEU,
            {
                "kubernetesVersion": "1.30.5",
                "fqdn": "aks-web-prod-dns.hcp.westeurope.azmk8s.io",
                "apiServerAccessProfile": {
                    "enablePrivateCluster": False,
                    "authorizedIPRanges": ["203.0.113.0/28", "198.51.100.10/32"],
                },
                "publicNetworkAccess": "Enabled",
            },
            sku={"name": "Base", "tier": "Standard"},
        )
    )
    # Redis with narrow firewall rules: restricted.
    redis = _id(s, "Microsoft.Cache/redis", "redis-web-prod")
    e.add(
        resource(
            redis,
            "Microsoft.Cache/redis",
            WEU,
            {
                "hostName": "redis-web-prod.redis.cache.windows.net",
                "enableNonSslPort": False,
                "minimumTlsVersion": "1.2",
                "publicNetworkAccess": "Enabled",
                "sku": {"name": "Standard", "family": "C", "capacity": 1},
                "firewallRules": [
                    _rule(redis, "office", "203.0.113.1", "203.0.113.14", redis=True)
                ],
            },
        )
    )
    # API Management inside a VNet in Internal mode: no public gateway.
    e.add(
        resource(
            _id(s, "Microsoft.ApiManagement/service", "apim-web-prod"),
            "Microsoft.ApiManagement/service",
            WEU,
            {
                "publisherEmail": "api@contoso.example",
                "publisherName": "Contoso",
                "gatewayUrl": "https://apim-web-prod.azure-api.net",
                "virtualNetworkType": "Internal",
                "publicNetworkAccess": "Enabled",
            },
            sku={"name": "Developer", "capacity": 1},
        )
    )


def _dev(e: Estate) -> None:
    s = DEV
    # AKS without authorized ranges: the API server is open to the internet.
    e.add(
        resource(
            _id(s, "Microsoft.ContainerService/managedClusters", "aks-dev"),
            "Microsoft.ContainerService/managedClusters",
            WEU,
            {
                "kubernetesVersion": "1.30.5",
                "fqdn": "aks-dev-dns.hcp.westeurope.azmk8s.io",
                "apiServerAccessProfile": {"enablePrivateCluster": False},
                "publicNetworkAccess": "Enabled",
            },
            sku={"name": "Base", "tier": "Free"},
        )
    )
    # "Allow Azure services" only: every Azure customer, not the internet.
    mysql = _id(s, "Microsoft.DBforMySQL/flexibleServers", "mysql-dev")
    e.add(
        resource(
            mysql,
            "Microsoft.DBforMySQL/flexibleServers",
            WEU,
            {
                "version": "8.0.21",
                "state": "Ready",
                "fullyQualifiedDomainName": "mysql-dev.mysql.database.azure.com",
                "network": {"publicNetworkAccess": "Enabled"},
                "firewallRules": [
                    _rule(
                        mysql,
                        "AllowAllAzureServicesAndResourcesWithinAzureIps",
                        "0.0.0.0",
                        "0.0.0.0",
                    )
                ],
            },
            sku={"name": "Standard_B1ms", "tier": "Burstable"},
        )
    )
    # The account forbids anonymous access, so its public container stays private.
    account = _id(s, "Microsoft.Storage/storageAccounts", "stdevbuildlogs")
    e.add(
        _storage(
            s,
            "stdevbuildlogs",
            {
                "allowBlobPublicAccess": False,
                "publicNetworkAccess": "Enabled",
                "networkAcls": {
                    "bypass": "AzureServices",
                    "defaultAction": "Allow",
                    "ipRules": [],
                    "virtualNetworkRules": [],
                },
                "containers": [_container(account, "logs", "Container")],
            },
        )
    )


def _shop(e: Estate) -> None:
    s = SHOP
    # Main site behind Front Door only, the SCM (Kudu) site open to everyone.
    site = _id(s, "Microsoft.Web/sites", "app-shop")
    e.add(
        resource(
            site,
            "Microsoft.Web/sites",
            WEU,
            {
                "defaultHostName": "app-shop.azurewebsites.net",
                "httpsOnly": True,
                "state": "Running",
                "siteConfig": None,
                "configWeb": {
                    "id": f"{site}/config/web",
                    "name": "web",
                    "type": "Microsoft.Web/sites/config",
                    "properties": {
                        "ipSecurityRestrictions": [
                            _restriction(
                                "AzureFrontDoor.Backend",
                                "Allow",
                                100,
                                "front-door",
                                tag="ServiceTag",
                                headers={"x-azure-fdid": ["0b8d1f1e-0000-4000-8000-00000000fd01"]},
                            ),
                            _restriction("Any", "Deny", 2147483647, "Deny all"),
                        ],
                        "ipSecurityRestrictionsDefaultAction": "Deny",
                        "scmIpSecurityRestrictions": [
                            _restriction("Any", "Allow", 2147483647, "Allow all")
                        ],
                        "scmIpSecurityRestrictionsDefaultAction": "Allow",
                        "scmIpSecurityRestrictionsUseMain": False,
                        "minTlsVersion": "1.2",
                        "scmMinTlsVersion": "1.2",
                        "ftpsState": "Disabled",
                    },
                },
            },
            kind="app,linux",
        )
    )
    # A function app with a private endpoint and access left unset: closed (App Service's rule).
    func = _id(s, "Microsoft.Web/sites", "func-shop-orders")
    pe = add_private_endpoint(
        e,
        s,
        RG,
        "pe-func-shop-orders",
        net_id(s, "rg-shop", "virtualNetworks", "vnet-shop") + "/subnets/snet-shop",
        "10.4.1.20",
        func,
        "sites",
        manual=False,
    )
    e.add(
        resource(
            func,
            "Microsoft.Web/sites",
            WEU,
            {
                "defaultHostName": "func-shop-orders.azurewebsites.net",
                "httpsOnly": True,
                "state": "Running",
                "siteConfig": None,
                "privateEndpointConnections": [
                    paas_pe_connection(
                        func,
                        "Microsoft.Web/sites",
                        "pe-func-shop-orders",
                        pe,
                        "Approved",
                        "Auto-approved",
                    )
                ],
            },
            kind="functionapp,linux",
        )
    )
    # Anonymous pull: anyone may pull the images.
    e.add(
        resource(
            _id(s, "Microsoft.ContainerRegistry/registries", "acrshop"),
            "Microsoft.ContainerRegistry/registries",
            WEU,
            {
                "loginServer": "acrshop.azurecr.io",
                "adminUserEnabled": False,
                "anonymousPullEnabled": True,
                "publicNetworkAccess": "Enabled",
                "networkRuleBypassOptions": "AzureServices",
            },
            sku={"name": "Standard", "tier": "Standard"},
        )
    )


def _data(e: Estate) -> None:
    s = DATA
    # A private endpoint does not close the public endpoint: no IP rules, all networks.
    cosmos = _id(s, "Microsoft.DocumentDB/databaseAccounts", "cosmos-data-prod")
    pe = add_private_endpoint(
        e,
        s,
        RG,
        "pe-cosmos-data-prod",
        net_id(s, "rg-data-net", "virtualNetworks", "vnet-data") + "/subnets/snet-pe",
        "10.5.2.6",
        cosmos,
        "Sql",
        manual=False,
    )
    e.add(
        resource(
            cosmos,
            "Microsoft.DocumentDB/databaseAccounts",
            WEU,
            {
                "databaseAccountOfferType": "Standard",
                "documentEndpoint": "https://cosmos-data-prod.documents.azure.com:443/",
                "publicNetworkAccess": "Enabled",
                "ipRules": [],
                "isVirtualNetworkFilterEnabled": False,
                "virtualNetworkRules": [],
                "minimalTlsVersion": "Tls12",
                "privateEndpointConnections": [
                    paas_pe_connection(
                        cosmos,
                        "Microsoft.DocumentDB/databaseAccounts",
                        "pe-cosmos-data-prod",
                        pe,
                        "Approved",
                        "Auto-approved",
                    )
                ],
            },
            kind="GlobalDocumentDB",
        )
    )
    # "Allow Azure services" (0.0.0.0 - 0.0.0.0) under its current name: azure-wide.
    sql = _id(s, "Microsoft.Sql/servers", "sql-reporting-prod")
    e.add(
        resource(
            sql,
            "Microsoft.Sql/servers",
            WEU,
            {
                "administratorLogin": "reportadmin",
                "fullyQualifiedDomainName": "sql-reporting-prod.database.windows.net",
                "minimalTlsVersion": "1.2",
                "publicNetworkAccess": "Enabled",
                "state": "Ready",
                "version": "12.0",
                "firewallRules": [_rule(sql, "Azure_service_allow_all", "0.0.0.0", "0.0.0.0")],
            },
            kind="v12.0",
        )
    )
    # Event Hubs with a Deny rule set and one office range: restricted.
    ns = _id(s, "Microsoft.EventHub/namespaces", "evh-data-prod")
    e.add(
        resource(
            ns,
            "Microsoft.EventHub/namespaces",
            WEU,
            {
                "publicNetworkAccess": "Enabled",
                "minimumTlsVersion": "1.2",
                "serviceBusEndpoint": "https://evh-data-prod.servicebus.windows.net:443/",
                "networkRuleSet": {
                    "id": f"{ns}/networkRuleSets/default",
                    "name": "default",
                    "type": "Microsoft.EventHub/Namespaces/NetworkRuleSets",
                    "properties": {
                        "defaultAction": "Deny",
                        "publicNetworkAccess": "Enabled",
                        "trustedServiceAccessEnabled": True,
                        "ipRules": [{"ipMask": "203.0.113.0/24", "action": "Allow"}],
                        "virtualNetworkRules": [],
                    },
                },
            },
            sku={"name": "Standard", "tier": "Standard", "capacity": 1},
        )
    )
    for provider_type, name, props, kind in (
        (
            "Microsoft.CognitiveServices/accounts",
            "oai-data-prod",
            {"publicNetworkAccess": "Disabled", "customSubDomainName": "oai-data-prod"},
            "OpenAI",
        ),
        (
            "Microsoft.Kusto/clusters",
            "adxdataprod",
            {"publicNetworkAccess": "Disabled", "trustedExternalTenants": [{"value": "*"}]},
            None,
        ),
        (
            "Microsoft.Sql/managedInstances",
            "sqlmi-data-prod",
            {
                "publicDataEndpointEnabled": False,
                "subnetId": net_id(s, "rg-data-net", "virtualNetworks", "vnet-data")
                + "/subnets/snet-data",
            },
            None,
        ),
    ):
        e.add(resource(_id(s, provider_type, name), provider_type, WEU, props, kind=kind))


def _shadow(e: Estate) -> None:
    s = SHADOW
    # Allow plus IP rules (ignored), and a container anyone may read: internet, anonymous.
    account = _id(s, "Microsoft.Storage/storageAccounts", "stmarketingassets")
    e.add(
        _storage(
            s,
            "stmarketingassets",
            {
                "allowBlobPublicAccess": True,
                "publicNetworkAccess": "Enabled",
                "networkAcls": {
                    "bypass": "AzureServices",
                    "defaultAction": "Allow",
                    "ipRules": [
                        {"value": "203.0.113.7", "action": "Allow"},
                        {"value": "198.51.100.0/24", "action": "Allow"},
                        {"value": "192.0.2.10", "action": "Allow"},
                    ],
                    "virtualNetworkRules": [],
                },
                "containers": [
                    _container(account, "campaign-assets", "Blob"),
                    _container(account, "drafts", "None"),
                ],
            },
        )
    )
