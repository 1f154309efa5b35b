"""The emulator's change log: the estate changed while it runs, and Resource Graph's
`resourcechanges` / `resourcecontainerchanges` tables that record it.

Tests and `tenantmap demo --watch` change the estate with `POST /_emulator/changes`
(an endpoint only the emulator has; the crawler never calls it):

    {"put": [<ARM resource>, ...],          # top-level, or a child (peering, rule, ...)
     "delete": ["<resource id>", ...],
     "subscriptions": [<Subscriptions_List item>, ...],   # added or replaced
     "entities": [<Entities_List item>, ...],             # added or replaced
     "tamper": [<emulator.json tamper rule>, ...]}        # replaces the tamper rules

Each change becomes one row in the Resource Graph shape of the change tables
(Learn, "Get resource changes": `targetResourceId`, `targetResourceType`,
`changeType` Create/Update/Delete, `changeAttributes` with `timestamp`,
`changesCount`, snapshot ids, `changedBy`, `clientType`, `operation`, and
`changes` on Update only). A child (a VNet peering, an NSG rule, a circuit
authorization) is written inside its parent and logged as an Update of the
parent whose `changes` keys lie under the child's collection, which is how Azure
records a child written through its own API (research part 4).

The estate is rebuilt from the folder plus every change so far: simple, and the
indexes stay exactly those a fresh start would make.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from discovery.emulator.errors import EstateError
from discovery.emulator.estate import (
    CHILD_COLLECTIONS,
    Estate,
    build_estate,
    read_resources,
    split_scope,
)

RESOURCE_CHANGES = "resourcechanges"
CONTAINER_CHANGES = "resourcecontainerchanges"
CHANGE_TABLES = (RESOURCE_CHANGES, CONTAINER_CHANGES)
CHANGE_TYPE = "microsoft.resources/changes"
CHANGED_BY = "watch-tester@contoso.example"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def flat_diff(before: Any, after: Any, path: str = "") -> dict[str, dict[str, Any]]:
    """Property paths that differ, as the change tables name them (`properties.x[0].y`)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: dict[str, dict[str, Any]] = {}
        for key in sorted(set(before) | set(after)):
            sub = f"{path}.{key}" if path else str(key)
            out.update(flat_diff(before.get(key), after.get(key), sub))
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        out = {}
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            out.update(flat_diff(b, a, f"{path}[{i}]"))
        return out
    if before == after:
        return {}
    return {path: {"previousValue": before, "newValue": after}}


