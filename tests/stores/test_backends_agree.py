"""SQLite and Neo4j give back the same graph for the same writes."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.stores import open_store
from tests.stores.estate import SUB_A, TENANT, content, small_estate, vnet_id
from tests.stores.test_store_behaviour import ALL_SCOPES, NIGHT1, NIGHT2, record_run

pytestmark = pytest.mark.neo4j


def estate_with_every_kind_of_value() -> nx.MultiDiGraph:
    graph = small_estate()
    hub = vnet_id(SUB_A, "hub")
    graph.nodes[hub].update(
        count=3,
        ratio=0.25,
        enabled=False,
        ports=[22, 3389],
        mixed_numbers=[1, 2.5],
        mixed=["a", 1],
        nested={"rules": [{"port": 22}], "name": "ünïcode"},
        empty=[],
        nothing=None,
    )
    return graph


def test_sqlite_and_neo4j_read_back_equal_graphs_with_store_fields(
    neo4j_empty_uri: str, tmp_path: Path, tmp_state: Path
) -> None:
    reads = []
    for url in (f"sqlite:///{tmp_path / 'tenantmap.db'}", neo4j_empty_uri):
        store = open_store(url, state_dir=tmp_state)
        try:
            first = record_run(store, estate_with_every_kind_of_value(), NIGHT1)
            record_run(store, small_estate(vnets_a=("hub",)), NIGHT2, scopes=ALL_SCOPES - {TENANT})
            reads.append(
                (
                    content(store.read_graph(include_stale=True), with_store_fields=True),
                    content(store.read_graph(first), with_store_fields=True),
                )
            )
        finally:
            store.close()

    assert reads[0] == reads[1]


def test_both_stores_encode_structured_and_mixed_values_the_same_way(
    neo4j_empty_uri: str, tmp_path: Path, tmp_state: Path
) -> None:
    hub = vnet_id(SUB_A, "hub")
    for url in (f"sqlite:///{tmp_path / 'tenantmap.db'}", neo4j_empty_uri):
        store = open_store(url, state_dir=tmp_state)
        try:
            record_run(store, estate_with_every_kind_of_value(), NIGHT1)
            attrs = store.read_graph().nodes[hub]
        finally:
            store.close()
        assert attrs["ports"] == [22, 3389]
        assert attrs["mixed_numbers"] == [1.0, 2.5]
        assert attrs["mixed"] == '["a",1]'
        assert attrs["nested"] == '{"name":"ünïcode","rules":[{"port":22}]}'
        assert attrs["empty"] == []
        assert "nothing" not in attrs
        assert (attrs["count"], attrs["ratio"], attrs["enabled"]) == (3, 0.25, False)
