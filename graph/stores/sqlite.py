"""The embedded store: one SQLite file (stdlib sqlite3, WAL).

A run's graph is written in one transaction. Each row keeps the digest of what
was last written (common.digest): the write reads the present rows' digests, and
only the new and changed items are encoded and staged in scratch files
(sqlite_stage), then merged with set-based statements (change log, upsert, marks
for items seen where the run did not read completely, stale marking of rows
whose digest no current item matched). A crash part way rolls the whole write
back, so the previous state stays readable. The first write into an empty store
inserts its rows straight into the tables, with a rollback journal, and a large
one's rows are inserted by a writer process (sqlite_writer) while the next are made.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import sys
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import networkx as nx

from graph.collector import collector_paused
from graph.stores.common import (
    TRIM_BATCH,
    Change,
    Delta,
    EdgeKey,
    ItemState,
    NodeKey,
    Outcome,
    RunRecord,
    ScopeReads,
    StoreError,
    WriteCounts,
    check_outcome,
    derive_last_seen,
    dumps,
    findings_apart,
    iso_utc,
    make_run_id,
    parse_json,
    replay_to,
    scope_reads,
    stored_run,
    to_graph,
)
from graph.stores.lock import StateLock
from graph.stores.report_text import history_of, report_parts
from graph.stores.sqlite_stage import Staged
from graph.stores.sqlite_writer import PendingWrite, configure, send_apart

PURGE_BATCH = 10_000
# From this many nodes and edges on, a first write's rows are inserted by a writer
# process (sqlite_writer) while the next ones are made: starting it costs about
# 0.25 s, what inserting some 70,000 rows here costs (3.7 us a row).
WRITER_PROCESS_FROM = 100_000
# 64 MiB of page cache. A write touches only what changed (digests), and a first
# write appends in key order: a cache holding the whole store (it was 512 MiB) cost
# as much memory as the store's size and saved no measurable CPU.
CACHE_KIB = 64 * 1024
WAL_SIZE_LIMIT = 64 * 1024 * 1024
# 2: nodes and edges are WITHOUT ROWID tables (one B-tree each, keyed by the primary
# key, instead of a rowid B-tree plus a key index: half the pages to write).
# 3: each row keeps the digest of what was last written (common.digest), so a write
# stages and merges only what changed.
# 4: each run keeps its crawl record (graph.crawl_record), so it can be analysed again
# from the store alone.
# 5: a run's report is kept in a table of its own, the row's last value, where SQLite
# can write it page by page through a blob handle (in runs, with columns after it,
# SQLite made the whole value in memory first); runs.report holds earlier runs' reports.
# 6: purge deletes the report, findings, coverage and crawl record of runs older than the
# retention (but the previous run's); trimmed_runs says which, and when.
SCHEMA_VERSION = "6"


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
  stale_run INTEGER,
  digest INTEGER
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
  digest INTEGER,
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
  complete_scopes TEXT,
  crawl TEXT
);
CREATE TABLE IF NOT EXISTS reports (
  run INTEGER PRIMARY KEY REFERENCES runs (seq),
  report BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS trimmed_runs (
  run INTEGER PRIMARY KEY REFERENCES runs (seq),
  trimmed_at TEXT NOT NULL
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

# Stale rows only (none on most nights, a few per night otherwise): purge finds them
# without reading the live ones, and a write that marks nothing stale pays nothing.
_STALE_INDEXES = """
CREATE INDEX IF NOT EXISTS nodes_stale ON nodes (last_seen) WHERE present = 0;
CREATE INDEX IF NOT EXISTS edges_stale ON edges (last_seen) WHERE present = 0;
"""

# The state of a stored row in the change log's JSON form (common.ItemState.to_json).
_BEFORE = """json_object(
  'kind', {t}.{kind}, 'props', json({t}.props), 'scope', {t}.scope,
  'firstSeen', {t}.first_seen, 'lastSeen', {t}.last_seen,
  'present', json(CASE WHEN {t}.present THEN 'true' ELSE 'false' END),
  'firstRun', {t}.first_run, 'lastRun', {t}.last_run)"""

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


@dataclass(frozen=True)
class _Table:
    """The statements a graph write runs on one of the two item tables."""

    name: str
    key: str
    insert: str
    upsert: str
    mark: str
    log_stale: str
    set_stale: str


def _table(name: str, kind: str, key: tuple[str, ...], columns: str, log: str) -> _Table:
    stage = f"stage_{name}.{name}"
    keys = ", ".join(key)
    # Gone: present, in a scope read completely, not written this run, and its digest
    # matched by no current item (or unknown: written before digests were kept).
    gone = (
        "t.present = 1 AND t.last_run < :run AND t.scope IN (SELECT scope FROM temp.stage_scopes) "
        f"AND (t.digest IS NULL OR t.digest IN (SELECT digest FROM temp.leftover_{name}))"
    )
    prior = (
        "(SELECT p.{column} FROM temp.prior_reads p WHERE p.scope = t.scope AND p.seq > t.last_run)"
    )
    return _Table(
        name=name,
        key=keys,
        # The write's own values are SQL literals ({seen}, {run}), not parameters: each
        # row binds only its own (binding the same five values per row took a fifth of
        # the insert's time).
        insert=(
            f"INSERT INTO main.{name} ({columns}, digest, first_seen, last_seen, present, "
            f"first_run, last_run) VALUES ({', '.join('?' * (columns.count(',') + 2))}, "
            "{seen}, {seen}, 1, {run}, {run})"
        ),
        upsert=(
            f"INSERT INTO main.{name} ({columns}, digest, first_seen, last_seen, present, "
            f"first_run, last_run, stale_run) SELECT {columns}, digest, :seen, :seen, 1, :run, "
            f":run, NULL FROM {stage} WHERE true ORDER BY {keys} "
            f"ON CONFLICT ({keys}) DO UPDATE SET {kind} = excluded.{kind}, "
            "props = excluded.props, scope = excluded.scope, digest = excluded.digest, "
            "last_seen = excluded.last_seen, present = 1, last_run = excluded.last_run, "
            f"stale_run = NULL WHERE {name}.present = 0 OR {name}.{kind} IS NOT excluded.{kind} "
            f"OR {name}.props IS NOT excluded.props OR {name}.scope IS NOT excluded.scope "
            f"OR {name}.digest IS NOT excluded.digest"
        ),
        mark=(
            f"UPDATE main.{name} SET last_seen = :seen, last_run = :run "
            f"WHERE ({keys}) IN (SELECT {keys} FROM temp.marks_{name}) AND last_run < :run"
        ),
        log_stale=(
            f"INSERT INTO changes (run, {'node' if name == 'nodes' else keys}, before) "
            f"SELECT :run, {', '.join(f't.{c}' for c in key)}, {log} FROM main.{name} AS t "
            f"WHERE {gone}"
        ),
        # A row's lastSeen may be derived (the latest complete read of its scope): it is
        # made explicit as it goes stale, since stale rows derive nothing.
        set_stale=(
            f"UPDATE main.{name} AS t SET present = 0, stale_run = :run, "
            f"last_seen = coalesce({prior.format(column='seen')}, t.last_seen), "
            f"last_run = coalesce({prior.format(column='seq')}, t.last_run) WHERE {gone}"
        ),
    )


_NODES = _table(
    "nodes", "label", ("id",), "id, label, props, scope", _BEFORE.format(t="t", kind="label")
)
_EDGES = _table(
    "edges",
    "type",
    ("source", "key", "target"),
    "source, key, target, type, props, scope",
    _BEFORE.format(t="t", kind="type"),
)


def _fill(db: sqlite3.Connection, name: str, columns: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """A temporary table ``name`` holding just ``rows``."""
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} {columns}")
    db.execute(f"DELETE FROM temp.{name}")
    listed = list(rows)
    if listed:
        marks = ", ".join("?" * len(listed[0]))
        db.executemany(f"INSERT INTO temp.{name} VALUES ({marks})", listed)


# A run's report is read apart, through a blob handle (SqliteStore._report): here only
# the table that holds it (reports, or runs for a run stored before schema version 5).
_REPORT_TABLE = (
    "CASE WHEN EXISTS (SELECT 1 FROM reports WHERE reports.run = runs.seq) THEN 'reports' "
    "WHEN report IS NOT NULL THEN 'runs' END"
)
_TRIMMED_AT = "(SELECT trimmed_at FROM trimmed_runs WHERE trimmed_runs.run = runs.seq)"
_RUN_COLUMNS = (
    "seq, id, started_at, finished_at, outcome, exit_code, source, coverage, "
    f"inventory_sha256, findings, {_REPORT_TABLE}, seen_at, complete_scopes, crawl, "
    f"{_TRIMMED_AT}"
)
# _RUN_COLUMNS as a next run reads its previous one: no coverage, findings or crawl
_HISTORY_COLUMNS = (
    "seq, id, started_at, finished_at, outcome, exit_code, source, NULL, "
    f"inventory_sha256, NULL, {_REPORT_TABLE}, seen_at, complete_scopes, NULL, {_TRIMMED_AT}"
)
# _RUN_COLUMNS as a listing of runs reads them (run_summaries): none of the values that
# grow with the estate, and no report
_SUMMARY_COLUMNS = (
    "seq, id, started_at, finished_at, outcome, exit_code, source, NULL, "
    f"inventory_sha256, NULL, NULL, seen_at, NULL, NULL, {_TRIMMED_AT}"
)
# A run the next one compares with (RunRecord.counts_as_previous), as a condition on runs
_COUNTS_AS_PREVIOUS = "outcome = 'completed' AND exit_code IN (0, 1)"
# The run the next one compares with, after SELECT ...
_PREVIOUS = f"FROM runs WHERE {_COUNTS_AS_PREVIOUS} ORDER BY seq DESC LIMIT 1"
# The run the run numbered ? compared with, after SELECT ...
_PREVIOUS_BEFORE = f"FROM runs WHERE {_COUNTS_AS_PREVIOUS} AND seq < ? ORDER BY seq DESC LIMIT 1"


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


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _settled(
    method: Callable[Concatenate[SqliteStore, _P], _R],
) -> Callable[Concatenate[SqliteStore, _P], _R]:
    """A store method that first waits for a first write still committing in its
    writer process (SqliteStore._settle_write), and so sees it, or its error."""

    @functools.wraps(method)
    def settled(store: SqliteStore, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        store._settle_write()
        return method(store, *args, **kwargs)

    return settled


class SqliteStore:
    """The default store: a SQLite file in the state folder.

    A large first write returns once its writer process has every row and the word to
    commit (sqlite_writer.send_apart): the run analyses while the writer inserts the
    last rows and commits. Every other method (@_settled) first waits for that
    commit, so nothing reads or writes the store before it, and the write's error, if
    any, is raised by the first of them (finish_run, in a night)."""

    def __init__(self, path: Path, *, state_dir: Path) -> None:
        self.path = Path(path)
        self._lock = StateLock(Path(state_dir))
        self._checkpointer: threading.Thread | None = None
        self._last_write = WriteCounts()
        # A first write committing in its writer process, and the rollback journal it
        # keeps until then; the previous run (history only) as read before it began
        self._pending: tuple[PendingWrite, contextlib.ExitStack] | None = None
        self._previous_at_write: RunRecord | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            # Bigger pages: rows hold JSON property maps, and bulk merges touch many of
            # them (about 25% faster writes than 4 KiB; takes effect on a new file only).
            self._db.execute("PRAGMA page_size=16384")
            _to_wal(self._db)
            configure(self._db, CACHE_KIB)
            # The WAL is cut back to this size after each checkpoint.
            self._db.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
            self._db.executescript(_SCHEMA)
            self._db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,)
            )
            self._upgrade()
            self._db.executescript(_STALE_INDEXES)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the SQLite store {self.path}: {exc}") from exc

    def _upgrade(self) -> None:
        """Bring a store written by an earlier tenantmap to this schema, in one
        transaction (a crash part way leaves it as it was); refuse a newer one."""
        version = self._meta("schema") or SCHEMA_VERSION
        if version == SCHEMA_VERSION:
            return
        if version not in ("1", "2", "3", "4", "5"):
            raise StoreError(
                f"the SQLite store {self.path} has schema version {version}, newer than this "
                f"tenantmap reads ({SCHEMA_VERSION}): upgrade tenantmap"
            )
        with self._transaction():
            if "crawl" not in {row[1] for row in self._db.execute("PRAGMA table_info(runs)")}:
                self._db.execute("ALTER TABLE runs ADD COLUMN crawl TEXT")
            for table, ddl, columns in (
                ("nodes", _nodes_table, _NODE_COLUMNS),
                ("edges", _edges_table, _EDGE_COLUMNS),
            ):
                if version in ("3", "4", "5"):
                    break
                if version == "2":  # rows without a digest are written once more
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN digest INTEGER")
                    continue
                self._db.execute(ddl(f"{table}_v3"))
                self._db.execute(
                    f"INSERT INTO {table}_v3 ({columns}) SELECT {columns} FROM {table}"
                )
                self._db.execute(f"DROP TABLE {table}")
                self._db.execute(f"ALTER TABLE {table}_v3 RENAME TO {table}")
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))

    # --- lock ------------------------------------------------------------------------

    def acquire_lock(self) -> None:
        self._lock.acquire()

    def release_lock(self) -> None:
        self._lock.release()

    # --- runs ------------------------------------------------------------------------

    @_settled
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

    @_settled
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
        crawl: dict[str, Any] | None = None,
    ) -> None:
        check_outcome(outcome)
        # The report is the largest value of a run (122 MiB of JSON at 1,000,000
        # resources): serialised once, in pieces (report_text), and written into its row
        # through a blob handle, piece after piece; bound as a parameter, SQLite would hold
        # two more copies. Its findings are kept in it alone (findings_apart).
        parts = None if report is None else report_parts(report)
        apart = findings_apart(findings, report)
        with self._transaction():
            seq = self._run_seq(run_id)
            self._db.execute(
                "UPDATE runs SET finished_at = ?, outcome = ?, exit_code = ?, coverage = ?, "
                "findings = ?, report = NULL, crawl = ? WHERE seq = ?",
                (
                    finished_at,
                    outcome,
                    exit_code,
                    dumps(coverage),
                    None if apart is None else dumps(apart),
                    None if crawl is None else dumps(crawl),
                    seq,
                ),
            )
            self._db.execute("DELETE FROM reports WHERE run = ?", (seq,))
            if parts is not None:
                size = sum(map(len, parts))
                self._db.execute(
                    "INSERT INTO reports (run, report) VALUES (?, zeroblob(?))", (seq, size)
                )
                with self._db.blobopen("reports", "report", seq) as blob:
                    for part in parts:
                        blob.write(part)

    @_settled
    def runs(self) -> list[RunRecord]:
        with self._reading():
            rows = self._query(f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY seq")
            return [self._run_record(row) for row in rows]

    @_settled
    def run_summaries(self) -> list[RunRecord]:
        """Every run, in order, as runs() gives it but without its report, findings,
        coverage, crawl record and complete scopes (None or empty): what a listing of
        runs needs, and a small part of what runs() reads (a report alone is 122 MiB at
        1,000,000 resources)."""
        with self._reading():
            rows = self._query(f"SELECT {_SUMMARY_COLUMNS} FROM runs ORDER BY seq")
            return [self._run_record(row) for row in rows]

    @_settled
    def run_by_id(self, run_id: str) -> RunRecord | None:
        """The run ``run_id`` as runs() gives it, or None when there is no such run."""
        with self._reading():
            rows = self._query(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,))
            return self._run_record(rows[0]) if rows else None

    @_settled
    def holds_runs(self) -> bool:
        """Whether any run was ever begun here: runs() and previous_run() would read
        whole reports (hundreds of MB at 1,000,000 resources) to say as much."""
        return bool(self._query("SELECT EXISTS (SELECT 1 FROM runs)")[0][0])

    def previous_run(
        self, *, history_only: bool = False, before_seq: int | None = None
    ) -> RunRecord | None:
        if self._pending is not None and history_only and before_seq is None:
            # What a night reads right after its write: the answer as read just before a
            # first write began (it changes no completed run), so the night analyses
            # while the writer process commits instead of waiting for it here.
            return self._previous_at_write
        self._settle_write()
        return self._previous_run(history_only=history_only, before_seq=before_seq)

    def _previous_run(
        self, *, history_only: bool = False, before_seq: int | None = None
    ) -> RunRecord | None:
        # history_only: the run's findings, coverage and crawl are not even read, and of its
        # report only HISTORY_KEYS are kept. (Cutting them out with SQLite's JSON functions
        # instead left more memory behind: their working memory stays with the C heap.)
        columns = _HISTORY_COLUMNS if history_only else _RUN_COLUMNS
        with self._reading():
            if before_seq is None:
                rows = self._query(f"SELECT {columns} {_PREVIOUS}")
            else:
                rows = self._query(f"SELECT {columns} {_PREVIOUS_BEFORE}", (before_seq,))
            if not rows:
                return None
            if not history_only:
                return self._run_record(rows[0])
            # Its report's text is indexed, not parsed (report_text.history_of).
            row = rows[0]
            text = self._report(row[10], row[0]) if row[10] else None
            record = self._run_record((*row[:10], None, *row[11:]))
        return replace(record, report=history_of(text, self._where(record.id)), findings=[])

    def _where(self, run_id: str) -> str:
        return f"run {run_id} in the SQLite store {self.path} cannot be read"

    def _run_record(self, row: tuple[Any, ...]) -> RunRecord:
        (seq, run_id, started, finished, outcome, exit_code, source, coverage, sha, findings,
         report_table, seen_at, scopes, crawl, trimmed_at) = row  # fmt: skip
        return stored_run(
            f"the SQLite store {self.path}",
            run_id=run_id,
            seq=seq,
            started_at=started,
            finished_at=finished,
            outcome=outcome,
            exit_code=exit_code,
            source=source,
            coverage=coverage,
            inventory_sha256=sha,
            findings=findings,
            report=self._report(report_table, seq) if report_table else None,
            seen_at=seen_at,
            complete_scopes=tuple(parse_json(scopes, [])),
            crawl=crawl,
            trimmed_at=trimmed_at,
        )

    def _report(self, table: str, seq: int) -> bytes:
        """A run's report as stored in ``table`` (JSON, as UTF-8 bytes or, before schema
        version 5, text), read through a blob handle straight into one bytes object:
        selected as a column, it is copied twice."""
        try:
            with self._db.blobopen(table, "report", seq, readonly=True) as blob:
                return blob.read()
        except sqlite3.Error as exc:
            raise StoreError(f"reading the SQLite store {self.path} failed: {exc}") from exc

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """One read transaction: a run's row and its report, read apart, are of one moment."""
        try:
            self._db.execute("BEGIN")
        except sqlite3.Error as exc:
            raise StoreError(f"reading the SQLite store {self.path} failed: {exc}") from exc
        try:
            yield
        finally:
            self._rollback()

    # --- graph -----------------------------------------------------------------------

    def write_graph(
        self,
        run_id: str,
        graph: nx.MultiDiGraph,
        *,
        complete_scopes: set[str],
        seen_at: str,
    ) -> None:
        self._settle_write()
        self._finish_checkpoint()
        with collector_paused():
            self._write_graph(run_id, graph, complete_scopes, seen_at)
        if self._pending is not None:
            return  # a first write in a rollback journal: nothing to checkpoint
        self._checkpointer = threading.Thread(
            target=_checkpoint, args=(self.path,), name="tenantmap-sqlite-checkpoint", daemon=True
        )
        self._checkpointer.start()

    def settle(self) -> None:
        """Wait until the last write has committed and its background checkpoint has
        finished."""
        self._settle_write()
        self._finish_checkpoint()

    @property
    def last_write(self) -> WriteCounts:
        """What the latest write_graph sent (once it has committed)."""
        self._settle_write()
        return self._last_write

    def _settle_write(self) -> None:
        """Wait for a first write committing in its writer process: its row count, the
        store back in WAL mode, and StoreError if it failed (raised once)."""
        if self._pending is None:
            return
        pending, journal = self._pending
        self._pending, self._previous_at_write = None, None
        with journal:
            try:
                written = pending.finish()
            except StoreError as exc:
                raise StoreError(f"writing the SQLite store {self.path} failed: {exc}") from exc
        self._last_write = WriteCounts(written=written)

    def _finish_checkpoint(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.join()
            self._checkpointer = None

    def _write_graph(
        self, run_id: str, graph: nx.MultiDiGraph, complete_scopes: set[str], seen_at: str
    ) -> None:
        db = self._db
        scopes = sorted({scope.lower() for scope in complete_scopes})
        try:
            if self._empty():
                self._write_first(run_id, graph, scopes, seen_at)
                return
            # The digests of the present rows (the state lock keeps other writers out
            # until the merge): only new, changed and gone items are staged and merged.
            change = Delta(
                graph,
                _present_digests(db, "nodes"),
                lambda: _present_digests(db, "edges"),
                frozenset(scopes),
            )
            with Staged(change, self.path.parent) as (nodes, edges):
                # ATTACH is refused inside a transaction: the scratch files join first.
                db.execute("ATTACH DATABASE ? AS stage_nodes", (str(nodes),))
                try:
                    db.execute("ATTACH DATABASE ? AS stage_edges", (str(edges),))
                    try:
                        self._merge(run_id, change, scopes, seen_at)
                    finally:
                        db.execute("DETACH DATABASE stage_edges")
                finally:
                    db.execute("DETACH DATABASE stage_nodes")
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"writing the SQLite store {self.path} failed: {exc}") from exc

    def _empty(self) -> bool:
        """No row at all, present or stale: a write has nothing to compare with."""
        return not self._db.execute(
            "SELECT EXISTS (SELECT 1 FROM nodes) OR EXISTS (SELECT 1 FROM edges)"
        ).fetchone()[0]

    def _write_first(
        self, run_id: str, graph: nx.MultiDiGraph, scopes: list[str], seen: str
    ) -> None:
        """The first write into an empty store: every row is new, so the sorted rows go
        straight into the store's tables, in one transaction. Staging them in a scratch
        file and merging it would write every row twice (the merge was a third of
        a first write's time) with nothing to upsert, log or mark stale.

        Rows are made one at a time as they are inserted, in key order (the
        primary-key B-trees grow at their end): a write never holds them all. A large
        graph's rows are inserted by a writer process (sqlite_writer) while the next
        ones are made; a small one's here, where starting a process would cost more."""
        change = Delta(graph, set(), set(), frozenset(scopes))
        run = self._run_seq(run_id)
        setup = (
            "UPDATE runs SET seen_at = ?, complete_scopes = ? WHERE seq = ?",
            (seen, dumps(scopes), run),
        )
        inserts = [
            (table.insert.format(seen=_sql_text(seen), run=int(run)), rows)
            for table, rows in (
                (_NODES, change.node_rows(in_key_order=True)),
                (_EDGES, change.edge_rows(in_key_order=True)),
            )
        ]
        written = 0
        if _at_least(graph, WRITER_PROCESS_FROM):
            # A store with no graph yet has at most small runs to compare with.
            previous = self._previous_run(history_only=True)
            # The journal stays a rollback one until the writer has committed
            # (_settle_write): returning to the WAL needs the file to itself.
            journal = contextlib.ExitStack()
            journal.enter_context(self._rollback_journal())
            with contextlib.ExitStack() as on_failure:
                on_failure.push(journal)
                try:
                    pending = send_apart(self.path, setup, inserts, cache_kib=CACHE_KIB)
                except StoreError as exc:
                    raise StoreError(f"writing the SQLite store {self.path} failed: {exc}") from exc
                on_failure.pop_all()
            self._pending, self._previous_at_write = (pending, journal), previous
            return
        with self._rollback_journal(), self._transaction():
            self._db.execute(*setup)
            for insert, rows in inserts:
                written += self._db.executemany(insert, rows).rowcount
        self._last_write = WriteCounts(written=written)

    @contextlib.contextmanager
    def _rollback_journal(self) -> Iterator[None]:
        """The first write with a rollback journal instead of the WAL.

        In WAL mode every page goes to the WAL and is then copied into the database:
        a first write of 1,000,000 resources put 2.4 GB into each, and on a machine
        where growing a file is dear (the 2-core VM the benchmarks run on charged 5-13
        s of kernel time per GB of new file data) writing them was most of the write's
        time. A rollback journal keeps only
        the pages the write changes, and a first write appends its pages past the end
        of an empty store: the journal stays a few pages long and the rows are written
        once. A crash part way still rolls back (the journal left beside the file is
        replayed when the store is next opened). Another connection holding the store
        open keeps it in WAL mode: the write is then only slower."""
        db = self._db
        try:
            switched = db.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
        except sqlite3.OperationalError:
            switched = False
        try:
            yield
        finally:
            if switched:
                # A reader that came meanwhile may hold the file a while longer: the
                # store is then switched back when it is next opened.
                with contextlib.suppress(sqlite3.OperationalError):
                    _to_wal(db)

    def _merge(self, run_id: str, change: Delta, scopes: list[str], seen_at: str) -> None:
        db = self._db
        counts = WriteCounts()
        with self._transaction():
            run = self._run_seq(run_id)
            gone_possible = bool(scopes and (change.node_leftover or change.edge_leftover))
            prior = scope_reads(self._scope_runs()) if gone_possible else {}
            db.execute(
                "UPDATE runs SET seen_at = ?, complete_scopes = ? WHERE seq = ?",
                (seen_at, dumps(scopes), run),
            )
            _fill(db, "stage_scopes", "(scope TEXT PRIMARY KEY)", ((s,) for s in scopes))
            params = {"run": run, "seen": seen_at}
            for trigger in _CHANGE_TRIGGERS:
                db.execute(trigger)
            for table, marks in ((_NODES, change.node_marks), (_EDGES, change.edge_marks)):
                # New, changed and present-again rows, read in key order (the scratch
                # tables are keyed), so the store's primary-key B-trees grow at their end
                # instead of splitting pages all over.
                counts.written += db.execute(table.upsert, params).rowcount
                # Seen again where the run did not read completely: only lastSeen moves
                # (elsewhere a present row's lastSeen is derived from the run's scopes).
                _fill(db, f"marks_{table.name}", f"({table.key}, PRIMARY KEY ({table.key}))", marks)
                counts.marked += db.execute(table.mark, params).rowcount
            db.execute("DROP TRIGGER temp.log_node_change")
            db.execute("DROP TRIGGER temp.log_edge_change")
            if gone_possible:
                counts.stale = self._mark_stale(change, prior, params)
        self._last_write = counts

    def _scope_runs(self) -> list[tuple[int, str | None, list[str] | None]]:
        """(seq, seen_at, complete scopes) of every run whose graph write finished."""
        return [
            (seq, seen, parse_json(scopes, None))
            for seq, seen, scopes in self._db.execute(
                "SELECT seq, seen_at, complete_scopes FROM runs WHERE complete_scopes IS NOT NULL"
            )
        ]

    def _mark_stale(self, change: Delta, prior: ScopeReads, params: dict[str, object]) -> int:
        """Stale: not seen by this run, in a scope this run read completely. Only rows
        whose digest no current item matched can be (a scan, on nights that lost
        something or skipped a scope)."""
        db = self._db
        _fill(
            db,
            "prior_reads",
            "(scope TEXT PRIMARY KEY, seq INTEGER, seen TEXT)",
            ((scope, *read) for scope, read in prior.items()),
        )
        stale = 0
        for table, leftover in ((_NODES, change.node_leftover), (_EDGES, change.edge_leftover)):
            if not leftover:
                continue
            _fill(
                db,
                f"leftover_{table.name}",
                "(digest INTEGER PRIMARY KEY)",
                ((item,) for item in leftover if item is not None),
            )
            db.execute(table.log_stale, params)
            stale += db.execute(table.set_stale, params).rowcount
        return stale

    @_settled
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
            seq: int | None = None
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
            reads = scope_reads(self._scope_runs(), upto=seq)
            derive_last_seen(nodes.values(), reads)
            derive_last_seen(edges.values(), reads)
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"reading the SQLite store {self.path} failed: {exc}") from exc
        except StoreError:
            self._rollback()
            raise
        return to_graph(nodes, edges, include_stale)

    @_settled
    def purge(self, retention_days: int, *, now: datetime | None = None) -> int:
        """Delete items stale for longer than ``retention_days``, in bounded batches, and
        the report, findings, coverage and crawl record of the runs that started before
        then (_trim_runs).

        Stale rows are found through partial indexes that hold only stale rows, so a
        night with nothing stale costs two empty index lookups; edges go with their
        stale ends (as DETACH DELETE does in Neo4j) or on their own."""
        moment = now or datetime.now(UTC)
        cutoff = iso_utc(moment - timedelta(days=retention_days))
        db = self._db
        try:
            db.execute("BEGIN")  # one consistent read; the state lock keeps writers out
            nodes = [
                row[0]
                for row in db.execute(
                    "SELECT id FROM nodes WHERE present = 0 AND last_seen < ?", (cutoff,)
                )
            ]
            edges = set(
                db.execute(
                    "SELECT source, key, target FROM edges WHERE present = 0 AND last_seen < ?",
                    (cutoff,),
                )
            )
            if nodes:
                _fill(db, "purged_nodes", "(id TEXT PRIMARY KEY)", ((i,) for i in nodes))
                # One pass over the edges, only on a night that deletes nodes.
                edges.update(
                    db.execute(
                        "SELECT source, key, target FROM edges "
                        "WHERE source IN (SELECT id FROM temp.purged_nodes) "
                        "OR target IN (SELECT id FROM temp.purged_nodes)"
                    )
                )
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"reading the SQLite store {self.path} failed: {exc}") from exc
        for statement, keys in (
            ("DELETE FROM edges WHERE source = ? AND key = ? AND target = ?", sorted(edges)),
            ("DELETE FROM nodes WHERE id = ?", [(i,) for i in nodes]),
        ):
            for start in range(0, len(keys), PURGE_BATCH):
                with self._transaction():
                    db.executemany(statement, keys[start : start + PURGE_BATCH])
        deleted = len(nodes) + len(edges)
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
        self._trim_runs(cutoff, iso_utc(moment))
        return deleted

    def _trim_runs(self, cutoff: str, trimmed_at: str) -> int:
        """Delete the report, findings, coverage and crawl record of every finished run
        that started before ``cutoff``, but the previous run (the next night compares
        with it however old it is), TRIM_BATCH runs per transaction; the rows stay, so
        the history of which runs happened does. Returns how many runs were trimmed.

        The pages a deleted report held go to the file's free list and later writes
        reuse them: the file stops growing without a VACUUM (which would rewrite the
        whole store, and need as much free disk again, every night)."""
        db = self._db
        seqs = [
            row[0]
            for row in self._query(
                "SELECT seq FROM runs WHERE started_at < ? AND outcome IS NOT NULL "
                f"AND seq NOT IN (SELECT run FROM trimmed_runs) AND seq IS NOT (SELECT seq "
                f"{_PREVIOUS}) ORDER BY seq",
                (cutoff,),
            )
        ]
        for start in range(0, len(seqs), TRIM_BATCH):
            batch = [(seq,) for seq in seqs[start : start + TRIM_BATCH]]
            with self._transaction():
                db.executemany("DELETE FROM reports WHERE run = ?", batch)
                db.executemany(
                    "UPDATE runs SET coverage = NULL, findings = NULL, report = NULL, "
                    "crawl = NULL WHERE seq = ?",
                    batch,
                )
                db.executemany(
                    "INSERT INTO trimmed_runs (run, trimmed_at) VALUES (?, ?)",
                    [(seq, trimmed_at) for (seq,) in batch],
                )
        return len(seqs)

    def close(self) -> None:
        try:
            self._settle_write()
            self._finish_checkpoint()
        finally:
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


