"""A tenantmap process killed in the middle of writing leaves the SQLite store as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graph.stores import open_store
from tests.neo4j_server import REPO_ROOT
from tests.stores.estate import content, small_estate
from tests.stores.test_store_behaviour import ALL_SCOPES, NIGHT1, as_written, record_run

# Night 2 in a child process: a graph large enough to spill pages to the WAL, whose
# edge iteration (after every node has been read) announces itself and then hangs,
# so the parent kills the process in the middle of the write transaction.
WRITER = """
import sys, time
from pathlib import Path
import networkx as nx
from graph.stores import open_store
from tests.stores.estate import small_estate, vnet_id, SUB_A, TENANT

def hanging_adjacency():
    for n, source in enumerate(nx.MultiDiGraph.adjacency(graph)):
        if n == 2:
            print("writing", flush=True)
            time.sleep(600)
        yield source

graph = small_estate(vnets_a=("hub",))
for i in range(20000):
    vid = vnet_id(SUB_A, f"extra{i}")
    graph.add_node(vid, id=vid, label="VirtualNetwork", name=f"extra{i}", subscriptionId=SUB_A,
                   tenantId=TENANT, description="x" * 200)
graph.adjacency = hanging_adjacency  # the store reads the edges source by source
store = open_store(sys.argv[1], state_dir=Path(sys.argv[2]))
store.acquire_lock()
run_id = store.begin_run("2026-11-02T02:00:00Z", {"kind": "resource-graph"}, None)
store.write_graph(run_id, graph, complete_scopes={SUB_A, TENANT}, seen_at="2026-11-02T02:00:00Z")
print("finished", flush=True)
"""


def test_killed_writer_leaves_the_previous_run_readable_and_unchanged(
    tmp_path: Path, tmp_state: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'tenantmap.db'}"
    store = open_store(url, state_dir=tmp_state)
    first = record_run(store, small_estate(), NIGHT1, scopes=ALL_SCOPES)
    store.close()

    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(tmp_state)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    finally:
        child.kill()
        child.wait()

    reopened = open_store(url, state_dir=tmp_state)
    try:
        reopened.acquire_lock()  # the killed writer's lock went with it
        assert content(reopened.read_graph()) == as_written(small_estate())
        assert content(reopened.read_graph(first)) == as_written(small_estate())
        previous = reopened.previous_run()
        assert previous is not None and previous.id == first
        assert reopened.read_graph(include_stale=True).number_of_nodes() == len(small_estate())
    finally:
        reopened.close()


def test_killed_first_writer_leaves_an_empty_store(tmp_path: Path, tmp_state: Path) -> None:
    # A first write inserts straight into the store's tables (no scratch file): the
    # nodes are in the open transaction when the edges hang.
    url = f"sqlite:///{tmp_path / 'tenantmap.db'}"
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(tmp_state)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    finally:
        child.kill()
        child.wait()

    reopened = open_store(url, state_dir=tmp_state)
    try:
        reopened.acquire_lock()
        assert reopened.read_graph(include_stale=True).number_of_nodes() == 0
        assert reopened.previous_run() is None
    finally:
        reopened.close()
