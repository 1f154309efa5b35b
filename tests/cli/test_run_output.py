"""What `tenantmap run` leaves on the terminal, in the logs and on disk."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tenantmap.summary import summary_line
from tests.cli.helpers import sample_night, tenantmap

RUN_FOLDER = re.compile(r"^\d{14}-[0-9a-f]{6}$")


def the_report(state: Path) -> dict:
    [folder] = (state / "runs").iterdir()
    return json.loads((folder / "report.json").read_text())


def test_run_and_demo_end_with_the_same_summary_line(sample_estate: Path, tmp_path: Path):
    run = sample_night(sample_estate, tmp_path / "state")
    demo = tenantmap("demo", "--out", str(tmp_path / "demo"))
    line = summary_line(the_report(tmp_path / "state"))
    assert line.startswith(
        "41 open findings (7 critical, "
    )  # 12 governance, 9 PaaS, 1 any-tenant (README)
    assert f"tenantmap: {line}" in run.stderr.splitlines()
    assert f"tenantmap: {line}" in demo.stderr.splitlines()


def test_with_json_logs_every_line_on_stderr_is_json(sample_estate: Path, tmp_path: Path):
    result = sample_night(sample_estate, tmp_path / "state", "--log-format", "json")
    records = [json.loads(line) for line in result.stderr.splitlines()]
    summary = summary_line(the_report(tmp_path / "state"))
    assert {"logger": "tenantmap", "level": "info", "msg": summary}.items() <= records[-1].items()


def test_with_json_logs_an_error_is_json_too(tmp_path: Path):
    result = tenantmap("run", "--inventory", str(tmp_path / "missing.yaml"), "--log-format", "json")
    assert result.code == 2
    [record] = [json.loads(line) for line in result.stderr.splitlines()]
    assert record["level"] == "error" and "missing.yaml" in record["msg"]


def test_a_run_that_stops_on_bad_input_leaves_no_empty_run_folder(
    sample_estate: Path, tmp_path: Path
):
    state = tmp_path / "state"
    # No credentials anywhere: refused once the crawl starts (exit 2).
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path), "AZURE_CLIENT_ID": ""}
    for name in ("AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "IDENTITY_ENDPOINT", "MSI_ENDPOINT"):
        env[name] = ""
    result = tenantmap(
        "run",
        "--inventory",
        str(sample_estate / "inventory.yaml"),
        "--state-dir",
        str(state),
        "--timeout",
        "30",
        env=env,
    )
    assert result.code == 2, result.stderr
    assert not (state / "runs").exists()


def test_run_folders_are_named_alike_whether_or_not_the_store_answers(
    sample_estate: Path, tmp_path: Path
):
    stored = sample_night(sample_estate, tmp_path / "up")
    unstored = sample_night(sample_estate, tmp_path / "down", "--store", "neo4j://127.0.0.1:1")
    assert (stored.code, unstored.code) == (0, 3)
    names = [p.name for s in ("up", "down") for p in (tmp_path / s / "runs").iterdir()]
    assert len(names) == 2 and all(RUN_FOLDER.match(n) for n in names), names


def test_with_json_logs_a_usage_error_is_json_too(tmp_path: Path):
    flag = tenantmap("run", "--log-format", "json", "--no-such-flag")
    config = tenantmap(
        "run", "--config", str(tmp_path / "missing.toml"), env={"TENANTMAP_LOG_FORMAT": "json"}
    )
    for result in (flag, config):
        assert result.code == 2
        [record] = [json.loads(line) for line in result.stderr.splitlines()]
        assert record["level"] == "error"
    assert "--no-such-flag" in json.loads(flag.stderr)["msg"]
    assert "missing.toml" in json.loads(config.stderr)["msg"]
