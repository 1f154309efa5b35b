"""A first write into an empty SQLite store makes its rows as it inserts them, in the
store's key order (the primary-key B-trees grow at their end), whatever order the
graph holds them in."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graph.stores import open_store
from graph.stores.common import Delta
from tests.stores.estate import content, small_estate
from tests.stores.test_store_behaviour import ALL_SCOPES, NIGHT1, as_written, record_run


def reversed_estate() -> nx.MultiDiGraph:
    """The small estate with its nodes and edges added in reverse order."""
    estate = small_estate()
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(reversed(list(estate.nodes(data=True))))
    graph.add_edges_from(reversed(list(estate.edges(keys=True, data=True))))
    return graph


def test_first_write_rows_come_in_key_order() -> None:
    delta = Delta(reversed_estate(), set(), set(), frozenset())
    nodes = [row[0] for row in delta.node_rows(in_key_order=True)]
    edges = [row[:3] for row in delta.edge_rows(in_key_order=True)]
    assert nodes == sorted(nodes) and len(nodes) == len(reversed_estate())
    assert edges == sorted(edges) and len(edges) == reversed_estate().number_of_edges()


def test_rows_in_key_order_are_the_rows_in_graph_order_sorted() -> None:
    ordered = Delta(reversed_estate(), set(), set(), frozenset())
    as_held = Delta(reversed_estate(), set(), set(), frozenset())
    assert list(ordered.node_rows(in_key_order=True)) == sorted(as_held.node_rows())
    assert list(ordered.edge_rows(in_key_order=True)) == sorted(as_held.edge_rows())


def test_graph_with_ids_of_mixed_types_is_written_and_read_back(
    tmp_path: Path, tmp_state: Path
) -> None:
    graph = nx.MultiDiGraph()
    graph.add_node(7, label="Resource", name="seven")
    graph.add_node("b", label="Resource", name="bee")
    graph.add_edge(7, "b", key=3, type="LINKS")
    graph.add_edge("b", 7, key="LINKS", type="LINKS")
    store = open_store(f"sqlite:///{tmp_path / 'tenantmap.db'}", state_dir=tmp_state)
    try:
        record_run(store, graph, NIGHT1, scopes=set())
        read = store.read_graph()
    finally:
        store.close()
    assert sorted(read.nodes) == ["7", "b"]
    assert sorted(read.edges(keys=True)) == [("7", "b", "3"), ("b", "7", "LINKS")]


def test_first_write_of_a_reversed_graph_reads_back_as_written(
    tmp_path: Path, tmp_state: Path
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'tenantmap.db'}", state_dir=tmp_state)
    try:
        record_run(store, reversed_estate(), NIGHT1, scopes=ALL_SCOPES)
        assert content(store.read_graph()) == as_written(small_estate())
    finally:
        store.close()


def test_first_write_keeps_a_seen_time_holding_a_quote_as_given(
    tmp_path: Path, tmp_state: Path
) -> None:
    # The write's own values go into its insert statement as SQL literals.
    seen = "2026-11-01T02:00:00Z'); DROP TABLE nodes; --"
    store = open_store(f"sqlite:///{tmp_path / 'tenantmap.db'}", state_dir=tmp_state)
    try:
        record_run(store, small_estate(), seen, scopes=set())
        read = store.read_graph()
    finally:
        store.close()
    assert len(read) == len(small_estate())
    assert {attrs["firstSeen"] for _, attrs in read.nodes(data=True)} == {seen}
