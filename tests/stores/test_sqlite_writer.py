"""A large first write's rows are inserted by a writer process (graph.stores.sqlite_writer):
the store it leaves is the one an in-process write leaves, a failure in the writer is
the store's one-line error, and a writer whose sender dies rolls back and exits."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

import graph.stores.sqlite as sqlite_store
import graph.stores.sqlite_writer as sqlite_writer
from graph.stores import StoreError, open_store
from tests.neo4j_server import REPO_ROOT
from tests.stores.estate import content, small_estate
from tests.stores.test_sqlite_crash import WRITER
from tests.stores.test_store_behaviour import ALL_SCOPES, NIGHT1, NIGHT2, as_written, record_run

IN_PROCESS = 10**12  # WRITER_PROCESS_FROM that keeps every first write in this process


def first_write(path: Path, state: Path, graph: nx.MultiDiGraph) -> None:
    store = open_store(f"sqlite:///{path}", state_dir=state)
    try:
        record_run(store, graph, NIGHT1, scopes=ALL_SCOPES)
    finally:
        store.close()


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the item tables, as stored."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
            for table in ("nodes", "edges")
        }


def journal_mode(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return str(db.execute("PRAGMA journal_mode").fetchone()[0])


def test_graph_written_by_the_writer_process_reads_back_as_written(
    tmp_path: Path, tmp_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "WRITER_PROCESS_FROM", 0)
    store = open_store(f"sqlite:///{tmp_path / 'tenantmap.db'}", state_dir=tmp_state)
    try:
        record_run(store, small_estate(), NIGHT1, scopes=ALL_SCOPES)
        assert content(store.read_graph()) == as_written(small_estate())
        assert store.last_write.written == len(small_estate()) + small_estate().number_of_edges()
    finally:
        store.close()


def test_writer_process_stores_the_rows_an_in_process_write_stores(
    tmp_path: Path, tmp_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.setattr(sqlite_store, "WRITER_PROCESS_FROM", 0)
    first_write(tmp_path / "a" / "tenantmap.db", tmp_state, small_estate())
    monkeypatch.setattr(sqlite_store, "WRITER_PROCESS_FROM", IN_PROCESS)
    first_write(tmp_path / "b" / "tenantmap.db", tmp_state, small_estate())
    apart, here = rows(tmp_path / "a" / "tenantmap.db"), rows(tmp_path / "b" / "tenantmap.db")
    assert apart["nodes"] and apart["edges"]
    assert apart == here


@pytest.mark.parametrize("threshold", [0, IN_PROCESS], ids=["writer process", "in process"])
def test_store_is_back_in_wal_mode_after_a_first_write(
    tmp_path: Path, tmp_state: Path, monkeypatch: pytest.MonkeyPatch, threshold: int
) -> None:
    # The first write keeps a rollback journal; later writes and readers need the WAL.
    monkeypatch.setattr(sqlite_store, "WRITER_PROCESS_FROM", threshold)
    path = tmp_path / "tenantmap.db"
    first_write(path, tmp_state, small_estate())
    assert journal_mode(path) == "wal"


def test_failure_in_the_writer_process_is_a_store_error_at_the_next_call_and_stores_nothing(
    tmp_path: Path, tmp_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 7 and "7" are two nodes in networkx and one key once written as text.
    monkeypatch.setattr(sqlite_store, "WRITER_PROCESS_FROM", 0)
    graph = nx.MultiDiGraph()
    graph.add_node(7, label="Resource", name="seven")
    graph.add_node("7", label="Resource", name="also seven")
    store = open_store(f"sqlite:///{tmp_path / 'tenantmap.db'}", state_dir=tmp_state)
    try:
        run_id = store.begin_run(NIGHT1, {"kind": "resource-graph"}, None)
        # The write returns once the writer has every row; the night's next store call
        # (finishing the run) is the one told the write failed.
        store.write_graph(run_id, graph, complete_scopes=set(), seen_at=NIGHT1)
        with pytest.raises(StoreError, match=r"writing the SQLite store .* UNIQUE constraint"):
            store.finish_run(run_id, finished_at=NIGHT1, outcome="completed", exit_code=0,
                             coverage={}, findings=[], report=None)  # fmt: skip
        assert store.read_graph(include_stale=True).number_of_nodes() == 0
        (run,) = store.runs()
        assert run.seen_at is None  # the run's own row went back too
    finally:
        store.close()


def writer_processes(database: Path) -> list[int]:
    """Process ids of live writer processes for ``database``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        named = b"graph.stores.sqlite_writer" in command and str(database).encode() in command
        if named and state != "Z":
            found.append(int(entry.name))
    return found


