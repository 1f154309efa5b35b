"""ARM ids are case-insensitive ("Naming rules and restrictions for Azure resources",
Microsoft Learn: resource and resource group names are case-insensitive), and Azure
itself spells one id differently from one API to the next. The sample estate with
every id re-spelled, and its inventory too, crawled through the real SDKs against the
emulator, must give exactly the same graph and findings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from discovery.crawl.links import linked_subscriptions
from discovery.emulator import running_emulator
from discovery.estates import SAMPLE_ESTATE
from graph.analysis import analyse
from graph.build import build_graph
from graph.crawl_record import crawl_record
from graph.inventory import load_inventory
from graph.queries import QUERIES
from graph.snapshot import load_snapshot
from tests.crawl.helpers import crawl_emulator, resource_lines
from tests.estates.letter_case import respell_estate, respell_inventory

SEED = 20261127
# What a finding shows a person keeps Azure's spelling; everything else is compared as it is.
_DISPLAYED = ("subjectName", "title")


def _crawl_and_analyse(
    estate: Path, inventory: Path, out: Path, mode: str
) -> tuple[nx.MultiDiGraph, dict[str, Any]]:
    with running_emulator(estate) as emu:
        crawl_emulator(emu, out / "snapshot", out / "state", mode, progress=False)
    snap = load_snapshot(out / "snapshot")
    graph = build_graph(snap)
    report = analyse(
        graph,
        crawl_record(snap),
        load_inventory(inventory),
        today=dt.date(2026, 11, 27),
        run={"id": "case", "startedAt": "2026-11-27T02:00:00Z"},
        previous=None,
    )
    return graph, report


def _comparable(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {k: (str(v).lower() if k in _DISPLAYED else v) for k, v in finding.items()}
        for finding in report["findings"]
    ]


@pytest.fixture(scope="module", params=["resource-graph", "arm"])
def both(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[tuple[nx.MultiDiGraph, dict[str, Any]], tuple[nx.MultiDiGraph, dict[str, Any]], Path]:
    mode = str(request.param)
    root = tmp_path_factory.mktemp(f"case-{mode}")
    estate = respell_estate(SAMPLE_ESTATE, root / "estate", SEED)
    inventory = respell_inventory(SAMPLE_ESTATE / "inventory.yaml", root / "inventory.yaml", SEED)
    original = _crawl_and_analyse(
        SAMPLE_ESTATE, SAMPLE_ESTATE / "inventory.yaml", root / "original", mode
    )
    respelled = _crawl_and_analyse(estate, inventory, root / "respelled", mode)
    return original, respelled, root


def test_the_estate_really_is_respelled(both: Any) -> None:
    _, _, root = both
    text = (root / "estate" / "resources.jsonl").read_text("utf-8")
    assert "/resourcegroups/" in text.lower() and "/resourceGroups/" not in text
    assert "/providers/microsoft.network/" in text
    assert "/PE-FABRIKAM-SETTLEMENT" in text
    inventory = (root / "inventory.yaml").read_text("utf-8")
    assert (
        "72F988BF-0000-4000-8000-000000000001" in inventory and "CONTOSO-LANDING-ZONES" in inventory
    )


def test_a_respelled_estate_gives_the_same_graph(both: Any) -> None:
    (original, _), (respelled, _), _ = both
    assert QUERIES["changes"].run(respelled, previous=original) == []


def test_a_respelled_estate_gives_the_same_findings(both: Any) -> None:
    (_, original), (_, respelled), _ = both
    assert [f["kind"] for f in original["findings"]].count("unknown-tenant") >= 1
    assert _comparable(respelled) == _comparable(original)
    assert respelled["summary"] == original["summary"]
    assert respelled["topology"] == original["topology"]


def test_the_foreign_tenant_is_resolved_from_a_respelled_reference(both: Any) -> None:
    _, _, root = both
    foreign = json.loads((root / "respelled" / "snapshot" / "foreign.json").read_text("utf-8"))
    resolved = {f["subscriptionId"]: f["tenantId"] for f in foreign if f["status"] == "resolved"}
    assert (
        resolved["0d1e2f3a-0000-4000-8000-00000000000a"] == "0d1e2f3a-0000-4000-8000-000000000002"
    )
    assert resource_lines(root / "respelled" / "snapshot")


def test_links_name_a_subscription_spelled_with_a_capital() -> None:
    peering_target = (
        "/Subscriptions/BBBBBBBB-0000-4000-8000-000000000002/ResourceGroups/X"
        "/providers/Microsoft.Network/virtualNetworks/y"
    )
    vnet = {
        "id": "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v",
        "properties": {
            "virtualNetworkPeerings": [
                {
                    "name": "to-partner",
                    "properties": {"remoteVirtualNetwork": {"id": peering_target}},
                }
            ]
        },
    }
    assert linked_subscriptions(vnet) == {"bbbbbbbb-0000-4000-8000-000000000002"}
