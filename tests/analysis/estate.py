"""Small estates in the snapshot layout (snapshot.md), written to a folder for one test.

Each test says what its estate holds; the estate is loaded with the real
`load_snapshot` and built with the real `build_graph`, so the analyses see
exactly what a crawl of it would give them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from graph.build import build_graph
from graph.crawl_record import crawl_record
from graph.inventory import Inventory, parse_inventory
from graph.snapshot import Snapshot, load_snapshot

HOME = "72f988bf-0000-4000-8000-000000000001"
OTHER = "0d1e2f3a-0000-4000-8000-000000000002"
THIRD = "9a8b7c6d-0000-4000-8000-000000000004"
SUB_A = "1a2b3c4d-0000-4000-8000-000000000101"
SUB_B = "1a2b3c4d-0000-4000-8000-000000000102"
FOREIGN_SUB = "0d1e2f3a-0000-4000-8000-00000000000a"
FOREIGN_SUB_2 = "0d1e2f3a-0000-4000-8000-00000000000b"
THIRD_SUB = "9a8b7c6d-0000-4000-8000-0000000000b1"
TODAY = dt.date(2026, 11, 27)
MG = "/providers/Microsoft.Management/managementGroups/"


def rid(sub: str, rg: str, rtype: str, name: str) -> str:
    """An ARM id: rid(SUB_A, "net", "virtualNetworks", "vnet-a")."""
    provider = "Microsoft.Network"
    if "/" in rtype:
        provider, rtype = rtype.split("/", 1)
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{provider}/{rtype}/{name}"


def vnet(sub: str, name: str, prefix: str = "10.0.0.0/16", **props: Any) -> dict[str, Any]:
    ident = rid(sub, "net", "virtualNetworks", name)
    return {
        "id": ident,
        "name": name,
        "type": "Microsoft.Network/virtualNetworks",
        "location": "westeurope",
        "properties": {
            "addressSpace": {"addressPrefixes": [prefix]},
            "subnets": [],
            "virtualNetworkPeerings": [],
            **props,
        },
    }


def peering(vnet_id: str, name: str, remote: str, state: str = "Connected") -> dict[str, Any]:
    return {
        "id": f"{vnet_id}/virtualNetworkPeerings/{name}",
        "name": name,
        "properties": {
            "peeringState": state,
            "remoteVirtualNetwork": {"id": remote},
            "allowVirtualNetworkAccess": True,
        },
    }


@dataclass
class Estate:
    """What a crawl saw: listings, resources, foreign.json, errors.json."""

    tenants: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    management_groups: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    foreign: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    tenants_crawled: list[str] = field(default_factory=list)
    subscriptions_crawled: list[str] = field(default_factory=list)
    principal: str = HOME

    @classmethod
    def home(cls, *subscriptions: str) -> Estate:
        """Our home tenant, crawled, with these subscriptions listed, crawled and in its root group."""
        estate = cls()
        estate.tenant(HOME, "Contoso", "Home")
        estate.tenants_crawled.append(HOME)
        estate.group(HOME, HOME, parent=None, display="Tenant Root Group")
        for sid in subscriptions:
            estate.subscription(sid, HOME, name=f"sub-{sid[-3:]}")
            estate.in_group(sid, HOME, HOME)
        return estate

    def tenant(self, tid: str, name: str, category: str = "Home") -> Estate:
        self.tenants.append(
            {
                "id": f"/tenants/{tid}",
                "tenantId": tid,
                "displayName": name,
                "defaultDomain": f"{name.lower()}.example",
                "tenantCategory": category,
            }
        )
        return self

    def subscription(
        self,
        sid: str,
        tid: str,
        *,
        name: str = "",
        crawled: bool = True,
        state: str = "Enabled",
        managed_by: list[str] | None = None,
    ) -> Estate:
        self.subscriptions.append(
            {
                "id": f"/subscriptions/{sid}",
                "subscriptionId": sid,
                "tenantId": tid,
                "displayName": name or sid,
                "state": state,
                "managedByTenants": [{"tenantId": t} for t in managed_by or []],
            }
        )
        if crawled:
            self.subscriptions_crawled.append(sid)
        return self

    def group(self, name: str, tid: str, *, parent: str | None, display: str = "") -> Estate:
        props: dict[str, Any] = {"tenantId": tid, "displayName": display or name}
        if parent:
            props["parent"] = {"id": MG + parent}
        self.management_groups.append(
            {
                "id": MG + name,
                "type": "Microsoft.Management/managementGroups",
                "name": name,
                "properties": props,
            }
        )
        return self

    def in_group(self, sid: str, group: str, tid: str) -> Estate:
        self.management_groups.append(
            {
                "id": f"/subscriptions/{sid}",
                "type": "/subscriptions",
                "name": sid,
                "properties": {"tenantId": tid, "displayName": sid, "parent": {"id": MG + group}},
            }
        )
        return self

    def resolved(self, sid: str, tid: str | None, status: str = "resolved") -> Estate:
        self.foreign.append(
            {"subscriptionId": sid, "tenantId": tid, "status": status, "referencedBy": []}
        )
        return self

    def error(self, scope: str, status: int = 403, code: str = "AuthorizationFailed") -> Estate:
        self.errors.append(
            {
                "scope": scope,
                "operation": "VirtualNetworks_ListAll",
                "status": status,
                "code": code,
                "message": "denied",
                "at": "2026-11-27T02:00:00Z",
            }
        )
        return self

    def add(self, *resources: dict[str, Any]) -> Estate:
        self.resources.extend(resources)
        return self

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        manifest = {
            "format": "tenantmap.snapshot/1",
            "createdAt": "2026-11-27T02:00:13Z",
            "source": {"kind": "handmade", "endpoint": "https://127.0.0.1", "cloud": "AzureCloud"},
            "principal": {"tenantId": self.principal, "clientId": "tests"},
            "tenantsCrawled": self.tenants_crawled,
            "subscriptionsCrawled": self.subscriptions_crawled,
            "counts": {"resources": len(self.resources), "byType": {}},
        }
        files = {
            "manifest.json": manifest,
            "tenants.json": self.tenants,
            "subscriptions.json": self.subscriptions,
            "management-groups.json": self.management_groups,
            "foreign.json": self.foreign,
            "errors.json": self.errors,
        }
        for name, data in files.items():
            (folder / name).write_text(json.dumps(data, indent=1))
        lines = sorted(self.resources, key=lambda r: str(r["id"]).lower())
        (folder / "resources.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8"
        )
        return folder

    def load(self, folder: Path) -> tuple[Snapshot, nx.MultiDiGraph]:
        snap = load_snapshot(self.write(folder))
        return snap, build_graph(snap)


def inventory(text: str) -> Inventory:
    """An inventory from YAML text (version 1 is added when missing)."""
    if "version:" not in text:
        text = "version: 1\n" + text
    return parse_inventory(text, "inventory.yaml")


HOME_INVENTORY = f"""
version: 1
organization: Contoso
tenants:
  - id: {HOME}
    name: Contoso
    relationship: home
subscriptions:
  - id: {SUB_A}
  - id: {SUB_B}
"""


def report_of(
    estate: Estate,
    folder: Path,
    inv: Inventory,
    *,
    previous: dict[str, Any] | None = None,
    run_id: str = "run-1",
    started: str = "2026-11-27T02:00:00Z",
    today: dt.date = TODAY,
) -> dict[str, Any]:
    """The report.json of one run over the estate (real snapshot reader, build and analyses)."""
    from graph.analysis import analyse

    snap, graph = estate.load(folder)
    return analyse(
        graph,
        crawl_record(snap),
        inv,
        today=today,
        run={"id": run_id, "startedAt": started},
        previous=previous,
    )


def findings_of(report: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """subject -> finding, for one kind."""
    return {f["subject"]: f for f in report["findings"] if f["kind"] == kind}


def channels(finding: dict[str, Any]) -> set[str]:
    return {e["channel"] for e in finding["evidence"] if e.get("channel")}
