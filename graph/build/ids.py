"""ARM id arithmetic on lower-cased ids: type, parent, top-level resource, resource group."""

from __future__ import annotations

from typing import Any

from graph.schema import ALIAS_PREFIX, node_id


def props_of(res: Any) -> dict[str, Any]:
    """A resource's `properties`, or an empty dict when it is missing or not an object."""
    p = res.get("properties") if isinstance(res, dict) else None
    return p if isinstance(p, dict) else {}


def ref(obj: Any, key: str) -> str | None:
    """The lower-cased id an ARM reference names: `{"id": ...}` or a bare id string."""
    if not isinstance(obj, dict):
        return None
    value = obj.get(key)
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, str):
        # node_id(value), on the stripped value the emptiness test needs anyway
        value = value.strip()
        if value:
            return value.rstrip("/").lower()
    return None


def refs(obj: Any, key: str) -> list[str]:
    """The lower-cased ids of a list of ARM references."""
    if not isinstance(obj, dict):
        return []
    out: list[str] = []
    for item in obj.get(key) or ():
        value = item.get("id") if isinstance(item, dict) else item
        if isinstance(value, str):
            # node_id(value), as in ref()
            value = value.strip()
            if value:
                out.append(value.rstrip("/").lower())
    return out


def _last_providers(parts: list[str]) -> int:
    for index in range(len(parts) - 1, -1, -1):
        if parts[index].lower() == "providers":
            return index
    return -1


def arm_type_of(arm_id: str) -> str:
    """The lower-cased ARM type an id names (`microsoft.network/virtualnetworks/subnets`)."""
    parts = arm_id.strip("/").split("/")
    at = _last_providers(parts)
    if at < 0:
        if len(parts) == 2 and parts[0].lower() == "subscriptions":
            return "microsoft.resources/subscriptions"
        if len(parts) == 4 and parts[2].lower() == "resourcegroups":
            return "microsoft.resources/resourcegroups"
        return ""
    if at + 1 >= len(parts):
        return ""
    names = parts[at + 2 :: 2]
    return "/".join([parts[at + 1], *names]).lower()


def top_level_id(arm_id: str) -> str:
    """The id of the top-level resource that holds a child id (the id itself for a top-level one)."""
    parts = arm_id.strip("/").split("/")
    at = _last_providers(parts)
    if at < 0 or len(parts) <= at + 4:
        return node_id(arm_id)
    return "/" + "/".join(parts[: at + 4]).lower()


def parent_id(arm_id: str) -> str:
    """The id one level up (`.../virtualnetworks/v/subnets/s` -> `.../virtualnetworks/v`)."""
    parts = arm_id.strip("/").split("/")
    return "/" + "/".join(parts[:-2]).lower()


def is_child(arm_id: str) -> bool:
    return top_level_id(arm_id) != node_id(arm_id)


def resource_group_of(arm_id: str) -> str | None:
    parts = arm_id.strip("/").split("/")
    if len(parts) >= 4 and parts[2].lower() == "resourcegroups":
        return parts[3]
    return None


def last_segment(arm_id: str) -> str:
    return arm_id.rstrip("/").rsplit("/", 1)[-1]


def alias_id(alias: str) -> str:
    """Node id of a private link service known only by its alias."""
    return ALIAS_PREFIX + alias.strip().lower()


def management_group_of(arm_id: str) -> str | None:
    """For an id under a management group scope, the management group's lower-cased id."""
    parts = arm_id.strip("/").split("/")
    if (
        len(parts) >= 4
        and parts[0].lower() == "providers"
        and parts[1].lower() == "microsoft.management"
        and parts[2].lower() == "managementgroups"
    ):
        return "/" + "/".join(parts[:4]).lower()
    return None
