"""A store that stops answering once the night's graph is built (the previous run is read
only then): the night goes on as with a store that failed at the start."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli.helpers import Result, one_sentence_error, tenantmap


def analyse(snap: Path, sample_estate: Path, state: Path, out: Path) -> Result:
    return tenantmap(
        "analyse", "--snapshot", str(snap), "--inventory", str(sample_estate / "inventory.yaml"),
        "--record", "--state-dir", str(state), "--out", str(out), "--now", "2026-11-27",
    )  # fmt: skip


def first_night(sample_estate: Path, tmp_path: Path, state: Path) -> Path:
    """The sample estate crawled and its first night recorded; the snapshot's folder."""
    snap = tmp_path / "snap"
    crawled = tenantmap(
        "crawl", "--estate", str(sample_estate), "--out", str(snap), "--state-dir", str(state)
    )
    assert crawled.code == 0, crawled.stderr
    first = analyse(snap, sample_estate, state, tmp_path / "night1")
    assert first.code == 0, first.stderr
    return snap


def run_outcomes(state: Path) -> list[tuple[str, str, int]]:
    db = sqlite3.connect(state / "tenantmap.db")
    try:
        return db.execute("SELECT id, outcome, exit_code FROM runs ORDER BY seq").fetchall()
    finally:
        db.close()


def test_a_previous_run_that_cannot_be_read_ends_the_night_with_exit_3_and_its_reports_kept(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    snap = first_night(sample_estate, tmp_path, tmp_state)
    db = sqlite3.connect(tmp_state / "tenantmap.db")
    with db:  # the first night's report, damaged: the second night cannot read its history
        (first_run,) = db.execute("SELECT id FROM runs").fetchone()
        db.execute("UPDATE reports SET report = CAST('{\"findings\": [' AS BLOB)")
    db.close()

    second = analyse(snap, sample_estate, tmp_state, tmp_path / "night2")

    assert second.code == 3
    error = one_sentence_error(second)
    assert f"run {first_run} in the SQLite store" in error
    assert "its report is not valid JSON" in error
    assert f"rerun `tenantmap analyse --snapshot {snap} --record`" in error
    report = json.loads((tmp_path / "night2" / "report.json").read_text())
    assert report["run"]["previousRun"] is None
    # Recorded failed, so it never becomes a previous run.
    assert run_outcomes(tmp_state) == [
        (first_run, "completed", 0),
        (report["run"]["id"], "failed", 3),
    ]


def test_a_previous_finding_that_cannot_be_read_ends_the_night_with_exit_3_and_its_reports_kept(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    snap = first_night(sample_estate, tmp_path, tmp_state)
    db = sqlite3.connect(tmp_state / "tenantmap.db")
    with db:  # one finding of the first night's report damaged, its layout intact
        (first_run,) = db.execute("SELECT id FROM runs").fetchone()
        (text,) = db.execute("SELECT report FROM reports").fetchone()
        line = text.index(b"\n") + 1
        damaged = text[:line] + text[line:].replace(b'"details":', b'"details" ', 1)
        db.execute("UPDATE reports SET report = ?", (damaged,))
    db.close()

    second = analyse(snap, sample_estate, tmp_state, tmp_path / "night2")

    assert second.code == 3
    error = one_sentence_error(second)
    assert f"run {first_run} in the SQLite store" in error
    assert "a finding is not valid JSON" in error
    assert f"rerun `tenantmap analyse --snapshot {snap} --record`" in error
    report = json.loads((tmp_path / "night2" / "report.json").read_text())
    assert report["run"]["previousRun"] is None
    assert {finding["status"] for finding in report["findings"]} <= {"new", "accepted"}
    assert run_outcomes(tmp_state) == [
        (first_run, "completed", 0),
        (report["run"]["id"], "failed", 3),
    ]
