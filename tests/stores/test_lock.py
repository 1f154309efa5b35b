"""The state folder's lock keeps two runs apart and survives a crashed holder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.stores import Store, StoreLocked, open_store
from tests.neo4j_server import REPO_ROOT

HOLDER = """
import sys, time
from pathlib import Path
from graph.stores import open_store
store = open_store(None, state_dir=Path(sys.argv[1]))
store.acquire_lock()
print("locked", flush=True)
time.sleep(600)
"""


def test_second_acquirer_gets_store_locked_naming_the_folder_and_pid(
    open_test_store: Callable[[], Store], tmp_state: Path
) -> None:
    first, second = open_test_store(), open_test_store()
    first.acquire_lock()

    with pytest.raises(StoreLocked) as raised:
        second.acquire_lock()
    assert str(raised.value) == (
        f"another tenantmap run holds the lock on {tmp_state} (pid {os.getpid()})"
    )


def test_released_lock_can_be_taken_by_the_next_run(open_test_store: Callable[[], Store]) -> None:
    first, second, third = open_test_store(), open_test_store(), open_test_store()
    first.acquire_lock()
    first.release_lock()

    second.acquire_lock()
    with pytest.raises(StoreLocked):
        third.acquire_lock()


def test_lock_of_a_killed_holder_is_taken_over(tmp_state: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_state)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        store = open_store(None, state_dir=tmp_state)
        with pytest.raises(StoreLocked, match=f"pid {holder.pid}"):
            store.acquire_lock()
        holder.kill()
        holder.wait()
        deadline = time.monotonic() + 10
        while True:
            try:
                store.acquire_lock()
                break
            except StoreLocked:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        store.close()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
