"""`tenantmap run` end to end: the real emulator, the real SDKs, the embedded store, real processes."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from reports.model import KINDS as FINDING_KINDS
from tests.cli.helpers import Result, one_sentence_error, sample_night, tenantmap


@dataclass
class TwoNights:
    state: Path
    first: Result
    second: Result
    first_report: dict
    second_report: dict
    first_out: Path
    second_out: Path


def nightly(sample_estate: Path, state: Path, out: Path, *extra: str) -> Result:
    return sample_night(sample_estate, state, "--out", str(out), "--now", "2026-11-27", *extra)


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory: pytest.TempPathFactory, sample_estate: Path) -> TwoNights:
    base = tmp_path_factory.mktemp("nightly")
    state = base / "state"
    first = nightly(sample_estate, state, base / "night1")
    second = nightly(sample_estate, state, base / "night2", "--log-format", "json")
    return TwoNights(
        state,
        first,
        second,
        json.loads((base / "night1" / "report.json").read_text()),
        json.loads((base / "night2" / "report.json").read_text()),
        base / "night1",
        base / "night2",
    )


def test_a_run_writes_the_snapshot_and_all_four_reports(two_nights: TwoNights) -> None:
    assert two_nights.first.code == 0, two_nights.first.stderr
    for name in (
        "report.json",
        "report.html",
        "report.md",
        "findings.csv",
        "snapshot/manifest.json",
    ):
        assert (two_nights.first_out / name).is_file(), name
    assert two_nights.first.stdout.strip().endswith("report.html")


def test_the_sample_estate_shows_every_finding_kind(two_nights: TwoNights) -> None:
    kinds = {f["kind"] for f in two_nights.first_report["findings"]}
    assert kinds == set(FINDING_KINDS)


def test_the_first_night_has_no_previous_run_and_everything_is_new(two_nights: TwoNights) -> None:
    report = two_nights.first_report
    assert report["run"]["previousRun"] is None
    assert {f["status"] for f in report["findings"]} == {"new", "accepted"}


def test_the_second_night_compares_with_the_first(two_nights: TwoNights) -> None:
    first, second = two_nights.first_report, two_nights.second_report
    assert second["run"]["previousRun"] == first["run"]["id"]
    assert second["summary"]["new"] == 0
    assert second["summary"]["open"] == first["summary"]["open"]
    assert {f["status"] for f in second["findings"]} == {"existing", "accepted"}
    assert {f["id"] for f in second["findings"]} == {f["id"] for f in first["findings"]}


def test_the_run_folder_report_and_history_share_one_run_id(two_nights: TwoNights) -> None:
    from graph.stores import open_store

    store = open_store(None, state_dir=two_nights.state)
    try:
        ids = [run.id for run in store.runs()]
    finally:
        store.close()
    assert two_nights.first_report["run"]["id"] in ids
    assert two_nights.second_report["run"]["id"] in ids


def test_json_logs_are_one_object_per_line(two_nights: TwoNights) -> None:
    lines = [line for line in two_nights.second.stderr.splitlines() if line.startswith("{")]
    assert lines, two_nights.second.stderr
    docs = [json.loads(line) for line in lines]
    assert all({"ts", "level", "msg"} <= doc.keys() for doc in docs)
    assert any("reports written" in doc["msg"] for doc in docs)


def test_report_rerenders_the_same_files_from_report_json(
    two_nights: TwoNights, tmp_path: Path
) -> None:
    copy = tmp_path / "report.json"
    shutil.copy(two_nights.first_out / "report.json", copy)
    result = tenantmap("report", str(copy), "--quiet")
    assert result.code == 0, result.stderr
    for name in ("report.html", "report.md", "findings.csv", "report.json"):
        assert (tmp_path / name).read_bytes() == (two_nights.first_out / name).read_bytes(), name


def test_report_without_a_file_shows_the_last_run_in_the_terminal(two_nights: TwoNights) -> None:
    result = tenantmap("report", "--state-dir", str(two_nights.state))
    assert result.code == 0, result.stderr
    assert "jump-01" in result.stdout


def test_a_named_query_reads_the_stored_graph(two_nights: TwoNights) -> None:
    result = tenantmap(
        "query", "connected-tenants", "--format", "json", "--state-dir", str(two_nights.state)
    )
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert any("0d1e2f3a-0000-4000-8000-000000000002" in json.dumps(row) for row in rows)


def test_query_list_explains_every_query() -> None:
    result = tenantmap("query", "--list")
    assert result.code == 0
    for name in (
        "connected-tenants",
        "internet-paths",
        "vnet-reach",
        "cross-links",
        "mg-subscriptions",
        "changes",
    ):
        assert name in result.stdout


def test_fail_on_critical_exits_1_when_a_critical_finding_is_open(
    sample_estate: Path, tmp_path: Path
) -> None:
    result = nightly(sample_estate, tmp_path / "state", tmp_path / "out", "--fail-on", "critical")
    assert result.code == 1, result.stderr


def test_fail_on_new_holds_on_the_first_night_only(
    two_nights: TwoNights, tmp_path: Path, sample_estate: Path
) -> None:
    state = tmp_path / "state"
    shutil.copytree(two_nights.state, state)
    result = nightly(sample_estate, state, tmp_path / "out", "--fail-on", "new")
    assert result.code == 0, result.stderr


def test_a_held_lock_stops_a_second_run_with_exit_4(sample_estate: Path, tmp_path: Path) -> None:
    from graph.stores.lock import StateLock

    state = tmp_path / "state"
    state.mkdir()
    lock = StateLock(state)
    lock.acquire()
    try:
        result = nightly(sample_estate, state, tmp_path / "out")
    finally:
        lock.release()
    assert result.code == 4
    assert "lock" in one_sentence_error(result)
    assert not (tmp_path / "out" / "snapshot").exists()


def test_analyse_reads_a_snapshot_without_touching_the_history(
    two_nights: TwoNights, tmp_path: Path, sample_estate: Path
) -> None:
    state = tmp_path / "state"
    shutil.copytree(two_nights.state, state)
    result = tenantmap(
        "analyse",
        "--snapshot",
        str(two_nights.first_out / "snapshot"),
        "--inventory",
        str(sample_estate / "inventory.yaml"),
        "--state-dir",
        str(state),
        "--out",
        str(tmp_path / "out"),
        "--now",
        "2026-11-27",
    )
    assert result.code == 0, result.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["run"]["previousRun"] == two_nights.second_report["run"]["id"]
    from graph.stores import open_store

    store = open_store(None, state_dir=state)
    try:
        assert len(store.runs()) == 2
    finally:
        store.close()


def test_the_demo_prints_the_path_of_a_report_with_every_finding_kind(tmp_path: Path) -> None:
    result = tenantmap("demo", "--out", str(tmp_path / "demo"))
    assert result.code == 0, result.stderr
    path = Path(result.stdout.strip().splitlines()[-1].removeprefix("report: "))
    assert path.is_file() and path.name == "report.html"
    report = json.loads((path.parent / "report.json").read_text())
    assert {f["kind"] for f in report["findings"]} == set(FINDING_KINDS)
