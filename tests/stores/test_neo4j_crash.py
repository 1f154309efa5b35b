"""Neo4j dying in the middle of a write: StoreError, and a rerun completes without duplicates."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import neo4j
import networkx as nx
import pytest

from graph.stores import StoreError, open_store
from graph.stores.neo4j import NODE_LABEL, Neo4jStore
from tests.neo4j_server import start_server
from tests.stores.estate import SUB_A, TENANT, content, small_estate, vnet_id
from tests.stores.test_store_behaviour import ALL_SCOPES, NIGHT1, NIGHT2, NIGHT3, as_written

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


def big_estate(extra: int) -> nx.MultiDiGraph:
    graph = small_estate()
    for i in range(extra):
        vid = vnet_id(SUB_A, f"extra{i}")
        graph.add_node(
            vid, id=vid, label="VirtualNetwork", name=f"extra{i}", subscriptionId=SUB_A,
            tenantId=TENANT,
        )  # fmt: skip
        graph.add_edge(SUB_A, vid, key="CONTAINS", type="CONTAINS")
    return graph


def node_count(uri: str, auth: tuple[str, str] | None) -> int:
    with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
        records, _, _ = driver.execute_query(f"MATCH (n:{NODE_LABEL}) RETURN count(n) AS n")
    return int(records[0]["n"])


def test_neo4j_killed_mid_write_raises_store_error_and_a_rerun_has_no_duplicates(
    tmp_path: Path, tmp_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "neo4j"
    server = start_server(home)
    monkeypatch.setenv("NEO4J_USERNAME", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", server.password or "")
    try:
        store = Neo4jStore(server.uri, state_dir=tmp_state, retry_seconds=3.0, batch_size=500)
        first = store.begin_run(NIGHT1, {"kind": "resource-graph"}, None)
        store.write_graph(first, small_estate(), complete_scopes=ALL_SCOPES, seen_at=NIGHT1)
        store.finish_run(first, finished_at=NIGHT1, outcome="completed", exit_code=0,
                         coverage={}, findings=[], report=None)  # fmt: skip
        before = node_count(server.uri, server.auth)

        graph = big_estate(10_000)
        second = store.begin_run(NIGHT2, {"kind": "resource-graph"}, None)
        failure: list[BaseException] = []

        def write() -> None:
            try:
                store.write_graph(second, graph, complete_scopes=ALL_SCOPES, seen_at=NIGHT2)
            except BaseException as exc:
                failure.append(exc)

        writer = threading.Thread(target=write)
        writer.start()
        deadline = time.monotonic() + 120
        while node_count(server.uri, server.auth) == before and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()  # part of night 2 is merged, the rest is not
        writer.join(timeout=120)
        assert not writer.is_alive()
        assert len(failure) == 1 and isinstance(failure[0], StoreError)
        assert str(failure[0]).startswith(f"writing to Neo4j at {server.uri} failed")
        store.close()

        server = start_server(home)  # same data folder: Neo4j recovers its transaction log
        rerun = open_store(server.uri, state_dir=tmp_state)
        assert content(rerun.read_graph(first)) == as_written(small_estate())
        third = rerun.begin_run(NIGHT3, {"kind": "resource-graph"}, None)
        rerun.write_graph(third, graph, complete_scopes=ALL_SCOPES, seen_at=NIGHT3)
        rerun.close()

        with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
            records, _, _ = driver.execute_query(
                f"MATCH (n:{NODE_LABEL}) WITH n.id AS id, count(*) AS copies "
                "RETURN count(id) AS ids, max(copies) AS most"
            )
        assert records[0]["ids"] == graph.number_of_nodes()
        assert records[0]["most"] == 1
    finally:
        server.stop()
