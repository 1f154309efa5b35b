"""Neo4j items carry the runs that created and last wrote them (``_firstRun``,
``_lastRun``), except the items of the first write into an empty store, which read as
that run's without storing it on each of them (issue 17's lean first write)."""

from __future__ import annotations

from pathlib import Path

import neo4j
import networkx as nx
import pytest

from graph.stores.neo4j import NODE_LABEL, Neo4jStore
from tests.neo4j_server import environment_auth
from tests.stores.estate import SUB_A, small_estate, vnet_id
from tests.stores.test_store_behaviour import NIGHT1, NIGHT2, record_run

pytestmark = pytest.mark.neo4j


def record_nights(uri: str, state: Path, *graphs: nx.MultiDiGraph) -> None:
    """Record one night per graph, every scope read completely."""
    store = Neo4jStore(uri, state_dir=state)
    try:
        for night, graph in zip((NIGHT1, NIGHT2), graphs, strict=False):
            record_run(store, graph, night)
    finally:
        store.close()


def run_numbers(uri: str) -> set[tuple[object, object]]:
    """(_firstRun, _lastRun) of every stored node and relationship."""
    with neo4j.GraphDatabase.driver(uri, auth=environment_auth()) as driver:
        nodes, _, _ = driver.execute_query(
            f"MATCH (n:{NODE_LABEL}) RETURN n._firstRun AS first, n._lastRun AS last"
        )
        edges, _, _ = driver.execute_query(
            f"MATCH (:{NODE_LABEL})-[r]->() RETURN r._firstRun AS first, r._lastRun AS last"
        )
    return {(record["first"], record["last"]) for record in [*nodes, *edges]}


def hub_run_numbers(uri: str) -> tuple[object, object]:
    with neo4j.GraphDatabase.driver(uri, auth=environment_auth()) as driver:
        records, _, _ = driver.execute_query(
            f"MATCH (n:{NODE_LABEL} {{id: $id}}) RETURN n._firstRun AS first, n._lastRun AS last",
            id=vnet_id(SUB_A, "hub"),
        )
    return records[0]["first"], records[0]["last"]


def test_the_first_write_into_an_empty_store_stores_no_run_numbers_on_its_items(
    neo4j_empty_uri: str, tmp_state: Path
) -> None:
    record_nights(neo4j_empty_uri, tmp_state, small_estate())

    assert run_numbers(neo4j_empty_uri) == {(None, None)}


def test_a_later_write_of_an_item_stores_both_its_run_numbers(
    neo4j_empty_uri: str, tmp_state: Path
) -> None:
    record_nights(
        neo4j_empty_uri, tmp_state, small_estate(), small_estate(hub_prefixes=("10.0.0.0/15",))
    )

    assert hub_run_numbers(neo4j_empty_uri) == (1, 2)


def test_a_write_into_a_store_that_holds_items_stores_run_numbers_on_new_ones(
    neo4j_empty_uri: str, tmp_state: Path
) -> None:
    record_nights(
        neo4j_empty_uri,
        tmp_state,
        small_estate(vnets_a=("spoke1",)),
        small_estate(vnets_a=("spoke1", "hub")),
    )

    assert hub_run_numbers(neo4j_empty_uri) == (2, 2)
