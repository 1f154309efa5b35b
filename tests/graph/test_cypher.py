"""The Cypher text of each named query gives, on a real Neo4j store holding the sample
graph (written by graph.stores' Neo4j store, as a nightly run writes it), the rows the
Python query gives on the graph itself."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import networkx as nx
import pytest

from discovery.estates import SAMPLE_ESTATE
from graph.build import build_graph
from graph.docs_gen import EXAMPLES
from graph.queries import QUERIES
from graph.snapshot import load_snapshot

pytestmark = pytest.mark.neo4j

PARAMS = {
    "vnet-reach": (
        "/subscriptions/1a2b3c4d-0000-4000-8000-000000000102/resourceGroups/rg-network/"
        "providers/Microsoft.Network/virtualNetworks/vnet-payments",
    ),
    "mg-subscriptions": ("corp",),
}
# The same parameters as a person may type them: ARM ids and names are case-insensitive.
RESPELLED = {
    "vnet-reach": (
        "/SUBSCRIPTIONS/1A2B3C4D-0000-4000-8000-000000000102/resourcegroups/RG-NETWORK/"
        "providers/microsoft.network/VirtualNetworks/VNET-PAYMENTS/",
    ),
    "mg-subscriptions": ("CORP",),
}


@pytest.fixture(scope="module")
def sample() -> nx.MultiDiGraph:
    return build_graph(load_snapshot(SAMPLE_ESTATE))


@pytest.fixture(scope="module")
def driver(
    neo4j_uri: str, sample: nx.MultiDiGraph, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    from neo4j import GraphDatabase

    from graph.stores import open_store
    from tests.neo4j_server import clear_database, environment_auth

    database = os.environ.get("NEO4J_DATABASE")
    clear_database(neo4j_uri, environment_auth(), database)
    snap = load_snapshot(SAMPLE_ESTATE)
    store = open_store(
        neo4j_uri, state_dir=tmp_path_factory.mktemp("state"), neo4j_database=database
    )
    try:
        at = "2026-11-27T02:00:00Z"
        run = store.begin_run(at, {"kind": "handmade"}, None)
        scopes = set(snap.tenants_crawled) | set(snap.subscriptions_crawled)
        store.write_graph(run, sample, complete_scopes=scopes, seen_at=at)
        store.finish_run(
            run,
            finished_at=at,
            outcome="completed",
            exit_code=0,
            coverage={},
            findings=[],
            report=None,
        )
    finally:
        store.close()
    with GraphDatabase.driver(neo4j_uri, auth=environment_auth()) as drv:
        yield drv
    clear_database(neo4j_uri, environment_auth(), database)


def _rows(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    return sorted(tuple(repr(r.get(c)) for c in columns) for r in rows)


@pytest.mark.parametrize("name", [n for n, q in QUERIES.items() if q.cypher])
def test_query_cypher_answers_like_the_python_query(
    driver: Any, sample: nx.MultiDiGraph, name: str
) -> None:
    query = QUERIES[name]
    params = PARAMS.get(name, ())
    expected = query.run(sample, *params)
    if name == "internet-paths":
        # Listener ports live in the gateway's JSON, which Cypher cannot read.
        for row in expected:
            if row["via"] == "application-gateway":
                row["ports"] = None
    records, _, _ = driver.execute_query(
        query.cypher,
        dict(zip(query.params, params, strict=True)),
        database_=os.environ.get("NEO4J_DATABASE"),
    )
    assert _rows([r.data() for r in records], query.columns) == _rows(expected, query.columns)


@pytest.mark.parametrize("name", sorted(RESPELLED))
def test_query_cypher_takes_ids_and_names_in_any_letter_case(
    driver: Any, sample: nx.MultiDiGraph, name: str
) -> None:
    query = QUERIES[name]
    expected = query.run(sample, *PARAMS[name])
    assert expected
    records, _, _ = driver.execute_query(
        query.cypher,
        dict(zip(query.params, RESPELLED[name], strict=True)),
        database_=os.environ.get("NEO4J_DATABASE"),
    )
    assert _rows([r.data() for r in records], query.columns) == _rows(expected, query.columns)


@pytest.mark.parametrize("title", [title for title, _ in EXAMPLES])
def test_documented_example_finds_its_case_in_the_sample_estate(driver: Any, title: str) -> None:
    cypher = dict(EXAMPLES)[title]
    records, _, _ = driver.execute_query(cypher, database_=os.environ.get("NEO4J_DATABASE"))
    assert records, title