def _at_least(graph: nx.MultiDiGraph, items: int) -> bool:
    """Whether ``graph`` holds at least ``items`` nodes and edges. networkx counts a
    multigraph's edges by summing every node's degree (about 2 s at 1,000,000
    resources), so the nodes alone answer first when they can."""
    nodes = graph.number_of_nodes()
    return nodes >= items or nodes + graph.number_of_edges() >= items


def _present_digests(db: sqlite3.Connection, table: str) -> set[int | None]:
    """The digests of ``table``'s present rows (rows without one, written before digests
    were kept, are matched by none and rewritten: common.Delta).

    They come as one text of fixed-width hex, unpacked in C: a cursor makes a tuple
    per row, which took three times as long as SQLite's scan."""
    text, unknown = db.execute(
        "SELECT group_concat(CASE WHEN digest IS NOT NULL THEN printf('%016x', digest) END, ''), "
        f"count(*) - count(digest) FROM {table} WHERE present = 1"
    ).fetchone()
    digests = array("q", bytes.fromhex(text or ""))
    if sys.byteorder == "little":  # the hex is big-endian
        digests.byteswap()
    stored: set[int | None] = set(digests)
    if unknown:  # None: some may be gone (_mark_stale looks at them)
        stored.add(None)
    return stored


def _to_wal(db: sqlite3.Connection, patience: float = 30.0) -> None:
    """Put the store in WAL mode. Leaving a rollback journal (SqliteStore._rollback_journal)
    takes the file to itself, and SQLite refuses at once, without waiting as it does for
    other locks, while another connection still holds it: a first write's writer
    process rolling back after its sender was killed, or a reader. So it is retried
    until ``patience`` runs out."""
    deadline = time.monotonic() + patience
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


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


def _sql_text(value: str) -> str:
    """``value`` as an SQL string literal."""
    if "\0" in value:
        raise StoreError(f"{value!r} holds a NUL character: not a time the store can keep")
    return "'" + value.replace("'", "''") + "'"
