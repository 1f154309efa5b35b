"""Round-trip equality between an estate (or snapshot) and a crawl of it (snapshot.md).

Same resource ids; per resource the same ``type`` and ``location``
(case-insensitively) and the same ``name``, ``sku``, ``tags`` and
``properties``; the same tenants, subscriptions and management groups.
The expected side is first reduced to what a crawl can see: the types the
crawler reads (catalogue.py), platform services with only the children a crawl
reads (discovery/crawl/paas.py),
nothing under a scope the estate's ``deny`` hides, subscriptions and groups
of Home tenants (and subscriptions delegated to them), secrets redacted with
the same installation key.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from discovery.crawl.catalogue import CANONICAL_TYPES
from discovery.crawl.paas import expected_view
from discovery.redact import Redactor


def _load(folder: Path, name: str, default: Any) -> Any:
    path = folder / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


def iter_resources(folder: Path) -> Iterator[dict[str, Any]]:
    with (folder / "resources.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def denied_scopes(estate: Path) -> list[str]:
    emulator = _load(estate, "emulator.json", {})
    return sorted(str(scope).lower() for scope in (emulator.get("deny") or {}))


def _under(arm_id: str, scopes: Iterable[str]) -> bool:
    lowered = arm_id.lower()
    return any(lowered == s or lowered.startswith(s.rstrip("/") + "/") for s in scopes)


def _same_empty(value: Any) -> Any:
    """``tags``/``sku`` absent, null and empty are the same observation."""
    return None if value in (None, {}, []) else value


def resource_view(resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": str(resource.get("type", "")).lower(),
        "location": str(resource.get("location") or "").lower(),
        "name": resource.get("name"),
        "sku": _same_empty(resource.get("sku")),
        "tags": _same_empty(resource.get("tags")),
        "properties": resource.get("properties"),
    }


def home_tenants(folder: Path) -> set[str]:
    return {
        str(t.get("tenantId", "")).lower()
        for t in _load(folder, "tenants.json", [])
        if t.get("tenantCategory") == "Home"
    }


def visible_subscriptions(estate: Path) -> list[dict[str, Any]]:
    homes = home_tenants(estate)
    visible = []
    for item in _load(estate, "subscriptions.json", []):
        managers = {str(m.get("tenantId", "")).lower() for m in item.get("managedByTenants") or []}
        if str(item.get("tenantId", "")).lower() in homes or managers & homes:
            visible.append(item)
    return visible


def _by(items: Iterable[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {str(item.get(key, "")).lower(): item for item in items}


def _compare_items(
    kind: str, expected: dict[str, Any], actual: dict[str, Any], problems: list[str]
) -> None:
    for key in sorted(expected.keys() - actual.keys()):
        problems.append(f"{kind} {key}: missing from the crawl")
    for key in sorted(actual.keys() - expected.keys()):
        problems.append(f"{kind} {key}: not in the estate")
    for key in sorted(expected.keys() & actual.keys()):
        if expected[key] != actual[key]:
            problems.append(f"{kind} {key}: differs")


def compare_snapshots(
    expected: Path,
    actual: Path,
    *,
    redactor: Redactor,
    hidden_scopes: Iterable[str] | None = None,
    limit: int = 50,
) -> list[str]:
    """Differences between ``expected`` (an estate) and ``actual`` (its crawl); [] when equal."""
    hidden = list(denied_scopes(expected) if hidden_scopes is None else hidden_scopes)
    problems: list[str] = []

    expected_resources: dict[str, dict[str, Any]] = {}
    for resource in iter_resources(expected):
        arm_id = str(resource.get("id", ""))
        if str(resource.get("type", "")).lower() not in CANONICAL_TYPES:
            continue
        if _under(arm_id, hidden):
            continue
        seen = expected_view(redactor.redact(copy.deepcopy(resource)))
        expected_resources[arm_id.lower()] = resource_view(seen)
    actual_resources = {
        str(r.get("id", "")).lower(): resource_view(r) for r in iter_resources(actual)
    }
    for arm_id in sorted(expected_resources.keys() - actual_resources.keys()):
        problems.append(f"resource {arm_id}: missing from the crawl")
    for arm_id in sorted(actual_resources.keys() - expected_resources.keys()):
        problems.append(f"resource {arm_id}: not in the estate")
    for arm_id in sorted(expected_resources.keys() & actual_resources.keys()):
        want, got = expected_resources[arm_id], actual_resources[arm_id]
        for field in want:
            if want[field] != got[field]:
                problems.append(f"resource {arm_id}: {field} differs")

    def redacted(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [redactor.redact(copy.deepcopy(i)) for i in items]

    _compare_items(
        "tenant",
        _by(redacted(_load(expected, "tenants.json", [])), "tenantId"),
        _by(_load(actual, "tenants.json", []), "tenantId"),
        problems,
    )
    _compare_items(
        "subscription",
        _by(redacted(visible_subscriptions(expected)), "subscriptionId"),
        _by(_load(actual, "subscriptions.json", []), "subscriptionId"),
        problems,
    )
    homes = home_tenants(expected)
    groups = [
        g
        for g in _load(expected, "management-groups.json", [])
        if str((g.get("properties") or {}).get("tenantId", "")).lower() in homes
    ]
    _compare_items(
        "management group",
        _by(redacted(groups), "id"),
        _by(_load(actual, "management-groups.json", []), "id"),
        problems,
    )
    return problems[:limit]
