"""`tenantmap analyse --run ID`: a stored run analysed again from the store alone.

The store keeps each run's graph and crawl record (graph/crawl_record.py), so a
run's findings can be derived again with no snapshot folder left on disk, from
the embedded store and from Neo4j alike.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

from graph.build import build_graph
from graph.crawl_record import crawl_record
from graph.snapshot import load_snapshot
from graph.stores import open_store
from tenantmap.pipeline import read_stored_run
from tests.cli.helpers import Result, one_sentence_error, sample_night, tenantmap
from tests.graph.handmade import contoso_snapshot

REPORTS = ("report.json", "report.md", "findings.csv")
STORES = ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def _store_url(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("neo4j_empty_uri"))


def _analyse_run(run_id: str, sample_estate: Path, *extra: str) -> Result:
    return tenantmap(
        "analyse", "--run", run_id, "--inventory", str(sample_estate / "inventory.yaml"), *extra
    )


@pytest.mark.parametrize("kind", STORES)
def test_each_stored_run_analysed_again_without_its_snapshot_gives_its_own_reports(
    kind: str, request: pytest.FixtureRequest, sample_estate: Path, tmp_path: Path
) -> None:
    store = _store_url(kind, request, tmp_path)
    where = ("--store", store, "--state-dir", str(tmp_path / "state"))
    nights = []
    for night in ("2026-11-27", "2026-11-28"):
        out = tmp_path / night
        result = sample_night(
            sample_estate, tmp_path / "state", "--out", str(out), "--now", night, "--store", store
        )
        assert result.code == 0, result.stderr
        shutil.rmtree(out / "snapshot")
        nights.append(out)
    second = json.loads((nights[1] / "report.json").read_text())
    assert {f["status"] for f in second["findings"]} >= {"existing"}  # compared with night 1

    for out in nights:
        run_id = json.loads((out / "report.json").read_text())["run"]["id"]
        again = tmp_path / f"again-{out.name}"
        result = _analyse_run(run_id, sample_estate, "--out", str(again), *where)
        assert result.code == 0, result.stderr
        for name in REPORTS:
            assert (again / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.parametrize("kind", STORES)
def test_a_stored_run_is_read_with_the_run_it_was_compared_with_and_no_other_run(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snap = load_snapshot(contoso_snapshot(tmp_path / "snap"))
    graph, crawl = build_graph(snap), crawl_record(snap).to_json()
    store = open_store(_store_url(kind, request, tmp_path), state_dir=tmp_path / "state")
    ids = []
    try:
        for day, outcome, exit_code in (
            (1, "completed", 0),
            (2, "completed", 1),  # the run night 6 was compared with
            (3, "failed", 3),
            (4, "interrupted", 3),
            (5, "completed", 2),
            (6, "completed", 0),
            (7, "completed", 0),
        ):
            at = f"2026-11-{day:02d}T02:00:00Z"
            run_id = store.begin_run(at, {"kind": "handmade"}, None)
            store.write_graph(run_id, graph, complete_scopes=set(), seen_at=at)
            store.finish_run(
                run_id,
                finished_at=at,
                outcome=outcome,  # type: ignore[arg-type]
                exit_code=exit_code,
                coverage={},
                findings=[{"id": f"f{day}"}],
                report={"run": {"id": run_id}, "findings": [{"id": f"f{day}"}], "big": [day]},
                crawl=crawl,
            )
            ids.append(run_id)

        def runs() -> NoReturn:
            raise AssertionError("runs() reads every run's report")

        monkeypatch.setattr(store, "runs", runs)
        stored = read_stored_run(store, ids[5])
    finally:
        store.close()
    assert stored.record.id == ids[5] and stored.record.crawl == crawl
    assert stored.previous is not None and stored.previous.id == ids[1]
    # as the night read it: the report's run and findings
    assert stored.previous.report == {"run": {"id": ids[1]}, "findings": [{"id": "f2"}]}


@pytest.fixture
def store_without_crawl_record(tmp_path: Path) -> tuple[str, str]:
    """A store holding one run recorded without a graph or crawl record (as a run that
    failed before storing them, or one an earlier tenantmap recorded)."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = open_store(url, state_dir=tmp_path / "state")
    try:
        run_id = store.begin_run("2026-11-27T02:00:00Z", {"kind": "resource-graph"}, None)
        store.finish_run(
            run_id,
            finished_at="2026-11-27T02:10:00Z",
            outcome="failed",
            exit_code=3,
            coverage={"error": "the crawl stopped"},
            findings=[],
            report=None,
        )
    finally:
        store.close()
    return url, run_id


