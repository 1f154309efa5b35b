"""Bad input gets one clear sentence and exit code 2, and nothing is crawled or written."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import one_sentence_error, tenantmap


def test_a_missing_estate_folder_is_named(tmp_path: Path) -> None:
    result = tenantmap(
        "crawl", "--estate", str(tmp_path / "nowhere"), "--out", str(tmp_path / "snap")
    )
    assert result.code == 2
    assert "nowhere does not exist: fix --estate" in one_sentence_error(result)
    assert not (tmp_path / "snap").exists()


def test_a_malformed_estate_names_the_file_and_line(tmp_path: Path, sample_estate: Path) -> None:
    import shutil

    estate = tmp_path / "estate"
    shutil.copytree(sample_estate, estate)
    lines = (estate / "resources.jsonl").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2][:40]
    (estate / "resources.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = tenantmap("crawl", "--estate", str(estate), "--out", str(tmp_path / "snap"))
    assert result.code == 2
    message = one_sentence_error(result)
    assert "resources.jsonl" in message and ":3" in message


def test_run_without_an_inventory_says_how_to_start_one(
    tmp_path: Path, sample_estate: Path
) -> None:
    result = tenantmap("run", "--estate", str(sample_estate), "--state-dir", str(tmp_path / "s"))
    assert result.code == 2
    assert "inventory draft" in one_sentence_error(result)


def test_an_invalid_inventory_stops_the_run_before_anything_is_crawled(
    tmp_path: Path, sample_estate: Path
) -> None:
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(
        "version: 1\norganization: Contoso\ntenants:\n  - id: not-a-guid\n    relationship: home\n"
        "subscriptions:\n  - id: prod\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = tenantmap(
        "run",
        "--estate",
        str(sample_estate),
        "--inventory",
        str(inventory),
        "--state-dir",
        str(tmp_path / "s"),
        "--out",
        str(out),
    )
    assert result.code == 2
    assert "Traceback" not in result.stderr
    assert f"{inventory.name}:4:" in result.stderr and f"{inventory.name}:7:" in result.stderr
    assert not out.exists()


def test_inventory_check_accepts_the_sample_inventory(sample_estate: Path) -> None:
    result = tenantmap("inventory", "check", str(sample_estate / "inventory.yaml"))
    assert result.code == 0, result.stderr
    assert "valid" in result.stdout


def test_report_refuses_a_file_that_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text(json.dumps({"format": "something/else"}), encoding="utf-8")
    result = tenantmap("report", str(path))
    assert result.code == 2
    assert "is not a tenantmap report" in one_sentence_error(result)


def test_credentials_over_plain_smtp_are_refused_without_smtp_insecure(
    tmp_path: Path, sample_estate: Path
) -> None:
    result = tenantmap(
        "run",
        "--estate",
        str(sample_estate),
        "--inventory",
        str(sample_estate / "inventory.yaml"),
        "--state-dir",
        str(tmp_path / "s"),
        "--mail-to",
        "secops@contoso.example",
        "--mail-from",
        "tenantmap@contoso.example",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-security",
        "none",
        "--smtp-user",
        "tenantmap",
        env={"TENANTMAP_SMTP_PASSWORD": "hunter2"},
    )
    assert result.code == 2
    assert "--smtp-insecure" in one_sentence_error(result)
    assert not (tmp_path / "s" / "runs").exists()


def test_a_query_with_a_bad_parameter_is_bad_input(tmp_path: Path) -> None:
    result = tenantmap("query", "vnet-reach", "--state-dir", str(tmp_path / "s"))
    assert result.code == 2
    assert one_sentence_error(result) == "tenantmap: query vnet-reach takes VNET_ID"


def test_an_unknown_query_name_points_to_the_list(tmp_path: Path) -> None:
    result = tenantmap("query", "everything", "--state-dir", str(tmp_path / "s"))
    assert result.code == 2
    assert "tenantmap query --list" in one_sentence_error(result)
