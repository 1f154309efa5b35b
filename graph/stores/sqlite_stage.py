"""Staging a write for the SQLite store: the rows of its new and changed nodes and
edges (common.Delta), sorted and written to two scratch SQLite files that the
store's transaction merges from (``ATTACH``).

Rows go in sorted by the store's primary keys, into tables keyed like the store's,
so the merge reads them in key order and appends to the primary-key B-trees
instead of sorting first or splitting pages all over. (Upserting the sorted rows straight into the store with
``executemany`` was measured 3x slower than writing the scratch file and merging
it in one statement. Staging the edges in a forked child beside the nodes saved
nothing reliable on a shared 2-core machine and was removed: docs/spec/CHANGES.md.)
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from graph.stores.common import Delta

SCRATCH_PREFIX = ".tenantmap-stage-"

# Keyed like the store's tables: the merge reads them in key order.
NODE_COLUMNS = (
    "(id TEXT PRIMARY KEY, label TEXT, props TEXT, scope TEXT, digest INTEGER) WITHOUT ROWID"
)
EDGE_COLUMNS = (
    "(source TEXT, key TEXT, target TEXT, type TEXT, props TEXT, scope TEXT, digest INTEGER, "
    "PRIMARY KEY (source, key, target)) WITHOUT ROWID"
)


class Staged:
    """``with Staged(delta, folder) as (nodes, edges):`` the two scratch files holding
    the delta's rows, complete; both are removed on exit."""

    def __init__(self, delta: Delta, directory: Path) -> None:
        self.delta = delta
        self.directory = directory
        self._scratch: Path | None = None

    def __enter__(self) -> tuple[Path, Path]:
        sweep_abandoned(self.directory)
        self._scratch = Path(
            tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=self.directory)
        )
        nodes, edges = self._scratch / "nodes.db", self._scratch / "edges.db"
        # One kind at a time, each list freed before the next is made. Keys are
        # unique: whole-tuple order is key order.
        node_rows = sorted(self.delta.node_rows())
        write_scratch(nodes, "nodes", NODE_COLUMNS, node_rows)
        del node_rows
        edge_rows = sorted(self.delta.edge_rows())
        write_scratch(edges, "edges", EDGE_COLUMNS, edge_rows)
        return nodes, edges

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


def sweep_abandoned(directory: Path) -> None:
    """Remove scratch folders left by writers that died (their pid is in the name)."""
    for folder in directory.glob(f"{SCRATCH_PREFIX}*"):
        pid_text = folder.name[len(SCRATCH_PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def write_scratch(path: Path, table: str, columns: str, rows: Sequence[tuple[object, ...]]) -> None:
    """A scratch file holding ``table`` with ``rows`` (in key order). It needs no
    journal and no syncs: a crash loses nothing of value."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA page_size=16384")
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("BEGIN")
        db.execute(f"CREATE TABLE {table} {columns}")
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        db.execute("COMMIT")
    finally:
        db.close()
