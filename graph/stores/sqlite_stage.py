"""Staging a graph for the SQLite store: its nodes and edges encoded, sorted and
written to two scratch SQLite files that the store's transaction merges from
(``ATTACH``).

Encoding a large graph into rows is Python work (property maps to canonical JSON)
that holds the GIL, so a thread cannot run it beside anything else. On Linux, for
a large graph, a forked child stages the edges while this process stages the
nodes: two cores instead of one. Elsewhere, for a small graph, when the process
runs other threads (forking them is unsafe), or when the child fails, this
process stages the edges too, once the nodes are done.

Rows go in sorted by the store's primary keys, so the merge reads them in key
order (``ORDER BY rowid``) and appends to the primary-key B-trees instead of
sorting first or splitting pages all over. (Upserting the sorted rows straight
into the store with ``executemany`` was measured 3x slower than writing the
scratch file and merging it in one statement.)
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import networkx as nx

from graph.stores.common import edge_tuples, node_tuples

SCRATCH_PREFIX = ".tenantmap-stage-"
_PR_SET_PDEATHSIG = 1
# Below this many nodes forking costs more than it saves. (Nodes, not edges: counting
# a MultiDiGraph's edges walks all of them, ~0.5 s at a million elements.)
FORK_MIN_NODES = 10_000

NODE_COLUMNS = "(id TEXT, label TEXT, props TEXT, scope TEXT)"
EDGE_COLUMNS = "(source TEXT, key TEXT, target TEXT, type TEXT, props TEXT, scope TEXT)"


class Staged:
    """``with Staged(graph, folder) as staged: nodes, edges = staged.finish()``: the
    edges file is started on entry (in a child where possible), both files are
    complete after ``finish()``, and both are removed on exit."""

    def __init__(self, graph: nx.MultiDiGraph, directory: Path) -> None:
        self.graph = graph
        self.directory = directory
        self.forked = False
        self._scratch: Path | None = None
        self._pid: int | None = None

    @property
    def _edges(self) -> Path:
        assert self._scratch is not None, "use Staged in a with block"
        return self._scratch / "edges.db"

    def __enter__(self) -> Staged:
        sweep_abandoned(self.directory)
        self._scratch = Path(
            tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=self.directory)
        )
        if (
            # Linux only: macOS system libraries are not safe to use in a forked child.
            sys.platform.startswith("linux")
            and threading.active_count() == 1
            and self.graph.number_of_nodes() >= FORK_MIN_NODES
        ):
            parent = os.getpid()
            try:
                self._pid = os.fork()
            except OSError:  # no memory or process slot for a child: stage here instead
                return self
            if self._pid == 0:  # the child: write the file and leave without any cleanup
                code = 1
                try:
                    _die_with(parent)
                    write_edges(self.graph, self._edges)
                    code = 0
                finally:
                    os._exit(code)
            self.forked = True
        return self

    def finish(self) -> tuple[Path, Path]:
        """Stage the nodes here, then wait for the child (or do its work here if there
        is none or it failed); return the nodes file and the edges file."""
        assert self._scratch is not None, "use Staged in a with block"
        nodes = self._scratch / "nodes.db"
        write_scratch(nodes, "nodes", NODE_COLUMNS, sorted(node_tuples(self.graph)))
        done = False
        if self._pid is not None:
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
            done = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        if not done:
            self._edges.unlink(missing_ok=True)
            write_edges(self.graph, self._edges)
        return nodes, self._edges

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pid is not None:  # left early: the child's work is not wanted
            os.kill(self._pid, 9)
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


def _die_with(parent: int) -> None:
    """Cut the child loose from the parent's files and life.

    It inherited every open file, the state lock among them: holding a copy, it
    would keep the lock after the parent died, so it closes them all (it needs
    none; the files it writes it opens itself). And the kernel kills it when the
    parent dies (Linux prctl PR_SET_PDEATHSIG), so no orphan writes on."""
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0 or os.getppid() != parent:
        os._exit(1)  # no guarantee, or the parent is already gone: do nothing


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


def write_edges(graph: nx.MultiDiGraph, path: Path) -> None:
    # (source, key, target) is unique: whole-tuple order is key order.
    write_scratch(path, "edges", EDGE_COLUMNS, sorted(edge_tuples(graph)))


def write_scratch(path: Path, table: str, columns: str, rows: Sequence[tuple[object, ...]]) -> None:
    """A scratch file holding ``table`` with ``rows`` in their order. It needs no
    journal and no syncs: a crash loses nothing of value."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA page_size=16384")
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("BEGIN")
        db.execute(f"CREATE TABLE {table} {columns}")
        marks = ", ".join("?" * columns.count(" TEXT"))
        db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        db.execute("COMMIT")
    finally:
        db.close()
