"""The connected-tenants and cross-links Cypher answer like their Python queries on the
identity estate (identity-links.md): TRUSTS edges and external parties in a real Neo4j."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from discovery.estates import identity_source as ids
from graph.build import build_graph
from graph.queries import QUERIES
from graph.snapshot import load_snapshot

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ids.write_identity_estate(tmp_path_factory.mktemp("identity") / "estate")


@pytest.fixture(scope="module")
def graph(estate: Path) -> nx.MultiDiGraph:
    return build_graph(load_snapshot(estate))


@pytest.fixture(scope="module")
def driver(
    neo4j_uri: str, graph: nx.MultiDiGraph, estate: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    from neo4j import GraphDatabase

    from graph.stores import open_store
    from tests.neo4j_server import clear_database, environment_auth

    database = os.environ.get("NEO4J_DATABASE")
    clear_database(neo4j_uri, environment_auth(), database)
    snap = load_snapshot(estate)
    store = open_store(
        neo4j_uri, state_dir=tmp_path_factory.mktemp("state"), neo4j_database=database
    )
    try:
        at = "2026-11-27T02:00:00Z"
        run = store.begin_run(at, {"kind": "handmade"}, None)
        scopes = set(snap.tenants_crawled) | set(snap.subscriptions_crawled)
        store.write_graph(run, graph, complete_scopes=scopes, seen_at=at)
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


@pytest.mark.parametrize("name", ["connected-tenants", "cross-links"])
def test_identity_links_answer_alike_in_cypher_and_python(
    driver: Any, graph: nx.MultiDiGraph, name: str
) -> None:
    query = QUERIES[name]
    expected = query.run(graph)
    assert any(row["channel"] == "federated-credential" for row in expected)
    records, _, _ = driver.execute_query(
        query.cypher, {}, database_=os.environ.get("NEO4J_DATABASE")
    )

    def rows(items: list[dict[str, Any]]) -> list[tuple[str, ...]]:
        return sorted(tuple(repr(r.get(c)) for c in query.columns) for r in items)

    assert rows([r.data() for r in records]) == rows(expected)
