"""A SQLite store written by an earlier tenantmap is upgraded in place on open, and
one written by a newer tenantmap is refused with a message saying so."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from graph.stores import StoreError, open_store
from graph.stores.sqlite import SqliteStore
from tests.stores.estate import SUB_A, small_estate, vnet_id
from tests.stores.test_store_behaviour import NIGHT1, NIGHT2, NIGHT3, as_written, record_run

# The nodes and edges tables of schema version 1 (tenantmap 0.1): rowid tables.
V1_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE nodes (
  id TEXT PRIMARY KEY, label TEXT NOT NULL, props TEXT NOT NULL, scope TEXT,
  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, present INTEGER NOT NULL,
  first_run INTEGER, last_run INTEGER, stale_run INTEGER
);
CREATE TABLE edges (
  source TEXT NOT NULL, key TEXT NOT NULL, target TEXT NOT NULL, type TEXT NOT NULL,
  props TEXT NOT NULL, scope TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
  present INTEGER NOT NULL, first_run INTEGER, last_run INTEGER, stale_run INTEGER,
  PRIMARY KEY (source, key, target)
);
INSERT INTO meta VALUES ('schema', '1');
"""


def as_version_1(path: Path) -> None:
    """Rewrite the store's nodes and edges tables in the version 1 layout, rows kept."""
    db = sqlite3.connect(path)
    with db:
        for table in ("nodes", "edges"):
            db.execute(f"ALTER TABLE {table} RENAME TO old_{table}")
        db.execute("DROP TABLE meta")
        db.executescript(V1_TABLES)
        for table in ("nodes", "edges"):
            columns = ", ".join(row[1] for row in db.execute(f"PRAGMA table_info({table})"))
            db.execute(f"INSERT INTO {table} SELECT {columns} FROM old_{table}")
            db.execute(f"DROP TABLE old_{table}")
    db.close()


def table_sql(path: Path) -> dict[str, str]:
    db = sqlite3.connect(path)
    try:
        return dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    finally:
        db.close()


def test_a_version_1_store_is_upgraded_on_open_and_keeps_its_graph_and_history(
    tmp_path: Path, tmp_state: Path
) -> None:
    path = tmp_path / "tenantmap.db"
    store = open_store(f"sqlite:///{path}", state_dir=tmp_state)
    record_run(store, small_estate(), NIGHT1)
    before = store.read_graph()
    store.close()
    as_version_1(path)
    assert "WITHOUT ROWID" not in table_sql(path)["nodes"]

    store = open_store(f"sqlite:///{path}", state_dir=tmp_state)
    try:
        assert as_written(store.read_graph()) == as_written(before)
        assert len(store.runs()) == 1
        record_run(store, small_estate(vnets_a=("hub",)), NIGHT2)
        assert store.read_graph(store.runs()[0].id).number_of_nodes() == before.number_of_nodes()
    finally:
        store.close()
    tables = table_sql(path)
    assert "WITHOUT ROWID" in tables["nodes"] and "WITHOUT ROWID" in tables["edges"]


def test_a_store_from_a_newer_tenantmap_is_refused_with_the_version_named(
    tmp_path: Path, tmp_state: Path
) -> None:
    path = tmp_path / "tenantmap.db"
    SqliteStore(path, state_dir=tmp_state).close()
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value = '9' WHERE key = 'schema'")
    db.close()
    with pytest.raises(StoreError, match="schema version 9, newer than this tenantmap"):
        SqliteStore(path, state_dir=tmp_state)


def test_a_version_2_store_gains_digests_and_writes_each_item_once_without_logging_a_change(
    tmp_path: Path, tmp_state: Path
) -> None:
    path = tmp_path / "tenantmap.db"
    graph = small_estate()
    store = open_store(f"sqlite:///{path}", state_dir=tmp_state)
    record_run(store, graph, NIGHT1)
    store.close()
    db = sqlite3.connect(path)
    with db:  # the version 2 layout: no digest column
        for table in ("nodes", "edges"):
            db.execute(f"ALTER TABLE {table} DROP COLUMN digest")
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    db.close()

    store = open_store(f"sqlite:///{path}", state_dir=tmp_state)
    try:
        record_run(store, graph, NIGHT2)
        assert store.last_write.written == graph.number_of_nodes() + graph.number_of_edges()
        record_run(store, graph, NIGHT3)
        assert (store.last_write.written, store.last_write.stale) == (0, 0)
    finally:
        store.close()
    db = sqlite3.connect(path)
    try:
        assert db.execute("SELECT count(*) FROM changes").fetchone()[0] == 0
    finally:
        db.close()


def test_an_item_without_a_digest_that_is_gone_is_marked_stale(
    tmp_path: Path, tmp_state: Path
) -> None:
    # A row written before digests were kept matches no current item: if the night
    # does not see it again in a scope it read completely, it is stale.
    path = tmp_path / "tenantmap.db"
    store = open_store(f"sqlite:///{path}", state_dir=tmp_state)
    record_run(store, small_estate(), NIGHT1)
    store.close()
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE nodes SET digest = NULL")
        db.execute("UPDATE edges SET digest = NULL")
    db.close()

    store = open_store(f"sqlite:///{path}", state_dir=tmp_state)
    try:
        record_run(store, small_estate(vnets_a=("hub",)), NIGHT2)
        graph = store.read_graph(include_stale=True)
    finally:
        store.close()
    assert graph.nodes[vnet_id(SUB_A, "spoke1")]["present"] is False
    assert graph.nodes[vnet_id(SUB_A, "hub")]["present"] is True
