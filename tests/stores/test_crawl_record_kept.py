"""Each run keeps its crawl record beside its graph, so it can be analysed again from
the store alone (`tenantmap analyse --run`), in both stores and across an upgrade."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from graph.stores import Store, open_store
from tests.stores.estate import SUB_A, TENANT, small_estate
from tests.stores.test_store_behaviour import ALL_SCOPES, NIGHT1, NIGHT2, record_run

CRAWL = {
    "format": "tenantmap.crawl/1",
    "principalTenant": TENANT,
    "tenantsCrawled": [TENANT],
    "subscriptionsCrawled": [SUB_A],
    "errors": [{"scope": f"/subscriptions/{SUB_A}", "status": 403, "code": "Denied"}],
    "shapeNotes": [],
    "source": {"kind": "resource-graph", "endpoint": "test"},
    "createdAt": NIGHT1,
}


def _finish_with_crawl(store: Store, run_id: str, crawl: dict[str, object] | None) -> None:
    store.finish_run(
        run_id,
        finished_at=NIGHT1,
        outcome="completed",
        exit_code=0,
        coverage={"complete": True},
        findings=[],
        report=None,
        crawl=crawl,
    )


def test_a_run_keeps_its_crawl_record_and_a_run_without_one_says_none(store: Store) -> None:
    first = store.begin_run(NIGHT1, {"kind": "resource-graph"}, None)
    store.write_graph(first, small_estate(), complete_scopes=ALL_SCOPES, seen_at=NIGHT1)
    _finish_with_crawl(store, first, CRAWL)
    second = record_run(store, small_estate(), NIGHT2)
    crawls = {run.id: run.crawl for run in store.runs()}
    assert crawls == {first: CRAWL, second: None}


def test_a_version_3_store_gains_the_crawl_record_and_keeps_its_runs(
    tmp_path: Path, tmp_state: Path
) -> None:
    path = tmp_path / "tenantmap.db"
    store = open_store(f"sqlite:///{path}", state_dir=tmp_state)
    before = record_run(store, small_estate(), NIGHT1)
    store.close()
    db = sqlite3.connect(path)
    with db:  # the version 3 layout: runs without a crawl column
        db.execute("ALTER TABLE runs DROP COLUMN crawl")
        db.execute("UPDATE meta SET value = '3' WHERE key = 'schema'")
    db.close()

    store = open_store(f"sqlite:///{path}", state_dir=tmp_state)
    try:
        after = store.begin_run(NIGHT2, {"kind": "resource-graph"}, None)
        store.write_graph(after, small_estate(), complete_scopes=ALL_SCOPES, seen_at=NIGHT2)
        _finish_with_crawl(store, after, CRAWL)
        assert [(run.id, run.crawl) for run in store.runs()] == [(before, None), (after, CRAWL)]
    finally:
        store.close()
