"""Named queries read from a store answer as they do on the graph the build made."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import pytest

from graph.build import build_graph
from graph.queries import QUERIES, QueryError
from graph.schema import node_id
from graph.snapshot import Snapshot, load_snapshot
from graph.stores import Store, open_store
from tests.graph.handmade import (
    HUB_VNET,
    OUR_STORAGE,
    PARTNER_PE,
    contoso_resources,
    contoso_snapshot,
)


def record(store: Store, snap: Snapshot, graph: nx.MultiDiGraph, at: str) -> str:
    run = store.begin_run(at, {"kind": "handmade"}, None)
    scopes = set(snap.tenants_crawled) | set(snap.subscriptions_crawled)
    store.write_graph(run, graph, complete_scopes=scopes, seen_at=at)
    store.finish_run(
        run, finished_at=at, outcome="completed", exit_code=0, coverage={}, findings=[], report=None
    )
    return run


PARAMS = {"vnet-reach": (HUB_VNET,), "mg-subscriptions": ("mg-prod",)}


def test_every_query_answers_the_same_from_the_sqlite_store(tmp_path: Path) -> None:
    snap = load_snapshot(contoso_snapshot(tmp_path / "snap"))
    graph = build_graph(snap)
    store = open_store(None, state_dir=tmp_path / "state")
    try:
        record(store, snap, graph, "2026-11-27T02:00:00Z")
        for name, query in QUERIES.items():
            if query.needs_previous or query.from_report:
                continue
            params = PARAMS.get(name, ())
            assert query.run_on_store(store, *params) == query.run(graph, *params), name
    finally:
        store.close()


def test_changes_on_a_store_compare_its_two_latest_runs(tmp_path: Path) -> None:
    first = load_snapshot(contoso_snapshot(tmp_path / "night1"))
    resources = contoso_resources()
    hub = next(r for r in resources if r["id"] == HUB_VNET)
    hub["properties"]["virtualNetworkPeerings"][0]["properties"]["peeringState"] = "Disconnected"
    second = load_snapshot(contoso_snapshot(tmp_path / "night2", resources=resources))
    store = open_store(None, state_dir=tmp_path / "state")
    try:
        record(store, first, build_graph(first), "2026-11-27T02:00:00Z")
        record(store, second, build_graph(second), "2026-11-28T02:00:00Z")
        rows = QUERIES["changes"].run_on_store(store)
    finally:
        store.close()
    assert [(r["change"], r["property"], r["before"], r["after"]) for r in rows] == [
        ("changed", "peeringState", "Connected", "Disconnected")
    ]


def test_inbound_private_link_goes_stale_when_our_service_drops_it(tmp_path: Path) -> None:
    first = load_snapshot(contoso_snapshot(tmp_path / "night1"))
    resources = contoso_resources()
    storage = next(r for r in resources if r["id"] == OUR_STORAGE)
    storage["properties"]["privateEndpointConnections"] = []
    second = load_snapshot(contoso_snapshot(tmp_path / "night2", resources=resources))
    store = open_store(None, state_dir=tmp_path / "state")
    try:
        record(store, first, build_graph(first), "2026-11-27T02:00:00Z")
        record(store, second, build_graph(second), "2026-11-28T02:00:00Z")
        present = store.read_graph()
    finally:
        store.close()
    assert not present.has_edge(node_id(PARTNER_PE), node_id(OUR_STORAGE))


def test_a_query_from_the_latest_runs_report_names_that_run_once_purge_trimmed_it(
    tmp_path: Path,
) -> None:
    store = open_store(None, state_dir=tmp_path / "state")
    try:
        for night, exit_code in (("2026-10-01", 0), ("2026-10-02", 2)):
            run = store.begin_run(f"{night}T02:00:00Z", {"kind": "handmade"}, None)
            store.finish_run(
                run,
                finished_at=f"{night}T02:10:00Z",
                outcome="completed",
                exit_code=exit_code,
                coverage={},
                findings=[],
                report={"format": "tenantmap.report/1", "governance": {}},
            )
        store.purge(30, now=datetime(2026, 12, 1, tzinfo=UTC))  # keeps only the 1st (previous)

        with pytest.raises(QueryError, match=f"^run {run} is older than the retention period"):
            QUERIES["governance"].run_on_store(store)
    finally:
        store.close()
