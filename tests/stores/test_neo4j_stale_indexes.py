"""Neo4j finds stale items for purge through range indexes on ``_staleRun``:
one on the common label and one per relationship type, holding only the stale
items (present ones lack the property), so purge reads no relationship when
nothing is stale and present items cost the indexes nothing."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest

from graph.stores.neo4j import NODE_LABEL, Neo4jStore
from tests.neo4j_server import environment_auth
from tests.stores.estate import small_estate
from tests.stores.test_store_behaviour import ALL_SCOPES, NIGHT1

pytestmark = pytest.mark.neo4j


def query(uri: str, text: str) -> list[dict[str, object]]:
    with neo4j.GraphDatabase.driver(uri, auth=environment_auth()) as driver:
        records, _, _ = driver.execute_query(text)
    return [record.data() for record in records]


def write_small_estate(uri: str, state: Path) -> None:
    store = Neo4jStore(uri, state_dir=state)
    try:
        run = store.begin_run(NIGHT1, {"kind": "resource-graph"}, None)
        store.write_graph(run, small_estate(), complete_scopes=ALL_SCOPES, seen_at=NIGHT1)
    finally:
        store.close()


def test_every_relationship_type_written_has_an_index_on_stale_run(
    neo4j_empty_uri: str, tmp_state: Path
) -> None:
    write_small_estate(neo4j_empty_uri, tmp_state)
    types = {
        row["t"] for row in query(neo4j_empty_uri, "MATCH ()-[r]->() RETURN DISTINCT type(r) AS t")
    }
    indexed = {
        row["labelsOrTypes"][0]
        for row in query(
            neo4j_empty_uri,
            "SHOW RANGE INDEXES YIELD entityType, labelsOrTypes, properties "
            "WHERE entityType = 'RELATIONSHIP' AND properties = ['_staleRun'] "
            "RETURN labelsOrTypes",
        )
    }
    assert types and types <= indexed


def test_present_items_carry_no_stale_run_so_the_stale_indexes_stay_empty(
    neo4j_empty_uri: str, tmp_state: Path
) -> None:
    write_small_estate(neo4j_empty_uri, tmp_state)
    counts = query(
        neo4j_empty_uri,
        f"MATCH (n:{NODE_LABEL}) WHERE n._staleRun IS NOT NULL RETURN count(n) AS n "
        "UNION ALL MATCH ()-[r]->() WHERE r._staleRun IS NOT NULL RETURN count(r) AS n",
    )
    assert [row["n"] for row in counts] == [0, 0]


def test_the_present_index_of_older_stores_is_dropped_on_open(
    neo4j_empty_uri: str, tmp_state: Path
) -> None:
    query(
        neo4j_empty_uri,
        f"CREATE INDEX tenantmap_node_present IF NOT EXISTS FOR (n:{NODE_LABEL}) ON (n.present)",
    )
    Neo4jStore(neo4j_empty_uri, state_dir=tmp_state).close()
    names = {row["name"] for row in query(neo4j_empty_uri, "SHOW INDEXES YIELD name")}
    assert "tenantmap_node_present" not in names
    assert "tenantmap_node_stale" in names
