"""How the SQLite store keeps a run's report and findings: once, and readable whichever
tenantmap wrote them."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graph.stores import StoreError
from graph.stores.common import TRIM_BATCH
from graph.stores.sqlite import SqliteStore
from tests.stores.estate import small_estate
from tests.stores.test_store_behaviour import NIGHT1, record_run

FINDINGS = [{"id": "f1", "kind": "exposure", "details": {"ports": [22]}}, {"id": "f2"}]
REPORT = {"format": "tenantmap.report/1", "run": {"startedAt": NIGHT1}, "findings": FINDINGS}


def recorded(tmp_path: Path, tmp_state: Path) -> tuple[Path, str]:
    path = tmp_path / "tenantmap.db"
    store = SqliteStore(path, state_dir=tmp_state)
    try:
        run_id = record_run(store, small_estate(), NIGHT1, findings=FINDINGS, report=REPORT)
    finally:
        store.close()
    return path, run_id


def change_row(path: Path, sql: str, *params: object) -> None:
    db = sqlite3.connect(path)
    with db:
        db.execute(sql, params)
    db.close()


def test_a_runs_findings_are_stored_once_inside_its_report(tmp_path: Path, tmp_state: Path) -> None:
    path, run_id = recorded(tmp_path, tmp_state)

    db = sqlite3.connect(path)
    stored = db.execute(
        "SELECT runs.findings, runs.report, reports.report FROM runs "
        "JOIN reports ON reports.run = runs.seq WHERE runs.id = ?",
        (run_id,),
    ).fetchall()
    db.close()

    ((findings, report_in_runs, report),) = stored
    assert (findings, report_in_runs) == (None, None)
    assert json.loads(report) == REPORT


def test_a_run_stored_by_an_earlier_tenantmap_reads_back_the_same_after_the_upgrade(
    tmp_path: Path, tmp_state: Path
) -> None:
    path, run_id = recorded(tmp_path, tmp_state)
    # Earlier tenantmaps stored the findings apart as well, and the report as text in runs.
    change_row(
        path,
        "UPDATE runs SET findings = ?, report = ? WHERE id = ?",
        json.dumps(FINDINGS),
        json.dumps(REPORT),
        run_id,
    )
    change_row(path, "DROP TABLE reports")  # schema version 4 had none
    change_row(path, "UPDATE meta SET value = '4' WHERE key = 'schema'")

    store = SqliteStore(path, state_dir=tmp_state)
    try:
        (run,) = store.runs()
        history = store.previous_run(history_only=True)
    finally:
        store.close()

    assert (run.id, run.findings, run.report) == (run_id, FINDINGS, REPORT)
    assert history is not None
    assert history.report == {"run": REPORT["run"], "findings": FINDINGS}
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("6",)
    db.close()


def test_a_stored_report_that_is_not_json_is_a_store_error_naming_the_run(
    tmp_path: Path, tmp_state: Path
) -> None:
    path, run_id = recorded(tmp_path, tmp_state)
    change_row(path, "UPDATE reports SET report = CAST('{\"findings\": [' AS BLOB)")

    store = SqliteStore(path, state_dir=tmp_state)
    try:
        with pytest.raises(StoreError) as raised:
            store.previous_run(history_only=True)
    finally:
        store.close()

    assert str(raised.value).startswith(
        f"run {run_id} in the SQLite store {path} cannot be read: its report is not valid JSON"
    )


def test_a_purge_that_fails_part_way_leaves_each_run_whole_or_trimmed(
    tmp_path: Path, tmp_state: Path
) -> None:
    path = tmp_path / "tenantmap.db"
    store = SqliteStore(path, state_dir=tmp_state)
    try:
        for day in range(1, TRIM_BATCH + 3):
            record_run(store, small_estate(), f"2026-11-{day:02d}T02:00:00Z", report=REPORT)
        before = store.runs()
        # The second batch's last statement fails (as a full disk would), after its
        # report was deleted in the same transaction.
        change_row(
            path,
            "CREATE TRIGGER fail_second_batch BEFORE INSERT ON trimmed_runs "
            f"WHEN new.run > {TRIM_BATCH} BEGIN SELECT RAISE(ABORT, 'disk full'); END",
        )

        with pytest.raises(StoreError, match="disk full"):
            store.purge(30, now=datetime(2027, 1, 1, tzinfo=UTC))

        after = store.runs()
    finally:
        store.close()
    assert [r.trimmed for r in after] == [True] * TRIM_BATCH + [False, False]
    assert after[TRIM_BATCH:] == before[TRIM_BATCH:]  # untouched, reports and all
