"""Platform services (paas-exposure.md): one node each, with the settings that decide the
internet exposure of its public endpoints.

The node keeps ``exposureSettings``: the service's ARM properties that the verdict
(graph/analysis/paas_exposure.py) reads, and the children the crawl read for it
(firewall rules, network rule set, ``config/web``, blob containers), as one JSON string,
reduced to what decides: rule ranges and actions, container names and access levels.
"""

from __future__ import annotations

from typing import Any

from graph.build.context import BuildContext, as_json
from graph.build.ids import props_of
from graph.build.links import inbound_private_links
from graph.resource_types import ResourceType
from graph.schema import Label

PAAS_TYPES = frozenset(
    {
        "microsoft.storage/storageaccounts",
        "microsoft.keyvault/vaults",
        "microsoft.sql/servers",
        "microsoft.sql/managedinstances",
        "microsoft.documentdb/databaseaccounts",
        "microsoft.web/sites",
        "microsoft.containerservice/managedclusters",
        "microsoft.containerregistry/registries",
        "microsoft.dbforpostgresql/flexibleservers",
        "microsoft.dbformysql/flexibleservers",
        "microsoft.cache/redis",
        "microsoft.eventhub/namespaces",
        "microsoft.servicebus/namespaces",
        "microsoft.cognitiveservices/accounts",
        "microsoft.apimanagement/service",
        "microsoft.kusto/clusters",
    }
)

# The properties the verdict reads, whatever the service (each service has a few of them).
_SETTINGS = (
    "publicNetworkAccess",
    "networkAcls",
    "networkRuleSet",
    "ipRules",
    "isVirtualNetworkFilterEnabled",
    "allowBlobPublicAccess",
    "supportsHttpsTrafficOnly",
    "minimumTlsVersion",
    "minimalTlsVersion",
    "publicDataEndpointEnabled",
    "network",
    "subnetId",
    "enableNonSslPort",
    "httpsOnly",
    "apiServerAccessProfile",
    "anonymousPullEnabled",
    "virtualNetworkType",
    "allowedIpRangeList",
    "trustedExternalTenants",
    "firewallRules",
    "configWeb",
)
# What decides a site's two endpoints in its config/web (the rest of the site
# configuration is not the exposure's business).
_WEB_KEYS = (
    "ipSecurityRestrictions",
    "ipSecurityRestrictionsDefaultAction",
    "scmIpSecurityRestrictions",
    "scmIpSecurityRestrictionsDefaultAction",
    "scmIpSecurityRestrictionsUseMain",
    "minTlsVersion",
    "scmMinTlsVersion",
)
_RULE_KEYS = ("startIpAddress", "endIpAddress", "startIP", "endIP")


def _firewall_rules(value: Any) -> Any:
    if not isinstance(value, list):
        return value  # {"unreadable": ...} stays as it is
    return [
        {
            "name": r.get("name"),
            "properties": {k: props_of(r).get(k) for k in _RULE_KEYS if k in props_of(r)},
        }
        for r in value
        if isinstance(r, dict)
    ]


def _containers(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    return [
        {"name": c.get("name"), "properties": {"publicAccess": props_of(c).get("publicAccess")}}
        for c in value
        if isinstance(c, dict)
    ]


def exposure_settings(p: dict[str, Any]) -> dict[str, Any]:
    """The deciding subset of a platform service's properties (and its read children)."""
    out = {k: p[k] for k in _SETTINGS if k in p and p[k] is not None}
    if "firewallRules" in out:
        out["firewallRules"] = _firewall_rules(out["firewallRules"])
    if isinstance(p.get("primaryEndpoints"), dict):
        out["primaryEndpoints"] = {k: True for k, v in p["primaryEndpoints"].items() if v}
    if "containers" in p:
        out["containers"] = _containers(p["containers"])
    web = out.get("configWeb")
    if isinstance(web, dict) and "unreadable" not in web:
        config = props_of(web)
        out["configWeb"] = {"properties": {k: config[k] for k in _WEB_KEYS if k in config}}
    if "networkRuleSet" in p and isinstance(p["networkRuleSet"], dict):
        out["networkRuleSet"] = p["networkRuleSet"]
    connections = p.get("privateEndpointConnections")
    if isinstance(connections, list) and connections:
        # App Service: an unset access is disabled once a private endpoint exists
        out["privateEndpointConnections"] = [
            c.get("id") for c in connections if isinstance(c, dict)
        ]
    return out


def paas_service(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    # Imported here: graph.analysis imports the reports, whose nouns come from this module's
    # declaration (graph.build.registry), so a module-level import would be circular.
    from graph.analysis.paas_exposure import CLOSED, endpoints

    p = props_of(res)
    props = ctx.base_props(res, nid, Label.PAAS_SERVICE, arm_type)
    network = p["network"] if isinstance(p.get("network"), dict) else {}
    props["publicNetworkAccess"] = p.get("publicNetworkAccess") or network.get(
        "publicNetworkAccess"
    )
    props["kind"] = res.get("kind")
    settings = exposure_settings(p)
    props["exposureSettings"] = as_json(settings)
    # What internet-paths lists (before the service firewall, as it lists public IPs before
    # NSGs): an endpoint that layer 1 and the rules do not close, and its data-plane ports.
    found = [
        e
        for e in endpoints(arm_type, settings, settings, str(res.get("kind") or ""))
        if e.result != CLOSED
    ]
    props["publicEndpoint"] = bool(found)
    if found:
        ports = sorted({port for e in found for port in e.ports})
        props["endpointPorts"] = "Tcp " + ",".join(str(port) for port in ports)
    ctx.add(nid, props)
    ctx.contain(nid)
    inbound_private_links(ctx, nid, p)


PAAS_SERVICE = ResourceType(
    label=Label.PAAS_SERVICE,
    meaning="a platform service with a public endpoint (paas-exposure.md: storage, SQL, Key "
    "Vault, App Service, AKS, ...)",
    column="private links",
    arm_types=tuple(sorted(PAAS_TYPES)),
    props={
        "publicNetworkAccess": "Enabled, Disabled or SecuredByPerimeter (absent: Enabled)",
        "kind": "the resource kind (StorageV2, functionapp, OpenAI, ...)",
        "exposureSettings": "JSON: the settings and read children that decide its exposure",
        "publicEndpoint": "true when a public endpoint is left open by public network access "
        "and its rules (internet-paths)",
        "endpointPorts": "the open endpoints' data-plane ports (Tcp 443,1433)",
    },
    nouns={
        "storageaccounts": "storage",
        "vaults": "key vault",
        "servers": "SQL server",
        "databaseaccounts": "Cosmos DB",
        "privateendpointconnections": "PE connection",
        "managedinstances": "SQL managed instance",
        "sites": "app",
        "managedclusters": "AKS cluster",
        "registries": "registry",
        "flexibleservers": "flexible server",
        "redis": "Redis cache",
        "namespaces": "namespace",
        "accounts": "AI services account",
        "service": "API Management",
        "clusters": "Data Explorer cluster",
    },
    handler=paas_service,
)

TYPES = (PAAS_SERVICE,)
