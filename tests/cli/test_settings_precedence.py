"""Settings come from flags, then TENANTMAP_* variables, then the TOML file (cli.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from tenantmap.cli import common, opt


@click.command("probe")
@common
@opt("--store")
@opt("--retention-days", type=int, default=30)
def probe(**kw: Any) -> None:
    click.echo(f"store={kw['store']} retention={kw['retention_days']} state={kw['state_dir']}")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "tenantmap.toml"
    path.write_text(
        'store = "sqlite:///from-file.db"\nretention-days = 7\nstate-dir = "/from/file"\n'
        "[probe]\nretention-days = 9\n",
        encoding="utf-8",
    )
    return path


def invoke(args: list[str], env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(probe, args, env=env or {}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_the_toml_file_supplies_defaults_and_a_command_table_wins_over_the_top_level(
    config_file: Path,
) -> None:
    assert (
        invoke(["--config", str(config_file)])
        == "store=sqlite:///from-file.db retention=9 state=/from/file"
    )


def test_an_environment_variable_wins_over_the_file(config_file: Path) -> None:
    out = invoke(["--config", str(config_file)], env={"TENANTMAP_STORE": "sqlite:///from-env.db"})
    assert out.startswith("store=sqlite:///from-env.db ")


def test_a_flag_wins_over_the_environment_and_the_file(config_file: Path) -> None:
    out = invoke(
        ["--config", str(config_file), "--store", "sqlite:///from-flag.db"],
        env={"TENANTMAP_STORE": "sqlite:///from-env.db"},
    )
    assert out.startswith("store=sqlite:///from-flag.db ")


def test_the_config_file_itself_can_come_from_the_environment(config_file: Path) -> None:
    assert invoke([], env={"TENANTMAP_CONFIG": str(config_file)}).startswith(
        "store=sqlite:///from-file.db"
    )


def test_a_missing_config_file_is_one_sentence_naming_the_flag(tmp_path: Path) -> None:
    result = CliRunner().invoke(probe, ["--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2
    assert "does not exist: fix --config" in result.output
    assert "Traceback" not in result.output


def test_a_config_file_that_is_not_toml_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("store = = 1\n", encoding="utf-8")
    result = CliRunner().invoke(probe, ["--config", str(bad)])
    assert result.exit_code == 2
    assert f"config file {bad} is not valid TOML" in result.output


def refusal(text: str, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "tenantmap.toml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(probe, ["--config", str(path)])
    return result.exit_code, result.output


def test_a_misspelt_key_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    code, output = refusal("retension-days = 7\n", tmp_path)
    assert code == 2
    assert 'unknown key "retension-days" (did you mean "retention-days"?)' in output


def test_a_misspelt_key_in_a_command_table_is_refused(tmp_path: Path) -> None:
    code, output = refusal("[probe]\nstor = 'sqlite:///x.db'\n", tmp_path)
    assert code == 2
    assert 'unknown key in [probe] "stor" (did you mean "store"?)' in output


def test_a_table_for_no_command_is_refused(tmp_path: Path) -> None:
    code, output = refusal("[prob]\nstore = 'sqlite:///x.db'\n", tmp_path)
    assert code == 2 and 'unknown table "prob" (did you mean "probe"?)' in output


def test_the_real_cli_refuses_concurency_before_doing_anything(tmp_path: Path) -> None:
    from tests.cli.helpers import tenantmap

    path = tmp_path / "tenantmap.toml"
    path.write_text("concurency = 4\n", encoding="utf-8")
    result = tenantmap("crawl", "--config", str(path), "--out", str(tmp_path / "snap"))
    assert result.code == 2
    assert 'unknown key "concurency" (did you mean "concurrency"?)' in result.stderr
    assert not (tmp_path / "snap").exists()


def test_a_key_of_another_command_is_accepted_at_the_top_level(tmp_path: Path) -> None:
    from tests.cli.helpers import tenantmap

    path = tmp_path / "tenantmap.toml"
    path.write_text('inventory = "inventory.yaml"\nmail-to = ["a@b.example"]\n', encoding="utf-8")
    result = tenantmap("query", "--config", str(path), "--list")
    assert result.code == 0, result.stderr


def test_an_option_may_be_written_under_its_long_name_even_when_its_parameter_is_named_otherwise(
    tmp_path: Path,
) -> None:
    from tests.cli.helpers import tenantmap

    path = tmp_path / "tenantmap.toml"
    path.write_text('[query]\nformat = "json"\n', encoding="utf-8")
    state = tmp_path / "state"
    result = tenantmap("query", "--config", str(path), "--list", "--state-dir", str(state))
    assert result.code == 0, result.stderr


def test_a_top_level_out_is_the_run_report_folder_never_the_crawl_snapshot_folder(
    tmp_path: Path,
) -> None:
    from tests.cli.helpers import tenantmap

    path = tmp_path / "tenantmap.toml"
    reports = tmp_path / "reports"
    path.write_text(f'out = "{reports}"\n', encoding="utf-8")
    result = tenantmap("crawl", "--config", str(path), "--state-dir", str(tmp_path / "state"))
    assert result.code == 2
    assert "Missing option '--out'" in result.stderr
    assert not reports.exists()
