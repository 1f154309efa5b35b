"""The embedded store: one SQLite file (stdlib sqlite3, WAL).

A run's graph is written in one transaction: rows are staged in temporary
tables with ``executemany``, then merged with set-based statements (change log,
upsert, stale marking). A crash part way rolls the whole write back, so the
previous state stays readable.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import networkx as nx

from graph.collector import collector_paused
from graph.stores.common import (
    Change,
    EdgeKey,
    ItemState,
    NodeKey,
    Outcome,
    RunRecord,
    StoreError,
    check_outcome,
    dumps,
    make_run_id,
    parse_json,
    replay_to,
    to_graph,
)
from graph.stores.lock import StateLock
from graph.stores.sqlite_stage import Staged

log = logging.getLogger("tenantmap.store")

PURGE_BATCH = 10_000
WAL_SIZE_LIMIT = 64 * 1024 * 1024
# 2: nodes and edges are WITHOUT ROWID tables (one B-tree each, keyed by the primary
# key, instead of a rowid B-tree plus a key index: half the pages to write).
SCHEMA_VERSION = "2"


def _nodes_table(name: str) -> str:
    return f"""CREATE TABLE IF NOT EXISTS {name} (
  id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  props TEXT NOT NULL,
  scope TEXT,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  present INTEGER NOT NULL,
  first_run INTEGER,
  last_run INTEGER,
  stale_run INTEGER
) WITHOUT ROWID;"""


def _edges_table(name: str) -> str:
    return f"""CREATE TABLE IF NOT EXISTS {name} (
  source TEXT NOT NULL,
  key TEXT NOT NULL,
  target TEXT NOT NULL,
  type TEXT NOT NULL,
  props TEXT NOT NULL,
  scope TEXT,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  present INTEGER NOT NULL,
  first_run INTEGER,
  last_run INTEGER,
  stale_run INTEGER,
  PRIMARY KEY (source, key, target)
) WITHOUT ROWID;"""


_NODE_COLUMNS = (
    "id, label, props, scope, first_seen, last_seen, present, first_run, last_run, stale_run"
)
_EDGE_COLUMNS = (
    "source, key, target, type, props, scope, first_seen, last_seen, present, first_run, "
    "last_run, stale_run"
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT,
  exit_code INTEGER,
  source TEXT NOT NULL,
  coverage TEXT,
  inventory_sha256 TEXT,
  findings TEXT,
  report TEXT,
  seen_at TEXT,
  complete_scopes TEXT
);
{nodes}
{edges}
CREATE TABLE IF NOT EXISTS changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run INTEGER NOT NULL,
  node TEXT,
  source TEXT,
  key TEXT,
  target TEXT,
  before TEXT
);
CREATE INDEX IF NOT EXISTS changes_run ON changes (run);
""".format(nodes=_nodes_table("nodes"), edges=_edges_table("edges"))

# The state of a stored row in the change log's JSON form (common.ItemState.to_json).
_BEFORE = """json_object(
  'kind', {t}.{kind}, 'props', json({t}.props), 'scope', {t}.scope,
  'firstSeen', {t}.first_seen, 'lastSeen', {t}.last_seen,
  'present', json(CASE WHEN {t}.present THEN 'true' ELSE 'false' END),
  'firstRun', {t}.first_run, 'lastRun', {t}.last_run)"""
_NODE_BEFORE = _BEFORE.format(t="n", kind="label")
_EDGE_BEFORE = _BEFORE.format(t="e", kind="type")

# The merge's upserts log the state of each row they change (present again, new
# label/type or new properties) as they update it: one pass instead of a join first.
_CHANGE_TRIGGERS = (
    "CREATE TEMP TRIGGER log_node_change AFTER UPDATE ON main.nodes "
    "WHEN new.present = 1 AND (old.present = 0 OR old.label IS NOT new.label "
    "OR old.props IS NOT new.props) BEGIN "
    "INSERT INTO changes (run, node, before) VALUES (new.last_run, old.id, "
    + _BEFORE.format(t="old", kind="label")
    + "); END",
    "CREATE TEMP TRIGGER log_edge_change AFTER UPDATE ON main.edges "
    "WHEN new.present = 1 AND (old.present = 0 OR old.type IS NOT new.type "
    "OR old.props IS NOT new.props) BEGIN "
    "INSERT INTO changes (run, source, key, target, before) "
    "VALUES (new.last_run, old.source, old.key, old.target, "
    + _BEFORE.format(t="old", kind="type")
    + "); END",
)

