"""The watch's writes to the SQLite store (docs/spec/watch.md): the graph items of one
cycle updated in place, what the cycle found gone marked, the cycle recorded, and the
change-feed marks kept. Narrow functions beside the nightly write (sqlite.py), which
they leave as it is.

In place, and still in the history: a changed row's previous state goes to the change
log under the sequence number the next run will take, and a new row is born under
it, so the graph of an earlier run replays as it was, and the next run's stale marking
(rows last written before it) covers what a watch added. A watch never marks a row
stale: what it found gone is kept in `watch_gone` until the next completed run.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from graph.stores.common import (
    EDGE_RESERVED,
    NODE_RESERVED,
    StoreError,
    digest,
    dumps,
    edge_identity,
    encode_props,
    parse_json,
    scope_of,
)
from graph.stores.sqlite import _BEFORE, SqliteStore
from graph.watch_delta import EdgeKey, GraphDelta, gone_items

_SCHEMA = """
CREATE TABLE IF NOT EXISTS watch_cycles (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  outcome TEXT NOT NULL,
  base_run TEXT,
  changes_seen INTEGER NOT NULL,
  items_reread INTEGER NOT NULL,
  elements_written INTEGER NOT NULL,
  findings_raised TEXT NOT NULL,
  errors TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS watch_gone (
  kind TEXT NOT NULL,
  ident TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (kind, ident)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS watch_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_NODE_UPSERT = (
    "INSERT INTO nodes (id, label, props, scope, digest, first_seen, last_seen, present, "
    "first_run, last_run) VALUES (:id, :label, :props, :scope, :digest, :at, :at, 1, :next, "
    ":last) "
    "ON CONFLICT (id) DO UPDATE SET label = excluded.label, props = excluded.props, "
    "scope = excluded.scope, digest = excluded.digest, last_seen = excluded.last_seen, "
    "present = 1, stale_run = NULL"
)
_EDGE_UPSERT = (
    "INSERT INTO edges (source, key, target, type, props, scope, digest, first_seen, "
    "last_seen, present, first_run, last_run) VALUES (:source, :key, :target, :type, :props, "
    ":scope, :digest, :at, :at, 1, "
    ":next, :last) ON CONFLICT (source, key, target) DO UPDATE SET type = excluded.type, "
    "props = excluded.props, scope = excluded.scope, digest = excluded.digest, "
    "last_seen = excluded.last_seen, present = 1, stale_run = NULL"
)
_LOG_NODE = (
    "INSERT INTO changes (run, node, before) SELECT :next, t.id, "
    + _BEFORE.format(t="t", kind="label")
    + " FROM nodes AS t WHERE t.id = :id"
)
_LOG_EDGE = (
    "INSERT INTO changes (run, source, key, target, before) SELECT :next, t.source, t.key, "
    "t.target, "
    + _BEFORE.format(t="t", kind="type")
    + " FROM edges AS t WHERE t.source = :source AND t.key = :key AND t.target = :target"
)


def _ensure(store: SqliteStore) -> sqlite3.Connection:
    store.settle()  # a first write still committing in its writer process
    db = store._db
    try:
        db.executescript(_SCHEMA)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot prepare the SQLite store {store.path} for watch: {exc}") from exc
    return db


def _node_row(node: str, attrs: dict[str, Any]) -> tuple[Any, ...]:
    scope = scope_of(attrs)
    props = encode_props(attrs, NODE_RESERVED)
    return (
        node,
        str(attrs.get("label") or "Resource"),
        dumps(props),
        scope,
        digest(node, scope, attrs),
    )


def _edge_row(
    ident: EdgeKey, attrs: dict[str, Any], scopes: dict[str, str | None]
) -> tuple[Any, ...]:
    source, key, target = ident
    scope = scope_of(attrs) or scopes.get(source)
    props = encode_props(attrs, EDGE_RESERVED)
    edge_type = str(attrs.get("type") or key.split(":", 1)[0])
    item_digest = digest(edge_identity(source, key, target), scope, attrs)
    return (source, key, target, edge_type, dumps(props), scope, item_digest)


def write_delta(
    store: SqliteStore, delta: GraphDelta, *, at: str, scopes: dict[str, str | None]
) -> int:
    """Write one cycle's items (O(len(delta)) rows) in one transaction; the count written.
    `scopes` gives the scope of an edge's source node when the edge names none."""
    db = _ensure(store)
    with store._transaction():
        last = int(db.execute("SELECT coalesce(max(seq), 0) FROM runs").fetchone()[0])
        params = {"at": at, "next": last + 1, "last": last}
        node_rows = sorted(_node_row(n, a) for n, a in delta.nodes.items())
        edge_rows = sorted(_edge_row(i, a, scopes) for i, a in delta.edges.items())
        node_names = ("id", "label", "props", "scope", "digest")
        edge_names = ("source", "key", "target", "type", "props", "scope", "digest")
        for sql_log, sql_upsert, names, rows in (
            (_LOG_NODE, _NODE_UPSERT, node_names, node_rows),
            (_LOG_EDGE, _EDGE_UPSERT, edge_names, edge_rows),
        ):
            for row in rows:
                values = {**params, **dict(zip(names, row, strict=True))}
                db.execute(sql_log, values)  # the state before, for the history
                db.execute(sql_upsert, values)
        db.executemany(
            "INSERT OR REPLACE INTO watch_gone (kind, ident, at) VALUES ('node', ?, ?)",
            ((node, at) for node in sorted(delta.gone_nodes)),
        )
        db.executemany(
            "INSERT OR REPLACE INTO watch_gone (kind, ident, at) VALUES ('edge', ?, ?)",
            ((edge_identity(*e), at) for e in sorted(delta.gone_edges)),
        )
    return delta.elements


def gone_since(store: SqliteStore, since: str) -> tuple[set[str], set[EdgeKey]]:
    """What watch cycles marked gone at or after `since` (the last full run's start)."""
    db = _ensure(store)
    return gone_items(db.execute("SELECT kind, ident FROM watch_gone WHERE at >= ?", (since,)))


def load_state(store: SqliteStore) -> dict[str, Any]:
    db = _ensure(store)
    row = db.execute("SELECT value FROM watch_state WHERE key = 'state'").fetchone()
    return dict(parse_json(row[0], {})) if row else {}


def record_cycle(store: SqliteStore, cycle: dict[str, Any], state: dict[str, Any]) -> None:
    """The cycle's row and the watch's state (change-feed marks, findings raised since
    the last full run), in one transaction."""
    db = _ensure(store)
    with store._transaction():
        db.execute(
            "INSERT INTO watch_cycles (started_at, finished_at, outcome, base_run, changes_seen, "
            "items_reread, elements_written, findings_raised, errors) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                cycle["startedAt"],
                cycle["finishedAt"],
                cycle["outcome"],
                cycle.get("baseRun"),
                cycle["changesSeen"],
                cycle["itemsReread"],
                cycle["elementsWritten"],
                dumps(cycle["findingsRaised"]),
                dumps(cycle["errors"]),
            ),
        )
        db.execute(
            "INSERT OR REPLACE INTO watch_state (key, value) VALUES ('state', ?)", (dumps(state),)
        )


def cycles(store: SqliteStore) -> list[dict[str, Any]]:
    db = _ensure(store)
    names = (
        "startedAt",
        "finishedAt",
        "outcome",
        "baseRun",
        "changesSeen",
        "itemsReread",
        "elementsWritten",
        "findingsRaised",
        "errors",
    )
    out = []
    for row in db.execute(
        "SELECT started_at, finished_at, outcome, base_run, changes_seen, items_reread, "
        "elements_written, findings_raised, errors FROM watch_cycles ORDER BY seq"
    ):
        item = dict(zip(names, row, strict=True))
        item["findingsRaised"] = parse_json(item["findingsRaised"], [])
        item["errors"] = parse_json(item["errors"], [])
        out.append(item)
    return out
