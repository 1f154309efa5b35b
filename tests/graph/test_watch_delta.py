"""A watch cycle's change to the graph (graph/watch_delta.py): the re-read items only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.build import build_graph
from graph.snapshot import load_snapshot
from graph.watch_delta import apply_delta, graph_delta

VNET_DATA = (
    "/subscriptions/1a2b3c4d-0000-4000-8000-000000000109/resourceGroups/rg-data-net/"
    "providers/Microsoft.Network/virtualNetworks/vnet-data"
)
VNET_PAYMENTS = (
    "/subscriptions/1a2b3c4d-0000-4000-8000-000000000102/resourceGroups/rg-network/"
    "providers/Microsoft.Network/virtualNetworks/vnet-payments"
)
LITWARE_VNET = (
    "/subscriptions/9a8b7c6d-0000-4000-8000-0000000000b1/resourceGroups/rg/providers/"
    "Microsoft.Network/virtualNetworks/vnet-litware"
)


def _resources(folder: Path) -> dict[str, dict[str, Any]]:
    lines = (folder / "resources.jsonl").read_text("utf-8").splitlines()
    return {json.loads(line)["id"]: json.loads(line) for line in lines if line.strip()}


def _snapshot(source: Path, folder: Path, resources: list[dict[str, Any]]) -> Path:
    shutil.copytree(source, folder)
    text = "".join(json.dumps(r) + "\n" for r in sorted(resources, key=lambda r: r["id"].lower()))
    (folder / "resources.jsonl").write_text(text, "utf-8")
    return folder


@pytest.fixture(scope="module")
def full(sample_estate: Path) -> nx.MultiDiGraph:
    return build_graph(load_snapshot(sample_estate))


def _with_litware_peering(vnet: dict[str, Any]) -> dict[str, Any]:
    peering = {
        "id": f"{VNET_DATA}/virtualNetworkPeerings/peer-data-to-litware",
        "name": "peer-data-to-litware",
        "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
        "properties": {"peeringState": "Connected", "remoteVirtualNetwork": {"id": LITWARE_VNET}},
    }
    changed = json.loads(json.dumps(vnet))
    changed["properties"].setdefault("virtualNetworkPeerings", []).append(peering)
    return changed


def test_a_reread_vnet_brings_its_new_peering_and_nothing_else(
    full: nx.MultiDiGraph, sample_estate: Path, tmp_path: Path
) -> None:
    vnet = _with_litware_peering(_resources(sample_estate)[VNET_DATA])
    read = build_graph(load_snapshot(_snapshot(sample_estate, tmp_path / "read", [vnet])))
    graph = full.copy()
    delta = graph_delta(graph, read, reread=[VNET_DATA], gone=[])
    apply_delta(graph, delta)
    source = VNET_DATA.lower()
    assert graph.has_edge(source, LITWARE_VNET.lower(), "PEERS_WITH:peer-data-to-litware")
    # the new edge, and the placeholder VNet and subscription it names: a handful of items
    assert 1 <= delta.elements <= 6
    assert not delta.gone_nodes and not delta.gone_edges
    assert set(full.nodes) <= set(graph.nodes)


def test_the_same_resource_read_again_changes_nothing(
    full: nx.MultiDiGraph, sample_estate: Path, tmp_path: Path
) -> None:
    vnet = _resources(sample_estate)[VNET_PAYMENTS]
    read = build_graph(load_snapshot(_snapshot(sample_estate, tmp_path / "read", [vnet])))
    delta = graph_delta(full, read, reread=[VNET_PAYMENTS], gone=[])
    assert delta.elements == 0


def test_a_peering_gone_from_the_reread_vnet_is_marked_gone_not_deleted(
    full: nx.MultiDiGraph, sample_estate: Path, tmp_path: Path
) -> None:
    vnet = json.loads(json.dumps(_resources(sample_estate)[VNET_PAYMENTS]))
    peerings = vnet["properties"]["virtualNetworkPeerings"]
    vnet["properties"]["virtualNetworkPeerings"] = [
        p for p in peerings if p["name"] != "peer-payments-to-fabrikam-settlement"
    ]
    read = build_graph(load_snapshot(_snapshot(sample_estate, tmp_path / "read", [vnet])))
    delta = graph_delta(full, read, reread=[VNET_PAYMENTS], gone=[])
    (edge,) = delta.gone_edges
    assert edge[1] == "PEERS_WITH:peer-payments-to-fabrikam-settlement"
    assert not delta.nodes and not delta.edges
    assert full.has_edge(edge[0], edge[2], edge[1])  # the input graph is left alone


def test_a_deleted_resource_marks_its_node_children_and_edges_gone(
    full: nx.MultiDiGraph, sample_estate: Path, tmp_path: Path
) -> None:
    read = build_graph(load_snapshot(_snapshot(sample_estate, tmp_path / "read", [])))
    delta = graph_delta(full, read, reread=[], gone=[VNET_PAYMENTS])
    root = VNET_PAYMENTS.lower()
    subnets = {n for n in full.succ[root] if str(n).startswith(root + "/subnets/")}
    assert subnets and {root, *subnets} <= delta.gone_nodes
    assert all(root in (s, t) or s in subnets or t in subnets for s, _, t in delta.gone_edges)
    graph = full.copy()
    apply_delta(graph, delta)
    assert root not in graph