_RUN_COLUMNS = (
    "seq, id, started_at, finished_at, outcome, exit_code, source, coverage, "
    "inventory_sha256, findings, report, seen_at, complete_scopes"
)


def sqlite_path(url: str) -> Path:
    """The file a ``sqlite:///relative.db`` or ``sqlite:////absolute.db`` URL names."""
    rest = url[len("sqlite://") :]
    if not rest.startswith("/") or rest == "/":
        raise ValueError(
            f"store URL {url!r} names no file: use sqlite:///relative/path.db "
            "or sqlite:////absolute/path.db"
        )
    # One slash after "sqlite://" starts a relative path, two an absolute one.
    return Path(rest[1:])


class SqliteStore:
    """The default store: a SQLite file in the state folder."""

    def __init__(self, path: Path, *, state_dir: Path) -> None:
        self.path = Path(path)
        self._lock = StateLock(Path(state_dir))
        self._checkpointer: threading.Thread | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            # Bigger pages: rows hold JSON property maps, and bulk merges touch many of
            # them (about 25% faster writes than 4 KiB; takes effect on a new file only).
            self._db.execute("PRAGMA page_size=16384")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA temp_store=MEMORY")
            # A cache that holds most of a large estate's pages: the nightly upsert touches
            # every row, and a smaller cache spills and re-reads pages in the middle of it.
            self._db.execute("PRAGMA cache_size=-524288")
            # A graph write fills the WAL with the whole graph; copying it back into the
            # database (the checkpoint) runs on a thread of its own after the commit
            # (SQLite's advice for applications that control checkpoints), so the run
            # goes on meanwhile. The WAL is cut back to this size after each checkpoint.
            self._db.execute("PRAGMA wal_autocheckpoint=0")
            self._db.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
            self._db.executescript(_SCHEMA)
            self._db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,)
            )
            self._upgrade()
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the SQLite store {self.path}: {exc}") from exc

    def _upgrade(self) -> None:
        """Bring a store written by an earlier tenantmap to this schema, in one
        transaction (a crash part way leaves it as it was); refuse a newer one."""
        version = self._meta("schema") or SCHEMA_VERSION
        if version == SCHEMA_VERSION:
            return
        if version != "1":
            raise StoreError(
                f"the SQLite store {self.path} has schema version {version}, newer than this "
                f"tenantmap reads ({SCHEMA_VERSION}): upgrade tenantmap"
            )
        with self._transaction():
            for table, ddl, columns in (
                ("nodes", _nodes_table, _NODE_COLUMNS),
                ("edges", _edges_table, _EDGE_COLUMNS),
            ):
                self._db.execute(ddl(f"{table}_v2"))
                self._db.execute(
                    f"INSERT INTO {table}_v2 ({columns}) SELECT {columns} FROM {table}"
                )
                self._db.execute(f"DROP TABLE {table}")
                self._db.execute(f"ALTER TABLE {table}_v2 RENAME TO {table}")
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))

    # --- lock ------------------------------------------------------------------------

    def acquire_lock(self) -> None:
        self._lock.acquire()

    def release_lock(self) -> None:
        self._lock.release()

    # --- runs ------------------------------------------------------------------------

    def begin_run(
        self, started_at: str, source: dict[str, Any], inventory_sha256: str | None
    ) -> str:
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO runs (id, started_at, source, inventory_sha256) VALUES (?, ?, ?, ?)",
                (f"pending-{id(self)}-{started_at}", started_at, dumps(source), inventory_sha256),
            )
            seq = int(cursor.lastrowid or 0)
            run_id = make_run_id(started_at, seq)
            self._db.execute("UPDATE runs SET id = ? WHERE seq = ?", (run_id, seq))
        return run_id

    def finish_run(
        self,
        run_id: str,
        *,
        finished_at: str,
        outcome: Outcome,
        exit_code: int,
        coverage: dict[str, Any],
        findings: list[dict[str, Any]],
        report: dict[str, Any] | None,
    ) -> None:
        check_outcome(outcome)
        with self._transaction():
            self._run_seq(run_id)
            self._db.execute(
                "UPDATE runs SET finished_at = ?, outcome = ?, exit_code = ?, coverage = ?, "
                "findings = ?, report = ? WHERE id = ?",
                (
                    finished_at,
                    outcome,
                    exit_code,
                    dumps(coverage),
                    dumps(findings),
                    None if report is None else dumps(report),
                    run_id,
                ),
            )

    def runs(self) -> list[RunRecord]:
        rows = self._query(f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY seq")
        return [_run_record(row) for row in rows]

    def previous_run(self) -> RunRecord | None:
        rows = self._query(
            f"SELECT {_RUN_COLUMNS} FROM runs WHERE outcome = 'completed' "
            "AND exit_code IN (0, 1) ORDER BY seq DESC LIMIT 1"
        )
        return _run_record(rows[0]) if rows else None

    # --- graph -----------------------------------------------------------------------

    def write_graph(
        self,
        run_id: str,
        graph: nx.MultiDiGraph,
        *,
        complete_scopes: set[str],
        seen_at: str,
    ) -> None:
        # Staging forks only while this is the sole thread: a running checkpoint ends first.
        self._finish_checkpoint()
        with collector_paused():
            self._write_graph(run_id, graph, complete_scopes, seen_at)
        self._checkpointer = threading.Thread(
            target=_checkpoint, args=(self.path,), name="tenantmap-sqlite-checkpoint", daemon=True
        )
        self._checkpointer.start()

    def settle(self) -> None:
        """Wait until the background checkpoint of the last write has finished."""
        self._finish_checkpoint()

    def _finish_checkpoint(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.join()
            self._checkpointer = None

    def _write_graph(
        self, run_id: str, graph: nx.MultiDiGraph, complete_scopes: set[str], seen_at: str
    ) -> None:
        db = self._db
        try:
            with Staged(graph, self.path.parent) as staged:
                nodes, edges = staged.finish()
                if log.isEnabledFor(logging.DEBUG):  # counting edges walks them all
                    log.debug(
                        "staged %d nodes and %d edges %s",
                        graph.number_of_nodes(),
                        graph.number_of_edges(),
                        "with the edges in a forked child" if staged.forked else "in this process",
                    )
                # ATTACH is refused inside a transaction: the scratch files join first.
                db.execute("ATTACH DATABASE ? AS stage_nodes", (str(nodes),))
                try:
                    db.execute("ATTACH DATABASE ? AS stage_edges", (str(edges),))
                    try:
                        self._merge(run_id, complete_scopes, seen_at)
                    finally:
                        db.execute("DETACH DATABASE stage_edges")
                finally:
                    db.execute("DETACH DATABASE stage_nodes")
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"writing the SQLite store {self.path} failed: {exc}") from exc

    def _merge(self, run_id: str, complete_scopes: set[str], seen_at: str) -> None:
        db = self._db
        scopes = sorted({scope.lower() for scope in complete_scopes})
        with self._transaction():
            run = self._run_seq(run_id)
            db.execute(
                "UPDATE runs SET seen_at = ?, complete_scopes = ? WHERE seq = ?",
                (seen_at, dumps(scopes), run),
            )
            # Nothing stored yet (a first write): nothing can have gone stale either.
            had_items = db.execute(
                "SELECT EXISTS (SELECT 1 FROM nodes) OR EXISTS (SELECT 1 FROM edges)"
            ).fetchone()[0]
            params = {"run": run, "seen": seen_at}
            for trigger in _CHANGE_TRIGGERS:
                db.execute(trigger)
            # Both read in key order (the scratch rows were written sorted): the store's
            # primary-key B-trees grow at their end instead of splitting pages all over.
            db.execute(
                "INSERT INTO nodes (id, label, props, scope, first_seen, last_seen, present, "
                "first_run, last_run, stale_run) "
                "SELECT id, label, props, scope, :seen, :seen, 1, :run, :run, NULL "
                "FROM stage_nodes.nodes WHERE true ORDER BY rowid "
                "ON CONFLICT (id) DO UPDATE SET label = excluded.label, props = excluded.props, "
                "scope = excluded.scope, last_seen = excluded.last_seen, present = 1, "
                "last_run = excluded.last_run, stale_run = NULL",
                params,
            )
            db.execute(
                "INSERT INTO edges (source, key, target, type, props, scope, first_seen, "
                "last_seen, present, first_run, last_run, stale_run) "
                "SELECT source, key, target, type, props, scope, :seen, :seen, 1, :run, :run, NULL "
                "FROM stage_edges.edges WHERE true ORDER BY rowid "
                "ON CONFLICT (source, key, target) DO UPDATE SET type = excluded.type, "
                "props = excluded.props, scope = excluded.scope, last_seen = excluded.last_seen, "
                "present = 1, last_run = excluded.last_run, stale_run = NULL",
                params,
            )
            db.execute("DROP TRIGGER temp.log_node_change")
            db.execute("DROP TRIGGER temp.log_edge_change")
            if had_items and scopes:
                self._mark_stale(scopes, params)

    def _mark_stale(self, scopes: list[str], params: dict[str, object]) -> None:
        """Stale: not seen by this run, in a scope this run read completely."""
        db = self._db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS stage_scopes (scope TEXT PRIMARY KEY)")
        db.execute("DELETE FROM temp.stage_scopes")
        db.executemany("INSERT INTO temp.stage_scopes VALUES (?)", ((s,) for s in scopes))
        stale_nodes = (
            "FROM nodes n WHERE n.present = 1 AND n.last_run < :run "
            "AND n.scope IN (SELECT scope FROM temp.stage_scopes)"
        )
        db.execute(
            f"INSERT INTO changes (run, node, before) SELECT :run, n.id, {_NODE_BEFORE} "
            + stale_nodes,
            params,
        )
        db.execute(
            "UPDATE nodes SET present = 0, stale_run = :run WHERE id IN (SELECT n.id "
            + stale_nodes
            + ")",
            params,
        )
        stale_edges = (
            "FROM edges e WHERE e.present = 1 AND e.last_run < :run "
            "AND e.scope IN (SELECT scope FROM temp.stage_scopes)"
        )
        db.execute(
            "INSERT INTO changes (run, source, key, target, before) "
            f"SELECT :run, e.source, e.key, e.target, {_EDGE_BEFORE} " + stale_edges,
            params,
        )
        db.execute(
            "UPDATE edges SET present = 0, stale_run = :run WHERE (source, key, target) IN "
            "(SELECT e.source, e.key, e.target " + stale_edges + ")",
            params,
        )
        db.execute("DELETE FROM temp.stage_scopes")

    def read_graph(self, run_id: str | None = None, include_stale: bool = False) -> nx.MultiDiGraph:
        with collector_paused():
            return self._read_graph(run_id, include_stale)

    def _read_graph(self, run_id: str | None, include_stale: bool) -> nx.MultiDiGraph:
        try:
            self._db.execute("BEGIN")  # one consistent read
            nodes: dict[NodeKey, ItemState] = {
                row[0]: _item(row[1:])
                for row in self._db.execute(
                    "SELECT id, label, props, scope, first_seen, last_seen, present, first_run, "
                    "last_run FROM nodes"
                )
            }
            edges: dict[EdgeKey, ItemState] = {
                (row[0], row[1], row[2]): _item(row[3:])
                for row in self._db.execute(
                    "SELECT source, key, target, type, props, scope, first_seen, last_seen, "
                    "present, first_run, last_run FROM edges"
                )
            }
            if run_id is not None:
                seq = self._run_seq(run_id)
                oldest = self._meta("oldest_readable_run")
                if oldest is not None and seq < int(oldest):
                    raise StoreError(
                        f"run {run_id} is older than the retention period: its graph is no "
                        "longer kept"
                    )
                seen_rows = self._db.execute(
                    "SELECT seen_at FROM runs WHERE seq = ?", (seq,)
                ).fetchall()
                changes = [
                    _change(row)
                    for row in self._db.execute(
                        "SELECT seq, run, node, source, key, target, before FROM changes "
                        "WHERE run > ?",
                        (seq,),
                    )
                ]
                replay_to(nodes, edges, changes, seq, seen_rows[0][0] if seen_rows else None)
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"reading the SQLite store {self.path} failed: {exc}") from exc
        except StoreError:
            self._rollback()
            raise
        return to_graph(nodes, edges, include_stale)

    def purge(self, retention_days: int, *, now: datetime | None = None) -> int:
        """Delete items stale for longer than ``retention_days``, in bounded batches."""
        cutoff = _iso((now or datetime.now(UTC)) - timedelta(days=retention_days))
        deleted = 0
        while True:
            with self._transaction():
                ids = [
                    row[0]
                    for row in self._db.execute(
                        "SELECT id FROM nodes WHERE present = 0 AND last_seen < ? LIMIT ?",
                        (cutoff, PURGE_BATCH),
                    )
                ]
                self._db.executemany("DELETE FROM nodes WHERE id = ?", ((i,) for i in ids))
            deleted += len(ids)
            if len(ids) < PURGE_BATCH:
                break
        # Edges go with their stale ends (as DETACH DELETE does in Neo4j) or on their own.
        condition = (
            "(e.present = 0 AND e.last_seen < :cutoff) "
            "OR NOT EXISTS (SELECT 1 FROM nodes WHERE id = e.source) "
            "OR NOT EXISTS (SELECT 1 FROM nodes WHERE id = e.target)"
        )
        while True:
            with self._transaction():
                count = self._db.execute(
                    "DELETE FROM edges WHERE (source, key, target) IN "
                    "(SELECT e.source, e.key, e.target FROM edges e WHERE "
                    f"{condition} LIMIT :limit)",
                    {"cutoff": cutoff, "limit": PURGE_BATCH},
                ).rowcount
            deleted += count
            if count < PURGE_BATCH:
                break
        with self._transaction():
            rows = self._db.execute(
                "SELECT max(seq) FROM runs WHERE started_at < ?", (cutoff,)
            ).fetchall()
            last_old = rows[0][0] if rows else None
            if last_old is not None:
                self._db.execute("DELETE FROM changes WHERE run <= ?", (last_old,))
                self._db.execute(
                    "INSERT INTO meta (key, value) VALUES ('oldest_readable_run', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(last_old),),
                )
        return deleted

    def close(self) -> None:
        self._finish_checkpoint()
        self._lock.release()
        with contextlib.suppress(sqlite3.Error):
            # The last connection to close checkpoints whatever the WAL still holds.
            self._db.close()

    # --- helpers ---------------------------------------------------------------------

    def _transaction(self) -> _Transaction:
        return _Transaction(self)

    def _rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"reading the SQLite store {self.path} failed: {exc}") from exc

    def _run_seq(self, run_id: str) -> int:
        rows = self._db.execute("SELECT seq FROM runs WHERE id = ?", (run_id,)).fetchall()
        if not rows:
            raise StoreError(f"no run {run_id!r} in the store {self.path}")
        return int(rows[0][0])

    def _meta(self, key: str) -> str | None:
        rows = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchall()
        return str(rows[0][0]) if rows else None


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; sqlite errors become StoreError."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    def __enter__(self) -> None:
        try:
            self.store._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the SQLite store {self.store.path}: {exc}") from exc

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> None:
        db = self.store._db
        if kind is None:
            try:
                db.execute("COMMIT")
                return
            except sqlite3.Error as error:
                self.store._rollback()
                raise StoreError(
                    f"writing the SQLite store {self.store.path} failed: {error}"
                ) from error
        self.store._rollback()
        if isinstance(exc, sqlite3.Error):
            raise StoreError(f"writing the SQLite store {self.store.path} failed: {exc}") from exc