def hanging_sender(database: Path, state: Path) -> subprocess.Popen[str]:
    """The crash test's writer, its rows inserted by a writer process: 20,000 extra
    nodes, then a hang in the middle of the edges, with the nodes in the open
    transaction."""
    script = "import graph.stores.sqlite as s\ns.WRITER_PROCESS_FROM = 0\n" + WRITER
    sender = subprocess.Popen(
        [sys.executable, "-c", script, f"sqlite:///{database}", str(state)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert sender.stdout is not None and sender.stdout.readline().strip() == "writing"
    assert writer_processes(database), "the write did not go through a writer process"
    return sender


needs_proc = pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")


@needs_proc
def test_writer_leaves_interrupts_to_its_sender(tmp_path: Path, tmp_state: Path) -> None:
    database = tmp_path / "tenantmap.db"
    sender = hanging_sender(database, tmp_state)
    try:
        (writer,) = writer_processes(database)
        os.kill(writer, signal.SIGINT)
        os.kill(writer, signal.SIGTERM)
        time.sleep(0.5)
        assert writer_processes(database) == [writer]
    finally:
        sender.kill()
        sender.wait()


@needs_proc
def test_writer_whose_sender_is_killed_rolls_back_and_exits(
    tmp_path: Path, tmp_state: Path
) -> None:
    database = tmp_path / "tenantmap.db"
    sender = hanging_sender(database, tmp_state)
    sender.kill()
    sender.wait()
    deadline = time.monotonic() + 30
    while writer_processes(database) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert writer_processes(database) == []
    store = open_store(f"sqlite:///{database}", state_dir=tmp_state)
    try:
        assert store.read_graph(include_stale=True).number_of_nodes() == 0
    finally:
        store.close()


def test_store_opened_while_another_holds_it_with_a_rollback_journal_waits_and_opens(
    tmp_path: Path, tmp_state: Path
) -> None:
    # As after a killed first write: its writer process, rolling back, holds the file
    # a moment longer.
    path = tmp_path / "tenantmap.db"
    open_store(f"sqlite:///{path}", state_dir=tmp_state).close()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO meta (key, value) VALUES ('held', 'yes')")
    release = threading.Timer(0.5, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        store = open_store(f"sqlite:///{path}", state_dir=tmp_state)
        store.close()
    finally:
        release.join()
        holder.close()
    assert journal_mode(path) == "wal"


@needs_proc
def test_sender_failing_part_way_leaves_no_writer_and_an_empty_store(
    tmp_path: Path, tmp_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows already sent sit in the writer's open transaction when the sender fails.
    monkeypatch.setattr(sqlite_store, "WRITER_PROCESS_FROM", 0)
    monkeypatch.setattr(sqlite_writer, "BATCH_ROWS", 2)
    database = tmp_path / "tenantmap.db"
    graph = small_estate()

    def failing_adjacency() -> Iterator[tuple[object, object]]:
        for n, source in enumerate(nx.MultiDiGraph.adjacency(graph)):
            if n == 2:
                raise RuntimeError("the graph went away")
            yield source

    graph.adjacency = failing_adjacency
    store = open_store(f"sqlite:///{database}", state_dir=tmp_state)
    try:
        run_id = store.begin_run(NIGHT1, {"kind": "resource-graph"}, None)
        with pytest.raises(RuntimeError, match="the graph went away"):
            store.write_graph(run_id, graph, complete_scopes=set(), seen_at=NIGHT1)
        assert writer_processes(database) == []
        assert store.read_graph(include_stale=True).number_of_nodes() == 0
    finally:
        store.close()


def test_writer_process_runs_tenantmaps_own_code_whatever_the_working_folder_holds(
    tmp_path: Path, tmp_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `python -m` looks in the working folder first: a folder holding a package named
    # `graph` (ours is a common name) must not be where the writer's code comes from.
    impostor = tmp_path / "work" / "graph" / "stores"
    impostor.mkdir(parents=True)
    for package in (impostor.parent, impostor):
        (package / "__init__.py").write_text("")
    marker = tmp_path / "impostor-ran"
    (impostor / "sqlite_writer.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"
    )
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.setattr(sqlite_store, "WRITER_PROCESS_FROM", 0)
    store = open_store("sqlite:///tenantmap.db", state_dir=tmp_state)  # relative to the folder
    try:
        record_run(store, small_estate(), NIGHT1, scopes=ALL_SCOPES)
        assert content(store.read_graph()) == as_written(small_estate())
    finally:
        store.close()
    assert not marker.exists()
    assert (tmp_path / "work" / "tenantmap.db").is_file()


def test_store_closed_while_its_first_write_commits_keeps_the_whole_write(
    tmp_path: Path, tmp_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # write_graph returns while the writer process still commits: closing waits for it.
    monkeypatch.setattr(sqlite_store, "WRITER_PROCESS_FROM", 0)
    path = tmp_path / "tenantmap.db"
    store = open_store(f"sqlite:///{path}", state_dir=tmp_state)
    run_id = store.begin_run(NIGHT1, {"kind": "resource-graph"}, None)
    store.write_graph(run_id, small_estate(), complete_scopes=ALL_SCOPES, seen_at=NIGHT1)
    store.close()
    assert not writer_processes(path)
    assert journal_mode(path) == "wal"
    reopened = open_store(f"sqlite:///{path}", state_dir=tmp_state)
    try:
        assert content(reopened.read_graph(include_stale=True)) == as_written(small_estate())
    finally:
        reopened.close()


def test_previous_run_asked_while_the_first_write_commits_is_the_one_after_it(
    tmp_path: Path, tmp_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A night reads the run it compares with right after its write; a store without a
    # graph can still hold runs (an estate that was empty), and the answer must not
    # depend on whether the writer process has committed yet.
    monkeypatch.setattr(sqlite_store, "WRITER_PROCESS_FROM", 0)
    report = {"format": "tenantmap.report/1", "findings": [{"id": "f1"}], "coverage": {}}
    store = open_store(f"sqlite:///{tmp_path / 'tenantmap.db'}", state_dir=tmp_state)
    try:
        empty_night = record_run(store, nx.MultiDiGraph(), NIGHT1, report=report)
        run_id = store.begin_run(NIGHT2, {"kind": "resource-graph"}, None)
        store.write_graph(run_id, small_estate(), complete_scopes=ALL_SCOPES, seen_at=NIGHT2)
        while_writing = store.previous_run(history_only=True)
        store.settle()
        assert while_writing is not None and while_writing.id == empty_night
        assert while_writing == store.previous_run(history_only=True)
        assert while_writing.report == {"findings": [{"id": "f1"}]}
    finally:
        store.close()
