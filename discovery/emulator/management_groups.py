"""Management groups per tenant, from management-groups.json (Entities_List items).

Answers the shapes of Entities_List, ManagementGroups_List, ManagementGroups_Get
(with `$expand=children` and `$recurse=true`) and ManagementGroups_GetDescendants.
"""

from __future__ import annotations

from typing import Any

import orjson

from discovery.emulator.estate import MG_PREFIX, Record

MG_TYPE = "Microsoft.Management/managementGroups"


def _name(entity: dict[str, Any]) -> str:
    return str(entity.get("name") or str(entity["id"]).rsplit("/", 1)[-1])


class ManagementGroups:
    def __init__(
        self, entities: list[dict[str, Any]], owner: dict[str, str], home_tenant: str
    ) -> None:
        self.by_key: dict[str, dict[str, Any]] = {}
        self.tenant_of: dict[str, str] = {}
        self.children: dict[str, list[dict[str, Any]]] = {}
        self.entity_records: dict[str, list[Record]] = {}
        self.group_records: dict[str, list[Record]] = {}
        for entity in entities:
            key = str(entity["id"]).lower()
            props = entity.get("properties") or {}
            tenant = props.get("tenantId")
            if not tenant and key.startswith("/subscriptions/"):
                tenant = owner.get(key.split("/")[2])
            tenant = str(tenant or home_tenant).lower()
            self.by_key[key] = entity
            self.tenant_of[key] = tenant
            parent = (props.get("parent") or {}).get("id")
            if parent:
                self.children.setdefault(str(parent).lower(), []).append(entity)
            self.entity_records.setdefault(tenant, []).append(Record(key, orjson.dumps(entity)))
            if key.startswith(MG_PREFIX):
                info = {
                    "id": entity["id"],
                    "type": MG_TYPE,
                    "name": _name(entity),
                    "properties": {"tenantId": tenant, "displayName": props.get("displayName")},
                }
                self.group_records.setdefault(tenant, []).append(Record(key, orjson.dumps(info)))

    def _tree_node(self, entity: dict[str, Any], recurse: bool, depth: int) -> dict[str, Any]:
        key = str(entity["id"]).lower()
        group = key.startswith(MG_PREFIX)
        node: dict[str, Any] = {
            "id": entity["id"],
            "type": MG_TYPE if group else "/subscriptions",
            "name": _name(entity),
            "displayName": (entity.get("properties") or {}).get("displayName") or _name(entity),
        }
        kids = self.children.get(key, [])
        if group and kids and (recurse or depth == 0):
            node["children"] = [self._tree_node(k, recurse, depth + 1) for k in kids]
        return node

    def group_body(self, key: str, expand: bool, recurse: bool) -> dict[str, Any]:
        """ManagementGroups_Get; children (one level, or all with recurse) when expanded."""
        entity = self.by_key[key]
        props = entity.get("properties") or {}
        parent_id = (props.get("parent") or {}).get("id")
        details: dict[str, Any] = {}
        if parent_id:
            parent = self.by_key.get(str(parent_id).lower()) or {}
            parent_name = str(parent_id).rsplit("/", 1)[-1]
            details["parent"] = {
                "id": parent_id,
                "name": parent_name,
                "displayName": (parent.get("properties") or {}).get("displayName") or parent_name,
            }
        body: dict[str, Any] = {
            "id": entity["id"],
            "type": MG_TYPE,
            "name": _name(entity),
            "properties": {
                "tenantId": self.tenant_of[key],
                "displayName": props.get("displayName") or _name(entity),
                "details": details,
            },
        }
        if expand:
            kids = self.children.get(key, [])
            body["properties"]["children"] = [self._tree_node(k, recurse, 1) for k in kids]
        return body

    def descendants(self, key: str) -> list[Record]:
        """ManagementGroups_GetDescendants items: every group and subscription below, depth first."""
        out: list[Record] = []
        stack = list(reversed(self.children.get(key, [])))
        while stack:
            entity = stack.pop()
            child_key = str(entity["id"]).lower()
            props = entity.get("properties") or {}
            item = {
                "id": entity["id"],
                "type": MG_TYPE if child_key.startswith(MG_PREFIX) else "/subscriptions",
                "name": _name(entity),
                "properties": {
                    "displayName": props.get("displayName"),
                    "parent": {"id": (props.get("parent") or {}).get("id")},
                },
            }
            out.append(Record(child_key, orjson.dumps(item)))
            stack.extend(reversed(self.children.get(child_key, [])))
        return out

    def subscriptions_under(self, groups: list[Any], tenant: str) -> list[str]:
        """Subscriptions anywhere below these management groups of the tenant."""
        found: set[str] = set()
        stack = [MG_PREFIX + str(g).lower() for g in groups]
        while stack:
            key = stack.pop()
            if self.tenant_of.get(key) != tenant:
                continue
            for child in self.children.get(key, []):
                child_key = str(child["id"]).lower()
                if child_key.startswith("/subscriptions/"):
                    found.add(child_key.split("/")[2])
                else:
                    stack.append(child_key)
        return sorted(found)

    def groups_under(self, groups: list[Any], tenant: str) -> tuple[str, ...]:
        """Keys of these management groups of the tenant and of every group below them."""
        found: list[str] = []
        stack = [MG_PREFIX + str(g).lower() for g in groups]
        while stack:
            key = stack.pop()
            if self.tenant_of.get(key) != tenant:
                continue
            found.append(key)
            stack.extend(
                str(c["id"]).lower()
                for c in self.children.get(key, [])
                if str(c["id"]).lower().startswith(MG_PREFIX)
            )
        return tuple(sorted(found))

    def ancestors(self, key: str) -> list[str]:
        """Keys of the groups above a subscription or group, nearest first."""
        out: list[str] = []
        entity = self.by_key.get(key)
        while entity is not None:
            parent = ((entity.get("properties") or {}).get("parent") or {}).get("id")
            if not parent or str(parent).lower() in out:
                break
            out.append(str(parent).lower())
            entity = self.by_key.get(out[-1])
        return out
