"""Neo4j edges find their ends by the element ids of this write's node batches,
and never attach to the wrong node when an element id has moved on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import neo4j
import networkx as nx
import pytest

from graph.stores.common import (
    EdgeDigest,
    EdgeRow,
    edge_digests,
    edge_rows,
    edge_type_of,
    node_digests,
)
from graph.stores.neo4j import NODE_LABEL, Neo4jStore, _new_edge
from tests.neo4j_server import environment_auth
from tests.stores.estate import small_estate
from tests.stores.test_store_behaviour import ALL_SCOPES, NIGHT1, as_written

pytestmark = pytest.mark.neo4j


def element_ids(uri: str) -> dict[str, str]:
    with neo4j.GraphDatabase.driver(uri, auth=environment_auth()) as driver:
        records, _, _ = driver.execute_query(
            f"MATCH (n:{NODE_LABEL}) RETURN n.id AS id, elementId(n) AS eid"
        )
    return {record["id"]: record["eid"] for record in records}


def moved_ends(uri: str, graph: nx.MultiDiGraph) -> dict[str, tuple[str, int]]:
    """Every node's element id handed to another node, as if ids had been reused;
    each with the digest of the node it should name."""
    ids = element_ids(uri)
    keys = sorted(ids)
    digests = {node[0]: node[2] for node in node_digests(graph)}
    return {key: (ids[keys[(i + 1) % len(keys)]], digests[key]) for i, key in enumerate(keys)}


EdgeWriter = Callable[[Neo4jStore, nx.MultiDiGraph, dict[str, tuple[str, int]], int], None]


def written_between_moved_ends(uri: str, state: Path, write_edges: EdgeWriter) -> None:
    """Write the small estate's nodes, hand every element id to another node, let
    ``write_edges`` write the edges with those ends, and check each edge still joins
    its own two nodes."""
    graph = small_estate()
    nodes_only = graph.copy()
    nodes_only.remove_edges_from(list(nodes_only.edges))
    store = Neo4jStore(uri, state_dir=state)
    try:
        run = store.begin_run(NIGHT1, {"kind": "resource-graph"}, None)
        store.write_graph(run, nodes_only, complete_scopes=set(), seen_at=NIGHT1)
        seq, _ = store._run_seq(run)
        write_edges(store, graph, moved_ends(uri, nodes_only), seq)
        read = store.read_graph()
    finally:
        store.close()
    assert as_written(read)[1] == as_written(graph)[1]


def test_edges_whose_element_ids_name_other_nodes_are_written_between_their_own_ends(
    neo4j_empty_uri: str, tmp_state: Path
) -> None:
    def write_edges(
        store: Neo4jStore, graph: nx.MultiDiGraph, moved: dict[str, tuple[str, int]], seq: int
    ) -> None:
        by_type: dict[str, list[EdgeRow]] = {}
        for row in edge_rows(graph):
            by_type.setdefault(row.type, []).append(row)
        for edge_type, rows in by_type.items():
            store._write_edge_batch(edge_type, rows, seq, NIGHT1, frozenset(), moved)

    written_between_moved_ends(neo4j_empty_uri, tmp_state, write_edges)


def test_a_write_links_every_edge_to_the_nodes_its_ids_name(
    neo4j_empty_uri: str, tmp_state: Path
) -> None:
    graph = small_estate()
    store = Neo4jStore(neo4j_empty_uri, state_dir=tmp_state, batch_size=2)
    try:
        run = store.begin_run(NIGHT1, {"kind": "resource-graph"}, None)
        store.write_graph(run, graph, complete_scopes=ALL_SCOPES, seen_at=NIGHT1)
    finally:
        store.close()
    with neo4j.GraphDatabase.driver(neo4j_empty_uri, auth=environment_auth()) as driver:
        records, _, _ = driver.execute_query(
            f"MATCH (a:{NODE_LABEL})-[r]->(b:{NODE_LABEL}) RETURN a.id AS a, r.key AS k, b.id AS b"
        )
    assert {(r["a"], r["k"], r["b"]) for r in records} == {
        (source, key, target) for source, target, key in graph.edges(keys=True)
    }


def test_new_edges_whose_element_ids_name_other_nodes_are_written_between_their_own_ends(
    neo4j_empty_uri: str, tmp_state: Path
) -> None:
    def write_edges(
        store: Neo4jStore, graph: nx.MultiDiGraph, moved: dict[str, tuple[str, int]], seq: int
    ) -> None:
        by_type: dict[str, list[EdgeDigest]] = {}
        for edge in edge_digests(graph):
            by_type.setdefault(edge_type_of(edge), []).append(edge)
        for edge_type, items in by_type.items():
            rows = [_new_edge(item, moved) for item in items]
            store._create_edge_batch(edge_type, rows, items, seq, NIGHT1, False)

    written_between_moved_ends(neo4j_empty_uri, tmp_state, write_edges)
