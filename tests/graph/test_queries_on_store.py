"""Named queries read from a store answer as they do on the graph the build made."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import networkx as nx
import pytest

from graph.build import build_graph
from graph.queries import QUERIES, QueryError
from graph.schema import node_id
from graph.snapshot import Snapshot, load_snapshot
from graph.stores import RunRecord, Store, open_store
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


def reading_no_run_history(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make ``store.runs()`` (every run with its report) fail; returns the ids of the
    runs read whole through ``store.run_by_id``, as they are read."""
    read: list[str] = []
    run_by_id = store.run_by_id

    def runs() -> NoReturn:
        raise AssertionError("runs() reads every run's report")

    def one_run(run_id: str) -> RunRecord | None:
        read.append(run_id)
        return run_by_id(run_id)

    monkeypatch.setattr(store, "runs", runs)
    monkeypatch.setattr(store, "run_by_id", one_run)
    return read


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


def governance_report(subscription: str) -> dict[str, Any]:
    row = {"subscription": subscription, "controls": {"tags": "present"}}
    return {"format": "tenantmap.report/1", "governance": {"controls": ["tags"], "rows": [row]}}


def test_a_query_from_the_latest_runs_report_reads_that_runs_record_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(None, state_dir=tmp_path / "state")
    try:
        for night, outcome, subscription in (
            ("2026-10-01", "completed", "sub-1"),
            ("2026-10-02", "completed", "sub-2"),
            ("2026-10-03", "failed", "sub-3"),
        ):
            run = store.begin_run(f"{night}T02:00:00Z", {"kind": "handmade"}, None)
            store.finish_run(
                run,
                finished_at=f"{night}T02:10:00Z",
                outcome=outcome,  # type: ignore[arg-type]
                exit_code=0 if outcome == "completed" else 3,
                coverage={},
                findings=[],
                report=governance_report(subscription),
            )
            if subscription == "sub-2":
                latest = run
        read = reading_no_run_history(store, monkeypatch)

        rows = QUERIES["governance"].run_on_store(store)
    finally:
        store.close()
    assert [r["subscriptionId"] for r in rows] == ["sub-2"]
    assert read == [latest]


def test_a_query_from_the_latest_runs_report_passes_over_a_completed_run_without_one(
    tmp_path: Path,
) -> None:
    store = open_store(None, state_dir=tmp_path / "state")
    try:
        for night, report in (
            ("2026-10-01", governance_report("sub-1")),
            ("2026-10-02", None),
        ):
            run = store.begin_run(f"{night}T02:00:00Z", {"kind": "handmade"}, None)
            store.finish_run(
                run,
                finished_at=f"{night}T02:10:00Z",
                outcome="completed",
                exit_code=0,
                coverage={},
                findings=[],
                report=report,
            )
        rows = QUERIES["governance"].run_on_store(store)
    finally:
        store.close()
    assert [r["subscriptionId"] for r in rows] == ["sub-1"]


def test_changes_on_a_store_read_no_runs_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snap = load_snapshot(contoso_snapshot(tmp_path / "snap"))
    store = open_store(None, state_dir=tmp_path / "state")
    try:
        for night in ("2026-11-27", "2026-11-28", "2026-11-29"):
            record(store, snap, build_graph(snap), f"{night}T02:00:00Z")
        read = reading_no_run_history(store, monkeypatch)

        rows = QUERIES["changes"].run_on_store(store)
    finally:
        store.close()
    assert rows == [] and read == []