@dataclass
class ChangeLog:
    """What changed since the emulator started: the overlay on the folder and the rows."""

    resources: dict[str, dict[str, Any] | None] = field(default_factory=dict)  # key -> body
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {t: [] for t in CHANGE_TABLES}
    )

    def apply(self, estate: Estate, body: dict[str, Any]) -> tuple[Estate, list[dict[str, Any]]]:
        """The estate with these changes, and the change rows they add."""
        added: list[dict[str, Any]] = []
        for sub in _objects(body, "subscriptions"):
            sid = str(sub.get("subscriptionId", "")).lower()
            if not sid or not isinstance(sub.get("tenantId"), str):
                raise EstateError("each of 'subscriptions' needs 'subscriptionId' and 'tenantId'")
            existed = sid in estate.subscriptions
            self.subscriptions[sid] = sub
            added.append(
                self._row(
                    CONTAINER_CHANGES,
                    f"/subscriptions/{sid}",
                    "microsoft.resources/subscriptions",
                    "Update" if existed else "Create",
                    sid,
                    sub["tenantId"].lower(),
                    {},
                )
            )
        for entity in _objects(body, "entities"):
            if not isinstance(entity.get("id"), str):
                raise EstateError("each of 'entities' needs an 'id'")
            self.entities[entity["id"].lower()] = entity
        current = self._current(estate)
        for resource in _objects(body, "put"):
            if not isinstance(resource.get("id"), str) or not isinstance(resource.get("type"), str):
                raise EstateError("each of 'put' needs an 'id' and a 'type'")
            added.append(self._put(estate, current, resource))
        for rid in body.get("delete") or []:
            if not isinstance(rid, str):
                raise EstateError("'delete' must list resource ids")
            added.append(self._delete(estate, current, rid))
        rebuilt = self.rebuild(estate)
        for row in added:
            self.rows[row.pop("_table")].append(row)
        return rebuilt, added

    def _current(self, estate: Estate) -> dict[str, dict[str, Any]]:
        """Bodies of top-level resources as they stand (the folder plus changes so far)."""
        current: dict[str, dict[str, Any]] = {}
        for _number, obj in read_resources(estate.root):
            current[obj["id"].lower()] = obj
        for key, changed in self.resources.items():
            if changed is None:
                current.pop(key, None)
            else:
                current[key] = changed
        return current

    def _parent_of(self, current: dict[str, dict[str, Any]], rid: str) -> tuple[str, str] | None:
        """(parent key, collection property) when `rid` names a child ARM embeds."""
        parts = rid.rstrip("/").split("/")
        if len(parts) < 3:
            return None
        parent_key = "/".join(parts[:-2]).lower()
        parent = current.get(parent_key)
        if parent is None:
            return None
        for prop in CHILD_COLLECTIONS.get(str(parent.get("type", "")).lower(), ()):
            if prop.lower() == parts[-2].lower():
                return parent_key, prop
        return None

    def _put(
        self, estate: Estate, current: dict[str, dict[str, Any]], resource: dict[str, Any]
    ) -> dict[str, Any]:
        rid = resource["id"]
        child = self._parent_of(current, rid)
        if child is not None:
            parent_key, prop = child
            before = current[parent_key]
            after = copy.deepcopy(before)
            items = after.setdefault("properties", {}).setdefault(prop, [])
            items[:] = [i for i in items if str(i.get("id", "")).lower() != rid.lower()]
            items.append(resource)
            return self._replace(estate, current, parent_key, before, after)
        if split_scope(rid) is None:
            raise EstateError(f"'{rid}' is neither a top-level resource nor a known child")
        key = rid.lower()
        return self._replace(estate, current, key, current.get(key), resource)

    def _delete(
        self, estate: Estate, current: dict[str, dict[str, Any]], rid: str
    ) -> dict[str, Any]:
        child = self._parent_of(current, rid)
        if child is not None:
            parent_key, prop = child
            before = current[parent_key]
            after = copy.deepcopy(before)
            items = after.get("properties", {}).get(prop, [])
            after["properties"][prop] = [
                i for i in items if str(i.get("id", "")).lower() != rid.lower()
            ]
            return self._replace(estate, current, parent_key, before, after)
        key = rid.lower()
        gone = current.get(key)
        if gone is None:
            raise EstateError(f"'{rid}' is not in the estate: nothing to delete")
        return self._replace(estate, current, key, gone, None)

    def _replace(
        self,
        estate: Estate,
        current: dict[str, dict[str, Any]],
        key: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> dict[str, Any]:
        if after is None:
            current.pop(key, None)
        else:
            current[key] = after
        self.resources[key] = after
        body = after or before or {}
        change = "Create" if before is None else "Delete" if after is None else "Update"
        diff = flat_diff(before, after) if change == "Update" else {}
        sub = key.split("/")[2] if key.startswith("/subscriptions/") else ""
        owner = estate.subscriptions.get(sub)
        return self._row(
            RESOURCE_CHANGES,
            str(body.get("id", key)),
            str(body.get("type", "")),
            change,
            sub,
            owner.tenant_id if owner else "",
            diff,
        )

    def _row(
        self,
        table: str,
        target: str,
        target_type: str,
        change: str,
        sub: str,
        tenant: str,
        diff: dict[str, dict[str, Any]],
    ) -> dict[str, Any]:
        change_id = str(uuid.uuid4())
        parts = target.split("/")
        group = parts[4] if len(parts) > 4 and parts[3].lower() == "resourcegroups" else ""
        properties: dict[str, Any] = {
            "targetResourceId": target,
            "targetResourceType": target_type,
            "changeType": change,
            "changeAttributes": {
                "timestamp": _now(),
                "correlationId": str(uuid.uuid4()),
                "changesCount": len(diff),
                "previousResourceSnapshotId": None if change == "Create" else uuid.uuid4().hex,
                "newResourceSnapshotId": None if change == "Delete" else uuid.uuid4().hex,
                "changedBy": CHANGED_BY,
                "changedByType": "User",
                "clientType": "Azure Portal",
                "operation": f"{target_type}/{'delete' if change == 'Delete' else 'write'}",
            },
        }
        if change == "Update":
            properties["changes"] = diff
        return {
            "_table": table,
            "id": f"{target}/providers/Microsoft.Resources/changes/{change_id}",
            "name": change_id,
            "type": CHANGE_TYPE,
            "tenantId": tenant,
            "kind": "",
            "location": "",
            "resourceGroup": group.lower(),
            "subscriptionId": sub,
            "managedBy": "",
            "sku": None,
            "plan": None,
            "properties": properties,
            "tags": None,
            "identity": None,
            "zones": None,
            "extendedLocation": None,
        }

    def rebuild(self, estate: Estate) -> Estate:
        subs = {
            s.id: s.raw for s in estate.subscriptions.values() if s.id not in self.subscriptions
        }
        subs.update(self.subscriptions)
        entities = {str(e["id"]).lower(): e for e in estate.entities}
        entities.update(self.entities)
        resources = self._current(estate)
        return build_estate(
            estate.root,
            estate.tenants,
            [subs[k] for k in sorted(subs)],
            list(entities.values()),
            enumerate(resources.values(), start=1),
        )


def _objects(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    items = body.get(name) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise EstateError(f"'{name}' must be a list of objects")
    return items
