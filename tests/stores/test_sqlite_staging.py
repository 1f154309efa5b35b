"""The SQLite store stages large graphs in scratch files (edges in a forked child)
and merges them; the result is the same whichever way the rows were staged."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from graph.stores import open_store, sqlite_stage
from graph.stores.sqlite_stage import SCRATCH_PREFIX, Staged
from tests.stores.estate import small_estate
from tests.stores.test_store_behaviour import NIGHT1, as_written, record_run


def test_a_graph_staged_in_a_child_reads_back_as_written(
    tmp_path: Path, tmp_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_stage, "FORK_MIN_NODES", 1)
    # Staging forks only in a single-threaded process: a thread left by another test
    # would make it stage in-process (correct, but not what this test is about).
    assert threading.active_count() == 1, [t.name for t in threading.enumerate()]
    graph = small_estate()
    with Staged(graph, tmp_path) as staged:
        assert staged.forked
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}", state_dir=tmp_state)
    try:
        record_run(store, graph, NIGHT1)
        assert as_written(store.read_graph()) == as_written(graph)
    finally:
        store.close()


def test_edges_are_staged_in_this_process_when_the_child_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_stage, "FORK_MIN_NODES", 1)
    graph = small_estate()
    real_write = sqlite_stage.write_edges
    parent = os.getpid()

    def failing_in_the_child(graph_: object, path: Path) -> None:
        if os.getpid() != parent:
            raise RuntimeError("the child dies")
        real_write(graph_, path)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite_stage, "write_edges", failing_in_the_child)
    with Staged(graph, tmp_path) as staged:
        _, edges = staged.finish()
        db = sqlite3.connect(edges)
        count = db.execute("SELECT count(*) FROM edges").fetchone()[0]
        db.close()
    assert staged.forked
    assert count == graph.number_of_edges()


def test_edges_are_staged_in_this_process_when_no_child_can_be_forked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_stage, "FORK_MIN_NODES", 1)

    def no_fork() -> int:
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(os, "fork", no_fork)
    graph = small_estate()
    with Staged(graph, tmp_path) as staged:
        _, edges = staged.finish()
        db = sqlite3.connect(edges)
        count = db.execute("SELECT count(*) FROM edges").fetchone()[0]
        db.close()
    assert not staged.forked
    assert count == graph.number_of_edges()


def test_scratch_folders_are_removed_after_the_write(tmp_path: Path) -> None:
    with Staged(small_estate(), tmp_path) as staged:
        staged.finish()
    assert not list(tmp_path.glob(f"{SCRATCH_PREFIX}*"))


def test_scratch_folders_of_dead_writers_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    abandoned = tmp_path / f"{SCRATCH_PREFIX}{dead}-abc"
    in_use = tmp_path / f"{SCRATCH_PREFIX}{os.getpid()}-def"
    for folder in (abandoned, in_use):
        folder.mkdir()
        (folder / "edges.db").write_text("x")
    with Staged(small_estate(), tmp_path) as staged:
        staged.finish()
    assert not abandoned.exists()
    assert in_use.exists()
