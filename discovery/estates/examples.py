"""An estate assembled from Microsoft's official example payloads (``../shared/azure-api-examples``).

Used by the crawler round trip: the payloads are Azure's own shapes, so an
estate made of them checks that the emulator serves, and the crawler reads
back, exactly what ARM documents. The example bodies are copied as they are;
only what an estate needs to be consistent is normalised, each step listed
here (and in the README.md written beside the estate):

1. **Subscriptions.** Every example resource lives in a placeholder
   subscription. ``00000000-0000-0000-0000-000000000000`` and the literal
   ``subid`` become the first subscription of Subscriptions_List
   (``291bba3f-…``); the Lighthouse examples' ``0afefe50-734e-4610-8c82-…``
   and the malformed ``0afefe50-734e-4610-8a82-a144ahf49dea`` become the
   second (``72ac930a-…``). Replaced in every string (ids and references).
2. **Tenants.** tenants.json is Tenants_List as it is (Home ``83abe5cd-…``,
   ManagedBy, ProjectedBy). Both listed subscriptions are moved into the Home
   tenant (their ``tenantId`` in the example names tenants Tenants_List does
   not list), so every resource sits in a listed subscription of a listed
   tenant; ``managedByTenants`` stays as the example has it.
3. **Foreign subscription.** The Global Reach example names a peer circuit in
   ``11111111-1111-1111-1111-111111111111``; emulator.json maps it to
   ``31c75423-…`` (the tenant the Subscriptions_List example gave the first
   subscription, now unused), and foreign.json records it as resolved.
4. **Management groups.** Entities_List's two groups (tenant ``20000000-…``)
   are moved into the Home tenant, the root they name becomes the Home
   tenant's root group (added, named after the tenant id), and both
   subscriptions are added as entities below "Group 1 Tenant 2".
5. **Lighthouse.** The RegistrationDefinitions example's ``managedByTenantId``
   (``83ace5cd-…-hd86-…``, not a GUID) becomes the ManagedBy tenant of
   Tenants_List (``a70a1586-…``).
6. **Children.** List/Get examples of child collections are embedded in their
   parents where snapshot.md says: virtual network peerings in
   ``virtualNetworkPeerings``, circuit authorizations in ``authorizations``,
   Global Reach connections in the peering's ``connections``,
   ExpressRoute connections in the gateway's ``expressRouteConnections``, hub
   virtual network connections in the hub's ``properties.hubVirtualNetworkConnections``
   (merged by id: the listed item wins). A parent that no example lists (the
   peerings' ``peerTest/vnet1``, the Global Reach circuit
   ``ExpressRouteARMCircuitA``) is created with only ``name``, ``id``,
   ``type``, ``location`` ``westus`` and the child collection.
7. **Duplicates.** A resource id (compared lower-cased) that two examples
   both hold is kept once: the first in file-name order.
8. **Left out.** ExpressRouteCrossConnections (a provider-side resource the
   crawler does not read), the Resource Graph and management-group query
   examples other than Entities_List, and request bodies. The 200 response of
   NetworkSecurityGroups_CreateOrUpdate_WithRule is kept: it is the NSG as a
   GET returns it, and the only example with a custom security rule.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from discovery.estates.arm import SNAPSHOT_FORMAT, Json, write_json, write_resources

HOME = "83abe5cd-bcc3-441a-bd86-e6a75360cecc"
MANAGED_BY = "a70a1586-9c4a-4373-b907-1d310660dbd1"
FIRST_SUB = "291bba3f-e0a5-47bc-a099-3bdcb2a50a05"
SECOND_SUB = "72ac930a-f34e-42d8-b06d-dc2a9e12ed71"
PEER_SUB = "11111111-1111-1111-1111-111111111111"
PEER_TENANT = "31c75423-32d6-4322-88b7-c478bdde4858"
EXAMPLE_MG_TENANT = "20000000-0000-0000-0000-000000000000"
SUBSCRIPTION_MAP = {
    "00000000-0000-0000-0000-000000000000": FIRST_SUB,
    "subid": FIRST_SUB,
    "0afefe50-734e-4610-8c82-a144aff49dea": SECOND_SUB,
    "0afefe50-734e-4610-8a82-a144ahf49dea": SECOND_SUB,
}
BAD_MANAGED_BY = "83ace5cd-bcc3-441a-hd86-e6a75360cecc"
LEFT_OUT = {"ExpressRouteCrossConnections_List.json"}
MG_PREFIX = "/providers/Microsoft.Management/managementGroups/"

# child collection URL segment -> where snapshot.md embeds it in the parent's properties
CHILD_COLLECTIONS = {
    "virtualnetworkpeerings": "virtualNetworkPeerings",
    "authorizations": "authorizations",
    "expressrouteconnections": "expressRouteConnections",
    "hubvirtualnetworkconnections": "hubVirtualNetworkConnections",
}
_SUB_PATTERN = re.compile(r"/subscriptions/([^/\"]+)", re.IGNORECASE)


def default_examples_dir() -> Path:
    """``/work/shared/azure-api-examples``, or ``../shared/azure-api-examples`` beside the repository."""
    repo = Path(__file__).resolve().parents[2]
    for candidate in (
        repo.parent / "shared" / "azure-api-examples",
        Path("/work/shared/azure-api-examples"),
    ):
        if candidate.is_dir():
            return candidate
    return repo.parent / "shared" / "azure-api-examples"


def _body(path: Path) -> Any:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["responses"]["200"]["body"]


def _items(path: Path) -> list[Json]:
    body = _body(path)
    if isinstance(body, dict) and isinstance(body.get("value"), list):
        return list(body["value"])
    return [body]


def _remap(node: Any) -> Any:
    """Replace placeholder subscription ids in every string (normalisation 1)."""
    if isinstance(node, dict):
        return {k: _remap(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_remap(v) for v in node]
    if isinstance(node, str) and "/subscriptions/" in node.lower():
        return _SUB_PATTERN.sub(
            lambda m: "/subscriptions/" + SUBSCRIPTION_MAP.get(m.group(1).lower(), m.group(1)), node
        )
    return node


def _type_of(arm_id: str) -> str:
    parts = arm_id.split("/providers/", 1)[1].split("/")
    return f"{parts[0]}/{parts[1]}"


def _stub_parent(parent_id: str) -> Json:
    """A parent no example lists (normalisation 6)."""
    rtype = _type_of(parent_id)
    props: Json = {"provisioningState": "Succeeded"}
    if rtype.lower() == "microsoft.network/virtualnetworks":
        props.update(addressSpace={"addressPrefixes": []}, subnets=[], virtualNetworkPeerings=[])
    elif rtype.lower() == "microsoft.network/expressroutecircuits":
        props.update(authorizations=[], peerings=[])
    return {
        "name": parent_id.rsplit("/", 1)[1],
        "id": parent_id,
        "type": rtype,
        "location": "westus",
        "properties": props,
    }


def _merge_into(items: list[Json], child: Json) -> None:
    for index, existing in enumerate(items):
        if str(existing.get("id", "")).lower() == str(child["id"]).lower():
            items[index] = child
            return
    items.append(child)


def _embed(resources: dict[str, Json], child: Json) -> None:
    child_id = str(child["id"])
    marker = "/connections/"
    if "/peerings/" in child_id.lower() and marker in child_id.lower():
        # Global Reach: circuit/peerings/<peering>/connections/<name>
        lowered = child_id.lower()
        circuit_id = child_id[: lowered.index("/peerings/")]
        peering_id = child_id[: lowered.index(marker)]
        circuit = resources.setdefault(circuit_id.lower(), _stub_parent(circuit_id))
        peerings = circuit["properties"].setdefault("peerings", [])
        peering = next((p for p in peerings if p["id"].lower() == peering_id.lower()), None)
        if peering is None:
            peering = {
                "name": peering_id.rsplit("/", 1)[1],
                "id": peering_id,
                "properties": {
                    "peeringType": peering_id.rsplit("/", 1)[1],
                    "connections": [],
                    "provisioningState": "Succeeded",
                },
            }
            peerings.append(peering)
        _merge_into(peering["properties"].setdefault("connections", []), child)
        return
    parent_id, segment, _name = child_id.rsplit("/", 2)
    collection = CHILD_COLLECTIONS[segment.lower()]
    parent = resources.setdefault(parent_id.lower(), _stub_parent(parent_id))
    _merge_into(parent["properties"].setdefault(collection, []), child)


def _is_child(arm_id: str) -> bool:
    tail = arm_id.split("/providers/", 1)[1].split("/")
    return len(tail) > 3


def _subscriptions(examples: Path) -> list[Json]:
    subs = _items(examples / "Microsoft.Resources" / "Subscriptions_List.json")
    out = []
    for sub in subs:
        item = copy.deepcopy(sub)
        item["tenantId"] = HOME  # normalisation 2
        out.append(item)
    return out


def _management_groups(examples: Path, subscriptions: list[Json]) -> list[Json]:
    entities = copy.deepcopy(_items(examples / "Microsoft.Management" / "Entities_List.json"))
    old_root = MG_PREFIX + EXAMPLE_MG_TENANT
    for entity in entities:
        props = entity["properties"]
        props["tenantId"] = HOME
        if props.get("parent", {}).get("id", "").lower() == old_root.lower():
            props["parent"]["id"] = MG_PREFIX + HOME
    root: Json = {
        "id": MG_PREFIX + HOME,
        "type": "Microsoft.Management/managementGroups",
        "name": HOME,
        "properties": {
            "tenantId": HOME,
            "displayName": "Tenant Root Group",
            "parent": None,
            "permissions": "view",
            "inheritedPermissions": "view",
            "parentDisplayNameChain": [],
            "parentNameChain": [],
        },
    }
    group_one = entities[0]
    for sub in subscriptions:
        entities.append(
            {
                "id": sub["id"],
                "type": "/subscriptions",
                "name": sub["subscriptionId"],
                "properties": {
                    "tenantId": HOME,
                    "displayName": sub["displayName"],
                    "parent": {"id": group_one["id"]},
                    "permissions": "view",
                    "inheritedPermissions": "view",
                    "parentDisplayNameChain": [
                        "Tenant Root Group",
                        group_one["properties"]["displayName"],
                    ],
                    "parentNameChain": [HOME, group_one["name"]],
                },
            }
        )
    return [root, *entities]


def _resources(examples: Path) -> list[Json]:
    top: dict[str, Json] = {}
    children: list[Json] = []
    sources = sorted((examples / "Microsoft.Network").glob("*.json")) + sorted(
        (examples / "Microsoft.ManagedServices").glob("*.json")
    )
    for path in sources:
        if path.name in LEFT_OUT:
            continue
        for raw in _items(path):
            item = _remap(copy.deepcopy(raw))
            if _is_child(item["id"]):
                children.append(item)
            else:
                top.setdefault(item["id"].lower(), item)  # normalisation 7: the first wins
    for item in top.values():
        props = item.get("properties", {})
        if props.get("managedByTenantId") == BAD_MANAGED_BY:
            props["managedByTenantId"] = MANAGED_BY  # normalisation 5
    for child in children:
        _embed(top, child)
    return list(top.values())


def _foreign_references(resources: list[Json]) -> list[str]:
    owners = []
    for item in resources:
        if PEER_SUB in json.dumps(item):
            owners.append(item["id"])
    return sorted(owners, key=str.lower)


def build_examples_estate(out_dir: Path, examples_dir: Path | None = None) -> Path:
    """Write the examples estate into ``out_dir`` and return it."""
    examples = Path(examples_dir) if examples_dir is not None else default_examples_dir()
    if not (examples / "Microsoft.Network").is_dir():
        raise FileNotFoundError(f"{examples} has no Microsoft.Network examples: pass examples_dir")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tenants = _items(examples / "Microsoft.Resources" / "Tenants_List.json")
    subscriptions = _subscriptions(examples)
    resources = _resources(examples)
    listed = {s["subscriptionId"].lower() for s in subscriptions}
    for item in resources:
        sub = item["id"].split("/")[2].lower()
        if sub not in listed:
            raise ValueError(
                f"example resource {item['id']} is in an unlisted subscription: extend SUBSCRIPTION_MAP"
            )
    by_type = write_resources(out_dir / "resources.jsonl", resources)
    write_json(out_dir / "tenants.json", tenants)
    write_json(out_dir / "subscriptions.json", subscriptions)
    write_json(out_dir / "management-groups.json", _management_groups(examples, subscriptions))
    write_json(
        out_dir / "foreign.json",
        [
            {
                "subscriptionId": PEER_SUB,
                "tenantId": PEER_TENANT,
                "status": "resolved",
                "referencedBy": _foreign_references(resources),
            }
        ],
    )
    write_json(out_dir / "errors.json", [])
    write_json(
        out_dir / "manifest.json",
        {
            "format": SNAPSHOT_FORMAT,
            "createdAt": "2026-11-27T02:00:00Z",
            "source": {
                "kind": "handmade",
                "endpoint": "https://management.azure.com",
                "cloud": "AzureCloud",
            },
            "principal": {"tenantId": HOME, "clientId": "e7a3c0de-0000-4000-8000-0000000e7a30"},
            "tenantsCrawled": [HOME],
            "subscriptionsCrawled": sorted(listed),
            "counts": {"resources": len(resources), "byType": by_type},
        },
    )
    write_json(
        out_dir / "emulator.json",
        {"principal": {"tenantId": HOME}, "foreignSubscriptions": {PEER_SUB: PEER_TENANT}},
    )
    (out_dir / "README.md").write_text(
        "# Examples estate\n\nBuilt by `discovery.estates.examples.build_examples_estate` from Microsoft's "
        f"example payloads in `{examples}`.\nNormalisations applied:\n\n"
        + (__doc__ or "").split("here (and in the README.md written beside the estate):", 1)[1],
        encoding="utf-8",
    )
    return out_dir
