"""The test Neo4j the suite starts is a real server reachable over Bolt."""

from __future__ import annotations

import os

import neo4j
import pytest

from tests.neo4j_server import environment_auth

pytestmark = pytest.mark.neo4j


def test_session_neo4j_answers_cypher_over_bolt_with_the_test_credentials(neo4j_uri: str) -> None:
    with neo4j.GraphDatabase.driver(neo4j_uri, auth=environment_auth()) as driver:
        records, _, _ = driver.execute_query(
            "RETURN 40 + 2 AS answer", database_=os.environ.get("NEO4J_DATABASE")
        )
    assert records[0]["answer"] == 42


def test_session_neo4j_is_community_5_26(neo4j_uri: str) -> None:
    with neo4j.GraphDatabase.driver(neo4j_uri, auth=environment_auth()) as driver:
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"
        )
    if os.environ.get("NEO4J_URI"):
        pytest.skip("an external Neo4j may be any version")
    assert records[0]["edition"] == "community"
    assert records[0]["versions"][0].startswith("5.26.")