def _checkpoint(path: Path) -> None:
    """Copy the WAL into the database beside whatever else runs (PASSIVE: it never
    blocks readers or writers). A failure only leaves the WAL longer: the next
    checkpoint, or closing the store, copies it."""
    with contextlib.suppress(sqlite3.Error):
        db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        try:
            db.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            db.close()


def _item(row: tuple[Any, ...]) -> ItemState:
    kind, props, scope, first_seen, last_seen, present, first_run, last_run = row
    return ItemState(
        kind,
        parse_json(props, {}),
        scope,
        first_seen,
        last_seen,
        bool(present),
        first_run,
        last_run,
    )


def _change(row: tuple[Any, ...]) -> Change:
    order, run, node, source, key, target, before = row
    return Change(
        run=run,
        order=order,
        node=node,
        edge=None if node is not None else (source, key, target),
        before=None if before is None else ItemState.from_json(before),
    )


def _run_record(row: tuple[Any, ...]) -> RunRecord:
    (seq, run_id, started, finished, outcome, exit_code, source, coverage, sha, findings,
     report, seen_at, scopes) = row  # fmt: skip
    return RunRecord(
        id=run_id,
        seq=seq,
        started_at=started,
        finished_at=finished,
        outcome=outcome,
        exit_code=exit_code,
        source=parse_json(source, {}),
        coverage=parse_json(coverage, None),
        inventory_sha256=sha,
        findings=parse_json(findings, []),
        report=parse_json(report, None),
        seen_at=seen_at,
        complete_scopes=tuple(parse_json(scopes, [])),
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
