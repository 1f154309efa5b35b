"""A loader written the way Cartography loads its graph, as the yardstick for the
Neo4j store (issue 17). Our own code following the published pattern, not
Cartography's:

* a range index on ``id`` per node label;
* one writer, batches of 10,000;
* nodes: ``UNWIND $rows AS item MERGE (n:Label {id: item.id}) SET ...`` with an
  update tag on every node;
* relationships: ``MATCH`` both ends by label and id, ``MERGE`` the relationship,
  set its update tag;
* cleanup: delete, in batches, the nodes and relationships whose update tag is not
  this run's.

It writes the same property values as the store (common.encode_props), labels
prefixed with ``Carto`` so neither loader's indexes touch the other's nodes.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from graph.schema import PROP_LABEL  # noqa: E402
from graph.stores.common import EDGE_RESERVED, NODE_RESERVED, encode_props  # noqa: E402

BATCH = 10_000
PREFIX = "Carto"


def _label(attrs: dict[str, Any]) -> str:
    return PREFIX + str(attrs.get(PROP_LABEL) or "Resource")


def create_indexes(driver: neo4j.Driver, graph: nx.MultiDiGraph) -> None:
    labels = {_label(attrs) for _, attrs in graph.nodes(data=True)}
    for label in sorted(labels):
        driver.execute_query(f"CREATE INDEX IF NOT EXISTS FOR (n:{label}) ON (n.id)")
    driver.execute_query("CALL db.awaitIndexes(300)")


def drop_indexes(driver: neo4j.Driver) -> None:
    records, _, _ = driver.execute_query("SHOW INDEXES YIELD name, labelsOrTypes")
    for record in records:
        if any(str(label).startswith(PREFIX) for label in record["labelsOrTypes"] or ()):
            driver.execute_query(f"DROP INDEX `{record['name']}`")


def load(driver: neo4j.Driver, graph: nx.MultiDiGraph, update_tag: int) -> None:
    """One sync: every node and relationship merged with this tag, then the rest
    cleaned up."""
    nodes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node_id, attrs in graph.nodes(data=True):
        props = encode_props(attrs, NODE_RESERVED)
        props["id"] = str(node_id)
        nodes[_label(attrs)].append(props)
    labels = {str(node_id): _label(attrs) for node_id, attrs in graph.nodes(data=True)}
    rels: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        rel_type = str(attrs.get("type") or str(key).split(":", 1)[0])
        rels[(labels[str(source)], rel_type, labels[str(target)])].append(
            {
                "source": str(source),
                "target": str(target),
                "props": encode_props(attrs, EDGE_RESERVED),
            }
        )
    with driver.session() as session:
        for label, rows in sorted(nodes.items()):
            query = (
                f"UNWIND $rows AS item MERGE (n:{label} {{id: item.id}}) "
                "ON CREATE SET n.firstseen = timestamp() "
                "SET n += item, n.lastupdated = $tag"
            )
            for start in range(0, len(rows), BATCH):
                session.execute_write(_run, query, rows[start : start + BATCH], update_tag)
        for (source_label, rel_type, target_label), rows in sorted(rels.items()):
            query = (
                f"UNWIND $rows AS item MATCH (a:{source_label} {{id: item.source}}) "
                f"MATCH (b:{target_label} {{id: item.target}}) "
                f"MERGE (a)-[r:{rel_type}]->(b) ON CREATE SET r.firstseen = timestamp() "
                "SET r += item.props, r.lastupdated = $tag"
            )
            for start in range(0, len(rows), BATCH):
                session.execute_write(_run, query, rows[start : start + BATCH], update_tag)
        for source_label, rel_type, target_label in sorted(rels):
            _clean(
                session,
                f"MATCH (:{source_label})-[r:{rel_type}]->(:{target_label}) "
                "WHERE r.lastupdated <> $tag WITH r LIMIT $limit DELETE r RETURN count(*) AS n",
                update_tag,
            )
        for label in sorted(nodes):
            _clean(
                session,
                f"MATCH (n:{label}) WHERE n.lastupdated <> $tag "
                "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n",
                update_tag,
            )


def _run(tx: neo4j.ManagedTransaction, query: str, rows: list[dict[str, Any]], tag: int) -> None:
    tx.run(query, rows=rows, tag=tag).consume()


def _clean(session: neo4j.Session, query: str, tag: int) -> None:
    while session.execute_write(_count, query, tag) >= BATCH:
        pass


def _count(tx: neo4j.ManagedTransaction, query: str, tag: int) -> int:
    return int(tx.run(query, tag=tag, limit=BATCH).single(strict=True)["n"])
