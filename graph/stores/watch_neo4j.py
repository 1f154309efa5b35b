"""The watch's writes to Neo4j: the same four functions as watch_sqlite.py.

A cycle's items go through the nightly write's own batch functions (neo4j._write_nodes,
_write_edges), so they carry the same properties, digests and change log; they are
logged under the sequence number the next run will take and their `_lastRun` is set
back to the latest run's, as in SQLite. What a cycle finds gone is a
`(:WatchGone {kind, ident, at})` node, a cycle a `(:WatchCycle)` node, and the watch's
state the `(:TenantmapMeta {name: 'watch'})` node's `state` (JSON).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import neo4j

from graph.stores.common import (
    EdgeRow,
    NodeRow,
    check_identifier,
    digest,
    dumps,
    edge_identity,
    edge_row,
    node_row,
    parse_json,
    scope_of,
)
from graph.stores.neo4j import (
    META_LABEL,
    NODE_LABEL,
    RUN_LABEL,
    Neo4jStore,
    _run,
    _write_edges,
    _write_nodes,
)
from graph.watch_delta import EdgeKey, GraphDelta, gone_items

CYCLE_LABEL = "WatchCycle"
GONE_LABEL = "WatchGone"


def _runs(tx: neo4j.ManagedTransaction) -> int:
    record = _run(tx, f"MATCH (r:{RUN_LABEL}) RETURN coalesce(max(r.seq), 0) AS last").single()
    return int(record["last"]) if record else 0


def _node_rows(delta: GraphDelta) -> list[NodeRow]:
    rows = []
    for node, attrs in sorted(delta.nodes.items()):
        scope = scope_of(attrs)
        rows.append(node_row((node, scope, digest(node, scope, attrs), attrs)))
    return rows


def _edge_rows(delta: GraphDelta, scopes: dict[str, str | None]) -> list[EdgeRow]:
    rows = []
    for (source, key, target), attrs in sorted(delta.edges.items()):
        scope = scope_of(attrs) or scopes.get(source)
        item = digest(edge_identity(source, key, target), scope, attrs)
        rows.append(edge_row((source, key, target, scope, item, attrs)))
    return rows


def write_delta(
    store: Neo4jStore, delta: GraphDelta, *, at: str, scopes: dict[str, str | None]
) -> int:
    last = store._read(_runs)
    nodes = _node_rows(delta)
    if nodes:
        store._write(_write_nodes, nodes, last + 1, at, False)  # the store holds a run
    by_type: dict[str, list[EdgeRow]] = defaultdict(list)
    for row in _edge_rows(delta, scopes):
        by_type[check_identifier(row.type, "relationship type")].append(row)
    for edge_type, rows in sorted(by_type.items()):
        store._write(_write_edges, edge_type, rows, last + 1, at)

    def finish(tx: neo4j.ManagedTransaction) -> None:
        _run(
            tx,
            f"UNWIND $ids AS id MATCH (n:{NODE_LABEL} {{id: id}}) SET n._lastRun = $last",
            ids=[row.id for row in nodes],
            last=last,
        ).consume()
        _run(
            tx,
            f"UNWIND $rows AS row MATCH (:{NODE_LABEL} {{id: row.source}})-[r]->"
            f"(:{NODE_LABEL} {{id: row.target}}) WHERE r.key = row.key SET r._lastRun = $last",
            rows=[{"source": s, "key": k, "target": t} for s, k, t in delta.edges],
            last=last,
        ).consume()
        _run(
            tx,
            f"UNWIND $rows AS row MERGE (g:{GONE_LABEL} {{kind: row.kind, ident: row.ident}}) "
            "SET g.at = $at",
            rows=[{"kind": "node", "ident": n} for n in sorted(delta.gone_nodes)]
            + [{"kind": "edge", "ident": edge_identity(*e)} for e in sorted(delta.gone_edges)],
            at=at,
        ).consume()

    store._write(finish)
    return delta.elements


def gone_since(store: Neo4jStore, since: str) -> tuple[set[str], set[EdgeKey]]:
    def work(tx: neo4j.ManagedTransaction) -> list[tuple[str, str]]:
        return [
            (r["kind"], r["ident"])
            for r in _run(
                tx,
                f"MATCH (g:{GONE_LABEL}) WHERE g.at >= $since RETURN g.kind AS kind, "
                "g.ident AS ident",
                since=since,
            )
        ]

    return gone_items(store._read(work))


def load_state(store: Neo4jStore) -> dict[str, Any]:
    def work(tx: neo4j.ManagedTransaction) -> str | None:
        record = _run(
            tx, f"MATCH (m:{META_LABEL} {{name: 'watch'}}) RETURN m.state AS state"
        ).single()
        return None if record is None else record["state"]

    return dict(parse_json(store._read(work), {}))


def record_cycle(store: Neo4jStore, cycle: dict[str, Any], state: dict[str, Any]) -> None:
    def work(tx: neo4j.ManagedTransaction) -> None:
        props = {
            k: (dumps(v) if isinstance(v, list | dict) else v)
            for k, v in cycle.items()
            if v is not None
        }
        _run(
            tx,
            f"MATCH (c:{CYCLE_LABEL}) WITH coalesce(max(c.seq), 0) + 1 AS seq "
            f"CREATE (c:{CYCLE_LABEL}) SET c = $props, c.seq = seq",
            props=props,
        ).consume()
        _run(
            tx, f"MERGE (m:{META_LABEL} {{name: 'watch'}}) SET m.state = $state", state=dumps(state)
        ).consume()

    store._write(work)


def cycles(store: Neo4jStore) -> list[dict[str, Any]]:
    def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
        return [dict(r["c"]) for r in _run(tx, f"MATCH (c:{CYCLE_LABEL}) RETURN c ORDER BY c.seq")]

    out = []
    for item in store._read(work):
        for name in ("findingsRaised", "errors", "newSubscriptions"):
            if isinstance(item.get(name), str):
                item[name] = parse_json(item[name], [])
        item.pop("seq", None)
        out.append(item)
    return out
