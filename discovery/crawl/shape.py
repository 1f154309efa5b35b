"""Resource Graph rows to ARM shape, and child collections merged into parents."""

from __future__ import annotations

from typing import Any

from discovery.crawl.catalogue import canonical_type

# Top-level keys a GET of an ARM resource can carry; Resource Graph-only
# columns (tenantId, subscriptionId, resourceGroup, managementGroupAncestorsChain, ...)
# are not among them and are dropped.
_ARM_KEYS = (
    "id",
    "name",
    "type",
    "location",
    "kind",
    "managedBy",
    "sku",
    "plan",
    "identity",
    "zones",
    "extendedLocation",
    "etag",
    "tags",
    "properties",
)
# Resource Graph fills absent string columns with "" and absent objects with null.
_EMPTY_MEANS_ABSENT = frozenset({"kind", "managedBy", "etag"})


def row_to_arm(row: dict[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = {}
    for key in _ARM_KEYS:
        if key not in row:
            continue
        value = row[key]
        if value is None or (value == "" and key in _EMPTY_MEANS_ABSENT):
            continue
        if key == "tags" and value == {}:
            # Resource Graph says {} where a GET leaves tags out
            continue
        resource[key] = value
    if "type" in resource:
        resource["type"] = canonical_type(str(resource["type"]))
    return resource


def merge_children(parent: dict[str, Any], collection: str, items: list[dict[str, Any]]) -> None:
    """Store listed children under ``properties.<collection>``, merged by id (listed wins)."""
    properties = parent.get("properties")
    if not items and not (isinstance(properties, dict) and collection in properties):
        return  # nothing listed and nothing embedded: the parent stays as ARM gave it
    if not isinstance(properties, dict):
        properties = parent["properties"] = {}
    existing = properties.get(collection)
    merged: dict[str, dict[str, Any]] = {}
    for item in existing if isinstance(existing, list) else []:
        if isinstance(item, dict):
            merged[str(item.get("id", "")).lower()] = item
    for item in items:
        key = str(item.get("id", "")).lower()
        merged[key] = {**merged.get(key, {}), **item}
    properties[collection] = list(merged.values())
