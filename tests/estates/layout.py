"""Reading an estate folder the way snapshot.md describes it, for the estate tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

LAYOUT_FILES = (
    "manifest.json",
    "tenants.json",
    "subscriptions.json",
    "management-groups.json",
    "resources.jsonl",
    "foreign.json",
    "errors.json",
)

# ARM types that have no location (proxy resources); everything else must carry one.
LOCATIONLESS_TYPES = {
    "microsoft.managedservices/registrationdefinitions",
    "microsoft.managedservices/registrationassignments",
    "microsoft.network/networkmanagerconnections",
    # governance documents (governance.md) are proxy resources too
    "microsoft.authorization/policyassignments",
    "microsoft.authorization/roleassignments",
    "microsoft.security/pricings",
    "microsoft.security/securitycontacts",
    "microsoft.subscription/policies",
    "microsoft.management/managementgroups/settings",
}


def load(estate: Path, name: str) -> Any:
    return json.loads((estate / name).read_text(encoding="utf-8"))


def resources(estate: Path) -> Iterator[dict[str, Any]]:
    with (estate / "resources.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def is_reference(node: dict[str, Any]) -> bool:
    """A pointer to something else ({"id"}, or {"id", "properties": {}} as connections and VMs write it)."""
    if "id" not in node or not isinstance(node["id"], str):
        return False
    extra = set(node) - {"id", "properties"}
    if extra:
        return False
    props = node.get("properties")
    return props is None or not props or set(props) <= {"primary"}


def walk_dicts(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk_dicts(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk_dicts(value)


def subscription_of(arm_id: str) -> str | None:
    parts = arm_id.strip("/").split("/")
    if len(parts) >= 2 and parts[0].lower() == "subscriptions":
        return parts[1].lower()
    return None


def is_virtual_hub_vnet(arm_id: str) -> bool:
    """The managed VNet of a Virtual WAN hub (snapshot.md: never a foreign subscription)."""
    lowered = arm_id.lower()
    return "/resourcegroups/rg_" in lowered and "/virtualnetworks/hv_" in lowered


def unresolved_references(estate: Path) -> list[tuple[str, str]]:
    """(reference, resource that holds it) for every reference that points nowhere known.

    A reference resolves to: a resource or an embedded child with that id, a child path
    of a resource in the estate (hub route tables and the like), a subscription of
    another tenant that emulator.json knows or foreign.json lists, or a virtual hub's
    managed VNet.
    """
    defined: set[str] = set()
    top: set[str] = set()
    refs: list[tuple[str, str]] = []
    for item in resources(estate):
        top.add(item["id"].lower())
        for node in walk_dicts(item):
            if is_reference(node):
                refs.append((node["id"], item["id"]))
            elif isinstance(node.get("id"), str):
                defined.add(node["id"].lower())
    emulator = load(estate, "emulator.json") if (estate / "emulator.json").exists() else {}
    known_foreign = {s.lower() for s in emulator.get("foreignSubscriptions", {})}
    known_foreign |= {f["subscriptionId"].lower() for f in load(estate, "foreign.json")}
    ours = {s["subscriptionId"].lower() for s in load(estate, "subscriptions.json")}
    bad = []
    for target, holder in refs:
        lowered = target.lower().rstrip("/")
        if lowered in defined or lowered in top:
            continue
        sub = subscription_of(lowered)
        if sub in known_foreign and sub not in ours:
            continue
        if is_virtual_hub_vnet(lowered):
            continue
        parent = lowered
        while "/" in parent and parent not in top:
            parent = parent.rsplit("/", 1)[0]
        if parent in top and parent:
            continue
        bad.append((target, holder))
    return bad


def layout_problems(estate: Path) -> list[str]:
    """Everything about the folder that contradicts snapshot.md's layout."""
    problems = [f"{name} is missing" for name in LAYOUT_FILES if not (estate / name).is_file()]
    if problems:
        return problems
    manifest = load(estate, "manifest.json")
    if manifest.get("format") != "tenantmap.snapshot/1":
        problems.append(f"manifest format is {manifest.get('format')!r}")
    for key in (
        "createdAt",
        "source",
        "principal",
        "tenantsCrawled",
        "subscriptionsCrawled",
        "counts",
    ):
        if key not in manifest:
            problems.append(f"manifest has no {key}")
    for name in (
        "tenants.json",
        "subscriptions.json",
        "management-groups.json",
        "foreign.json",
        "errors.json",
    ):
        if not isinstance(load(estate, name), list):
            problems.append(f"{name} is not an array")
    for tenant in load(estate, "tenants.json"):
        for key in ("id", "tenantId", "tenantCategory", "displayName"):
            if key not in tenant:
                problems.append(f"tenant {tenant.get('tenantId')} has no {key}")
    for sub in load(estate, "subscriptions.json"):
        for key in ("id", "subscriptionId", "tenantId", "displayName", "state", "managedByTenants"):
            if key not in sub:
                problems.append(f"subscription {sub.get('subscriptionId')} has no {key}")
    for entity in load(estate, "management-groups.json"):
        if "tenantId" not in entity.get("properties", {}) or "parent" not in entity.get(
            "properties", {}
        ):
            problems.append(f"entity {entity.get('id')} has no properties.tenantId/parent")
    ids = []
    by_type: dict[str, int] = {}
    for item in resources(estate):
        for key in ("id", "name", "type", "properties"):
            if key not in item:
                problems.append(f"resource {item.get('id')} has no {key}")
        if "location" not in item and item["type"].lower() not in LOCATIONLESS_TYPES:
            problems.append(f"resource {item['id']} has no location")
        if item["name"] != item["id"].rstrip("/").split("/")[-1]:
            problems.append(f"resource {item['id']} is named {item['name']!r}")
        ids.append(item["id"].lower())
        by_type[item["type"].lower()] = by_type.get(item["type"].lower(), 0) + 1
    if ids != sorted(ids):
        problems.append("resources.jsonl is not sorted by lower-cased id")
    if len(ids) != len(set(ids)):
        problems.append("resources.jsonl repeats an id")
    counts = manifest.get("counts", {})
    if counts.get("resources") != len(ids):
        problems.append(
            f"manifest counts {counts.get('resources')} resources, the file has {len(ids)}"
        )
    if counts.get("byType") != dict(sorted(by_type.items())):
        problems.append("manifest counts.byType does not match the file")
    return problems
