"""Neo4j: a purge that fails part way leaves each run whole or trimmed, as the SQLite
store's does (tests/stores/test_sqlite_run_records.py): each batch of runs loses its
report and gains trimmedAt in one transaction."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import neo4j
import pytest

from graph.stores import StoreError
from graph.stores.common import TRIM_BATCH
from graph.stores.neo4j import RUN_LABEL, Neo4jStore
from tests.neo4j_server import environment_auth
from tests.stores.estate import small_estate
from tests.stores.test_sqlite_run_records import REPORT
from tests.stores.test_store_behaviour import record_run

pytestmark = [pytest.mark.neo4j]


@contextmanager
def run_held(uri: str, seq: int) -> Iterator[Callable[[], int]]:
    """Run ``seq`` write-locked by another transaction, as a stuck writer beside the
    purge would hold it; yields a function that ends (TERMINATE TRANSACTION) every
    transaction waiting for that lock and says how many it ended."""
    with neo4j.GraphDatabase.driver(uri, auth=environment_auth()) as driver:

        def end_waiting() -> int:
            waiting = [
                record["id"]
                for record in driver.execute_query(
                    "SHOW TRANSACTIONS YIELD transactionId AS id, currentQuery, status "
                    "WHERE currentQuery CONTAINS 'trimmedAt' AND status STARTS WITH 'Blocked' "
                    "RETURN id"
                ).records
            ]
            for transaction in waiting:
                driver.execute_query("TERMINATE TRANSACTION $id", id=transaction)
            return len(waiting)

        with driver.session() as session:
            holder = session.begin_transaction()
            holder.run(
                f"MATCH (r:{RUN_LABEL} {{seq: $seq}}) SET r.heldByTest = true", seq=seq
            ).consume()
            try:
                yield end_waiting
            finally:
                holder.rollback()


def test_neo4j_purge_that_fails_part_way_leaves_each_run_whole_or_trimmed(
    neo4j_empty_uri: str, tmp_state: Path
) -> None:
    store = Neo4jStore(neo4j_empty_uri, state_dir=tmp_state, retry_seconds=2.0)
    try:
        for day in range(1, TRIM_BATCH + 3):
            record_run(store, small_estate(), f"2026-11-{day:02d}T02:00:00Z", report=REPORT)
        before = store.runs()
        # The second batch's first run is held, and the second batch's transaction is
        # ended while it waits (each retry too), after the first batch's has committed.
        failure: list[BaseException] = []

        def purge() -> None:
            try:
                store.purge(30, now=datetime(2027, 1, 1, tzinfo=UTC))
            except BaseException as exc:
                failure.append(exc)

        with run_held(neo4j_empty_uri, before[TRIM_BATCH].seq) as end_waiting:
            purging = threading.Thread(target=purge)
            purging.start()
            ended = 0
            deadline = time.monotonic() + 60
            while purging.is_alive() and time.monotonic() < deadline:
                ended += end_waiting()
                time.sleep(0.05)
            purging.join(timeout=10)
        after = store.runs()
    finally:
        store.close()
    assert not purging.is_alive() and ended >= 1
    assert len(failure) == 1 and isinstance(failure[0], StoreError)
    assert [r.trimmed for r in after] == [True] * TRIM_BATCH + [False, False]
    assert all(r.report is None for r in after[:TRIM_BATCH])
    assert after[TRIM_BATCH:] == before[TRIM_BATCH:]  # untouched, reports and all
