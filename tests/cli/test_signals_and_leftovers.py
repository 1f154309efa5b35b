"""SIGTERM is handled like Ctrl-C, and what killed runs leave behind is cleared
(issue 10, items 12 and 14)."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graph.stores.common import Outcome
from graph.stores.sqlite import SqliteStore
from tenantmap.leftovers import expired_runs, sweep_snapshot_debris
from tenantmap.pipeline import kept_previous
from tests.cli.helpers import TENANTMAP, tenantmap


@pytest.fixture
def slow_estate(tmp_path: Path, sample_estate: Path) -> Path:
    """The sample estate answering slowly, so a signal lands mid-crawl."""
    estate = tmp_path / "slow-estate"
    shutil.copytree(sample_estate, estate)
    settings = json.loads((estate / "emulator.json").read_text())
    settings.update(latencyMs=1000, pageSize=2)
    (estate / "emulator.json").write_text(json.dumps(settings))
    return estate


def interrupt_mid_crawl(
    sig: signal.Signals, estate: Path, state: Path, out: Path
) -> tuple[int, str]:
    proc = subprocess.Popen(
        [TENANTMAP, "run", "--estate", str(estate), "--inventory", str(estate / "inventory.yaml"),
         "--state-dir", str(state), "--out", str(out), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Whoever runs the suite may ignore SIGINT (a background job); tenantmap respects that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not list(out.glob(".snapshot.partial-*")) and proc.poll() is None:
        assert time.monotonic() < deadline, "the crawl never started"
        time.sleep(0.05)
    time.sleep(0.5)  # requests in flight
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    return proc.returncode, stderr


def run_rows(state: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(state / "tenantmap.db") as db:
        return list(db.execute("SELECT outcome, exit_code FROM runs"))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_crawl_gives_one_line_exit_3_and_an_interrupted_run_row(
    sig: signal.Signals, slow_estate: Path, tmp_path: Path
) -> None:
    state, out = tmp_path / "state", tmp_path / "out"
    code, stderr = interrupt_mid_crawl(sig, slow_estate, state, out)
    assert code == 3
    assert stderr.splitlines() == [
        f"tenantmap: interrupted ({sig.name}); nothing after the last completed step was kept"
    ]
    assert run_rows(state) == [("interrupted", 3)]
    assert list(out.iterdir()) == []  # the partial snapshot went with the run


def test_partial_snapshots_of_dead_runs_are_swept_at_the_next_run(
    tmp_path: Path, sample_estate: Path
) -> None:
    state = tmp_path / "state"
    debris = state / "runs" / "20261127020013-000041" / ".snapshot.partial-k1ll3d"
    debris.mkdir(parents=True)
    (debris / "resources.jsonl").write_text("{}\n")
    result = tenantmap(
        "run", "--estate", str(sample_estate), "--inventory", str(sample_estate / "inventory.yaml"),
        "--state-dir", str(state),
    )  # fmt: skip
    assert result.code in (0, 1, 3), result.stderr
    assert not debris.exists()
    assert debris.parent.exists()  # the dead run's own folder (its reports, if any) stays


def test_run_folders_older_than_the_retention_are_purged_and_others_kept(
    tmp_path: Path, sample_estate: Path
) -> None:
    state = tmp_path / "state"
    old = state / "runs" / "20200101020000-000001"
    recent = state / "runs" / datetime.now(UTC).strftime("%Y%m%d%H%M%S-000002")
    mine = state / "runs" / "notes"
    for folder in (old, recent, mine):
        folder.mkdir(parents=True)
        (folder / "report.md").write_text("kept?")
    result = tenantmap(
        "run", "--estate", str(sample_estate), "--inventory", str(sample_estate / "inventory.yaml"),
        "--state-dir", str(state), "--retention-days", "30",
    )  # fmt: skip
    assert result.code in (0, 1, 3), result.stderr
    assert not old.exists()
    assert recent.exists() and mine.exists()
    assert len(list((state / "runs").iterdir())) == 3  # recent, notes and tonight's run


def test_expired_runs_are_judged_by_the_start_time_in_their_name() -> None:
    now = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    names = [
        "20261102020000-000001",  # 31 days
        "20261104020000-000002",  # 29 days
        "20261101T020000Z-1a2b3c",  # an unrecorded run, 32 days
        "backup-2019",
        "20261201020000-000003",
    ]
    assert expired_runs(names, retention_days=30, now=now, keep={"20261201020000-000003"}) == [
        "20261101T020000Z-1a2b3c",
        "20261102020000-000001",
    ]


def test_a_run_folder_kept_aside_stays_however_old() -> None:
    now = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    names = ["20260601020000-000001", "20260602020000-000002", "20261203020000-000003"]

    expired = expired_runs(
        names, retention_days=30, now=now, keep={"20261203020000-000003", "20260601020000-000001"}
    )

    assert expired == ["20260602020000-000002"]


def test_the_run_kept_whole_is_the_latest_that_counts_as_previous(tmp_state: Path) -> None:
    store = SqliteStore(tmp_state / "tenantmap.db", state_dir=tmp_state)
    try:
        nights: list[tuple[str, Outcome, int]] = [
            ("2026-06-01", "completed", 0),
            ("2026-06-02", "completed", 1),
            ("2026-12-02", "failed", 2),
            ("2026-12-03", "failed", 3),
        ]
        runs = []
        for day, outcome, code in nights:
            run_id = store.begin_run(f"{day}T02:00:00Z", {"kind": "test"}, None)
            store.finish_run(
                run_id, finished_at=f"{day}T02:10:00Z", outcome=outcome, exit_code=code,
                coverage={}, findings=[], report=None,
            )  # fmt: skip
            runs.append(run_id)
        store.purge(30, now=datetime(2026, 12, 3, 3, 0, tzinfo=UTC))

        assert kept_previous(store) == runs[1]
        assert store.previous_run() is not None and store.previous_run().id == runs[1]  # type: ignore[union-attr]
    finally:
        store.close()


def test_debris_sweep_leaves_everything_but_snapshot_debris(tmp_path: Path) -> None:
    run = tmp_path / "run"
    for name in (".snapshot.partial-x", ".snapshot.old-y", "snapshot", ".partial-other"):
        (run / name).mkdir(parents=True)
    (run / "report.html").write_text("x")
    removed = sweep_snapshot_debris([run])
    assert sorted(p.name for p in removed) == [".snapshot.old-y", ".snapshot.partial-x"]
    assert sorted(p.name for p in run.iterdir()) == [".partial-other", "report.html", "snapshot"]
