"""The analyses read only the graph and the run's crawl record.

A store gives a graph back with its nodes and edges in id order, not in the
order the build made them: the report must not depend on that order.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import networkx as nx

from graph.analysis import analyse
from graph.build import build_graph
from graph.crawl_record import crawl_record
from graph.inventory import load_inventory
from graph.snapshot import load_snapshot

RUN = {"id": "r1", "startedAt": "2026-11-27T02:00:00Z", "finishedAt": "2026-11-27T02:05:00Z"}


def _in_order(graph: nx.MultiDiGraph, *, reverse: bool) -> nx.MultiDiGraph:
    out = nx.MultiDiGraph()
    out.add_nodes_from(sorted(graph.nodes(data=True), key=lambda n: n[0], reverse=reverse))
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3], reverse=reverse)
    out.add_edges_from(edges)
    return out


def test_report_is_the_same_whatever_order_the_graph_holds_its_items_in(
    sample_estate: Path,
) -> None:
    snap = load_snapshot(sample_estate)
    graph = build_graph(snap)
    crawl = crawl_record(snap)
    inventory = load_inventory(sample_estate / "inventory.yaml")

    def report(g: nx.MultiDiGraph) -> dict[str, Any]:
        return analyse(g, crawl, inventory, today=dt.date(2026, 11, 27), run=RUN, previous=None)

    built = report(graph)
    assert built["findings"]
    assert report(_in_order(graph, reverse=False)) == built
    assert report(_in_order(graph, reverse=True)) == built
