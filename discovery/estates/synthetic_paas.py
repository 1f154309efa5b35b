"""Platform services for a synthetic estate (paas-exposure.md at scale, benchmarks/bench_paas.py).

``add_platform_services(estate, count, open_share)`` appends ``count`` platform services,
spread over the estate's subscriptions and over every type the contract names, to its
resources.jsonl. ``open_share`` of them leave their public endpoint open (public network
access Enabled and a firewall that admits the internet, with the children a crawl then
reads); the others have public network access Disabled, so a crawl reads no child for them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

Json = dict[str, Any]
RG = "rg-platform"

# (type, open properties, child key and an open child value or None)
_OPEN_ALL = {"defaultAction": "Allow", "ipRules": []}
_SERVICES: tuple[tuple[str, Json, str | None], ...] = (
    (
        "Microsoft.Storage/storageAccounts",
        {"networkAcls": _OPEN_ALL, "allowBlobPublicAccess": True},
        "containers",
    ),
    ("Microsoft.KeyVault/vaults", {"networkAcls": _OPEN_ALL}, None),
    ("Microsoft.Sql/servers", {"minimalTlsVersion": "1.2"}, "firewallRules"),
    ("Microsoft.DocumentDB/databaseAccounts", {"ipRules": []}, None),
    ("Microsoft.Web/sites", {"httpsOnly": True}, "configWeb"),
    ("Microsoft.ContainerService/managedClusters", {"apiServerAccessProfile": {}}, None),
    ("Microsoft.ContainerRegistry/registries", {"anonymousPullEnabled": False}, None),
    ("Microsoft.DBforPostgreSQL/flexibleServers", {}, "firewallRules"),
    ("Microsoft.DBforMySQL/flexibleServers", {}, "firewallRules"),
    ("Microsoft.Cache/redis", {"enableNonSslPort": False}, "firewallRules"),
    ("Microsoft.EventHub/namespaces", {}, "networkRuleSet"),
    ("Microsoft.ServiceBus/namespaces", {}, "networkRuleSet"),
    ("Microsoft.CognitiveServices/accounts", {"networkAcls": _OPEN_ALL}, None),
    ("Microsoft.ApiManagement/service", {"virtualNetworkType": "None"}, None),
    ("Microsoft.Kusto/clusters", {}, None),
)
_FLEXIBLE = ("Microsoft.DBforPostgreSQL/flexibleServers", "Microsoft.DBforMySQL/flexibleServers")


def _child(rid: str, key: str) -> Any:
    if key == "firewallRules":
        field = ("startIP", "endIP") if "/redis/" in rid else ("startIpAddress", "endIpAddress")
        return [
            {
                "id": f"{rid}/firewallRules/everyone",
                "name": "everyone",
                "properties": {field[0]: "0.0.0.0", field[1]: "255.255.255.255"},
            }
        ]
    if key == "networkRuleSet":
        return {
            "id": f"{rid}/networkRuleSets/default",
            "name": "default",
            "properties": {
                "defaultAction": "Allow",
                "publicNetworkAccess": "Enabled",
                "ipRules": [],
            },
        }
    if key == "configWeb":
        return {
            "id": f"{rid}/config/web",
            "name": "web",
            "properties": {"ipSecurityRestrictions": [], "scmIpSecurityRestrictionsUseMain": True},
        }
    return [
        {
            "id": f"{rid}/blobServices/default/containers/public",
            "name": "public",
            "properties": {"publicAccess": "Blob"},
        }
    ]


def _access(arm_type: str, value: str) -> Json:
    if arm_type in _FLEXIBLE:
        return {"network": {"publicNetworkAccess": value}}
    return {"publicNetworkAccess": value}


def platform_services(subscriptions: list[str], count: int, open_share: float) -> Iterator[Json]:
    """``count`` services; every ``round(1 / open_share)``-th one open."""
    every = max(1, round(1 / open_share)) if open_share > 0 else 0
    for index in range(count):
        arm_type, props, child = _SERVICES[index % len(_SERVICES)]
        sub = subscriptions[index % len(subscriptions)]
        name = f"p{index:06d}"
        rid = f"/subscriptions/{sub}/resourceGroups/{RG}/providers/{arm_type}/{name}"
        is_open = bool(every) and index % every == 0
        properties: Json = {**props, **_access(arm_type, "Enabled" if is_open else "Disabled")}
        if is_open and child is not None:
            properties[child] = _child(rid, child)
        yield {
            "id": rid,
            "name": name,
            "type": arm_type,
            "location": "westeurope",
            "properties": properties,
        }


def add_platform_services(estate: Path, count: int, open_share: float) -> int:
    """Append the services to ``estate``'s resources.jsonl; returns how many are open."""
    subscriptions = [
        str(s["subscriptionId"])
        for s in json.loads((estate / "subscriptions.json").read_text(encoding="utf-8"))
    ]
    opened = 0
    with (estate / "resources.jsonl").open("a", encoding="utf-8") as handle:
        for item in platform_services(subscriptions, count, open_share):
            props = item["properties"]
            opened += (props.get("network") or props).get("publicNetworkAccess") == "Enabled"
            handle.write(json.dumps(item, separators=(",", ":")) + "\n")
    return opened
