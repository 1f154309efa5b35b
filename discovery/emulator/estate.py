"""Load an estate folder (snapshot.md layout) once and index it for O(page) answers.

Every resource is kept only as the bytes ARM would send for a GET of it (the
"served" form), plus the few lower-cased keys the indexes need, so 50,000
resources stay well under the memory budget and a list page is a join of
ready-made bytes. Collections are keyed by their lower-cased ARM path, the
same path a list call names, so a request is a dictionary lookup.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from discovery.crawl import catalogue
from discovery.emulator import paas
from discovery.emulator.errors import EstateError

# ARM's canonical spelling of the types the crawler reads (its catalogue) and of resource
# groups; anything else keeps the spelling the estate gives it.
CANONICAL_TYPES: dict[str, str] = {
    **catalogue.CANONICAL_TYPES,
    "microsoft.resources/resourcegroups": "Microsoft.Resources/resourceGroups",
}

# Child collections no Resource Graph table holds and no GET of the parent embeds: the
# estate gives each item a line of its own (as a crawl writes it), served in its parent's
# list and by id. Lower-cased child type -> (ARM type, collection segment).
CHILD_LINES: dict[str, tuple[str, str]] = {
    "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials": (
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
        "federatedidentitycredentials",
    ),
    "microsoft.storage/storageaccounts/objectreplicationpolicies": (
        "Microsoft.Storage/storageAccounts/objectReplicationPolicies",
        "objectreplicationpolicies",
    ),
}

# Child collections ARM lists under a parent: parent type -> property names,
# each also the collection's URL segment. ExpressRoute peerings' Global Reach
# `connections` are one level deeper and handled apart.
CHILD_COLLECTIONS: dict[str, tuple[str, ...]] = {
    "microsoft.network/virtualnetworks": ("subnets", "virtualNetworkPeerings"),
    "microsoft.network/networksecuritygroups": ("securityRules", "defaultSecurityRules"),
    "microsoft.network/expressroutecircuits": ("authorizations", "peerings"),
    "microsoft.network/expressroutegateways": ("expressRouteConnections",),
    "microsoft.network/virtualhubs": ("hubVirtualNetworkConnections",),
    "microsoft.network/firewallpolicies": ("ruleCollectionGroups",),
    "microsoft.network/loadbalancers": (
        "frontendIPConfigurations",
        "backendAddressPools",
        "loadBalancingRules",
        "inboundNatRules",
        "outboundRules",
        "probes",
    ),
    "microsoft.network/routetables": ("routes",),
    "microsoft.network/vpnsites": ("vpnSiteLinks",),
    "microsoft.network/vpngateways": ("connections",),
}

# ARM answers these child lists in one piece (the SDK reads no nextLink).
UNPAGED_COLLECTIONS = frozenset({"expressrouteconnections"})

# Resource Graph keeps these in other tables than `resources`.
NETWORKRESOURCES_TYPES = frozenset({"microsoft.network/networkmanagerconnections"})
# Governance types: the Resource Graph table of each (securityContacts and the tenant's
# subscription policy are in none).
GOVERNANCE_TABLES: dict[str, str] = {
    "microsoft.authorization/policyassignments": "policyresources",
    "microsoft.authorization/roleassignments": "authorizationresources",
    "microsoft.security/pricings": "securityresources",
}
NOT_IN_RESOURCES_TABLE = (
    NETWORKRESOURCES_TYPES
    | GOVERNANCE_TABLES.keys()
    | {
        "microsoft.managedservices/registrationdefinitions",
        "microsoft.managedservices/registrationassignments",
        "microsoft.security/securitycontacts",
        "microsoft.subscription/policies",
    }
)
# A root group's settings (`…/managementGroups/{id}/settings/default`): served by id only.
_MG_SETTINGS = re.compile(
    r"^/providers/microsoft\.management/managementgroups/[^/]+/settings/default$"
)

MG_PREFIX = "/providers/microsoft.management/managementgroups/"


class Record:
    """One servable item: its lower-cased id and the bytes of its JSON body."""

    __slots__ = ("body", "key")

    def __init__(self, key: str, body: bytes) -> None:
        self.key = key
        self.body = body


@dataclass
class Subscription:
    id: str  # lower-cased GUID
    tenant_id: str  # lower-cased
    managed_by: frozenset[str]
    record: Record
    raw: dict[str, Any]


@dataclass
class Estate:
    root: Path
    tenants: list[dict[str, Any]]
    tenant_records: list[Record]
    subscriptions: dict[str, Subscription]
    entities: list[dict[str, Any]]
    by_id: dict[str, Record] = field(default_factory=dict)
    collections: dict[str, list[Record]] = field(default_factory=dict)
    # Resource Graph `resources` rows per subscription and per (subscription, type).
    graph_rows: dict[str, list[Record]] = field(default_factory=dict)
    network_rows: dict[str, list[Record]] = field(default_factory=dict)
    resource_groups: dict[str, list[Record]] = field(default_factory=dict)
    # Resource Graph governance tables (policyresources, ...): every row, by id.
    governance_rows: dict[str, list[Record]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    resource_count: int = 0

    def home_tenants(self) -> list[str]:
        return [
            str(t["tenantId"]).lower()
            for t in self.tenants
            if str(t.get("tenantCategory", "Home")).lower() == "home"
        ]

    def tenant_by_name(self, name: str) -> str | None:
        """A tenant GUID from a GUID or one of its domains (the token endpoint takes both)."""
        wanted = name.lower()
        for tenant in self.tenants:
            names = [
                tenant.get("tenantId"),
                tenant.get("defaultDomain"),
                *tenant.get("domains", []),
            ]
            if wanted in (str(n).lower() for n in names if n):
                return str(tenant["tenantId"]).lower()
        return None


def _read_json_array(path: Path, what: str) -> list[dict[str, Any]]:
    if not path.is_file():
        raise EstateError(f"{path} is missing: an estate folder needs {path.name} ({what}).")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise EstateError(
            f"{path}:{exc.lineno}: {path.name} is not valid JSON ({exc.msg}); fix that line."
        ) from None
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise EstateError(f"{path} must hold a JSON array of objects ({what}).")
    return data


def _iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise EstateError(
            f"{path} is missing: an estate folder needs resources.jsonl "
            "(one ARM resource per line; it may be empty)."
        )
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise EstateError(
                    f"{path}:{number}: the line is not valid JSON ({exc.msg}); fix that line."
                ) from None
            if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
                raise EstateError(
                    f"{path}:{number}: each line must be one ARM resource object with an 'id'."
                )
            if not isinstance(obj.get("type"), str):
                raise EstateError(f"{path}:{number}: the resource has no 'type'; add it.")
            yield number, obj


def split_scope(resource_id: str) -> tuple[str, str, str] | None:
    """(scope, provider type, name) of a top-level id, all lower-cased; None if not one.

    scope is `/subscriptions/s`, `/subscriptions/s/resourcegroups/rg` or a
    management group path: everything before the last `/providers/`.
    """
    lowered = resource_id.lower().rstrip("/")
    at = lowered.rfind("/providers/")
    if at < 0:
        return None
    parts = lowered[at + len("/providers/") :].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return lowered[:at], parts[0] + "/" + parts[1], parts[2]


def subscription_of(key: str) -> str | None:
    if key.startswith("/subscriptions/"):
        return key.split("/", 3)[2]
    return None


def resource_group_of(key: str) -> str | None:
    parts = key.split("/", 5)
    if len(parts) > 4 and parts[3] == "resourcegroups":
        return parts[4]
    return None


def _dumps(obj: Any) -> bytes:
    # orjson hands back its 4 KiB working buffer; an exact copy keeps 50k resources small.
    return memoryview(orjson.dumps(obj)).tobytes()


def _served_form(obj: dict[str, Any], type_lower: str) -> dict[str, Any]:
    """The parent as a GET returns it: collections ARM does not embed are taken out."""
    props = obj.get("properties")
    if not isinstance(props, dict):
        return obj
    if type_lower in paas.CHILDREN:
        return paas.served(type_lower, obj)
    if type_lower == "microsoft.network/virtualhubs" and "hubVirtualNetworkConnections" in props:
        props = {k: v for k, v in props.items() if k != "hubVirtualNetworkConnections"}
        return {**obj, "properties": props}
    if type_lower == "microsoft.network/firewallpolicies" and isinstance(
        props.get("ruleCollectionGroups"), list
    ):
        refs = [
            {"id": g["id"]}
            for g in props["ruleCollectionGroups"]
            if isinstance(g, dict) and isinstance(g.get("id"), str)
        ]
        return {**obj, "properties": {**props, "ruleCollectionGroups": refs}}
    return obj


class _Builder:
    def __init__(self, estate: Estate) -> None:
        self.estate = estate
        self.collections: dict[str, list[Record]] = defaultdict(list)
        self.graph_rows: dict[str, list[Record]] = defaultdict(list)
        self.network_rows: dict[str, list[Record]] = defaultdict(list)
        self.governance_rows: dict[str, list[Record]] = defaultdict(list)
        self.rg_location: dict[tuple[str, str], tuple[str, str]] = {}
        self.first_line: dict[str, int] = {}

    def add_resource(self, number: int, obj: dict[str, Any]) -> None:
        rid: str = obj["id"]
        if _MG_SETTINGS.match(rid.lower()):
            self.estate.by_id[rid.lower()] = Record(rid.lower(), _dumps(obj))
            self.estate.resource_count += 1
            return
        split = split_scope(rid)
        if split is None and self._add_child_line(number, rid, obj):
            return
        if split is None:
            raise EstateError(
                f"{self.estate.root / 'resources.jsonl'}:{number}: '{rid}' is not a top-level "
                "ARM resource id (…/providers/<namespace>/<type>/<name>); child resources stay "
                "embedded in their parent."
            )
        scope, type_lower, _ = split
        canonical = CANONICAL_TYPES.get(type_lower) or self.estate.types.get(type_lower)
        if canonical is None:
            canonical = obj["type"]
        self.estate.types.setdefault(type_lower, canonical)
        if obj["type"] != canonical:
            obj = {**obj, "type": canonical}
        key = rid.lower()
        if key in self.first_line:
            raise EstateError(
                f"{self.estate.root / 'resources.jsonl'}:{number}: '{rid}' is already on line "
                f"{self.first_line[key]}; keep one line per resource."
            )
        self.first_line[key] = number
        record = Record(key, _dumps(_served_form(obj, type_lower)))
        self.estate.by_id[key] = record
        self.estate.resource_count += 1
        sub = subscription_of(key)
        self.collections[f"{scope}/providers/{type_lower}"].append(record)
        if type_lower in GOVERNANCE_TABLES:
            self.governance_rows[GOVERNANCE_TABLES[type_lower]].append(record)
        if sub is not None:
            rg = resource_group_of(key)
            sub_scope = f"/subscriptions/{sub}"
            if rg is not None:
                self.collections[f"{sub_scope}/providers/{type_lower}"].append(record)
                self.collections[f"{sub_scope}/resources"].append(record)
                self.collections[f"{scope}/resources"].append(record)
                rg_name = rid.split("/")[4]
                self.rg_location.setdefault((sub, rg), (rg_name, str(obj.get("location", ""))))
            if type_lower in NETWORKRESOURCES_TYPES:
                self.network_rows[sub].append(record)
            elif type_lower not in NOT_IN_RESOURCES_TABLE:
                self.graph_rows[sub].append(record)
        self._add_children(key, type_lower, obj)

    def _add_child_line(self, number: int, rid: str, obj: dict[str, Any]) -> bool:
        """A federated credential or replication policy on a line of its own."""
        found = CHILD_LINES.get(str(obj["type"]).lower())
        key = rid.lower().rstrip("/")
        parts = key.rsplit("/", 2)
        if found is None or len(parts) != 3 or parts[1] != found[1]:
            return False
        if parts[0] not in self.estate.by_id:
            raise EstateError(
                f"{self.estate.root / 'resources.jsonl'}:{number}: '{rid}' comes before its "
                "parent or has none; put the parent's line first."
            )
        if key in self.first_line:
            raise EstateError(
                f"{self.estate.root / 'resources.jsonl'}:{number}: '{rid}' is already on line "
                f"{self.first_line[key]}; keep one line per resource."
            )
        self.first_line[key] = number
        record = Record(key, _dumps({**obj, "type": found[0]}))
        self.estate.by_id[key] = record
        self.estate.resource_count += 1
        self.collections[f"{parts[0]}/{found[1]}"].append(record)
        return True

    def _add_children(self, parent_key: str, type_lower: str, obj: dict[str, Any]) -> None:
        props = obj.get("properties")
        if not isinstance(props, dict):
            return
        if type_lower in paas.CHILDREN:
            self._add_paas_child(parent_key, type_lower, obj["id"], props)
            return
        for prop in CHILD_COLLECTIONS.get(type_lower, ()):
            items = props.get(prop)
            path = f"{parent_key}/{prop.lower()}"
            self.collections.setdefault(path, [])
            if not isinstance(items, list):
                continue
            for item in items:
                if not isinstance(item, dict):
                    continue
                child_key = str(item.get("id") or f"{path}/{item.get('name', '')}").lower()
                record = Record(child_key, _dumps(item))
                self.collections[path].append(record)
                self.estate.by_id.setdefault(child_key, record)
                if prop == "peerings":
                    self._add_global_reach(child_key, item)

    def _add_paas_child(
        self, parent_key: str, type_lower: str, parent_id: str, props: dict[str, Any]
    ) -> None:
        key, suffix, single = paas.CHILDREN[type_lower]
        path = f"{parent_key}/{suffix}"
        value = props.get(key)
        if single:
            body = value if isinstance(value, dict) else paas.default_child(type_lower, parent_id)
            self.estate.by_id[path] = Record(path, _dumps(body))
            return
        self._index_items(path, value)

    def _add_global_reach(self, peering_key: str, peering: dict[str, Any]) -> None:
        props = peering.get("properties")
        conns = props.get("connections") if isinstance(props, dict) else None
        self._index_items(f"{peering_key}/connections", conns)

    def _index_items(self, path: str, items: Any) -> None:
        """A child collection served at ``path``, each item also by its id."""
        self.collections.setdefault(path, [])
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                key = str(item.get("id") or f"{path}/{item.get('name', '')}").lower()
                record = Record(key, _dumps(item))
                self.collections[path].append(record)
                self.estate.by_id.setdefault(key, record)

    def finish(self) -> None:
        estate = self.estate
        for (sub, _rg), (rg_name, location) in self.rg_location.items():
            rg_id = f"/subscriptions/{sub}/resourceGroups/{rg_name}"
            body = {
                "id": rg_id,
                "name": rg_name,
                "type": "Microsoft.Resources/resourceGroups",
                "location": location,
                "properties": {"provisioningState": "Succeeded"},
            }
            record = Record(rg_id.lower(), _dumps(body))
            self.collections[f"/subscriptions/{sub}/resourcegroups"].append(record)
            estate.by_id[record.key] = record
            estate.resource_groups.setdefault(sub, []).append(record)
        for mapping, target in (
            (self.collections, estate.collections),
            (self.graph_rows, estate.graph_rows),
            (self.network_rows, estate.network_rows),
            (self.governance_rows, estate.governance_rows),
        ):
            for key, records in mapping.items():
                records.sort(key=lambda r: r.key)
                target[key] = records
        for records in estate.resource_groups.values():
            records.sort(key=lambda r: r.key)


def load_estate(root: Path) -> Estate:
    root = Path(root)
    if not root.is_dir():
        raise EstateError(f"{root} is not a folder: point the emulator at an estate folder.")
    tenants = _read_json_array(root / "tenants.json", "Tenants_List items")
    raw_subs = _read_json_array(root / "subscriptions.json", "Subscriptions_List items")
    entities = _read_json_array(root / "management-groups.json", "Entities_List items")
    return build_estate(root, tenants, raw_subs, entities, _iter_jsonl(root / "resources.jsonl"))


def read_resources(root: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """The estate folder's resources.jsonl, numbered lines (the emulator's change log
    re-reads it to rebuild the estate with the changes it was given)."""
    return _iter_jsonl(Path(root) / "resources.jsonl")


def build_estate(
    root: Path,
    tenants: list[dict[str, Any]],
    raw_subs: list[dict[str, Any]],
    entities: list[dict[str, Any]],
    resources: Iterable[tuple[int, dict[str, Any]]],
) -> Estate:
    """Index an estate from its parts (load_estate reads them from the folder)."""
    for i, tenant in enumerate(tenants):
        if not isinstance(tenant.get("tenantId"), str):
            raise EstateError(f"{root / 'tenants.json'}: item {i} has no 'tenantId'; add it.")
    subscriptions: dict[str, Subscription] = {}
    for i, sub in enumerate(raw_subs):
        if not isinstance(sub.get("subscriptionId"), str) or not isinstance(
            sub.get("tenantId"), str
        ):
            raise EstateError(
                f"{root / 'subscriptions.json'}: item {i} needs both 'subscriptionId' and "
                "'tenantId'; add them."
            )
        sid = sub["subscriptionId"].lower()
        if sid in subscriptions:
            raise EstateError(
                f"{root / 'subscriptions.json'}: subscription '{sid}' is listed twice; keep one."
            )
        managed = frozenset(
            str(m.get("tenantId", "")).lower()
            for m in sub.get("managedByTenants") or []
            if isinstance(m, dict)
        )
        subscriptions[sid] = Subscription(
            sid, sub["tenantId"].lower(), managed, Record(f"/subscriptions/{sid}", _dumps(sub)), sub
        )
    for i, entity in enumerate(entities):
        if not isinstance(entity.get("id"), str):
            raise EstateError(f"{root / 'management-groups.json'}: item {i} has no 'id'; add it.")
    estate = Estate(
        root=root,
        tenants=tenants,
        tenant_records=[Record(str(t["tenantId"]).lower(), _dumps(t)) for t in tenants],
        subscriptions=subscriptions,
        entities=entities,
    )
    builder = _Builder(estate)
    for number, obj in resources:
        builder.add_resource(number, obj)
    builder.finish()
    del builder  # the duplicate check's line table is not needed once loaded
    return estate
