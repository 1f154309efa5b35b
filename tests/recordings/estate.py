"""An estate built from real Azure responses: ../shared/azure-cli-recordings.

The recordings are response bodies Azure returned to live Azure CLI tests. Each recording
(one test) ran in its own sandbox, but the test framework sanitised every subscription to
the same zero GUID, so two recordings can name the same id for different resources. Each
recording therefore gets a subscription of its own (a GUID derived from its name), and the
recordings together make one snapshot (snapshot.md layout), built by the real build.

Within a recording the last body of each id wins (the state the test left it in), and the
children ARM does not embed (rule collection groups, hub connections) are merged into their
parent as the crawler does (discovery.crawl.shape.merge_children).
"""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from discovery.crawl.shape import merge_children

Json = dict[str, Any]

SANITISED_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
TENANT = "72f988bf-0000-4000-8000-00000000aaaa"
_NAMESPACE = uuid.UUID("6f1c9a3e-0000-4000-8000-000000000001")


@dataclass(frozen=True)
class Recorded:
    recording: str  # label:path of the recording
    interaction: int
    body: Json


def _rows(path: Path) -> Iterator[Json]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _recording(source: Json) -> str:
    return f"{source.get('label')}:{source.get('path')}"


def subscription_for(recording: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, recording))


def _remap(body: Json, subscription: str) -> Json:
    text = json.dumps(body).replace(SANITISED_SUBSCRIPTION, subscription)
    return dict(json.loads(text))


def last_bodies(data: Path) -> dict[str, dict[str, Recorded]]:
    """recording -> lower-cased id -> the last body recorded for it."""
    out: dict[str, dict[str, Recorded]] = {}
    for row in _rows(data / "resources.jsonl.gz"):
        body, source = row["body"], row["source"]
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            continue
        rec = _recording(source)
        seen = out.setdefault(rec, {})
        key = body["id"].lower()
        interaction = int(source.get("interaction") or 0)
        if key not in seen or seen[key].interaction <= interaction:
            seen[key] = Recorded(rec, interaction, body)
    return out


def _listed_children(data: Path) -> dict[str, dict[str, dict[str, list[Json]]]]:
    """recording -> parent id -> collection -> children ARM does not embed."""
    out: dict[str, dict[str, dict[str, list[Json]]]] = {}
    for row in _rows(data / "children.jsonl.gz"):
        body = row["body"]
        if row.get("embedded") or not isinstance(body, dict) or not body.get("id"):
            continue
        parent = "/".join(str(body["id"]).split("/")[:-2]).lower()
        collection = str(row["collection"])
        by_parent = out.setdefault(_recording(row["source"]), {}).setdefault(parent, {})
        by_parent.setdefault(collection, []).append(body)
    return out


def resources(data: Path) -> list[Json]:
    """Every recorded top-level resource, its recording's subscription substituted."""
    children = _listed_children(data)
    out: list[Json] = []
    for rec, bodies in sorted(last_bodies(data).items()):
        subscription = subscription_for(rec)
        for key, recorded in sorted(bodies.items()):
            body = json.loads(json.dumps(recorded.body))
            for collection, items in children.get(rec, {}).get(key, {}).items():
                merge_children(body, collection, items)
            out.append(_remap(body, subscription))
    return out


def write_snapshot(data: Path, folder: Path) -> list[Json]:
    """The recordings as one snapshot folder; returns the resources written."""
    items = resources(data)
    subscriptions = sorted({str(r["id"]).split("/")[2].lower() for r in items})
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {
        "manifest.json": {
            "format": "tenantmap.snapshot/1",
            "createdAt": "2026-12-01T02:00:00Z",
            "source": {
                "kind": "handmade",
                "endpoint": "https://management.azure.com",
                "cloud": "AzureCloud",
            },
            "principal": {"tenantId": TENANT, "clientId": "c0ffee00-0000-4000-8000-00000000c0de"},
            "tenantsCrawled": [TENANT],
            "subscriptionsCrawled": subscriptions,
            "counts": {"resources": len(items), "byType": {}},
        },
        "tenants.json": [
            {"id": f"/tenants/{TENANT}", "tenantId": TENANT, "tenantCategory": "Home"}
        ],
        "subscriptions.json": [
            {
                "id": f"/subscriptions/{s}",
                "subscriptionId": s,
                "tenantId": TENANT,
                "displayName": s,
                "state": "Enabled",
            }
            for s in subscriptions
        ],
        "management-groups.json": [],
        "foreign.json": [],
        "errors.json": [],
    }
    for name, content in files.items():
        (folder / name).write_text(json.dumps(content))
    with (folder / "resources.jsonl").open("w", encoding="utf-8") as out:
        for item in sorted(items, key=lambda r: str(r["id"]).lower()):
            out.write(json.dumps(item) + "\n")
    return items
