"""Small builders for raw ARM JSON, shared by the sample estate and the synthetic generator.

Shapes follow Microsoft's example payloads in ``../shared/azure-api-examples``
(api-version 2025/2026 network examples): camelCase, ``id``/``name``/``type``/
``etag`` on every addressable child, references as ``{"id": ...}``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Json = dict[str, Any]

_ETAG_NAMESPACE = uuid.UUID("7a4c2f1e-5b1d-4c62-9d3e-1f0a6b8c9d2e")

SNAPSHOT_FORMAT = "tenantmap.snapshot/1"


def stable_guid(*parts: str) -> str:
    """A GUID derived from the parts, so rebuilt estates are byte-identical."""
    return str(uuid.uuid5(_ETAG_NAMESPACE, "|".join(parts)))


def etag(resource_id: str) -> str:
    return f'W/"{stable_guid("etag", resource_id.lower())}"'


def ref(resource_id: str) -> Json:
    return {"id": resource_id}


def rg_id(subscription: str, resource_group: str) -> str:
    return f"/subscriptions/{subscription}/resourceGroups/{resource_group}"


def res_id(subscription: str, resource_group: str, rtype: str, name: str) -> str:
    """``rtype`` like ``Microsoft.Network/virtualNetworks``."""
    return f"{rg_id(subscription, resource_group)}/providers/{rtype}/{name}"


def child(
    parent_id: str, collection: str, name: str, ctype: str | None = None, **props: Any
) -> Json:
    """An embedded child item (subnet, ipConfiguration, rule, ...) with its own id and etag."""
    cid = f"{parent_id}/{collection}/{name}"
    item: Json = {"name": name, "id": cid, "etag": etag(cid)}
    if ctype:
        item["type"] = ctype
    item["properties"] = {**props, "provisioningState": props.get("provisioningState", "Succeeded")}
    return item


def resource(
    rid: str,
    rtype: str,
    location: str | None,
    properties: Json,
    *,
    sku: Json | None = None,
    tags: dict[str, str] | None = None,
    kind: str | None = None,
    zones: list[str] | None = None,
    with_etag: bool = True,
) -> Json:
    name = rid.rstrip("/").split("/")[-1]
    out: Json = {"name": name, "id": rid, "type": rtype}
    if with_etag:
        out["etag"] = etag(rid)
    if location is not None:
        out["location"] = location
    if kind is not None:
        out["kind"] = kind
    if tags:
        out["tags"] = tags
    if zones is not None:
        out["zones"] = zones
    if sku is not None:
        out["sku"] = sku
    if "provisioningState" not in properties:
        properties = {"provisioningState": "Succeeded", **properties}
    out["properties"] = properties
    return out


DEFAULT_RULES: list[tuple[str, str, str, int, str, str, str]] = [
    # name, description, access, priority, direction, source, destination
    (
        "AllowVnetInBound",
        "Allow inbound traffic from all VMs in VNET",
        "Allow",
        65000,
        "Inbound",
        "VirtualNetwork",
        "VirtualNetwork",
    ),
    (
        "AllowAzureLoadBalancerInBound",
        "Allow inbound traffic from azure load balancer",
        "Allow",
        65001,
        "Inbound",
        "AzureLoadBalancer",
        "*",
    ),
    ("DenyAllInBound", "Deny all inbound traffic", "Deny", 65500, "Inbound", "*", "*"),
    (
        "AllowVnetOutBound",
        "Allow outbound traffic from all VMs to all VMs in VNET",
        "Allow",
        65000,
        "Outbound",
        "VirtualNetwork",
        "VirtualNetwork",
    ),
    (
        "AllowInternetOutBound",
        "Allow outbound traffic from all VMs to Internet",
        "Allow",
        65001,
        "Outbound",
        "*",
        "Internet",
    ),
    ("DenyAllOutBound", "Deny all outbound traffic", "Deny", 65500, "Outbound", "*", "*"),
]


def default_security_rules(nsg_id: str) -> list[Json]:
    rules = []
    for name, description, access, priority, direction, source, destination in DEFAULT_RULES:
        rid = f"{nsg_id}/defaultSecurityRules/{name}"
        rules.append(
            {
                "name": name,
                "id": rid,
                "etag": etag(rid),
                "type": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
                "properties": {
                    "description": description,
                    "access": access,
                    "destinationAddressPrefix": destination,
                    "destinationAddressPrefixes": [],
                    "destinationPortRange": "*",
                    "destinationPortRanges": [],
                    "direction": direction,
                    "priority": priority,
                    "protocol": "*",
                    "provisioningState": "Succeeded",
                    "sourceAddressPrefix": source,
                    "sourceAddressPrefixes": [],
                    "sourcePortRange": "*",
                    "sourcePortRanges": [],
                },
            }
        )
    return rules


def security_rule(
    nsg_id: str,
    name: str,
    *,
    priority: int,
    access: str = "Allow",
    direction: str = "Inbound",
    protocol: str = "Tcp",
    source: str | list[str] = "*",
    destination: str | list[str] = "*",
    ports: str | list[str] = "*",
    source_ports: str | list[str] = "*",
    destination_asgs: list[str] | None = None,
    description: str | None = None,
) -> Json:
    """A custom rule; a list value uses the plural field (as ARM returns it), a string the singular."""
    props: Json = {}
    if description:
        props["description"] = description
    props["access"] = access
    props["direction"] = direction
    props["priority"] = priority
    props["protocol"] = protocol
    for singular, plural, value in (
        ("sourceAddressPrefix", "sourceAddressPrefixes", source),
        ("sourcePortRange", "sourcePortRanges", source_ports),
        ("destinationPortRange", "destinationPortRanges", ports),
    ):
        if isinstance(value, list):
            props[plural] = value
        else:
            props[singular] = value
            props[plural] = []
    if destination_asgs:
        props["destinationApplicationSecurityGroups"] = [ref(a) for a in destination_asgs]
        props["destinationAddressPrefixes"] = []
    elif isinstance(destination, list):
        props["destinationAddressPrefixes"] = destination
    else:
        props["destinationAddressPrefix"] = destination
        props["destinationAddressPrefixes"] = []
    props["provisioningState"] = "Succeeded"
    rid = f"{nsg_id}/securityRules/{name}"
    return {
        "name": name,
        "id": rid,
        "etag": etag(rid),
        "type": "Microsoft.Network/networkSecurityGroups/securityRules",
        "properties": props,
    }


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def resource_line(resource_json: Json) -> str:
    return json.dumps(resource_json, separators=(",", ":"), ensure_ascii=False)


def write_resources(path: Path, resources: Iterable[Json]) -> dict[str, int]:
    """Write resources.jsonl sorted by lower-cased id; return counts by lower-cased type."""
    ordered = sorted(resources, key=lambda r: str(r["id"]).lower())
    by_type: dict[str, int] = {}
    with path.open("w", encoding="utf-8") as out:
        for item in ordered:
            out.write(resource_line(item) + "\n")
            key = str(item["type"]).lower()
            by_type[key] = by_type.get(key, 0) + 1
    return dict(sorted(by_type.items()))
