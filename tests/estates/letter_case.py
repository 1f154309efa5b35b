"""Re-spell every ARM id of an estate in another letter case, as Azure itself does.

Azure resource ids are case-insensitive and Azure does not keep one spelling:
the same VNet comes back as `/resourceGroups/rg-net/...` from one API and
`/resourcegroups/RG-NET/...` from another, and a resource provider may lower-case
its namespace. The estate written here names exactly the same things as the
original, so everything tenantmap concludes from it must be the same.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import yaml

# Inventory keys whose values are ids or names of Azure things (inventory.md).
_INVENTORY_IDS = frozenset({"id", "tenant", "resource", "subject", "subscriptions"})
# Segments whose next segment is a name (a GUID or a user-chosen name).
_NAMED_BY_NEXT = {"subscriptions", "resourcegroups", "tenants"}
# The files whose ids are re-spelled: everything the emulator serves.
_JSON_FILES = ("tenants.json", "subscriptions.json", "management-groups.json")


def _random_case(text: str, rng: random.Random) -> str:
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)


def _keyword(segment: str, rng: random.Random) -> str:
    """`resourceGroups` as `resourcegroups`, `RESOURCEGROUPS` or `ReSoUrCeGrOuPs`."""
    return rng.choice((segment.lower(), segment.upper(), _random_case(segment, rng)))


def respell_id(arm_id: str, rng: random.Random) -> str:
    """The same id in another letter case: keywords in any case, provider namespaces
    lower-cased, type names in random case, names (and GUIDs) upper-cased."""
    parts = arm_id.split("/")
    out: list[str] = []
    expect = "keyword"  # keyword | name | namespace | type
    for part in parts:
        if not part:
            out.append(part)
            continue
        lowered = part.lower()
        if expect == "keyword" and lowered == "providers":
            out.append(_keyword(part, rng))
            expect = "namespace"
        elif expect == "keyword" and lowered in _NAMED_BY_NEXT:
            out.append(_keyword(part, rng))
            expect = "name"
        elif expect == "namespace":
            out.append(lowered)
            expect = "type"
        elif expect == "type":
            out.append(_random_case(part, rng))
            expect = "name"
        elif expect == "name":
            out.append(part.upper())
            expect = "keyword"
        else:  # a child type after a name: `/subnets/<name>`
            out.append(_random_case(part, rng))
            expect = "name"
    return "/".join(out)


def is_arm_id(value: str) -> bool:
    return value.lower().startswith(("/subscriptions/", "/providers/", "/tenants/"))


def respell(value: Any, rng: random.Random) -> Any:
    """Every ARM id in a JSON value re-spelled; everything else as it was."""
    if isinstance(value, dict):
        return {key: respell(item, rng) for key, item in value.items()}
    if isinstance(value, list):
        return [respell(item, rng) for item in value]
    if isinstance(value, str) and is_arm_id(value):
        return respell_id(value, rng)
    return value


def respell_estate(source: Path, target: Path, seed: int) -> Path:
    """A copy of the estate folder with every ARM id re-spelled (seeded, so reproducible)."""
    rng = random.Random(seed)
    shutil.copytree(source, target)
    for name in _JSON_FILES:
        path = target / name
        path.write_text(json.dumps(respell(json.loads(path.read_text("utf-8")), rng)), "utf-8")
    lines = (source / "resources.jsonl").read_text("utf-8").splitlines()
    respelled = [json.dumps(respell(json.loads(line), rng)) for line in lines if line.strip()]
    (target / "resources.jsonl").write_text("\n".join(respelled) + "\n", "utf-8")
    return target


def _respell_inventory_value(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        return _respell_inventory(value, rng)
    if isinstance(value, list):
        return [_respell_inventory_value(item, rng) for item in value]
    if isinstance(value, str):
        return respell_id(value, rng) if is_arm_id(value) else value.upper()
    return value


def _respell_inventory(value: Any, rng: random.Random) -> Any:
    if isinstance(value, list):
        return [_respell_inventory(item, rng) for item in value]
    if isinstance(value, dict):
        return {
            key: _respell_inventory_value(item, rng)
            if key in _INVENTORY_IDS
            else _respell_inventory(item, rng)
            for key, item in value.items()
        }
    return value


def respell_inventory(source: Path, target: Path, seed: int) -> Path:
    """The inventory with every tenant, subscription, circuit, group and resource it names
    re-spelled (GUIDs, group names and subjects upper-cased, ARM ids as respell_id)."""
    data = yaml.safe_load(source.read_text("utf-8"))
    target.write_text(yaml.safe_dump(_respell_inventory(data, random.Random(seed))), "utf-8")
    return target
