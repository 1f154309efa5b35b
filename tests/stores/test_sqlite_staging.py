"""The SQLite store stages a graph in scratch files beside the store and merges
them; the scratch files never outlive the write."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from graph.stores.common import Delta
from graph.stores.sqlite_stage import SCRATCH_PREFIX, Staged
from tests.stores.estate import small_estate


def first_write() -> Delta:
    """Every item of the small estate, as a write into an empty store stages them."""
    return Delta(small_estate(), set(), set(), frozenset())


def test_scratch_folders_are_removed_after_the_write(tmp_path: Path) -> None:
    with Staged(first_write(), tmp_path) as (nodes, edges):
        assert nodes.exists() and edges.exists()
    assert not list(tmp_path.glob(f"{SCRATCH_PREFIX}*"))


def test_scratch_folders_of_dead_writers_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    abandoned = tmp_path / f"{SCRATCH_PREFIX}{dead}-abc"
    in_use = tmp_path / f"{SCRATCH_PREFIX}{os.getpid()}-def"
    for folder in (abandoned, in_use):
        folder.mkdir()
        (folder / "edges.db").write_text("x")
    with Staged(first_write(), tmp_path):
        pass
    assert not abandoned.exists()
    assert in_use.exists()
