"""The Cypher text of each named query gives, on a real Neo4j holding the sample graph,
the rows the Python query gives on the graph itself.

The graph is loaded the way the stores lay it out for Neo4j users: the node label as
the Neo4j label, the relationship type as the Neo4j type, the properties as they are.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import networkx as nx
import pytest

from discovery.estates import SAMPLE_ESTATE
from graph.build import build_graph
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


@pytest.fixture(scope="module")
def sample() -> nx.MultiDiGraph:
    return build_graph(load_snapshot(SAMPLE_ESTATE))


@pytest.fixture(scope="module")
def driver(neo4j_uri: str, sample: nx.MultiDiGraph) -> Iterator[Any]:
    from neo4j import GraphDatabase

    from tests.neo4j_server import clear_database, environment_auth

    database = os.environ.get("NEO4J_DATABASE")
    clear_database(neo4j_uri, environment_auth(), database)
    with GraphDatabase.driver(neo4j_uri, auth=environment_auth()) as drv:
        nodes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for _, data in sample.nodes(data=True):
            nodes[data["label"]].append(dict(data))
        for label, rows in nodes.items():
            drv.execute_query(
                f"UNWIND $rows AS r CREATE (n:`{label}`) SET n = r",
                {"rows": rows},
                database_=database,
            )
        edges: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for u, v, key, data in sample.edges(keys=True, data=True):
            edges[data["type"]].append({"u": u, "v": v, "p": {**data, "key": key}})
        for rel, rows in edges.items():
            drv.execute_query(
                f"UNWIND $rows AS r MATCH (a {{id: r.u}}), (b {{id: r.v}}) "
                f"CREATE (a)-[e:`{rel}`]->(b) SET e = r.p",
                {"rows": rows},
                database_=database,
            )
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