def test_a_run_stored_without_its_crawl_record_points_to_its_snapshot(
    store_without_crawl_record: tuple[str, str], sample_estate: Path, tmp_path: Path
) -> None:
    url, run_id = store_without_crawl_record
    result = _analyse_run(
        run_id, sample_estate, "--store", url, "--state-dir", str(tmp_path / "state")
    )
    assert result.code == 2
    assert "analyse its snapshot with --snapshot DIR instead" in result.stderr


def test_a_run_the_store_does_not_hold_is_named(
    store_without_crawl_record: tuple[str, str], sample_estate: Path, tmp_path: Path
) -> None:
    url, _ = store_without_crawl_record
    result = _analyse_run(
        "20261127020000-000099", sample_estate, "--store", url, "--state-dir", str(tmp_path)
    )
    assert result.code == 2
    assert "the store holds no run '20261127020000-000099'" in result.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--run", "r1", "--record"), "--record cannot be used with --run"),
        (("--run", "r1", "--snapshot", "snap"), "pass either --snapshot DIR or --run RUN_ID"),
        ((), "pass either --snapshot DIR or --run RUN_ID"),
    ],
)
def test_analyse_takes_a_snapshot_or_a_stored_run_and_records_only_a_snapshot(
    args: tuple[str, ...], says: str, sample_estate: Path, tmp_path: Path
) -> None:
    result = tenantmap(
        "analyse",
        "--inventory",
        str(sample_estate / "inventory.yaml"),
        "--state-dir",
        str(tmp_path),
        *args,
    )
    assert result.code == 2
    assert says in one_sentence_error(result)


@pytest.fixture(scope="module")
def two_nights_kept_no_longer_than_a_night(
    sample_estate: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str, str]:
    """Two nights recorded with --retention-days 0: the second night's purge trims the
    first (older than the retention, and no longer the previous run)."""
    base = tmp_path_factory.mktemp("trimmed")
    ids = []
    for night in ("2026-11-27", "2026-11-28"):
        out = base / night
        result = sample_night(
            sample_estate,
            base / "state",
            "--out",
            str(out),
            "--now",
            night,
            "--retention-days",
            "0",
        )
        assert result.code == 0, result.stderr
        ids.append(json.loads((out / "report.json").read_text())["run"]["id"])
    return base / "state", ids[0], ids[1]


TRIMMED = (
    "is older than the retention period: its report, findings and crawl record are no longer kept"
)


@pytest.mark.parametrize(
    ("night", "says"),
    [
        # the trimmed run itself
        (0, "tenantmap: run {first} " + TRIMMED),
        # the run compared with it: without its report every finding would read as new
        (
            1,
            "tenantmap: run {second} cannot be analysed again against the run it was "
            "compared with: run {first} " + TRIMMED,
        ),
    ],
)
def test_analyse_run_that_needs_a_report_older_than_the_retention_names_that_run(
    night: int,
    says: str,
    two_nights_kept_no_longer_than_a_night: tuple[Path, str, str],
    sample_estate: Path,
) -> None:
    state, first, second = two_nights_kept_no_longer_than_a_night
    result = _analyse_run((first, second)[night], sample_estate, "--state-dir", str(state))

    assert result.code == 2, result.stderr
    assert one_sentence_error(result) == says.format(first=first, second=second)
